// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MockVerifierBase} from "./MockVerifierBase.sol";

/// @title MockGroth16Verifier4
/// @notice Stand-in for a snarkjs Groth16 verifier with 4 public signals (same verifyProof signature): see
///         MockVerifierBase. In capture mode it reverts `MockGroth16Verifier4__Seen(proof words, pubSignals)`.
///         Test use only.
contract MockGroth16Verifier4 is MockVerifierBase {
    /// @notice Capture mode: what the verifier received.
    error MockGroth16Verifier4__Seen(uint256[8] proof, uint256[4] pubSignals);

    /// @notice Returns `result`, and when signals are expected only for exactly those.
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[4] calldata pubSignals
    ) external view returns (bool) {
        if (capture) {
            revert MockGroth16Verifier4__Seen(
                [pA[0], pA[1], pB[0][0], pB[0][1], pB[1][0], pB[1][1], pC[0], pC[1]], pubSignals
            );
        }
        uint256[] memory signals = new uint256[](4);
        for (uint256 i = 0; i < 4; ++i) {
            signals[i] = pubSignals[i];
        }
        return _accepts(signals);
    }
}
