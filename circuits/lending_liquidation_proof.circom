pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "./lib/committed_book.circom";
include "./lib/constants.circom";
include "./lib/liquidation_statement.circom";
include "./lib/rate_pair_risk.circom";
include "./lib/sided_valuation.circom";

/// @title LendingLiquidationProof (Aave v3 health factor below 1)
/// @notice Proves that the committed lending account holds a position and its health factor is below 1 even
///         valued favourably (collateral at P + k conf, debts at P - k conf):
///           cash + sum_collateral a P_high LT < sum_debt a P_low
///         At 24 decimals: deficit = sum_i a_i w(market_i, side_i) - 10^8 cash - 1 >= 0 with
///           w_long = -(100 P + k100 conf) LT,  w_short = 10^6 (100 P - k100 conf)
///         |w| < 2^83, so |deficit| < 256 * 2^64 * 2^83 + 2^154.6 < 2^156: a 157-bit range check.
/// @param N position slots
/// @param M markets
/// @input accountCommitment, roundCommitment, statement (liquidator + 2^160 collateral) (public)
template LendingLiquidationProof(N, M) {
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
    signal input liquidationThreshold[M];
    signal input loanToValue[M];

    component decoded = LiquidationStatement();
    decoded.statement <== statement;
    _ <== decoded.liquidator; // bound through the public statement only

    component risk = RatePairRisk(M, LENDING_RISK_TAG());
    risk.multiplier <== multiplier;
    risk.first <== liquidationThreshold;
    risk.second <== loanToValue;

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

    signal penalty[M];
    signal collateralValue[M];
    component valuation = SidedValuation(N, M);
    for (var j = 0; j < M; j++) {
        penalty[j] <== multiplier * confidence[j];
        collateralValue[j] <== (100 * price[j] + penalty[j]) * liquidationThreshold[j];
        valuation.longWeight[j] <== -collateralValue[j];
        valuation.shortWeight[j] <== 1000000 * (100 * price[j] - penalty[j]);
    }
    valuation.marketBits <== book.marketBits;
    valuation.isShort <== isShort;
    valuation.size <== size;

    var sizes = 0;
    for (var i = 0; i < N; i++) sizes += size[i];
    component empty = IsZero();
    empty.in <== sizes;
    empty.out === 0;

    component deficit = Num2Bits(157);
    deficit.in <== valuation.total - 100000000 * (decoded.collateral * 10000000000 + adjustment) - 1;
    _ <== deficit.out; // only the range check is wanted
}
