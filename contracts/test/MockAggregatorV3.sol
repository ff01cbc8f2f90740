// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";

/// @title MockAggregatorV3
/// @notice A settable AggregatorV3-shaped feed. Test use only.
contract MockAggregatorV3 is AggregatorV3Interface {
    /// @inheritdoc AggregatorV3Interface
    uint8 public decimals;
    uint80 public roundId;
    int256 public answer;
    uint256 public updatedAt;

    constructor(uint8 decimals_) {
        decimals = decimals_;
    }

    /// @notice Publishes a new answer (a new feed round) updated at `updatedAt_`.
    function setAnswer(int256 answer_, uint256 updatedAt_) external {
        roundId += 1;
        answer = answer_;
        updatedAt = updatedAt_;
    }

    /// @notice Changes the feed's decimals.
    function setDecimals(uint8 decimals_) external {
        decimals = decimals_;
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (roundId, answer, updatedAt, updatedAt, roundId);
    }
}
