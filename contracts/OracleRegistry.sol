// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ZkMarginCapacity} from "./generated/ZkMarginCapacity.sol";
import {Timelock} from "./lib/Timelock.sol";
import {ZkMarginHash} from "./lib/ZkMarginHash.sol";

/// @title OracleRegistry
/// @notice Oracle rounds for zkmargin proofs (circuits/README.md, "Oracle round"). An authorised poster posts a
///         round's values (price, confidence, funding index of each of the L listed markets); the registry
///         computes on-chain
///           header = 2 + 2^8 roundId + 2^72 timestamp
///           quote_j = P_j + 2^56 conf_j + 2^104 (F_j + 2^63)          (unlisted markets: 2^167)
///           prices = Sponge(5, [header, quote_0 .. quote_15])
///           round  = Poseidon2(prices, risk)
///         and stores (round, timestamp). Governance sets the risk table as values, which the registry validates
///         with the circuits' risk-table rules and commits with Sponge(5) itself, so no round or risk commitment
///         exists that nobody can open: every value is in the events.
///         Round ids strictly increase by at most MAX_ROUND_STEP per post (no post can exhaust the id space);
///         timestamps never decrease and are never in the future. A round older than `maxAge` seconds is stale,
///         maxAge in [MIN_MAX_AGE, MAX_MAX_AGE]. The listed market count L only grows (up to M = 16), together with
///         a risk table that covers the new markets.
///         Governance: the constructor sets the first risk table and posters; every later change (risk table,
///         listed markets, posters, maxAge) waits GOVERNANCE_DELAY in the Timelock, and ownership moves in two
///         steps.
contract OracleRegistry is Timelock {
    /// @notice The BN254 scalar field modulus r.
    uint256 public constant SNARK_SCALAR_FIELD = ZkMarginHash.FIELD;
    /// @notice Markets M of every round (the circuits' capacity).
    uint256 public constant MARKETS = ZkMarginCapacity.MARKETS;
    /// @notice Largest margin rate (ppm): 100 %.
    uint256 public constant MAX_RATE = 1e6;
    /// @notice Risk tags (circuits/README.md): one per margin profile.
    uint8 public constant CROSS_TAG = 3;
    uint8 public constant LENDING_TAG = 4;
    uint8 public constant TIERED_TAG = 5;
    /// @notice The largest step between consecutive round ids: 2^48 posts at least to reach 2^64 - 1.
    uint64 public constant MAX_ROUND_STEP = 1 << 16;
    /// @notice The shortest maxAge governance may set: a posted round stays usable long enough to prove and send a
    ///         withdrawal, challenge or takeover at it.
    uint64 public constant MIN_MAX_AGE = 5 minutes;
    /// @notice The longest maxAge governance may set: an older round is never "current prices".
    uint64 public constant MAX_MAX_AGE = 1 days;

    uint256 private constant PRICES_TAG = 2;
    uint256 private constant PRICE_LIMIT = 1 << 56;
    uint256 private constant CONFIDENCE_LIMIT = 1 << 48;
    uint256 private constant FLOOR_LIMIT = 1 << 48;
    uint256 private constant MULTIPLIER_LIMIT = 1 << 10;
    /// @dev quote of an unlisted market: price 0, confidence 0, funding 0 -> 2^104 * 2^63.
    uint256 private constant UNLISTED_QUOTE = 1 << 167;

    /// @notice One row of a market's risk table: from `floor` (whole quote units of notional) up, two rates in ppm:
    ///         (maintenance, initial) for cross and tiered, (liquidation threshold, loan-to-value) for lending.
    struct Tier {
        uint64 floor;
        uint32 first;
        uint32 second;
    }

    struct Round {
        uint256 commitment; // Poseidon2(prices, risk)
        uint64 timestamp; // 0: unknown round
    }

    /// @notice The risk tag of this registry's profile: 3 cross, 4 lending, 5 tiered.
    uint8 public immutable riskTag;
    /// @notice Tiers per market in the risk table: 4 (tiered) or 1.
    uint256 public immutable tiersPerMarket;

    /// @notice Governance: posters, risk table, listed markets, maximum age (every change through the Timelock).
    address public owner;
    /// @notice The address ownership was offered to (it takes it with acceptOwnership); 0: none.
    address public pendingOwner;
    /// @notice Latest posted round id (0: none yet).
    uint64 public latestRoundId;
    /// @notice Latest posted round's timestamp.
    uint64 public latestTimestamp;
    /// @notice Seconds a round stays fresh after its timestamp.
    uint64 public maxAge;
    /// @notice Listed market count L: markets 0 .. L-1 are posted and may be traded.
    uint8 public listedMarkets;
    /// @notice The commitment of the current risk table (0 before the first one), combined into every round
    ///         posted from then on.
    uint256 public riskCommitment;
    /// @notice The current risk table's confidence multiplier k (hundredths): every posted market must keep
    ///         k x confidence below 100 x price, so no valuation across the band prices a short below 0.
    uint16 public currentConfidenceMultiplier;
    /// @notice Accounts allowed to post rounds.
    mapping(address poster => bool) public isPoster;

    mapping(uint64 roundId => Round) private _rounds;
    /// @dev The latest round's funding indexes, four int64 per word (market j in word j / 4, bits 64 (j % 4)).
    uint256[4] private _funding;

    /// @notice A round was posted: every value it commits to, and its commitments.
    event RoundPosted(
        uint64 indexed roundId,
        address indexed poster,
        uint64 timestamp,
        uint64[] prices,
        uint64[] confidences,
        int64[] fundingIndexes,
        uint256 pricesCommitment,
        uint256 riskCommitment,
        uint256 roundCommitment
    );
    /// @notice Governance set the risk table (`tiers`: L x tiersPerMarket rows, market-major) and its commitment.
    event RiskTableSet(uint8 listedMarkets, uint16 confidenceMultiplier, Tier[] tiers, uint256 riskCommitment);
    event ListedMarketsRaised(uint8 previousCount, uint8 newCount);
    event PosterAdded(address indexed poster);
    event PosterRemoved(address indexed poster);
    event MaxAgeChanged(uint64 previousMaxAge, uint64 newMaxAge);
    event OwnershipTransferStarted(address indexed owner, address indexed pendingOwner);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    error OracleRegistry__NotOwner(address caller);
    error OracleRegistry__NotPendingOwner(address caller);
    error OracleRegistry__NotPoster(address caller);
    error OracleRegistry__ZeroAddress();
    error OracleRegistry__MaxAgeOutOfBounds(uint256 maxAge, uint64 min, uint64 max);
    error OracleRegistry__UnknownProfile(uint8 riskTag);
    /// @notice A listed market count must be 1 to M and may only grow.
    error OracleRegistry__BadListedMarkets(uint256 count, uint256 current);
    error OracleRegistry__AlreadyPoster(address poster);
    error OracleRegistry__NotAPoster(address poster);
    error OracleRegistry__RoundNotIncreasing(uint64 roundId, uint64 latestRoundId);
    /// @notice The round id is more than MAX_ROUND_STEP above the latest.
    error OracleRegistry__RoundStepTooLarge(uint64 roundId, uint64 latestRoundId);
    error OracleRegistry__ZeroTimestamp();
    error OracleRegistry__TimestampDecreasing(uint64 timestamp, uint64 latestTimestamp);
    error OracleRegistry__TimestampInFuture(uint64 timestamp, uint256 blockTimestamp);
    /// @notice No risk table has been set yet: a round cannot be committed.
    error OracleRegistry__NoRiskTable();
    /// @notice A posted array does not have one value per listed market.
    error OracleRegistry__WrongMarketCount(uint256 length, uint256 listedMarkets);
    /// @notice A listed market's price is 0 or >= 2^56.
    error OracleRegistry__PriceOutOfRange(uint256 market, uint64 price);
    /// @notice A confidence is >= 2^48.
    error OracleRegistry__ConfidenceOutOfRange(uint256 market, uint64 confidence);
    /// @notice The risk table does not have L x tiersPerMarket rows.
    error OracleRegistry__WrongTierCount(uint256 length, uint256 expected);
    error OracleRegistry__MultiplierOutOfRange(uint16 confidenceMultiplier);
    /// @notice A market's confidence band reaches its price: k x confidence >= 100 x price.
    error OracleRegistry__ConfidenceTooWide(uint256 market, uint64 confidence, uint64 price);
    error OracleRegistry__FloorOutOfRange(uint256 market, uint256 tier, uint64 floor);
    error OracleRegistry__FirstFloorNotZero(uint256 market, uint64 floor);
    error OracleRegistry__FloorsDecreasing(uint256 market, uint256 tier);
    error OracleRegistry__RateOutOfRange(uint256 market, uint256 tier, uint32 rate);
    /// @notice Cross / tiered: the initial rate (second) is below the maintenance rate (first).
    error OracleRegistry__InitialBelowMaintenance(uint256 market, uint256 tier);
    /// @notice Lending: the loan-to-value (second) exceeds the liquidation threshold (first).
    error OracleRegistry__LoanToValueAboveThreshold(uint256 market, uint256 tier);
    error OracleRegistry__UnknownRound(uint64 roundId);
    error OracleRegistry__StaleRound(uint64 roundId, uint64 timestamp, uint64 maxAge);

    modifier onlyOwner() {
        if (msg.sender != owner) revert OracleRegistry__NotOwner(msg.sender);
        _;
    }

    /// @param owner_ governance
    /// @param riskTag_ the profile's risk tag: 3 cross, 4 lending, 5 tiered
    /// @param listedMarkets_ the listed market count L (1 to M)
    /// @param maxAge_ seconds a round stays fresh, in [MIN_MAX_AGE, MAX_MAX_AGE]
    /// @param confidenceMultiplier_ the first risk table's k (as setRiskTable)
    /// @param tiers_ the first risk table (as setRiskTable; empty: none yet, and no round can be posted until a
    ///        delayed setRiskTable executes)
    /// @param posters_ the first authorised posters
    constructor(
        address owner_,
        uint8 riskTag_,
        uint8 listedMarkets_,
        uint64 maxAge_,
        uint16 confidenceMultiplier_,
        Tier[] memory tiers_,
        address[] memory posters_
    ) {
        if (owner_ == address(0)) revert OracleRegistry__ZeroAddress();
        if (riskTag_ != CROSS_TAG && riskTag_ != LENDING_TAG && riskTag_ != TIERED_TAG) {
            revert OracleRegistry__UnknownProfile(riskTag_);
        }
        if (listedMarkets_ == 0 || listedMarkets_ > MARKETS) revert OracleRegistry__BadListedMarkets(listedMarkets_, 0);
        _checkMaxAge(maxAge_);
        riskTag = riskTag_;
        tiersPerMarket = riskTag_ == TIERED_TAG ? ZkMarginCapacity.TIER_COUNT : 1;
        owner = owner_;
        listedMarkets = listedMarkets_;
        maxAge = maxAge_;
        emit OwnershipTransferred(address(0), owner_);
        emit ListedMarketsRaised(0, listedMarkets_);
        emit MaxAgeChanged(0, maxAge_);
        if (tiers_.length != 0) _setRiskTable(listedMarkets_, confidenceMultiplier_, tiers_);
        for (uint256 i = 0; i < posters_.length; ++i) {
            _addPoster(posters_[i]);
        }
    }

    // ================================================================== posting

    /// @notice Posts a round (authorised posters only) and computes its commitment on-chain.
    /// @param roundId > the latest round id, <= latest + MAX_ROUND_STEP
    /// @param timestamp the round's time: > 0, >= the latest round's, <= block.timestamp
    /// @param prices one per listed market, 8 decimals, in (0, 2^56)
    /// @param confidences one per listed market, 8 decimals, < 2^48
    /// @param fundingIndexes one per listed market, 8 decimals (cumulative, signed)
    /// @return commitment the round commitment Poseidon2(prices, risk)
    function post(
        uint64 roundId,
        uint64 timestamp,
        uint64[] calldata prices,
        uint64[] calldata confidences,
        int64[] calldata fundingIndexes
    ) external returns (uint256 commitment) {
        uint256 risk = _checkPost(roundId, timestamp);
        uint256 listed = listedMarkets;
        if (prices.length != listed) revert OracleRegistry__WrongMarketCount(prices.length, listed);
        if (confidences.length != listed) revert OracleRegistry__WrongMarketCount(confidences.length, listed);
        if (fundingIndexes.length != listed) revert OracleRegistry__WrongMarketCount(fundingIndexes.length, listed);
        uint256 pricesCommitment = ZkMarginHash.sponge5(_quotes(roundId, timestamp, prices, confidences, fundingIndexes));
        commitment = ZkMarginHash.hash2(pricesCommitment, risk);
        _rounds[roundId] = Round({commitment: commitment, timestamp: timestamp});
        latestRoundId = roundId;
        latestTimestamp = timestamp;
        emit RoundPosted(
            roundId, msg.sender, timestamp, prices, confidences, fundingIndexes, pricesCommitment, risk, commitment
        );
    }

    // ================================================================== governance (delayed, two-step)
    //
    // Each setter below is a Timelock change: the owner queues its exact call (queueChange), then calls it between
    // GOVERNANCE_DELAY and GOVERNANCE_DELAY + GOVERNANCE_GRACE later.

    /// @notice Delayed: sets the risk table for rounds posted from now on: L x tiersPerMarket rows, market-major,
    ///         validated with the circuits' risk-table rules and committed on-chain.
    /// @param confidenceMultiplier k, hundredths (< 2^10)
    /// @param tiers the rows (floor < 2^48, rates <= 10^6; per market: first floor 0, floors non-decreasing,
    ///        initial >= maintenance for cross and tiered, loan-to-value <= liquidation threshold for lending)
    /// @return commitment the new risk commitment
    function setRiskTable(uint16 confidenceMultiplier, Tier[] calldata tiers)
        external
        onlyOwner
        returns (uint256 commitment)
    {
        _executeQueued();
        commitment = _setRiskTable(listedMarkets, confidenceMultiplier, tiers);
    }

    /// @notice Delayed: lists more markets: raises L to `newCount` and sets the risk table that covers them (as
    ///         setRiskTable, with newCount x tiersPerMarket rows), so no listed market is ever without risk rows.
    function raiseListedMarkets(uint8 newCount, uint16 confidenceMultiplier, Tier[] calldata tiers)
        external
        onlyOwner
        returns (uint256 commitment)
    {
        _executeQueued();
        uint8 current = listedMarkets;
        if (newCount <= current || newCount > MARKETS) revert OracleRegistry__BadListedMarkets(newCount, current);
        listedMarkets = newCount;
        emit ListedMarketsRaised(current, newCount);
        commitment = _setRiskTable(newCount, confidenceMultiplier, tiers);
    }

    /// @notice Delayed: authorises `poster` to post rounds.
    function addPoster(address poster) external onlyOwner {
        _executeQueued();
        _addPoster(poster);
    }

    /// @notice Delayed: revokes `poster`.
    function removePoster(address poster) external onlyOwner {
        _executeQueued();
        if (!isPoster[poster]) revert OracleRegistry__NotAPoster(poster);
        isPoster[poster] = false;
        emit PosterRemoved(poster);
    }

    /// @notice Delayed: sets how many seconds a round stays fresh, in [MIN_MAX_AGE, MAX_MAX_AGE].
    function setMaxAge(uint64 newMaxAge) external onlyOwner {
        _executeQueued();
        _checkMaxAge(newMaxAge);
        emit MaxAgeChanged(maxAge, newMaxAge);
        maxAge = newMaxAge;
    }

    /// @notice Offers ownership to `newOwner`, who takes it with acceptOwnership (0: withdraws the offer). Not
    ///         delayed: the new owner can change nothing without the delay either.
    function transferOwnership(address newOwner) external onlyOwner {
        pendingOwner = newOwner;
        emit OwnershipTransferStarted(owner, newOwner);
    }

    /// @notice The pending owner takes ownership.
    function acceptOwnership() external {
        if (msg.sender != pendingOwner) revert OracleRegistry__NotPendingOwner(msg.sender);
        emit OwnershipTransferred(owner, msg.sender);
        owner = msg.sender;
        pendingOwner = address(0);
    }

    function _requireGovernance() internal view override {
        if (msg.sender != owner) revert OracleRegistry__NotOwner(msg.sender);
    }

    /// @dev The delayed setters and their static checks (risk tables are validated when they execute: the rules
    ///      depend on L then).
    function _checkChange(bytes4 selector, bytes calldata args) internal pure override {
        if (selector == OracleRegistry.setMaxAge.selector) {
            _requireWords(selector, args, 1);
            _checkMaxAge(_word(args, 0));
        } else if (selector == OracleRegistry.addPoster.selector || selector == OracleRegistry.removePoster.selector) {
            _requireWords(selector, args, 1);
            uint256 poster = _word(args, 0);
            if (poster == 0 || poster >> 160 != 0) revert OracleRegistry__ZeroAddress();
        } else if (
            selector != OracleRegistry.setRiskTable.selector && selector != OracleRegistry.raiseListedMarkets.selector
        ) {
            revert Timelock__UnknownChange(selector);
        }
    }

    function _checkMaxAge(uint256 newMaxAge) private pure {
        if (newMaxAge < MIN_MAX_AGE || newMaxAge > MAX_MAX_AGE) {
            revert OracleRegistry__MaxAgeOutOfBounds(newMaxAge, MIN_MAX_AGE, MAX_MAX_AGE);
        }
    }

    function _addPoster(address poster) private {
        if (poster == address(0)) revert OracleRegistry__ZeroAddress();
        if (isPoster[poster]) revert OracleRegistry__AlreadyPoster(poster);
        isPoster[poster] = true;
        emit PosterAdded(poster);
    }

    // ================================================================== views

    /// @notice A round's commitment and timestamp, and whether it is fresh now. Unknown: (0, 0, false).
    function getRound(uint64 roundId) external view returns (uint256 commitment, uint64 timestamp, bool fresh) {
        Round storage r = _rounds[roundId];
        commitment = r.commitment;
        timestamp = r.timestamp;
        fresh = timestamp != 0 && block.timestamp - timestamp <= maxAge;
    }

    /// @notice Whether the round is known and at most maxAge seconds old.
    function isFresh(uint64 roundId) external view returns (bool) {
        uint64 timestamp = _rounds[roundId].timestamp;
        return timestamp != 0 && block.timestamp - timestamp <= maxAge;
    }

    /// @notice The commitment of a known, fresh round; reverts UnknownRound / StaleRound otherwise.
    function freshRoundCommitment(uint64 roundId) external view returns (uint256) {
        Round storage r = _rounds[roundId];
        uint64 timestamp = r.timestamp;
        if (timestamp == 0) revert OracleRegistry__UnknownRound(roundId);
        if (block.timestamp - timestamp > maxAge) revert OracleRegistry__StaleRound(roundId, timestamp, maxAge);
        return r.commitment;
    }

    /// @notice The latest round (all zero before the first post) and whether it is fresh now.
    function latestRound() external view returns (uint64 roundId, uint64 timestamp, uint256 commitment, bool fresh) {
        roundId = latestRoundId;
        timestamp = latestTimestamp;
        commitment = _rounds[roundId].commitment;
        fresh = timestamp != 0 && block.timestamp - timestamp <= maxAge;
    }

    /// @notice The latest round's funding indexes, one per listed market (zeros before the first round; a market
    ///         listed since then reads 0), for posters that carry them over (ChainlinkRoundPoster).
    function latestFundingIndexes() external view returns (int64[] memory indexes) {
        uint256 listed = listedMarkets;
        indexes = new int64[](listed);
        for (uint256 j = 0; j < listed; ++j) {
            indexes[j] = int64(uint64(_funding[j >> 2] >> ((j & 3) << 6)));
        }
    }

    // ================================================================== internals

    /// @dev The poster, round id and timestamp checks of post; returns the risk commitment.
    function _checkPost(uint64 roundId, uint64 timestamp) private view returns (uint256 risk) {
        if (!isPoster[msg.sender]) revert OracleRegistry__NotPoster(msg.sender);
        uint64 latestId = latestRoundId;
        if (roundId <= latestId) revert OracleRegistry__RoundNotIncreasing(roundId, latestId);
        if (roundId - latestId > MAX_ROUND_STEP) revert OracleRegistry__RoundStepTooLarge(roundId, latestId);
        if (timestamp == 0) revert OracleRegistry__ZeroTimestamp();
        uint64 latestTime = latestTimestamp;
        if (timestamp < latestTime) revert OracleRegistry__TimestampDecreasing(timestamp, latestTime);
        if (timestamp > block.timestamp) revert OracleRegistry__TimestampInFuture(timestamp, block.timestamp);
        risk = riskCommitment;
        if (risk == 0) revert OracleRegistry__NoRiskTable();
    }

    /// @dev [header, quote_0 .. quote_{M-1}] of a round, range-checking each listed market's values; stores the
    ///      listed markets' funding indexes as the latest ones.
    function _quotes(
        uint64 roundId,
        uint64 timestamp,
        uint64[] calldata prices,
        uint64[] calldata confidences,
        int64[] calldata fundingIndexes
    ) private returns (uint256[] memory list) {
        uint256 listed = prices.length;
        uint256 k = currentConfidenceMultiplier;
        list = new uint256[](1 + MARKETS);
        list[0] = PRICES_TAG | (uint256(roundId) << 8) | (uint256(timestamp) << 72);
        uint256[4] memory funding;
        for (uint256 j = 0; j < MARKETS; ++j) {
            if (j >= listed) {
                list[1 + j] = UNLISTED_QUOTE;
                continue;
            }
            uint64 price = prices[j];
            if (price == 0 || price >= PRICE_LIMIT) revert OracleRegistry__PriceOutOfRange(j, price);
            uint64 confidence = confidences[j];
            if (confidence >= CONFIDENCE_LIMIT) revert OracleRegistry__ConfidenceOutOfRange(j, confidence);
            // P - k conf >= 0 (k in hundredths): else a short valued in its favour would count as an asset.
            if (uint256(confidence) * k >= 100 * uint256(price)) revert OracleRegistry__ConfidenceTooWide(j, confidence, price);
            uint256 fundingBits = uint64(fundingIndexes[j]); // two's complement: F mod 2^64
            // F + 2^63 over [0, 2^64): the two's complement with its sign bit flipped.
            list[1 + j] = uint256(price) | (uint256(confidence) << 56) | ((fundingBits ^ (1 << 63)) << 104);
            funding[j >> 2] |= fundingBits << ((j & 3) << 6);
        }
        for (uint256 w = 0; w * 4 < listed; ++w) {
            _funding[w] = funding[w];
        }
    }

    function _setRiskTable(uint256 listed, uint16 confidenceMultiplier, Tier[] memory tiers)
        private
        returns (uint256 commitment)
    {
        uint256 perMarket = tiersPerMarket;
        if (tiers.length != listed * perMarket) revert OracleRegistry__WrongTierCount(tiers.length, listed * perMarket);
        if (confidenceMultiplier >= MULTIPLIER_LIMIT) revert OracleRegistry__MultiplierOutOfRange(confidenceMultiplier);
        bool lending = riskTag == LENDING_TAG;
        // [riskHeader, tierElement_0 ..]: two 88-bit tiers per element over the M x T tiers (unlisted: 0).
        uint256[] memory list = new uint256[](1 + (MARKETS * perMarket) / 2);
        list[0] = uint256(riskTag) | (uint256(confidenceMultiplier) << 8);
        currentConfidenceMultiplier = confidenceMultiplier;
        for (uint256 i = 0; i < tiers.length; ++i) {
            Tier memory tier = tiers[i];
            uint256 market = i / perMarket;
            uint256 t = i % perMarket;
            if (tier.floor >= FLOOR_LIMIT) revert OracleRegistry__FloorOutOfRange(market, t, tier.floor);
            if (tier.first > MAX_RATE) revert OracleRegistry__RateOutOfRange(market, t, tier.first);
            if (tier.second > MAX_RATE) revert OracleRegistry__RateOutOfRange(market, t, tier.second);
            if (t == 0) {
                if (tier.floor != 0) revert OracleRegistry__FirstFloorNotZero(market, tier.floor);
            } else if (tier.floor < tiers[i - 1].floor) {
                revert OracleRegistry__FloorsDecreasing(market, t);
            }
            if (lending) {
                if (tier.second > tier.first) revert OracleRegistry__LoanToValueAboveThreshold(market, t);
            } else if (tier.second < tier.first) {
                revert OracleRegistry__InitialBelowMaintenance(market, t);
            }
            uint256 packed = uint256(tier.floor) | (uint256(tier.first) << 48) | (uint256(tier.second) << 68);
            list[1 + i / 2] |= packed << ((i & 1) * 88);
        }
        commitment = ZkMarginHash.sponge5(list);
        riskCommitment = commitment;
        emit RiskTableSet(uint8(listed), confidenceMultiplier, tiers, commitment);
    }
}
