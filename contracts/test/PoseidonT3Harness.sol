// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT3} from "../lib/PoseidonT3.sol";

/// @title PoseidonT3Harness
/// @notice Exposes PoseidonT3.hash for tests and gas measurement. Test use only.
contract PoseidonT3Harness {
    function hash(uint256 a, uint256 b) external pure returns (uint256) {
        return PoseidonT3.hash(a, b);
    }

    /// @notice Gas used by one hash (for measurement).
    function hashGas(uint256 a, uint256 b) external view returns (uint256 out, uint256 gasUsed) {
        uint256 before = gasleft();
        out = PoseidonT3.hash(a, b);
        gasUsed = before - gasleft();
    }
}
