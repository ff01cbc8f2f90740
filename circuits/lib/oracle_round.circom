pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./constants.circom";
include "./poseidon_chain.circom";

/// @title OracleRound
/// @notice Range-checks an oracle round and computes the commitment the oracle posts for it:
///           pricesCommitment = PoseidonChain([roundId, timestamp, (price, confidence) packed 2 per element])
///         Element k = sum_q (price + 2^56 * confidence)[2k+q] * 2^(104 q), plus 2^208 * PRICES_TAG for k = 0.
/// @param M markets
/// @input roundId the oracle round (only hashed)
/// @input timestamp the round's time in unix seconds (only hashed)
/// @input price mark price per market, 8 decimals, < 2^56
/// @input confidence confidence interval per market, 8 decimals, < 2^48 (0 when the oracle gives none)
/// @output commitment the prices commitment
/// Cost: 104 per market (range checks) + PoseidonChain(2 + ceil(M / 2)): 2,470 at M = 16.
template OracleRound(M) {
    assert(M >= 2 && M <= MAX_MARKETS());
    var ELEMENTS = ceilDiv(M, QUOTES_PER_ELEMENT());
    var QUOTE_BITS = PRICE_BITS() + CONFIDENCE_BITS();
    signal input roundId;
    signal input timestamp;
    signal input price[M];
    signal input confidence[M];
    signal output commitment;

    component priceRange[M];
    component confidenceRange[M];
    for (var j = 0; j < M; j++) {
        priceRange[j] = Num2Bits(PRICE_BITS());
        priceRange[j].in <== price[j];
        confidenceRange[j] = Num2Bits(CONFIDENCE_BITS());
        confidenceRange[j].in <== confidence[j];
        // Only the range checks are wanted.
        _ <== priceRange[j].out;
        _ <== confidenceRange[j].out;
    }

    component chain = PoseidonChain(2 + ELEMENTS);
    chain.in[0] <== roundId;
    chain.in[1] <== timestamp;
    for (var e = 0; e < ELEMENTS; e++) {
        var element = e == 0 ? PRICES_TAG() * (1 << (QUOTES_PER_ELEMENT() * QUOTE_BITS)) : 0;
        for (var q = 0; q < QUOTES_PER_ELEMENT(); q++) {
            var j = e * QUOTES_PER_ELEMENT() + q;
            element += j < M ? (price[j] + confidence[j] * (1 << PRICE_BITS())) * (1 << (q * QUOTE_BITS)) : 0;
        }
        chain.in[2 + e] <== element;
    }
    commitment <== chain.out;
}
