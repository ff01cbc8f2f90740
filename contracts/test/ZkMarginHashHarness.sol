// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT2} from "poseidon-solidity/PoseidonT2.sol";
import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT4} from "poseidon-solidity/PoseidonT4.sol";
import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";
import {PoseidonT6} from "poseidon-solidity/PoseidonT6.sol";
import {ZkMarginHash} from "../lib/ZkMarginHash.sol";

/// @title ZkMarginHashHarness
/// @notice Exposes the linked PoseidonT2..T6 libraries and ZkMarginHash.sponge5 for tests and gas measurement.
///         Test use only.
contract ZkMarginHashHarness {
    /// @notice circomlib Poseidon over `inputs` (1 to 5 of them), through the PoseidonT{n+1} library.
    function poseidon(uint256[] calldata inputs) external pure returns (uint256) {
        uint256 n = inputs.length;
        if (n == 1) return PoseidonT2.hash([inputs[0]]);
        if (n == 2) return PoseidonT3.hash([inputs[0], inputs[1]]);
        if (n == 3) return PoseidonT4.hash([inputs[0], inputs[1], inputs[2]]);
        if (n == 4) return PoseidonT5.hash([inputs[0], inputs[1], inputs[2], inputs[3]]);
        if (n == 5) return PoseidonT6.hash([inputs[0], inputs[1], inputs[2], inputs[3], inputs[4]]);
        revert("1 to 5 inputs");
    }

    /// @notice ZkMarginHash.sponge5(list).
    function sponge5(uint256[] memory list) external pure returns (uint256) {
        return ZkMarginHash.sponge5(list);
    }

    /// @notice sponge5(list) and the gas it used.
    function sponge5Gas(uint256[] memory list) external view returns (uint256 out, uint256 gasUsed) {
        uint256 before = gasleft();
        out = ZkMarginHash.sponge5(list);
        gasUsed = before - gasleft();
    }
}
