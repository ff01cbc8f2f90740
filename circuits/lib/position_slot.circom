pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./constants.circom";

/// @title PositionSlot
/// @notice Range-checks one position slot and packs it for the account commitment.
///         packed = size + 2^64 * isShort + 2^65 * market  (< 2^73, injective thanks to the range checks).
///         An empty slot is size 0 (isShort 0, market 0 by convention of the TS engine).
/// @param MARKET_BITS bits of the market index (bitsFor(M) <= 8)
/// @input market market index, < 2^MARKET_BITS
/// @input isShort 1 for a short position, 0 for a long one
/// @input size magnitude of the signed size, 8 decimals, < 2^64
/// @output packed the slot's 73-bit encoding
/// @output marketBits the market index, little-endian (for price selection)
/// Cost: 64 + 1 + MARKET_BITS constraints.
template PositionSlot(MARKET_BITS) {
    assert(MARKET_BITS >= 1 && MARKET_BITS <= MARKET_FIELD_BITS());
    signal input market;
    signal input isShort;
    signal input size;
    signal output packed;
    signal output marketBits[MARKET_BITS];

    component sizeBits = Num2Bits(SIZE_BITS());
    sizeBits.in <== size;
    _ <== sizeBits.out; // only the range check is wanted
    isShort * (isShort - 1) === 0;
    component marketDecomposition = Num2Bits(MARKET_BITS);
    marketDecomposition.in <== market;
    marketBits <== marketDecomposition.out;

    packed <== size + isShort * (1 << SIZE_BITS()) + market * (1 << (SIZE_BITS() + 1));
}
