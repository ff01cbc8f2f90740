pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "./lib/committed_book.circom";
include "./lib/constants.circom";
include "./lib/liquidation_statement.circom";
include "./lib/rate_pair_risk.circom";
include "./lib/sided_valuation.circom";

/// @title LiquidationProof (cross margin)
/// @notice Proves that the committed account is liquidatable at the committed round: it holds a position and,
///         even valued favourably (longs at P + k conf, shorts at P - k conf, so oracle noise cannot liquidate a
///         healthy trader),
///           equity + penalty < maintenance requirement
///         At 22 decimals: deficit = sum_i |S_i| w(market_i, side_i) - 10^6 (collateral 10^10 + adjustment) - 1 >= 0
///         with w_long = P mmf - 10^6 P - 10^4 k100 conf and w_short = P mmf + 10^6 P - 10^4 k100 conf.
///         |w| < 2^77.6, so |deficit| < 256 * 2^64 * 2^77.6 + 2^148 < 2^151: a 151-bit range check.
/// @param N position slots
/// @param M markets
/// @input accountCommitment (public), roundCommitment (public) as MarginProof
/// @input statement (public) liquidator + 2^160 collateral (LiquidationStatement): bound to the liquidator's
///        address and to the collateral the vault holds for the account
/// Cost (M = 16): 32 per slot on top of CommittedBook, 2 per market, RatePairRisk, 224 + 2 + 151.
template LiquidationProof(N, M) {
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
    signal input roundId;
    signal input timestamp;
    signal input price[M];
    signal input confidence[M];
    signal input multiplier;
    signal input maintenanceRate[M];
    signal input initialRate[M];

    component decoded = LiquidationStatement();
    decoded.statement <== statement;
    _ <== decoded.liquidator; // bound through the public statement only

    component risk = RatePairRisk(M, CROSS_RISK_TAG());
    risk.multiplier <== multiplier;
    risk.first <== maintenanceRate;
    risk.second <== initialRate;

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

    signal priced[M];
    signal penalty[M];
    component valuation = SidedValuation(N, M);
    for (var j = 0; j < M; j++) {
        priced[j] <== price[j] * maintenanceRate[j];
        penalty[j] <== multiplier * confidence[j];
        valuation.longWeight[j] <== priced[j] - 1000000 * price[j] - 10000 * penalty[j];
        valuation.shortWeight[j] <== priced[j] + 1000000 * price[j] - 10000 * penalty[j];
    }
    valuation.marketBits <== book.marketBits;
    valuation.isShort <== isShort;
    valuation.size <== size;

    // An account without positions has nothing to liquidate.
    var sizes = 0;
    for (var i = 0; i < N; i++) sizes += size[i];
    component empty = IsZero();
    empty.in <== sizes;
    empty.out === 0;

    component deficit = Num2Bits(151);
    deficit.in <== valuation.total - 1000000 * (decoded.collateral * 10000000000 + adjustment) - 1;
    _ <== deficit.out; // only the range check is wanted
}
