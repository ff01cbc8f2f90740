// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IGroth16Verifier} from "./interfaces/IGroth16Verifier.sol";
import {IZkMarginVerifier} from "./interfaces/IZkMarginVerifier.sol";

/// @title ZkMarginVerifier
/// @notice Verifier adapter: holds, per circuit capacity (position slots N), the Groth16 verifier of the margin
///         circuit and of the liquidation circuit (MarginN{N}M16Verifier, LiquidationN{N}M16Verifier), routes a
///         proof to the one its capacity names, and reverts unless it verifies.
///         Every capacity accepts any account that fits it: the account commitment does not depend on N.
/// @dev Up to MAX_CIRCUITS capacities, fixed at construction and held in immutables (no SLOAD on the proof
///      path). Public inputs are range-checked here (< the BN254 scalar field r) so a bad input gets its own
///      error instead of the verifier's silent false.
contract ZkMarginVerifier is IZkMarginVerifier {
    /// @notice The BN254 scalar field modulus r: every public input must be below it.
    uint256 public constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice How many capacities an adapter can hold.
    uint256 public constant MAX_CIRCUITS = 4;

    /// @notice The verifier returned false: the proof does not prove the statement.
    error ZkMarginVerifier__InvalidProof();
    /// @notice A public input is >= SNARK_SCALAR_FIELD.
    error ZkMarginVerifier__InputOutOfField();
    /// @notice No verifier is registered for this capacity.
    error ZkMarginVerifier__UnknownCircuit(uint8 capacity);
    /// @notice Constructor: the three arrays differ in length, or hold none or more than MAX_CIRCUITS entries.
    error ZkMarginVerifier__BadConfiguration();
    /// @notice Constructor: a capacity is 0 or listed twice.
    error ZkMarginVerifier__BadCapacity(uint8 capacity);
    /// @notice Constructor: a verifier address has no code.
    error ZkMarginVerifier__NotAContract(address verifier);

    /// @notice The number of capacities held.
    uint256 public immutable circuitCount;

    uint8 private immutable _capacity0;
    uint8 private immutable _capacity1;
    uint8 private immutable _capacity2;
    uint8 private immutable _capacity3;
    IGroth16Verifier private immutable _margin0;
    IGroth16Verifier private immutable _margin1;
    IGroth16Verifier private immutable _margin2;
    IGroth16Verifier private immutable _margin3;
    IGroth16Verifier private immutable _liquidation0;
    IGroth16Verifier private immutable _liquidation1;
    IGroth16Verifier private immutable _liquidation2;
    IGroth16Verifier private immutable _liquidation3;

    /// @param capacities_ the position-slot counts N (e.g. [1, 4, 16]), nonzero and distinct
    /// @param marginVerifiers the margin circuit's verifier for each capacity
    /// @param liquidationVerifiers the liquidation circuit's verifier for each capacity
    constructor(uint8[] memory capacities_, address[] memory marginVerifiers, address[] memory liquidationVerifiers) {
        uint256 n = capacities_.length;
        if (n == 0 || n > MAX_CIRCUITS || marginVerifiers.length != n || liquidationVerifiers.length != n) {
            revert ZkMarginVerifier__BadConfiguration();
        }
        uint8[MAX_CIRCUITS] memory caps;
        address[MAX_CIRCUITS] memory margin;
        address[MAX_CIRCUITS] memory liquidation;
        for (uint256 i = 0; i < n; ++i) {
            uint8 capacity = capacities_[i];
            if (capacity == 0) revert ZkMarginVerifier__BadCapacity(capacity);
            for (uint256 j = 0; j < i; ++j) {
                if (caps[j] == capacity) revert ZkMarginVerifier__BadCapacity(capacity);
            }
            if (marginVerifiers[i].code.length == 0) revert ZkMarginVerifier__NotAContract(marginVerifiers[i]);
            if (liquidationVerifiers[i].code.length == 0) {
                revert ZkMarginVerifier__NotAContract(liquidationVerifiers[i]);
            }
            caps[i] = capacity;
            margin[i] = marginVerifiers[i];
            liquidation[i] = liquidationVerifiers[i];
        }
        circuitCount = n;
        (_capacity0, _capacity1, _capacity2, _capacity3) = (caps[0], caps[1], caps[2], caps[3]);
        (_margin0, _margin1, _margin2, _margin3) = (
            IGroth16Verifier(margin[0]),
            IGroth16Verifier(margin[1]),
            IGroth16Verifier(margin[2]),
            IGroth16Verifier(margin[3])
        );
        (_liquidation0, _liquidation1, _liquidation2, _liquidation3) = (
            IGroth16Verifier(liquidation[0]),
            IGroth16Verifier(liquidation[1]),
            IGroth16Verifier(liquidation[2]),
            IGroth16Verifier(liquidation[3])
        );
    }

    /// @inheritdoc IZkMarginVerifier
    function verifyMargin(
        uint8 capacity,
        uint256[8] calldata proof,
        uint256 accountCommitment,
        uint256 roundCommitment,
        uint256 statement
    ) external view {
        _verify(_marginVerifier(capacity), proof, accountCommitment, roundCommitment, statement);
    }

    /// @inheritdoc IZkMarginVerifier
    function verifyLiquidation(
        uint8 capacity,
        uint256[8] calldata proof,
        uint256 accountCommitment,
        uint256 roundCommitment,
        uint256 statement
    ) external view {
        _verify(_liquidationVerifier(capacity), proof, accountCommitment, roundCommitment, statement);
    }

    /// @notice The capacities held, in construction order.
    function capacities() external view returns (uint8[] memory out) {
        uint8[MAX_CIRCUITS] memory caps = [_capacity0, _capacity1, _capacity2, _capacity3];
        out = new uint8[](circuitCount);
        for (uint256 i = 0; i < out.length; ++i) {
            out[i] = caps[i];
        }
    }

    /// @notice The margin and liquidation verifiers for `capacity` (reverts UnknownCircuit if none).
    function verifiersFor(uint8 capacity) external view returns (address margin, address liquidation) {
        margin = address(_marginVerifier(capacity));
        liquidation = address(_liquidationVerifier(capacity));
    }

    function _marginVerifier(uint8 capacity) private view returns (IGroth16Verifier) {
        if (capacity != 0) {
            if (capacity == _capacity0) return _margin0;
            if (capacity == _capacity1) return _margin1;
            if (capacity == _capacity2) return _margin2;
            if (capacity == _capacity3) return _margin3;
        }
        revert ZkMarginVerifier__UnknownCircuit(capacity);
    }

    function _liquidationVerifier(uint8 capacity) private view returns (IGroth16Verifier) {
        if (capacity != 0) {
            if (capacity == _capacity0) return _liquidation0;
            if (capacity == _capacity1) return _liquidation1;
            if (capacity == _capacity2) return _liquidation2;
            if (capacity == _capacity3) return _liquidation3;
        }
        revert ZkMarginVerifier__UnknownCircuit(capacity);
    }

    function _verify(
        IGroth16Verifier verifier,
        uint256[8] calldata proof,
        uint256 accountCommitment,
        uint256 roundCommitment,
        uint256 statement
    ) private view {
        if (
            accountCommitment >= SNARK_SCALAR_FIELD || roundCommitment >= SNARK_SCALAR_FIELD
                || statement >= SNARK_SCALAR_FIELD
        ) revert ZkMarginVerifier__InputOutOfField();
        bool ok = verifier.verifyProof(
            [proof[0], proof[1]],
            [[proof[2], proof[3]], [proof[4], proof[5]]],
            [proof[6], proof[7]],
            [accountCommitment, roundCommitment, statement]
        );
        if (!ok) revert ZkMarginVerifier__InvalidProof();
    }
}
