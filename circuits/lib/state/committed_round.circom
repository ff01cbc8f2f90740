pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "../constants.circom";
include "./oracle_prices.circom";
include "./risk_table.circom";

/// @title CommittedRound
/// @notice Opens the public round commitment: roundCommitment = Poseidon2(prices commitment, risk commitment),
///         as the registry stores it for a round (OraclePrices, RiskTable).
/// @param M markets
/// @param T tiers per market
/// @param PROFILE the margin profile of the risk table
/// @input roundCommitment (public in every statement that reads a round)
/// @input header, quote the posted round (OraclePrices)
/// @input multiplier, floor, first, second the risk table (RiskTable)
/// @output price, confidence, fundingIndex per market, range-checked
template CommittedRound(M, T, PROFILE) {
    signal input roundCommitment;
    signal input header;
    signal input quote[M];
    signal input multiplier;
    signal input floor[M][T];
    signal input first[M][T];
    signal input second[M][T];
    signal output price[M];
    signal output confidence[M];
    signal output fundingIndex[M];

    component prices = OraclePrices(M);
    prices.header <== header;
    prices.quote <== quote;
    price <== prices.price;
    confidence <== prices.confidence;
    fundingIndex <== prices.fundingIndex;

    component risk = RiskTable(M, T, PROFILE);
    risk.multiplier <== multiplier;
    risk.floor <== floor;
    risk.first <== first;
    risk.second <== second;

    component combine = Poseidon(2);
    combine.inputs[0] <== prices.commitment;
    combine.inputs[1] <== risk.commitment;
    combine.out === roundCommitment;
}
