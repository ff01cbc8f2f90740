// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV3Interface} from "./interfaces/AggregatorV3Interface.sol";
import {OracleRegistry} from "./OracleRegistry.sol";

/// @title ChainlinkRoundPoster
/// @notice A permissionless poster (authorise it in the registry): anyone calls `post()`, which reads one
///         AggregatorV3-shaped feed per listed market (feed j is market j) and posts the round
///           roundId = registry's latest + 1, timestamp = the oldest feed's updatedAt,
///           price_j = feed j's answer at 8 decimals, confidence 0, funding indexes carried over from the registry's
///           latest round (Chainlink has no funding: a venue that charges funding posts with its own poster).
///         Scaling: a feed of d <= 8 decimals is multiplied by 10^(8 - d) (exact); one of d > 8 decimals is divided
///         by 10^(d - 8), rounding down: the digits dropped are below 10^-8 quote units per base unit, the unit of
///         every price in the system, and refusing them would make every 18-decimal feed unusable.
///         Refused with named errors: a non-positive answer, an answer updated in the future or more than
///         maxFeedAge seconds ago, a scaled price of 0 or >= 2^56, and a post with no feed updated since this
///         poster's last post (so nobody can bump the latest round id at will: withdrawals and takeovers need
///         the latest round).
contract ChainlinkRoundPoster {
    /// @notice Price decimals of a round.
    uint8 public constant PRICE_DECIMALS = 8;
    /// @notice Feeds of more decimals are refused (10^(d - 8) must stay far from overflow).
    uint8 public constant MAX_FEED_DECIMALS = 36;
    uint256 private constant PRICE_LIMIT = 1 << 56;

    /// @notice The registry posted to.
    OracleRegistry public immutable registry;
    /// @notice Seconds an answer stays usable after its updatedAt.
    uint64 public immutable maxFeedAge;
    /// @notice keccak256 of the feeds' round ids at this poster's last post.
    bytes32 public lastFeedRounds;

    AggregatorV3Interface[] private _feeds;

    /// @notice A round was built from the feeds and posted.
    event RoundBuilt(uint64 indexed roundId, uint64 timestamp, uint256 roundCommitment, bytes32 feedRounds);

    error ChainlinkRoundPoster__ZeroAddress();
    error ChainlinkRoundPoster__ZeroMaxFeedAge();
    error ChainlinkRoundPoster__NoFeeds();
    /// @notice The registry lists another number of markets than this poster has feeds.
    error ChainlinkRoundPoster__MarketCountMismatch(uint256 feeds, uint256 listedMarkets);
    error ChainlinkRoundPoster__NonPositiveAnswer(uint256 market, int256 answer);
    error ChainlinkRoundPoster__FutureAnswer(uint256 market, uint256 updatedAt, uint256 blockTimestamp);
    error ChainlinkRoundPoster__StaleAnswer(uint256 market, uint256 updatedAt, uint64 maxFeedAge);
    error ChainlinkRoundPoster__UnsupportedDecimals(uint256 market, uint8 decimals);
    /// @notice The answer at 8 decimals is 0 or >= 2^56.
    error ChainlinkRoundPoster__PriceOutOfRange(uint256 market, int256 answer, uint8 decimals);
    /// @notice The oldest feed update is older than the registry's latest round.
    error ChainlinkRoundPoster__OlderThanLatestRound(uint256 timestamp, uint64 latestTimestamp);
    /// @notice No feed has a new round since this poster's last post.
    error ChainlinkRoundPoster__NoNewData();

    /// @param registry_ the registry (this poster must be authorised there)
    /// @param feeds_ feed j prices market j (as many as the registry lists when posting)
    /// @param maxFeedAge_ seconds an answer stays usable (> 0)
    constructor(OracleRegistry registry_, AggregatorV3Interface[] memory feeds_, uint64 maxFeedAge_) {
        if (address(registry_) == address(0)) revert ChainlinkRoundPoster__ZeroAddress();
        if (feeds_.length == 0) revert ChainlinkRoundPoster__NoFeeds();
        if (maxFeedAge_ == 0) revert ChainlinkRoundPoster__ZeroMaxFeedAge();
        for (uint256 j = 0; j < feeds_.length; ++j) {
            if (address(feeds_[j]) == address(0)) revert ChainlinkRoundPoster__ZeroAddress();
            _feeds.push(feeds_[j]);
        }
        registry = registry_;
        maxFeedAge = maxFeedAge_;
    }

    /// @notice Builds a round from the feeds and posts it. Anyone.
    /// @return roundId the posted round id
    /// @return commitment the round commitment the registry computed
    function post() external returns (uint64 roundId, uint256 commitment) {
        uint256 n = _feeds.length;
        uint256 listed = registry.listedMarkets();
        if (n != listed) revert ChainlinkRoundPoster__MarketCountMismatch(n, listed);
        uint64[] memory prices = new uint64[](n);
        uint256[] memory feedRounds = new uint256[](n);
        uint256 oldest = type(uint256).max;
        for (uint256 j = 0; j < n; ++j) {
            uint256 updatedAt;
            (prices[j], updatedAt, feedRounds[j]) = _read(j);
            if (updatedAt < oldest) oldest = updatedAt;
        }
        bytes32 rounds = keccak256(abi.encodePacked(feedRounds));
        if (rounds == lastFeedRounds) revert ChainlinkRoundPoster__NoNewData();
        uint64 latestTimestamp = registry.latestTimestamp();
        if (oldest < latestTimestamp) revert ChainlinkRoundPoster__OlderThanLatestRound(oldest, latestTimestamp);
        lastFeedRounds = rounds;

        roundId = registry.latestRoundId() + 1;
        commitment = registry.post(roundId, uint64(oldest), prices, new uint64[](n), registry.latestFundingIndexes());
        emit RoundBuilt(roundId, uint64(oldest), commitment, rounds);
    }

    /// @notice The feeds, market by market.
    function feeds() external view returns (AggregatorV3Interface[] memory) {
        return _feeds;
    }

    /// @dev Feed j's answer at 8 decimals, its updatedAt and its round id, checked.
    function _read(uint256 j) private view returns (uint64 price, uint256 updatedAt, uint256 feedRound) {
        AggregatorV3Interface feed = _feeds[j];
        int256 answer;
        uint80 round;
        (round, answer,, updatedAt,) = feed.latestRoundData();
        if (answer <= 0) revert ChainlinkRoundPoster__NonPositiveAnswer(j, answer);
        if (updatedAt > block.timestamp) revert ChainlinkRoundPoster__FutureAnswer(j, updatedAt, block.timestamp);
        if (block.timestamp - updatedAt > maxFeedAge) revert ChainlinkRoundPoster__StaleAnswer(j, updatedAt, maxFeedAge);
        uint8 decimals = feed.decimals();
        if (decimals > MAX_FEED_DECIMALS) revert ChainlinkRoundPoster__UnsupportedDecimals(j, decimals);
        uint256 scaled;
        if (decimals <= PRICE_DECIMALS) {
            // An answer >= 2^56 is out of range at any scale-up: refuse it before multiplying.
            if (uint256(answer) >= PRICE_LIMIT) revert ChainlinkRoundPoster__PriceOutOfRange(j, answer, decimals);
            scaled = uint256(answer) * 10 ** (PRICE_DECIMALS - decimals);
        } else {
            scaled = uint256(answer) / 10 ** (decimals - PRICE_DECIMALS);
        }
        if (scaled == 0 || scaled >= PRICE_LIMIT) revert ChainlinkRoundPoster__PriceOutOfRange(j, answer, decimals);
        price = uint64(scaled);
        feedRound = round;
    }
}
