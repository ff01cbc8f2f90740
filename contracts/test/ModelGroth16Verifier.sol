// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ModelGroth16Verifier
/// @notice Stand-in Groth16 verifier (3, 4 or 5 public signals) for the invariant fuzz: it decides "a valid proof
///         exists for these public inputs" from a model of account health instead of a proof, so that no call
///         sequence can pass a statement the circuit would refuse. An account commitment's two low bits are its
///         class: 0 or 1 robust (healthy at every round), 2 fragile (healthy at rounds whose commitment is even),
///         3 broke (never healthy). Per statement (`kind`):
///           deposit [C, newC, amount], applyFills [C, newC, head, k]: valid (fills are facts);
///           withdraw [C, newC, round, amount]: newC healthy at round;
///           margin [C, round, statement] (attest, answer): C healthy at round;
///           takeover [Cv, Cl, newCl, round, statement]: (defaulted bit set, or Cv unhealthy at round) and newCl
///           healthy at round.
///         Test use only.
contract ModelGroth16Verifier {
    uint8 public constant DEPOSIT = 0;
    uint8 public constant APPLY_FILLS = 1;
    uint8 public constant WITHDRAW = 2;
    uint8 public constant MARGIN = 3;
    uint8 public constant TAKEOVER = 4;

    /// @notice Which statement this verifier stands for.
    uint8 public immutable kind;

    constructor(uint8 kind_) {
        kind = kind_;
    }

    /// @notice The health model: commitment class against the round commitment's parity.
    function healthy(uint256 commitment, uint256 roundCommitment) public pure returns (bool) {
        uint256 class = commitment & 3;
        return class < 2 || (class == 2 && roundCommitment & 1 == 0);
    }

    function verifyProof(uint256[2] calldata, uint256[2][2] calldata, uint256[2] calldata, uint256[3] calldata s)
        external
        view
        returns (bool)
    {
        if (kind == DEPOSIT) return true;
        if (kind == MARGIN) return healthy(s[0], s[1]);
        return false;
    }

    function verifyProof(uint256[2] calldata, uint256[2][2] calldata, uint256[2] calldata, uint256[4] calldata s)
        external
        view
        returns (bool)
    {
        if (kind == APPLY_FILLS) return true;
        if (kind == WITHDRAW) return healthy(s[1], s[2]);
        return false;
    }

    function verifyProof(uint256[2] calldata, uint256[2][2] calldata, uint256[2] calldata, uint256[5] calldata s)
        external
        view
        returns (bool)
    {
        if (kind != TAKEOVER) return false;
        bool defaulted = (s[4] >> 208) & 1 == 1;
        return (defaulted || !healthy(s[0], s[3])) && healthy(s[2], s[3]);
    }
}
