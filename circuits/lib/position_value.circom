pragma circom 2.1.0;

include "./binary_select.circom";
include "./constants.circom";

/// @title PositionValue
/// @notice Values one position slot at the round's prices:
///           signedNotional = (1 - 2 isShort) * size * price[market]          (|.| < 2^120)
///           requirement    = size * riskWeight[market]                        (< 2^140)
///         where riskWeight[j] = price[j] * rate[j] is computed once per market by the caller.
/// @param M markets
/// @input marketBits market index bits from PositionSlot (boolean-constrained there)
/// @input isShort sign bit (boolean-constrained in PositionSlot)
/// @input size magnitude, < 2^64 (range-checked in PositionSlot)
/// @input price mark prices, < 2^56 (range-checked in OracleRound)
/// @input riskWeight price * rate per market, < 2^76
/// @output signedNotional size * price with the position's sign, 16 decimals
/// @output requirement size * price * rate, 22 decimals
/// Cost: 2 * (2^bitsFor(M) - 1) + 3 constraints (33 at M = 16).
template PositionValue(M) {
    var BITS = bitsFor(M);
    signal input marketBits[BITS];
    signal input isShort;
    signal input size;
    signal input price[M];
    signal input riskWeight[M];
    signal output signedNotional;
    signal output requirement;

    signal markPrice <== BinarySelect(M)(price, marketBits);
    signal weight <== BinarySelect(M)(riskWeight, marketBits);

    signal notional <== size * markPrice;
    signal shortNotional <== isShort * notional;
    signedNotional <== notional - 2 * shortNotional;
    requirement <== size * weight;
}
