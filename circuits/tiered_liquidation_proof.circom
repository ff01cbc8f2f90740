pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "./lib/committed_book.circom";
include "./lib/constants.circom";
include "./lib/liquidation_statement.circom";
include "./lib/sided_valuation.circom";
include "./lib/tier_requirement.circom";
include "./lib/tier_tables.circom";
include "./lib/tiered_risk.circom";

/// @title TieredLiquidationProof (requirements tiered by notional)
/// @notice Proves that the committed account holds a position and, valued favourably (longs at P + k conf,
///         shorts at P - k conf), equity + penalty < sum_i maintenance requirement_i (tiered, as in
///         TieredMarginProof with maintenance rates).
///         At 22 decimals: deficit = sum_i requirement_i + sum_i |S_i| w(market_i, side_i)
///                                   - 10^6 (collateral 10^10 + adjustment) - 1 >= 0
///         with w_long = -10^6 P - 10^4 k100 conf, w_short = 10^6 P - 10^4 k100 conf; |deficit| < 2^151.
/// @param N position slots
/// @param M markets
/// @param T tiers per market (a power of two)
/// @input accountCommitment, roundCommitment, statement (liquidator + 2^160 collateral) (public)
/// @input tier the tier of each slot's notional (private; checked against the floors)
template TieredLiquidationProof(N, M, T) {
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

    component decoded = LiquidationStatement();
    decoded.statement <== statement;
    _ <== decoded.liquidator; // bound through the public statement only

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

    component tables = TierTables(M, T);
    tables.price <== price;
    tables.floor <== floor;
    tables.rate <== maintenanceRate;

    signal penalty[M];
    component valuation = SidedValuation(N, M);
    for (var j = 0; j < M; j++) {
        penalty[j] <== multiplier * confidence[j];
        valuation.longWeight[j] <== -1000000 * price[j] - 10000 * penalty[j];
        valuation.shortWeight[j] <== 1000000 * price[j] - 10000 * penalty[j];
    }
    valuation.marketBits <== book.marketBits;
    valuation.isShort <== isShort;
    valuation.size <== size;

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

    var sizes = 0;
    for (var i = 0; i < N; i++) sizes += size[i];
    component empty = IsZero();
    empty.in <== sizes;
    empty.out === 0;

    component deficit = Num2Bits(152);
    deficit.in <== requirementSum + valuation.total - 1000000 * (decoded.collateral * 10000000000 + adjustment) - 1;
    _ <== deficit.out; // only the range check is wanted
}
