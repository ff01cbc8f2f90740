pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./constants.circom";
include "./poseidon_chain.circom";

/// @title TieredRisk
/// @notice Range-checks and commits tiered margin parameters (Hyperliquid / Binance style brackets by notional):
///         per market T tiers of (notional floor in whole quote units, maintenance rate, initial rate).
///           riskCommitment = PoseidonChain([TIERED_RISK_TAG + 2^8 * multiplier, tiers packed 2 per element])
///         tier = floor + 2^48 * maintenance + 2^68 * initial (88 bits); tiers are listed market by market.
///         The first tier's floor is 0, so every notional has a tier.
/// @param M markets
/// @param T tiers per market
/// @input multiplier confidence intervals applied to prices, in hundredths, < 2^10
/// @input floor notional floor of each tier, whole quote units, < 2^48 (floor[j][0] = 0)
/// @input maintenanceRate, initialRate rates of each tier, ppm, < 2^20
/// @output commitment
/// Cost: 88 per tier + 10 + PoseidonChain(1 + ceil(M T / 2)).
template TieredRisk(M, T) {
    assert(M >= 2 && M <= MAX_MARKETS());
    assert(T >= 2);
    var ELEMENTS = ceilDiv(M * T, TIERS_PER_ELEMENT());
    var TIER_BITS = FLOOR_BITS() + 2 * RATE_BITS();
    signal input multiplier;
    signal input floor[M][T];
    signal input maintenanceRate[M][T];
    signal input initialRate[M][T];
    signal output commitment;

    component multiplierRange = Num2Bits(MULTIPLIER_BITS());
    multiplierRange.in <== multiplier;
    _ <== multiplierRange.out; // only the range check is wanted
    component floorRange[M][T];
    component maintenanceRange[M][T];
    component initialRange[M][T];
    for (var j = 0; j < M; j++) {
        floor[j][0] === 0;
        for (var t = 0; t < T; t++) {
            floorRange[j][t] = Num2Bits(FLOOR_BITS());
            floorRange[j][t].in <== floor[j][t];
            maintenanceRange[j][t] = Num2Bits(RATE_BITS());
            maintenanceRange[j][t].in <== maintenanceRate[j][t];
            initialRange[j][t] = Num2Bits(RATE_BITS());
            initialRange[j][t].in <== initialRate[j][t];
            // Only the range checks are wanted.
            _ <== floorRange[j][t].out;
            _ <== maintenanceRange[j][t].out;
            _ <== initialRange[j][t].out;
        }
    }

    component chain = PoseidonChain(1 + ELEMENTS);
    chain.in[0] <== TIERED_RISK_TAG() + multiplier * (1 << 8);
    for (var e = 0; e < ELEMENTS; e++) {
        var element = 0;
        for (var k = 0; k < TIERS_PER_ELEMENT(); k++) {
            var index = e * TIERS_PER_ELEMENT() + k;
            var j = index \ T;
            var t = index % T;
            element += index < M * T
                ? (floor[j][t] + maintenanceRate[j][t] * (1 << FLOOR_BITS()) + initialRate[j][t] * (1 << (FLOOR_BITS() + RATE_BITS()))) * (1 << (k * TIER_BITS))
                : 0;
        }
        chain.in[1 + e] <== element;
    }
    commitment <== chain.out;
}
