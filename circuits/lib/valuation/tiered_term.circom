pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "../constants.circom";
include "../range/unsigned_range.circom";
include "./binary_select.circom";

/// @title TieredTerm
/// @notice One market's contribution to the tiered surplus besides 10^10 size * price (26 decimals), with the
///         requirement of Hyperliquid's margin tiers / Binance's leverage brackets:
///           requirement = notional rate_t - deduction_t           (22 decimals, >= 0)
///           notional    = magnitude price                         (16 decimals, < 2^119)
///           10^16 floor_t <= notional < 10^16 floor_{t+1}          (2^120 above the last tier; checked)
///           deduction_0 = 0, deduction_t = deduction_{t-1} + 10^16 floor_t (rate_t - rate_{t-1})
///           term = sideSign 10^8 magnitude k conf - (10^4 + buffer) requirement
///         The prover names the tier; the bracket check makes a wrong tier unprovable. The deductions keep the
///         requirement continuous in the notional, and with non-decreasing floors (RiskTable (1)) it is
///         non-negative: requirement_t(floor_t) = requirement_{t-1}(floor_t) >= 0 and it grows with notional.
///         Bounds: deduction < T 2^48 10^16 2^20 < 2^123.2, requirement < 2^139, |term| < 2^155.3.
/// @param T tiers (a power of two, >= 2)
/// @input magnitude (< 2^63), price, confidence, multiplier, floor[T], first[T], second[T], useInitial, sideSign,
///        bufferBps: range-checked by the caller
/// @input tier the notional's tier, < T
/// Cost: 240 (bracket) + log2 T + 4 (T - 1) selections + 2 T + 6 constraints.
template TieredTerm(T) {
    var TIER_BITS = bitsFor(T);
    assert(T >= 2 && (1 << TIER_BITS) == T);
    var E16 = 10000000000000000;
    signal input magnitude;
    signal input price;
    signal input confidence;
    signal input multiplier;
    signal input floor[T];
    signal input first[T];
    signal input second[T];
    signal input useInitial;
    signal input sideSign;
    signal input bufferBps;
    signal input tier;
    signal output term;

    signal rate[T];
    signal step[T];
    signal deduction[T];
    for (var t = 0; t < T; t++) {
        rate[t] <== first[t] + useInitial * (second[t] - first[t]);
        if (t == 0) {
            step[t] <== 0;
            deduction[t] <== 0;
        } else {
            step[t] <== floor[t] * (rate[t] - rate[t - 1]);
            deduction[t] <== deduction[t - 1] + E16 * step[t];
        }
    }

    component tierBits = Num2Bits(TIER_BITS);
    tierBits.in <== tier;
    component pick[4];
    for (var k = 0; k < 4; k++) {
        pick[k] = BinarySelect(T);
        pick[k].selector <== tierBits.out;
    }
    pick[0].values <== rate;
    pick[1].values <== deduction;
    for (var t = 0; t < T; t++) {
        pick[2].values[t] <== E16 * floor[t];
        pick[3].values[t] <== t + 1 < T ? E16 * floor[t + 1] : 1 << NOTIONAL_BITS();
    }

    signal notional <== magnitude * price;
    component aboveFloor = UnsignedRange(NOTIONAL_BITS());
    aboveFloor.in <== notional - pick[2].out;
    component belowCeiling = UnsignedRange(NOTIONAL_BITS());
    belowCeiling.in <== pick[3].out - 1 - notional;

    signal gross <== notional * pick[0].out;
    signal requirement <== gross - pick[1].out;
    signal penalty <== multiplier * confidence;
    signal signedPenalty <== sideSign * penalty;
    signal confidenceTerm <== magnitude * signedPenalty;
    term <== 100000000 * confidenceTerm - (10000 + bufferBps) * requirement;
}
