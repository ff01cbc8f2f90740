pragma circom 2.1.0;

include "./binary_select.circom";
include "./constants.circom";

/// @title SidedValuation
/// @notice The per-position part of every margin statement: sum_i size_i * weight(market_i, side_i), where each
///         market has one weight for long positions and one for short ones. Every profile reduces its
///         statement to this form (see the entry templates), so a slot costs one selection and one product:
///         the table has 2^bitsFor(M) long entries then the short ones, indexed by (market bits, isShort).
/// @param N position slots
/// @param M markets
/// @input marketBits, isShort, size the slots (range-checked by PositionSlot)
/// @input longWeight, shortWeight signed weights per market; the caller bounds them (|w| < 2^100)
/// @output total sum over the slots, a signed field element (|total| < 256 * 2^64 * 2^100)
/// Cost: 2^(bitsFor(M) + 1) per slot (32 at M = 16).
template SidedValuation(N, M) {
    var MARKET_BITS = bitsFor(M);
    var HALF = 1 << MARKET_BITS;
    signal input marketBits[N][MARKET_BITS];
    signal input isShort[N];
    signal input size[N];
    signal input longWeight[M];
    signal input shortWeight[M];
    signal output total;

    component select[N];
    signal value[N];
    var sum = 0;
    for (var i = 0; i < N; i++) {
        select[i] = BinarySelect(HALF + M);
        for (var j = 0; j < HALF; j++) {
            select[i].values[j] <== j < M ? longWeight[j] : 0;
        }
        for (var j = 0; j < M; j++) {
            select[i].values[HALF + j] <== shortWeight[j];
        }
        for (var b = 0; b < MARKET_BITS; b++) {
            select[i].selector[b] <== marketBits[i][b];
        }
        select[i].selector[MARKET_BITS] <== isShort[i];
        value[i] <== size[i] * select[i].out;
        sum += value[i];
    }
    total <== sum;
}
