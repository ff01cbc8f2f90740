pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./constants.circom";

/// @title LiquidationStatement
/// @notice Unpacks the liquidation proof's statement, one public input that carries two fields:
///           statement = liquidator + 2^160 * collateral
///         decomposed into 224 bits, so both fields are range-checked and the packing is injective.
/// @input statement the packed public statement
/// @output liquidator the address the proof is bound to (160 bits)
/// @output collateral the account's deposited collateral, 6 decimals (64 bits)
/// Cost: 224 constraints.
template LiquidationStatement() {
    var TOTAL_BITS = BINDER_BITS() + COLLATERAL_BITS();
    signal input statement;
    signal output liquidator;
    signal output collateral;

    component bits = Num2Bits(TOTAL_BITS);
    bits.in <== statement;

    var liquidatorSum = 0;
    for (var i = 0; i < BINDER_BITS(); i++) {
        liquidatorSum += bits.out[i] * (1 << i);
    }
    var collateralSum = 0;
    for (var i = 0; i < COLLATERAL_BITS(); i++) {
        collateralSum += bits.out[BINDER_BITS() + i] * (1 << i);
    }
    liquidator <== liquidatorSum;
    collateral <== collateralSum;
}
