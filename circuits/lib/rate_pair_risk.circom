pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./constants.circom";
include "./poseidon_chain.circom";

/// @title RatePairRisk
/// @notice Range-checks and commits risk parameters made of two rates per market and a confidence multiplier:
///         cross margin (maintenance, initial fraction) or lending (liquidation threshold, loan-to-value).
///           riskCommitment = PoseidonChain([TAG + 2^8 * multiplier, pairs packed 6 per element])
///         pair = first + 2^20 * second; element k = sum_j pair[6k+j] * 2^(40 j). The profile's tag keeps a
///         commitment of one profile from opening as another's.
/// @param M markets
/// @param TAG the profile's risk tag (CROSS_RISK_TAG or LENDING_RISK_TAG)
/// @input multiplier confidence intervals applied to prices, in hundredths, < 2^10
/// @input first maintenance fraction (cross) or liquidation threshold (lending) per market, ppm, < 2^20
/// @input second initial fraction (cross) or loan-to-value (lending) per market, ppm, < 2^20
/// @output commitment
/// Cost: 40 per market + 10 + PoseidonChain(1 + ceil(M / 6)): 1,052 at M = 16.
template RatePairRisk(M, TAG) {
    assert(M >= 2 && M <= MAX_MARKETS());
    var ELEMENTS = ceilDiv(M, RATE_PAIRS_PER_ELEMENT());
    var PAIR_BITS = 2 * RATE_BITS();
    signal input multiplier;
    signal input first[M];
    signal input second[M];
    signal output commitment;

    component multiplierRange = Num2Bits(MULTIPLIER_BITS());
    multiplierRange.in <== multiplier;
    _ <== multiplierRange.out; // only the range check is wanted
    component firstRange[M];
    component secondRange[M];
    for (var j = 0; j < M; j++) {
        firstRange[j] = Num2Bits(RATE_BITS());
        firstRange[j].in <== first[j];
        secondRange[j] = Num2Bits(RATE_BITS());
        secondRange[j].in <== second[j];
        // Only the range checks are wanted.
        _ <== firstRange[j].out;
        _ <== secondRange[j].out;
    }

    component chain = PoseidonChain(1 + ELEMENTS);
    chain.in[0] <== TAG + multiplier * (1 << 8);
    for (var e = 0; e < ELEMENTS; e++) {
        var element = 0;
        for (var k = 0; k < RATE_PAIRS_PER_ELEMENT(); k++) {
            var j = e * RATE_PAIRS_PER_ELEMENT() + k;
            element += j < M ? (first[j] + second[j] * (1 << RATE_BITS())) * (1 << (k * PAIR_BITS)) : 0;
        }
        chain.in[1 + e] <== element;
    }
    commitment <== chain.out;
}
