pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "../constants.circom";

/// @title MarginStatement
/// @notice Unpacks a margin proof's public statement:
///           statement = binder + 2^160 bufferBps + 2^176 useInitial + 2^177 favourable
///         decomposed into 178 bits, so every field is range-checked and the packing is injective.
/// @input statement the packed public statement
/// @output binder (160 bits: the address the vault binds the proof to), bufferBps (16), useInitial, favourable
/// Cost: 178 constraints.
template MarginStatement() {
    var BUFFER_AT = BINDER_BITS();
    var INITIAL_AT = BUFFER_AT + BUFFER_BITS();
    signal input statement;
    signal output binder;
    signal output bufferBps;
    signal output useInitial;
    signal output favourable;

    component bits = Num2Bits(INITIAL_AT + 2);
    bits.in <== statement;
    var binderSum = 0;
    for (var i = 0; i < BINDER_BITS(); i++) binderSum += bits.out[i] * (1 << i);
    var bufferSum = 0;
    for (var i = 0; i < BUFFER_BITS(); i++) bufferSum += bits.out[BUFFER_AT + i] * (1 << i);
    binder <== binderSum;
    bufferBps <== bufferSum;
    useInitial <== bits.out[INITIAL_AT];
    favourable <== bits.out[INITIAL_AT + 1];
}
