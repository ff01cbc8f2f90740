pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "./constants.circom";
include "./poseidon_chain.circom";

/// @title OracleRound
/// @notice Range-checks an oracle round and the risk parameters and computes the commitment the vault
///         registers for the round:
///           pricesCommitment = PoseidonChain([roundId, timestamp, prices packed 4 per element])
///           riskCommitment   = PoseidonChain([rate pairs packed 6 per element])
///           commitment       = Poseidon(pricesCommitment, riskCommitment)
///         Price element k = sum_j price[4k+j] * 2^(56 j), plus 2^224 * PRICES_TAG for k = 0.
///         Risk element k = sum_j (maintenanceRate + 2^20 initialRate)[6k+j] * 2^(40 j), plus 2^240 * RISK_TAG for k = 0.
///         The oracle posts pricesCommitment; governance sets riskCommitment; the registry combines them once
///         per round, so proofs carry one public input for both.
/// @param M markets
/// @input roundId the oracle round (only hashed)
/// @input timestamp the round's time in unix seconds (only hashed)
/// @input price mark price per market, 8 decimals, < 2^56
/// @input maintenanceRate maintenance margin fraction per market, parts per million, < 2^20
/// @input initialRate initial margin fraction per market, parts per million, < 2^20
/// @output commitment
/// Cost: 96 per market (range checks) + PoseidonChain(2 + ceil(M/4)) + PoseidonChain(ceil(M/6)) + 240
///       (1,940 at M = 16).
template OracleRound(M) {
    assert(M >= 2 && M <= MAX_MARKETS());
    var PRICE_ELEMENTS = ceilDiv(M, PRICES_PER_ELEMENT());
    var RISK_ELEMENTS = ceilDiv(M, RATE_PAIRS_PER_ELEMENT());
    signal input roundId;
    signal input timestamp;
    signal input price[M];
    signal input maintenanceRate[M];
    signal input initialRate[M];
    signal output commitment;

    component priceRange[M];
    component maintenanceRange[M];
    component initialRange[M];
    for (var j = 0; j < M; j++) {
        priceRange[j] = Num2Bits(PRICE_BITS());
        priceRange[j].in <== price[j];
        maintenanceRange[j] = Num2Bits(RATE_BITS());
        maintenanceRange[j].in <== maintenanceRate[j];
        initialRange[j] = Num2Bits(RATE_BITS());
        initialRange[j].in <== initialRate[j];
    }

    component prices = PoseidonChain(2 + PRICE_ELEMENTS);
    prices.in[0] <== roundId;
    prices.in[1] <== timestamp;
    for (var e = 0; e < PRICE_ELEMENTS; e++) {
        var element = e == 0 ? PRICES_TAG() * (1 << (PRICES_PER_ELEMENT() * PRICE_BITS())) : 0;
        for (var k = 0; k < PRICES_PER_ELEMENT(); k++) {
            var j = e * PRICES_PER_ELEMENT() + k;
            element += j < M ? price[j] * (1 << (k * PRICE_BITS())) : 0;
        }
        prices.in[2 + e] <== element;
    }

    var PAIR_BITS = 2 * RATE_BITS();
    component risk = PoseidonChain(RISK_ELEMENTS);
    for (var e = 0; e < RISK_ELEMENTS; e++) {
        var element = e == 0 ? RISK_TAG() * (1 << (RATE_PAIRS_PER_ELEMENT() * PAIR_BITS)) : 0;
        for (var k = 0; k < RATE_PAIRS_PER_ELEMENT(); k++) {
            var j = e * RATE_PAIRS_PER_ELEMENT() + k;
            element += j < M ? (maintenanceRate[j] + initialRate[j] * (1 << RATE_BITS())) * (1 << (k * PAIR_BITS)) : 0;
        }
        risk.in[e] <== element;
    }

    component combine = Poseidon(2);
    combine.inputs[0] <== prices.out;
    combine.inputs[1] <== risk.out;
    commitment <== combine.out;
}
