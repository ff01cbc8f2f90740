pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "../constants.circom";
include "../hash/poseidon_sponge.circom";
include "../range/unsigned_range.circom";

/// @title RiskTable
/// @notice Range-checks and commits the markets' risk table (circuits/README.md, "Oracle round"):
///           tier (j, t)   = floor + 2^48 first + 2^68 second     (88 bits)
///           element e     = tier[2e] + 2^88 tier[2e + 1]          (market-major order)
///           commitment    = Sponge(5, [tag + 2^8 multiplier, elements])
///         and enforces the rules the soundness of the statements relies on, whatever governance posts:
///           (1) floor[j][0] = 0 and floors non-decreasing (a decreasing floor made a tier's requirement
///               negative);
///           (2) cross / tiered: second >= first (initial >= maintenance, so an initial-margin proof and a
///               liquidation proof never both hold); lending: first >= second (LT >= LTV).
/// @param M markets
/// @param T tiers per market (1 for cross and lending)
/// @param PROFILE CROSS(), LENDING() or TIERED()
/// @input multiplier confidence intervals, hundredths, < 2^10
/// @input floor, first, second the table (floors in whole quote units, rates in ppm)
/// @output commitment the risk commitment
/// Cost: per tier 60 (+ 48 for each floor step and 48 for the last floor when T > 1); Sponge(5, 1 + M T / 2).
template RiskTable(M, T, PROFILE) {
    assert(M >= 2 && M <= MAX_MARKETS());
    assert(T >= 1 && T <= 8);
    assert((M * T) % TIERS_PER_ELEMENT() == 0);
    var ELEMENTS = (M * T) \ TIERS_PER_ELEMENT();
    signal input multiplier;
    signal input floor[M][T];
    signal input first[M][T];
    signal input second[M][T];
    signal output commitment;

    component multiplierRange = UnsignedRange(MULTIPLIER_BITS());
    multiplierRange.in <== multiplier;

    // Floors start at 0 and never decrease, so the last one below 2^48 bounds them all (packing injectivity).
    component lastFloor[M];
    component floorStep[M][T];
    component firstRange[M][T];
    component secondRange[M][T];
    component order[M][T];
    for (var j = 0; j < M; j++) {
        floor[j][0] === 0; // (1)
        if (T > 1) {
            lastFloor[j] = UnsignedRange(FLOOR_BITS());
            lastFloor[j].in <== floor[j][T - 1];
        }
        for (var t = 0; t < T; t++) {
            if (t > 0) {
                floorStep[j][t] = UnsignedRange(FLOOR_BITS()); // (1)
                floorStep[j][t].in <== floor[j][t] - floor[j][t - 1];
            }
            firstRange[j][t] = UnsignedRange(RATE_BITS());
            firstRange[j][t].in <== first[j][t];
            secondRange[j][t] = UnsignedRange(RATE_BITS());
            secondRange[j][t].in <== second[j][t];
            order[j][t] = UnsignedRange(RATE_BITS()); // (2)
            order[j][t].in <== PROFILE == LENDING() ? first[j][t] - second[j][t] : second[j][t] - first[j][t];
        }
    }

    component sponge = PoseidonSponge(RISK_SPONGE_WIDTH(), 1 + ELEMENTS);
    sponge.in[0] <== riskTag(PROFILE) + multiplier * (1 << 8);
    for (var e = 0; e < ELEMENTS; e++) {
        var element = 0;
        for (var k = 0; k < TIERS_PER_ELEMENT(); k++) {
            var index = e * TIERS_PER_ELEMENT() + k;
            var j = index \ T;
            var t = index % T;
            var tier = floor[j][t] + first[j][t] * (1 << FLOOR_BITS()) + second[j][t] * (1 << (FLOOR_BITS() + RATE_BITS()));
            element += tier * (1 << (k * TIER_FIELD_BITS()));
        }
        sponge.in[1 + e] <== element;
    }
    commitment <== sponge.out;
}
