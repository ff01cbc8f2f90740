// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title MockVerifierBase
/// @notice What the mock Groth16 verifiers share. A mock models "a proof valid for exactly these public signals":
///         it returns `result`, and, once signals are expected, only for those. The adapter calls verifiers with
///         STATICCALL, so a mock cannot record what it saw; in capture mode it reverts with the proof words and the
///         public signals instead, which bubbles up through the adapter and the vault, so a test reads exactly
///         what the verifier received. Test use only.
abstract contract MockVerifierBase {
    /// @notice What verifyProof returns (when the signals match any expectation).
    bool public result = true;
    /// @notice Capture mode: verifyProof reverts with what it received.
    bool public capture;
    /// @notice Whether only the expected signals verify.
    bool public expecting;
    uint256[] private _expected;

    /// @notice Sets what verifyProof returns.
    function setResult(bool result_) external {
        result = result_;
    }

    /// @notice Arms or disarms capture mode.
    function setCapture(bool capture_) external {
        capture = capture_;
    }

    /// @notice From now on verify only these public signals (and only if `result`).
    function expectSignals(uint256[] calldata signals) external {
        _expected = signals;
        expecting = true;
    }

    /// @notice Accept any signals again.
    function clearExpectation() external {
        expecting = false;
    }

    /// @notice The expected signals.
    function expectedSignals() external view returns (uint256[] memory) {
        return _expected;
    }

    function _accepts(uint256[] memory signals) internal view returns (bool) {
        if (!result) return false;
        if (!expecting) return true;
        if (signals.length != _expected.length) return false;
        for (uint256 i = 0; i < signals.length; ++i) {
            if (signals[i] != _expected[i]) return false;
        }
        return true;
    }
}
