// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT3} from "./lib/PoseidonT3.sol";

/// @title OracleRegistry
/// @notice Registry of oracle rounds for zkmargin proofs. An authorised poster publishes, per round, the
///         Poseidon commitment to the round's prices (`pricesCommitment`, which itself hashes roundId and
///         timestamp); governance (the owner) sets `riskCommitment`, the commitment to the markets' risk
///         parameters. At posting the registry computes once
///           roundCommitment = Poseidon(pricesCommitment, riskCommitment)
///         (circomlib Poseidon(2), = poseidon-lite poseidon2) and stores it with the timestamp, so a proof
///         carries one public input for both. A later change of the risk commitment only affects later rounds.
///         Round ids strictly increase from 1; timestamps never decrease and are never in the future. A round
///         older than `maxAge` seconds is stale: consumers must not accept it for new attestations.
contract OracleRegistry {
    /// @notice The BN254 scalar field modulus: commitments are field elements.
    uint256 public constant SNARK_SCALAR_FIELD = PoseidonT3.Q;

    struct Round {
        uint256 commitment; // Poseidon(pricesCommitment, riskCommitment); 0: unknown round
        uint64 timestamp; // unix seconds
    }

    /// @notice Governance: rotates the poster, sets the risk commitment and the maximum age.
    address public owner;
    /// @notice The account allowed to post rounds.
    address public poster;
    /// @notice Seconds a round stays fresh after its timestamp.
    uint64 public maxAge;
    /// @notice Latest posted round id (0: none yet).
    uint64 public latestRoundId;
    /// @notice Latest posted round's timestamp.
    uint64 public latestTimestamp;
    /// @notice Commitment to the risk parameters, combined into every round posted from now on.
    uint256 public riskCommitment;

    mapping(uint64 roundId => Round) private _rounds;

    event RoundPosted(
        uint64 indexed roundId,
        uint64 timestamp,
        uint256 pricesCommitment,
        uint256 riskCommitment,
        uint256 roundCommitment
    );
    event PosterChanged(address indexed previousPoster, address indexed newPoster);
    event RiskCommitmentChanged(uint256 previousCommitment, uint256 newCommitment);
    event MaxAgeChanged(uint64 previousMaxAge, uint64 newMaxAge);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    error OracleRegistry__NotOwner(address caller);
    error OracleRegistry__NotPoster(address caller);
    error OracleRegistry__ZeroAddress();
    error OracleRegistry__ZeroMaxAge();
    error OracleRegistry__InputOutOfField();
    error OracleRegistry__RoundNotIncreasing(uint64 roundId, uint64 latestRoundId);
    error OracleRegistry__TimestampDecreasing(uint64 timestamp, uint64 latestTimestamp);
    error OracleRegistry__TimestampInFuture(uint64 timestamp, uint256 blockTimestamp);
    error OracleRegistry__ZeroTimestamp();
    error OracleRegistry__UnknownRound(uint64 roundId);
    error OracleRegistry__StaleRound(uint64 roundId, uint64 timestamp, uint64 maxAge);

    modifier onlyOwner() {
        if (msg.sender != owner) revert OracleRegistry__NotOwner(msg.sender);
        _;
    }

    /// @param owner_ governance
    /// @param poster_ the oracle poster
    /// @param riskCommitment_ the initial risk parameters commitment (< r)
    /// @param maxAge_ seconds a round stays fresh (> 0)
    constructor(address owner_, address poster_, uint256 riskCommitment_, uint64 maxAge_) {
        if (owner_ == address(0) || poster_ == address(0)) revert OracleRegistry__ZeroAddress();
        if (riskCommitment_ >= SNARK_SCALAR_FIELD) revert OracleRegistry__InputOutOfField();
        if (maxAge_ == 0) revert OracleRegistry__ZeroMaxAge();
        owner = owner_;
        poster = poster_;
        riskCommitment = riskCommitment_;
        maxAge = maxAge_;
        emit OwnershipTransferred(address(0), owner_);
        emit PosterChanged(address(0), poster_);
        emit RiskCommitmentChanged(0, riskCommitment_);
        emit MaxAgeChanged(0, maxAge_);
    }

    // ------------------------------------------------------------------ posting

    /// @notice Publishes a round. Only the poster.
    /// @param roundId > the latest round id
    /// @param timestamp the round's time: >= the latest round's, <= block.timestamp, > 0
    /// @param pricesCommitment the Poseidon commitment to (roundId, timestamp, prices) (< r)
    /// @return commitment the round commitment Poseidon(pricesCommitment, riskCommitment)
    function post(uint64 roundId, uint64 timestamp, uint256 pricesCommitment) external returns (uint256 commitment) {
        if (msg.sender != poster) revert OracleRegistry__NotPoster(msg.sender);
        uint64 latestId = latestRoundId;
        if (roundId <= latestId) revert OracleRegistry__RoundNotIncreasing(roundId, latestId);
        if (timestamp == 0) revert OracleRegistry__ZeroTimestamp();
        if (timestamp < latestTimestamp) revert OracleRegistry__TimestampDecreasing(timestamp, latestTimestamp);
        if (timestamp > block.timestamp) revert OracleRegistry__TimestampInFuture(timestamp, block.timestamp);
        if (pricesCommitment >= SNARK_SCALAR_FIELD) revert OracleRegistry__InputOutOfField();

        uint256 risk = riskCommitment;
        commitment = PoseidonT3.hash(pricesCommitment, risk);
        _rounds[roundId] = Round({commitment: commitment, timestamp: timestamp});
        latestRoundId = roundId;
        latestTimestamp = timestamp;
        emit RoundPosted(roundId, timestamp, pricesCommitment, risk, commitment);
    }

    // ------------------------------------------------------------------ governance

    function setPoster(address newPoster) external onlyOwner {
        if (newPoster == address(0)) revert OracleRegistry__ZeroAddress();
        emit PosterChanged(poster, newPoster);
        poster = newPoster;
    }

    /// @notice Sets the risk parameters commitment for rounds posted from now on.
    function setRiskCommitment(uint256 newCommitment) external onlyOwner {
        if (newCommitment >= SNARK_SCALAR_FIELD) revert OracleRegistry__InputOutOfField();
        emit RiskCommitmentChanged(riskCommitment, newCommitment);
        riskCommitment = newCommitment;
    }

    function setMaxAge(uint64 newMaxAge) external onlyOwner {
        if (newMaxAge == 0) revert OracleRegistry__ZeroMaxAge();
        emit MaxAgeChanged(maxAge, newMaxAge);
        maxAge = newMaxAge;
    }

    function transferOwnership(address newOwner) external onlyOwner {
        if (newOwner == address(0)) revert OracleRegistry__ZeroAddress();
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    // ------------------------------------------------------------------ views

    /// @notice A round's commitment and timestamp, and whether it is fresh now. Unknown: (0, 0, false).
    function getRound(uint64 roundId) external view returns (uint256 commitment, uint64 timestamp, bool fresh) {
        Round storage r = _rounds[roundId];
        commitment = r.commitment;
        timestamp = r.timestamp;
        fresh = timestamp != 0 && block.timestamp - timestamp <= maxAge;
    }

    /// @notice Whether the round is known and at most maxAge seconds old.
    function isFresh(uint64 roundId) public view returns (bool) {
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

    /// @notice The latest round (all zero before the first post).
    function latestRound() external view returns (uint64 roundId, uint64 timestamp, uint256 commitment) {
        roundId = latestRoundId;
        timestamp = latestTimestamp;
        commitment = _rounds[roundId].commitment;
    }
}
