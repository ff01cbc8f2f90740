// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IGroth16Verifier3} from "./interfaces/IGroth16Verifier3.sol";
import {IGroth16Verifier4} from "./interfaces/IGroth16Verifier4.sol";
import {IGroth16Verifier5} from "./interfaces/IGroth16Verifier5.sol";
import {IZkMarginVerifier} from "./interfaces/IZkMarginVerifier.sol";

/// @title ZkMarginVerifier
/// @notice Verifier adapter of one vault: one Groth16 verifier per statement of the vault's profile, fixed at
///         construction (immutables, no SLOAD on the proof path). For the cross profile at M = 16, K = 8 they are
///         the generated DepositM16Verifier, FillsM16K8Verifier, CrossWithdrawM16Verifier, CrossMarginM16Verifier
///         and CrossTakeoverM16Verifier (Lending* / Tiered* alike). Each entry point reverts InputOutOfField for a
///         public input >= r (the generated verifiers would only return false) and InvalidProof unless the proof
///         verifies.
contract ZkMarginVerifier is IZkMarginVerifier {
    /// @notice The BN254 scalar field modulus r: every public input must be below it.
    uint256 public constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice The verifier returned false: the proof does not prove the statement.
    error ZkMarginVerifier__InvalidProof();
    /// @notice A public input is >= SNARK_SCALAR_FIELD.
    error ZkMarginVerifier__InputOutOfField(uint256 index);
    /// @notice Constructor: a verifier address has no code.
    error ZkMarginVerifier__NotAContract(address verifier);
    /// @notice Constructor: the risk tag is not 3, 4 or 5.
    error ZkMarginVerifier__UnknownProfile(uint8 riskTag);

    /// @inheritdoc IZkMarginVerifier
    uint8 public immutable riskTag;
    /// @notice DepositProof(M) verifier (3 public inputs).
    IGroth16Verifier3 public immutable depositVerifier;
    /// @notice ApplyFillsProof(M, K) verifier (4 public inputs).
    IGroth16Verifier4 public immutable applyFillsVerifier;
    /// @notice WithdrawProof(M, T, profile) verifier (4 public inputs).
    IGroth16Verifier4 public immutable withdrawVerifier;
    /// @notice MarginProof(M, T, profile) verifier (3 public inputs).
    IGroth16Verifier3 public immutable marginVerifier;
    /// @notice TakeoverProof(M, T, profile) verifier (5 public inputs).
    IGroth16Verifier5 public immutable takeoverVerifier;

    /// @param riskTag_ the profile the profile-specific verifiers prove (3 cross, 4 lending, 5 tiered)
    constructor(
        uint8 riskTag_,
        IGroth16Verifier3 deposit,
        IGroth16Verifier4 applyFills,
        IGroth16Verifier4 withdraw,
        IGroth16Verifier3 margin,
        IGroth16Verifier5 takeover
    ) {
        if (riskTag_ < 3 || riskTag_ > 5) revert ZkMarginVerifier__UnknownProfile(riskTag_);
        _requireCode(address(deposit));
        _requireCode(address(applyFills));
        _requireCode(address(withdraw));
        _requireCode(address(margin));
        _requireCode(address(takeover));
        riskTag = riskTag_;
        depositVerifier = deposit;
        applyFillsVerifier = applyFills;
        withdrawVerifier = withdraw;
        marginVerifier = margin;
        takeoverVerifier = takeover;
    }

    /// @inheritdoc IZkMarginVerifier
    function verifyDeposit(uint256[8] calldata proof, uint256[3] calldata inputs) external view {
        _checkField(inputs);
        _result(depositVerifier.verifyProof(_a(proof), _b(proof), _c(proof), inputs));
    }

    /// @inheritdoc IZkMarginVerifier
    function verifyApplyFills(uint256[8] calldata proof, uint256[4] calldata inputs) external view {
        _checkField(inputs);
        _result(applyFillsVerifier.verifyProof(_a(proof), _b(proof), _c(proof), inputs));
    }

    /// @inheritdoc IZkMarginVerifier
    function verifyWithdraw(uint256[8] calldata proof, uint256[4] calldata inputs) external view {
        _checkField(inputs);
        _result(withdrawVerifier.verifyProof(_a(proof), _b(proof), _c(proof), inputs));
    }

    /// @inheritdoc IZkMarginVerifier
    function verifyMargin(uint256[8] calldata proof, uint256[3] calldata inputs) external view {
        _checkField(inputs);
        _result(marginVerifier.verifyProof(_a(proof), _b(proof), _c(proof), inputs));
    }

    /// @inheritdoc IZkMarginVerifier
    function verifyTakeover(uint256[8] calldata proof, uint256[5] calldata inputs) external view {
        _checkField(inputs);
        _result(takeoverVerifier.verifyProof(_a(proof), _b(proof), _c(proof), inputs));
    }

    function _checkField(uint256[3] calldata inputs) private pure {
        for (uint256 i = 0; i < 3; ++i) {
            if (inputs[i] >= SNARK_SCALAR_FIELD) revert ZkMarginVerifier__InputOutOfField(i);
        }
    }

    function _checkField(uint256[4] calldata inputs) private pure {
        for (uint256 i = 0; i < 4; ++i) {
            if (inputs[i] >= SNARK_SCALAR_FIELD) revert ZkMarginVerifier__InputOutOfField(i);
        }
    }

    function _checkField(uint256[5] calldata inputs) private pure {
        for (uint256 i = 0; i < 5; ++i) {
            if (inputs[i] >= SNARK_SCALAR_FIELD) revert ZkMarginVerifier__InputOutOfField(i);
        }
    }

    function _result(bool ok) private pure {
        if (!ok) revert ZkMarginVerifier__InvalidProof();
    }

    function _a(uint256[8] calldata proof) private pure returns (uint256[2] memory) {
        return [proof[0], proof[1]];
    }

    function _b(uint256[8] calldata proof) private pure returns (uint256[2][2] memory) {
        return [[proof[2], proof[3]], [proof[4], proof[5]]];
    }

    function _c(uint256[8] calldata proof) private pure returns (uint256[2] memory) {
        return [proof[6], proof[7]];
    }

    function _requireCode(address verifier) private view {
        if (verifier.code.length == 0) revert ZkMarginVerifier__NotAContract(verifier);
    }
}
