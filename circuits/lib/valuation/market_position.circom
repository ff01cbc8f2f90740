pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";
include "../constants.circom";
include "../range/signed_range.circom";

/// @title MarketPosition
/// @notice The profile-independent part of valuing one market slot:
///           isLong, magnitude:  size = (2 isLong - 1) magnitude, from the 64-bit signed range check
///           value   = size * price                (16 decimals, |value| < 2^119)
///           funding = size * fundingDelta         (unsettled funding, 16 decimals, |funding| < 2^127)
///           notional = magnitude * price          (16 decimals, < 2^119)
///         and refuses a held market without a price (size != 0 => price != 0), so a position in a market the
///         round does not price can never be valued at 0.
/// @input size the slot's signed size (in [-2^63, 2^63) by the state validity invariant; re-checked here)
/// @input price the market's price (< 2^56, range-checked by OraclePrices)
/// @input fundingDelta F_round - F_last (|.| < 2^64)
/// Cost: 64 + 2 (IsZero) + 4 products.
template MarketPosition() {
    signal input size;
    signal input price;
    signal input fundingDelta;
    signal output isLong;
    signal output magnitude;
    signal output value;
    signal output funding;
    signal output notional;

    component sign = SignedRange(SIZE_BITS());
    sign.in <== size;
    isLong <== sign.nonNegative;
    magnitude <== size * (2 * isLong - 1);

    component unpriced = IsZero();
    unpriced.in <== price;
    unpriced.out * size === 0;

    value <== size * price;
    funding <== size * fundingDelta;
    notional <== magnitude * price;
}
