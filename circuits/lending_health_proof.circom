pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./lib/committed_book.circom";
include "./lib/constants.circom";
include "./lib/margin_statement.circom";
include "./lib/rate_pair_risk.circom";
include "./lib/sided_valuation.circom";

/// @title LendingHealthProof (Aave v3 health factor)
/// @notice Proves that the committed lending account's health factor is at least 1 + bufferBps / 10^4:
///           HF = (cash + sum_collateral a P_low LT) / sum_debt a P_high
///         Long slots are collateral assets, short slots are debts; cash (collateral + adjustment, the vault's
///         quote token) counts at its face value. P_low = P - k conf, P_high = P + k conf. With useInitial = 1
///         the loan-to-value ratio replaces the liquidation threshold (Aave's borrowing limit).
///         At 28 decimals: surplus = 10^12 cash + sum_i a_i w(market_i, side_i) >= 0 with
///           w_long = 10^4 (100 P - k100 conf) LT,  w_short = -(10^4 + buffer) 10^6 (100 P + k100 conf)
///         |w| < 2^99, so |surplus| < 2^167.9 + 256 * 2^64 * 2^99 < 2^171.1: a 172-bit range check.
/// @param N position slots
/// @param M markets
/// @input accountCommitment, roundCommitment (Poseidon(prices, lending risk commitment)), statement (public)
///        as MarginProof; the statement's useInitial selects the loan-to-value ratio
/// Private inputs: the account, the round, the multiplier, liquidation thresholds and loan-to-value ratios.
template LendingHealthProof(N, M) {
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

    component decoded = MarginStatement();
    decoded.statement <== statement;
    _ <== decoded.binder; // bound through the public statement only

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

    signal threshold[M];
    signal penalty[M];
    signal collateralValue[M];
    signal debtValue[M];
    component valuation = SidedValuation(N, M);
    for (var j = 0; j < M; j++) {
        threshold[j] <== liquidationThreshold[j] + decoded.useInitial * (loanToValue[j] - liquidationThreshold[j]);
        penalty[j] <== multiplier * confidence[j];
        collateralValue[j] <== (100 * price[j] - penalty[j]) * threshold[j];
        debtValue[j] <== (10000 + decoded.bufferBps) * (100 * price[j] + penalty[j]);
        valuation.longWeight[j] <== 10000 * collateralValue[j];
        valuation.shortWeight[j] <== -1000000 * debtValue[j];
    }
    valuation.marketBits <== book.marketBits;
    valuation.isShort <== isShort;
    valuation.size <== size;

    component surplus = Num2Bits(172);
    surplus.in <== 1000000000000 * (decoded.collateral * 10000000000 + adjustment) + valuation.total;
    _ <== surplus.out; // only the range check is wanted
}
