pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";

/// @title UnsignedRange
/// @notice Checks 0 <= in < 2^BITS (a comparison written as the range check of a bounded difference).
/// @param BITS 1 to 252
/// @input in the value
/// Cost: BITS constraints.
template UnsignedRange(BITS) {
    assert(BITS >= 1 && BITS <= 252);
    signal input in;

    component bits = Num2Bits(BITS);
    bits.in <== in;
    _ <== bits.out; // only the range check is wanted
}
