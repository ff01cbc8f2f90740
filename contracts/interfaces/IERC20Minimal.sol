// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IERC20Minimal
/// @notice The part of ERC-20 the vault uses.
interface IERC20Minimal {
    function balanceOf(address account) external view returns (uint256);
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}
