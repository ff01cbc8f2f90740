// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IERC20Minimal
/// @notice The part of ERC-20 the vault uses.
interface IERC20Minimal {
    /// @notice Decimals of the token's amounts (the vault requires 6).
    function decimals() external view returns (uint8);
    /// @notice The token balance of `account`.
    function balanceOf(address account) external view returns (uint256);
    /// @notice Moves `amount` from the caller to `to`.
    function transfer(address to, uint256 amount) external returns (bool);
    /// @notice Moves `amount` from `from` to `to` within the caller's allowance.
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}
