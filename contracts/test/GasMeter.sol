// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title GasMeter
/// @notice Measures the gas of one STATICCALL (including the cold account access), e.g. a verifier's
///         verifyProof. Test use only.
contract GasMeter {
    function measure(address target, bytes calldata data) external view returns (uint256 gasUsed, bool ok, bytes memory ret) {
        uint256 before = gasleft();
        (ok, ret) = target.staticcall(data);
        gasUsed = before - gasleft();
    }
}
