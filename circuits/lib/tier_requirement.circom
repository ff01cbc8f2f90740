pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./binary_select.circom";
include "./constants.circom";

/// @title TierRequirement
/// @notice The tiered requirement of one position slot (Hyperliquid's rule):
///           requirement = notional * rate[t] - deduction[t],  notional = size * price[market]
///         where t is the tier whose bracket holds the notional: floor[t] <= notional < floor[t + 1]
///         (the last tier's ceiling is 2^120). The prover names t; the bracket is checked, so a wrong tier
///         cannot lower the requirement. Deductions are computed by the caller from the floors so that the
///         requirement is continuous in the notional.
/// @param M markets
/// @param T tiers per market (a power of two)
/// @input marketBits the slot's market bits (boolean-constrained by PositionSlot)
/// @input size the slot's size magnitude, < 2^64
/// @input tier the tier index the prover claims, < T
/// @input price mark price per market (< 2^56, range-checked by OracleRound)
/// @input weight price * rate per (market, tier), index market + 2^bitsFor(M) * tier
/// @input deduction per (market, tier), same index, 22 decimals
/// @input lower notional floor per (market, tier) at 16 decimals, same index
/// @input upper notional ceiling per (market, tier) at 16 decimals (the next floor, or 2^120), same index
/// @output requirement size * weight - deduction, 22 decimals (>= 0 with consistent parameters)
/// Cost: 4 selections of 2^bitsFor(M) T - 1, one price selection, 2 x 120-bit range checks, 3 products
///       (~496 at M = 16, T = 4).
template TierRequirement(M, T) {
    var MARKET_BITS = bitsFor(M);
    var TIER_BITS = bitsFor(T);
    assert(1 << TIER_BITS == T);
    var TABLE = (1 << MARKET_BITS) * T;
    signal input marketBits[MARKET_BITS];
    signal input size;
    signal input tier;
    signal input price[M];
    signal input weight[TABLE];
    signal input deduction[TABLE];
    signal input lower[TABLE];
    signal input upper[TABLE];
    signal output requirement;

    component tierBits = Num2Bits(TIER_BITS);
    tierBits.in <== tier;

    component markPrice = BinarySelect(M);
    markPrice.values <== price;
    markPrice.selector <== marketBits;
    signal notional <== size * markPrice.out;

    component pick[4];
    for (var k = 0; k < 4; k++) {
        pick[k] = BinarySelect(TABLE);
        for (var b = 0; b < MARKET_BITS; b++) pick[k].selector[b] <== marketBits[b];
        for (var b = 0; b < TIER_BITS; b++) pick[k].selector[MARKET_BITS + b] <== tierBits.out[b];
    }
    pick[0].values <== weight;
    pick[1].values <== deduction;
    pick[2].values <== lower;
    pick[3].values <== upper;

    // floor <= notional < ceiling, both differences below 2^120.
    component aboveFloor = Num2Bits(NOTIONAL_BITS());
    aboveFloor.in <== notional - pick[2].out;
    component belowCeiling = Num2Bits(NOTIONAL_BITS());
    belowCeiling.in <== pick[3].out - 1 - notional;
    // Only the range checks are wanted.
    _ <== aboveFloor.out;
    _ <== belowCeiling.out;

    signal gross <== size * pick[0].out;
    requirement <== gross - pick[1].out;
}
