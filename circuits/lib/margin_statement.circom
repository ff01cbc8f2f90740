pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./constants.circom";

/// @title MarginStatement
/// @notice Unpacks the margin proof's statement, one public input that carries four fields:
///           statement = binder + 2^160 * bufferBps + 2^176 * useInitial + 2^177 * collateral
///         The whole value is decomposed into 241 bits, so each field is range-checked and the packing is
///         injective (no field can be traded against another).
/// @input statement the packed public statement
/// @output binder address or challenge id the proof is bound to (160 bits)
/// @output bufferBps buffer above the requirement, basis points (16 bits)
/// @output useInitial 1: initial requirement, 0: maintenance (boolean)
/// @output collateral the account's deposited collateral, 6 decimals (64 bits)
/// Cost: 241 constraints.
template MarginStatement() {
    var BUFFER_AT = BINDER_BITS();
    var KIND_AT = BUFFER_AT + BUFFER_BITS();
    var COLLATERAL_AT = KIND_AT + 1;
    var TOTAL_BITS = COLLATERAL_AT + COLLATERAL_BITS();
    signal input statement;
    signal output binder;
    signal output bufferBps;
    signal output useInitial;
    signal output collateral;

    component bits = Num2Bits(TOTAL_BITS);
    bits.in <== statement;

    var binderSum = 0;
    for (var i = 0; i < BINDER_BITS(); i++) {
        binderSum += bits.out[i] * (1 << i);
    }
    var bufferSum = 0;
    for (var i = 0; i < BUFFER_BITS(); i++) {
        bufferSum += bits.out[BUFFER_AT + i] * (1 << i);
    }
    var collateralSum = 0;
    for (var i = 0; i < COLLATERAL_BITS(); i++) {
        collateralSum += bits.out[COLLATERAL_AT + i] * (1 << i);
    }
    binder <== binderSum;
    bufferBps <== bufferSum;
    useInitial <== bits.out[KIND_AT];
    collateral <== collateralSum;
}
