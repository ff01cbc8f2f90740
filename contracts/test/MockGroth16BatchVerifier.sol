// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IGroth16BatchVerifier} from "../interfaces/IGroth16BatchVerifier.sol";
import {MockVerifierBase} from "./MockVerifierBase.sol";

/// @title MockGroth16BatchVerifier
/// @notice Stand-in for a generated batch verifier (same verifyBatch signature): see MockVerifierBase, the expected
///         signals being every input of the batch in order. In capture mode it reverts
///         `MockGroth16BatchVerifier__Seen(proofs, inputs)`. Test use only.
contract MockGroth16BatchVerifier is MockVerifierBase, IGroth16BatchVerifier {
    /// @notice Capture mode: what the verifier received.
    error MockGroth16BatchVerifier__Seen(uint256[8][] proofs, uint256[] inputs);

    uint256 private _publicInputs = 3;

    /// @notice Sets what publicInputCount returns.
    function setPublicInputCount(uint256 count) external {
        _publicInputs = count;
    }

    /// @inheritdoc IGroth16BatchVerifier
    function publicInputCount() external view returns (uint256) {
        return _publicInputs;
    }

    /// @inheritdoc IGroth16BatchVerifier
    function verificationKeyHash() external pure returns (bytes32) {
        return bytes32(0);
    }

    /// @notice Returns `result`, and when signals are expected only for exactly those (all inputs, in order).
    function verifyBatch(uint256[8][] calldata proofs, uint256[] calldata inputs) external view returns (bool) {
        if (capture) revert MockGroth16BatchVerifier__Seen(proofs, inputs);
        if (proofs.length == 0) revert Groth16BatchVerifier__EmptyBatch();
        if (inputs.length != proofs.length * _publicInputs) revert Groth16BatchVerifier__LengthMismatch(proofs.length, inputs.length);
        return _accepts(inputs);
    }
}
