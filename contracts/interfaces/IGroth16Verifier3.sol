// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IGroth16Verifier3
/// @notice A snarkjs 0.7.6 Groth16 verifier with 3 public signals (the contracts in contracts/generated/).
/// @dev Returns false (does not revert) for an invalid proof or a public signal >= the BN254 scalar field.
interface IGroth16Verifier3 {
    /// @notice Whether (pA, pB, pC) proves the circuit's statement for `pubSignals`.
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[3] calldata pubSignals
    ) external view returns (bool);
}
