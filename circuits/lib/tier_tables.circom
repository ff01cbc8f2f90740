pragma circom 2.1.0;

include "./constants.circom";

/// @title TierTables
/// @notice Lays out the per-(market, tier) tables TierRequirement selects from, index market + 2^bitsFor(M) * tier:
///           weight    = price * rate                                      (< 2^76)
///           lower     = floor * 10^16                                     (notional at 16 decimals)
///           upper     = next tier's lower, or 2^120 for the last tier
///           deduction = deduction[t - 1] + lower[t] * (rate[t] - rate[t - 1]), deduction[0] = 0
///         The deductions make the tiered requirement continuous at every floor (Hyperliquid's rule), so the
///         requirement is a function of the notional alone. Entries of padded markets are 0.
/// @param M markets
/// @param T tiers per market
/// @input price mark prices (range-checked by OracleRound)
/// @input floor, rate tier floors (whole quote units) and rates (ppm) (range-checked by TieredRisk)
/// Cost: 2 per (market, tier) after the first tier, 1 for the first.
template TierTables(M, T) {
    var HALF = 1 << bitsFor(M);
    var TABLE = HALF * T;
    signal input price[M];
    signal input floor[M][T];
    signal input rate[M][T];
    signal output weight[TABLE];
    signal output deduction[TABLE];
    signal output lower[TABLE];
    signal output upper[TABLE];

    signal step[M][T];
    for (var t = 0; t < T; t++) {
        for (var j = 0; j < HALF; j++) {
            var index = j + HALF * t;
            if (j < M) {
                weight[index] <== price[j] * rate[j][t];
                lower[index] <== floor[j][t] * 10000000000000000;
                upper[index] <== t + 1 < T ? floor[j][t + 1] * 10000000000000000 : 1 << NOTIONAL_BITS();
                if (t == 0) {
                    step[j][t] <== 0;
                    deduction[index] <== 0;
                } else {
                    step[j][t] <== floor[j][t] * (rate[j][t] - rate[j][t - 1]);
                    deduction[index] <== deduction[j + HALF * (t - 1)] + step[j][t] * 10000000000000000;
                }
            } else {
                weight[index] <== 0;
                lower[index] <== 0;
                upper[index] <== 0;
                deduction[index] <== 0;
            }
        }
    }
}
