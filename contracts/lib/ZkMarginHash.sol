// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT2} from "poseidon-solidity/PoseidonT2.sol";
import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT4} from "poseidon-solidity/PoseidonT4.sol";
import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";
import {PoseidonT6} from "poseidon-solidity/PoseidonT6.sol";

/// @title ZkMarginHash
/// @notice The hashes of circuits/README.md ("Hashes") on poseidon-solidity's PoseidonT2..T6 (circomlib Poseidon
///         of 1 to 5 inputs, = poseidon-lite poseidon1..5). Those are libraries with `public` functions: a contract
///         using this library is linked to deployed PoseidonT* libraries (contracts/README.md, "Deploying").
/// @dev poseidon-solidity reduces every input modulo r without a check: callers pass field elements only (every
///      value hashed here is a packed value below 2^200 or a digest, except what the callers range-check).
library ZkMarginHash {
    /// @notice The BN254 scalar field modulus r.
    uint256 internal constant FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice sponge5 was given an empty list.
    error ZkMarginHash__EmptyList();

    /// @notice Poseidon2(a, b) (PoseidonT3).
    function hash2(uint256 a, uint256 b) internal pure returns (uint256) {
        return PoseidonT3.hash([a, b]);
    }

    /// @notice Poseidon4(a, b, c, d) (PoseidonT5).
    function hash4(uint256 a, uint256 b, uint256 c, uint256 d) internal pure returns (uint256) {
        return PoseidonT5.hash([a, b, c, d]);
    }

    /// @notice Sponge(5, list) of circuits/README.md: a list of at most 5 elements is hashed by one Poseidon of its
    ///         length; a longer one by Poseidon5 over its first 5 elements, then per further chunk of at most 4
    ///         elements `d = Poseidon_{1+r}(d, chunk)` (the last chunk uses the Poseidon of its size).
    /// @param list field elements (1 or more)
    function sponge5(uint256[] memory list) internal pure returns (uint256 d) {
        uint256 n = list.length;
        if (n == 0) revert ZkMarginHash__EmptyList();
        if (n <= 5) return _head(list, n);
        d = PoseidonT6.hash([list[0], list[1], list[2], list[3], list[4]]);
        for (uint256 i = 5; i < n; i += 4) {
            uint256 r = n - i;
            if (r >= 4) d = PoseidonT6.hash([d, list[i], list[i + 1], list[i + 2], list[i + 3]]);
            else if (r == 3) d = PoseidonT5.hash([d, list[i], list[i + 1], list[i + 2]]);
            else if (r == 2) d = PoseidonT4.hash([d, list[i], list[i + 1]]);
            else d = PoseidonT3.hash([d, list[i]]);
        }
    }

    /// @dev Poseidon_n(list[0..n)) for 1 <= n <= 5.
    function _head(uint256[] memory list, uint256 n) private pure returns (uint256) {
        if (n == 5) return PoseidonT6.hash([list[0], list[1], list[2], list[3], list[4]]);
        if (n == 4) return PoseidonT5.hash([list[0], list[1], list[2], list[3]]);
        if (n == 3) return PoseidonT4.hash([list[0], list[1], list[2]]);
        if (n == 2) return PoseidonT3.hash([list[0], list[1]]);
        return PoseidonT2.hash([list[0]]);
    }
}
