pragma circom 2.1.0;

include "../constants.circom";
include "./cross_term.circom";
include "./lending_term.circom";
include "./market_position.circom";
include "./tiered_term.circom";

/// @title Valuation
/// @notice The surplus every margin statement range-checks (circuits/README.md, "Valuation"), by profile:
///           cross, tiered:  surplus = 10^10 (cash - sum funding_j) + sum_j (10^10 value_j + term_j)   (26 decimals)
///           lending:        surplus = 10^12 (cash - sum funding_j) + sum_j term_j                     (28 decimals)
///         with value_j = S_j P_j, funding_j = S_j (F_j - F_last_j) (MarketPosition) and term_j the profile's
///         CrossTerm / LendingTerm / TieredTerm. surplus >= 0 is the margin statement; surplus < 0 with
///         (maintenance, favourable, buffer 0) is the liquidation condition, so the challenge answer is its
///         exact negation.
///         Also outputs equity = cash - sum funding + sum value and notional = sum |S| P (16 decimals), which a
///         takeover needs.
///         Bounds (M <= 64): |cash| < 2^125, |sum funding| < M 2^127 <= 2^133, |sum value| < M 2^119, so
///         |cash - funding + value| < 2^133.01; terms < M 2^155.3 (cross, tiered) or M 2^161.8 (lending). Hence
///         |surplus| < 2^166.3 (cross, tiered; x 10^10) and < 2^173 (lending; x 10^12): SURPLUS_BITS(PROFILE)
///         (168, 174) bits range-check either sign far below p / 2 (~2^253).
/// @param M markets
/// @param T tiers per market (1 for cross and lending)
/// @param PROFILE CROSS(), LENDING() or TIERED()
/// @input cash the account's cash (in range by the state validity invariant)
/// @input size, fundingDelta per market (fundingDelta = round index - the slot's last settlement)
/// @input price, confidence per market (OraclePrices); multiplier, floor, first, second (RiskTable)
/// @input useInitial, favourable booleans; bufferBps < 2^16 (the caller decomposes them)
/// @input tier per market: the notional's tier (tiered), 0 otherwise
/// @output surplus, equity, notional
template Valuation(M, T, PROFILE) {
    signal input cash;
    signal input size[M];
    signal input fundingDelta[M];
    signal input price[M];
    signal input confidence[M];
    signal input multiplier;
    signal input floor[M][T];
    signal input first[M][T];
    signal input second[M][T];
    signal input useInitial;
    signal input favourable;
    signal input bufferBps;
    signal input tier[M];
    signal output surplus;
    signal output equity;
    signal output notional;

    var sideSign = 2 * favourable - 1;
    component position[M];
    var funding = 0;
    var value = 0;
    var notionalSum = 0;
    var terms = 0;
    component cross[M];
    component lending[M];
    component tiered[M];
    for (var j = 0; j < M; j++) {
        position[j] = MarketPosition();
        position[j].size <== size[j];
        position[j].price <== price[j];
        position[j].fundingDelta <== fundingDelta[j];
        funding += position[j].funding;
        value += position[j].value;
        notionalSum += position[j].notional;
        if (PROFILE == CROSS()) {
            tier[j] === 0;
            // Cross margin values both sides alike and has no floors (RiskTable fixes them at 0).
            _ <== position[j].isLong;
            _ <== floor[j][0];
            cross[j] = CrossTerm();
            cross[j].magnitude <== position[j].magnitude;
            cross[j].price <== price[j];
            cross[j].confidence <== confidence[j];
            cross[j].multiplier <== multiplier;
            cross[j].first <== first[j][0];
            cross[j].second <== second[j][0];
            cross[j].useInitial <== useInitial;
            cross[j].sideSign <== sideSign;
            cross[j].bufferBps <== bufferBps;
            terms += cross[j].term;
        } else if (PROFILE == LENDING()) {
            tier[j] === 0;
            _ <== floor[j][0]; // no floors in lending (RiskTable fixes them at 0)
            lending[j] = LendingTerm();
            lending[j].magnitude <== position[j].magnitude;
            lending[j].isLong <== position[j].isLong;
            lending[j].price <== price[j];
            lending[j].confidence <== confidence[j];
            lending[j].multiplier <== multiplier;
            lending[j].first <== first[j][0];
            lending[j].second <== second[j][0];
            lending[j].useInitial <== useInitial;
            lending[j].sideSign <== sideSign;
            lending[j].bufferBps <== bufferBps;
            terms += lending[j].term;
        } else {
            _ <== position[j].isLong; // the tier requirement depends on the magnitude only
            tiered[j] = TieredTerm(T);
            tiered[j].magnitude <== position[j].magnitude;
            tiered[j].price <== price[j];
            tiered[j].confidence <== confidence[j];
            tiered[j].multiplier <== multiplier;
            tiered[j].floor <== floor[j];
            tiered[j].first <== first[j];
            tiered[j].second <== second[j];
            tiered[j].useInitial <== useInitial;
            tiered[j].sideSign <== sideSign;
            tiered[j].bufferBps <== bufferBps;
            tiered[j].tier <== tier[j];
            terms += tiered[j].term;
        }
    }
    if (PROFILE == LENDING()) {
        surplus <== 1000000000000 * (cash - funding) + terms;
    } else {
        surplus <== 10000000000 * (cash - funding + value) + terms;
    }
    equity <== cash - funding + value;
    notional <== notionalSum;
}

/// Bits of the range check of a profile's surplus (both signs far below p / 2; see Valuation).
function SURPLUS_BITS(profile) {
    return profile == 1 ? 174 : 168;
}
