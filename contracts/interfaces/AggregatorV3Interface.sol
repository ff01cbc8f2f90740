// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title AggregatorV3Interface
/// @notice The part of Chainlink's AggregatorV3Interface the round poster reads.
interface AggregatorV3Interface {
    /// @notice Decimals of the feed's answers.
    function decimals() external view returns (uint8);

    /// @notice The latest answer and when it was updated.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
