pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./lib/committed_book.circom";
include "./lib/constants.circom";
include "./lib/margin_statement.circom";
include "./lib/sided_valuation.circom";
include "./lib/tier_requirement.circom";
include "./lib/tier_tables.circom";
include "./lib/tiered_risk.circom";

/// @title TieredMarginProof (requirements tiered by notional)
/// @notice Proves that the committed account meets its tiered requirement (Hyperliquid margin tiers, Binance
///         leverage brackets): per position, requirement = notional rate_t - deduction_t for the tier t whose
///         floor <= notional < next floor, with continuous deductions (TierTables):
///           equity - penalty >= (1 + bufferBps / 10^4) sum_i requirement_i
///         At 26 decimals: surplus = 10^10 (collateral 10^10 + adjustment) + sum_i |S_i| w(market_i, side_i)
///                                    - (10^4 + buffer) sum_i requirement_i >= 0
///         with w_long = 10^10 P - 10^8 k100 conf, w_short = -10^10 P - 10^8 k100 conf (equity and penalty).
///         |sum requirement| < 2^150, so |surplus| < 2^166.4: a 167-bit range check.
/// @param N position slots
/// @param M markets
/// @param T tiers per market (a power of two)
/// @input accountCommitment, roundCommitment (Poseidon(prices, tiered risk commitment)), statement (public)
///        as MarginProof
/// @input tier the tier of each slot's notional (private; checked against the floors)
template TieredMarginProof(N, M, T) {
    signal input accountCommitment;
    signal input roundCommitment;
    signal input statement;

    signal input salt;
    signal input owner;
    signal input nonce;
    signal input adjustment;
    signal input market[N];
    signal input isShort[N];
    signal input size[N];
    signal input tier[N];
    signal input roundId;
    signal input timestamp;
    signal input price[M];
    signal input confidence[M];
    signal input multiplier;
    signal input floor[M][T];
    signal input maintenanceRate[M][T];
    signal input initialRate[M][T];

    component decoded = MarginStatement();
    decoded.statement <== statement;
    _ <== decoded.binder; // bound through the public statement only

    component risk = TieredRisk(M, T);
    risk.multiplier <== multiplier;
    risk.floor <== floor;
    risk.maintenanceRate <== maintenanceRate;
    risk.initialRate <== initialRate;

    component book = CommittedBook(N, M);
    book.accountCommitment <== accountCommitment;
    book.roundCommitment <== roundCommitment;
    book.riskCommitment <== risk.commitment;
    book.collateral <== decoded.collateral;
    book.salt <== salt;
    book.owner <== owner;
    book.nonce <== nonce;
    book.adjustment <== adjustment;
    book.market <== market;
    book.isShort <== isShort;
    book.size <== size;
    book.roundId <== roundId;
    book.timestamp <== timestamp;
    book.price <== price;
    book.confidence <== confidence;

    signal rate[M][T];
    for (var j = 0; j < M; j++) {
        for (var t = 0; t < T; t++) {
            rate[j][t] <== maintenanceRate[j][t] + decoded.useInitial * (initialRate[j][t] - maintenanceRate[j][t]);
        }
    }
    component tables = TierTables(M, T);
    tables.price <== price;
    tables.floor <== floor;
    tables.rate <== rate;

    // Equity and confidence penalty, per market and side.
    signal penalty[M];
    component valuation = SidedValuation(N, M);
    for (var j = 0; j < M; j++) {
        penalty[j] <== multiplier * confidence[j];
        valuation.longWeight[j] <== 10000000000 * price[j] - 100000000 * penalty[j];
        valuation.shortWeight[j] <== -10000000000 * price[j] - 100000000 * penalty[j];
    }
    valuation.marketBits <== book.marketBits;
    valuation.isShort <== isShort;
    valuation.size <== size;

    // Tiered requirement per slot.
    component requirement[N];
    var requirementSum = 0;
    for (var i = 0; i < N; i++) {
        requirement[i] = TierRequirement(M, T);
        requirement[i].marketBits <== book.marketBits[i];
        requirement[i].size <== size[i];
        requirement[i].tier <== tier[i];
        requirement[i].price <== price;
        requirement[i].weight <== tables.weight;
        requirement[i].deduction <== tables.deduction;
        requirement[i].lower <== tables.lower;
        requirement[i].upper <== tables.upper;
        requirementSum += requirement[i].requirement;
    }
    signal bufferedRequirement <== (10000 + decoded.bufferBps) * requirementSum;

    component surplus = Num2Bits(167);
    surplus.in <== 10000000000 * (decoded.collateral * 10000000000 + adjustment) + valuation.total - bufferedRequirement;
    _ <== surplus.out; // only the range check is wanted
}
