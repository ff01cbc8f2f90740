// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title MockGroth16Verifier
/// @notice Stand-in for a snarkjs Groth16 verifier (same verifyProof signature). It models "a proof valid for
///         exactly these public signals": it returns `result`, and, when expectations are set, only for those
///         signals. The adapter calls verifiers with STATICCALL (view), so the mock cannot store what it saw;
///         instead, in capture mode it reverts with `MockGroth16Verifier__Seen(pA, pB, pC, pubSignals)`, which
///         bubbles up through the adapter and the vault, so a test reads exactly what the verifier received.
///         Test use only.
contract MockGroth16Verifier {
    bool public result = true;
    bool public capture;
    bool public expecting;
    uint256[3] private _expected;

    error MockGroth16Verifier__Seen(uint256[2] pA, uint256[2][2] pB, uint256[2] pC, uint256[3] pubSignals);

    function setResult(bool result_) external {
        result = result_;
    }

    function setCapture(bool capture_) external {
        capture = capture_;
    }

    /// @notice From now on return true only for these public signals (and only if `result`).
    function expectSignals(uint256[3] calldata signals) external {
        _expected = signals;
        expecting = true;
    }

    function clearExpectation() external {
        expecting = false;
    }

    function expectedSignals() external view returns (uint256[3] memory) {
        return _expected;
    }

    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[3] calldata pubSignals
    ) external view returns (bool) {
        if (capture) revert MockGroth16Verifier__Seen(pA, pB, pC, pubSignals);
        if (!result) return false;
        if (expecting) {
            for (uint256 i = 0; i < 3; ++i) {
                if (pubSignals[i] != _expected[i]) return false;
            }
        }
        return true;
    }
}
