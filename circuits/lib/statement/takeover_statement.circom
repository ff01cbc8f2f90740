pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "../constants.circom";

/// @title TakeoverStatement
/// @notice Unpacks a takeover proof's public statement (token units, 6 decimals):
///           statement = ownerPayout + 2^64 penalty + 2^128 badDebt + 2^192 penaltyBps + 2^208 defaulted
///         decomposed into 209 bits (every field range-checked, the packing injective).
/// @input statement the packed public statement
/// @output ownerPayout, penalty, badDebt (64 bits each), penaltyBps (16), defaulted (boolean)
/// Cost: 209 constraints.
template TakeoverStatement() {
    signal input statement;
    signal output ownerPayout;
    signal output penalty;
    signal output badDebt;
    signal output penaltyBps;
    signal output defaulted;

    component bits = Num2Bits(3 * TOKEN_BITS() + PENALTY_BITS() + 1);
    bits.in <== statement;
    var amounts[3] = [0, 0, 0];
    for (var k = 0; k < 3; k++) {
        for (var i = 0; i < TOKEN_BITS(); i++) amounts[k] += bits.out[k * TOKEN_BITS() + i] * (1 << i);
    }
    var bps = 0;
    for (var i = 0; i < PENALTY_BITS(); i++) bps += bits.out[3 * TOKEN_BITS() + i] * (1 << i);
    ownerPayout <== amounts[0];
    penalty <== amounts[1];
    badDebt <== amounts[2];
    penaltyBps <== bps;
    defaulted <== bits.out[3 * TOKEN_BITS() + PENALTY_BITS()];
}
