pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";

/// @title SignedRange
/// @notice Checks -2^(BITS-1) <= in < 2^(BITS-1) for a signed value held as a field element (x or p - |x|):
///         in + 2^(BITS-1) must decompose into BITS bits. Its top bit is 1 exactly when in >= 0.
/// @param BITS width of the signed range (2 to 252)
/// @input in the signed value
/// @output nonNegative 1 when in >= 0, else 0
/// Cost: BITS constraints.
template SignedRange(BITS) {
    assert(BITS >= 2 && BITS <= 252);
    signal input in;
    signal output nonNegative;

    component bits = Num2Bits(BITS);
    bits.in <== in + (1 << (BITS - 1));
    for (var i = 0; i < BITS - 1; i++) {
        _ <== bits.out[i]; // only the range check is wanted
    }
    nonNegative <== bits.out[BITS - 1];
}
