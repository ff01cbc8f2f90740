pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./lib/committed_book.circom";
include "./lib/constants.circom";
include "./lib/margin_statement.circom";
include "./lib/rate_pair_risk.circom";
include "./lib/sided_valuation.circom";

/// @title MarginProof (cross margin)
/// @notice Proves that the committed account meets its cross-margin requirement at the committed round
///         (dYdX v4, Hyperliquid, StarkEx Perpetual):
///           equity - penalty >= requirement * (1 + bufferBps / 10^4)
///           equity      = collateral + adjustment + sum_i S_i P_i
///           requirement = sum_i |S_i| P_i rate_i        (rate: maintenance, or initial when useInitial = 1)
///           penalty     = sum_i |S_i| k conf_i          (oracle confidence: longs valued at P - k conf,
///                                                         shorts at P + k conf)
///         At 26 decimals: surplus = 10^10 (collateral 10^10 + adjustment) + sum_i |S_i| w(market_i, side_i) >= 0
///         with w_long = 10^10 P - (10^4 + buffer) P rate - 10^8 k100 conf and w_short = -10^10 P - (same).
///         |w| < 2^92.3, so |surplus| < 2^161.3 + 256 * 2^64 * 2^92.3 < 2^165: a 166-bit range check proves it
///         is non-negative.
/// @param N position slots
/// @param M markets
/// @input accountCommitment (public) the account's commitment
/// @input roundCommitment (public) Poseidon(prices commitment, cross risk commitment)
/// @input statement (public) binder + 2^160 bufferBps + 2^176 useInitial + 2^177 collateral (MarginStatement);
///        the vault builds it from its own record of the account's collateral
/// Private inputs: the account (CommittedBook), the round's prices and confidences, the risk parameters
/// (confidence multiplier, maintenance and initial fractions).
/// Cost (M = 16): 32 per slot on top of CommittedBook, 4 per market, RatePairRisk, 241 + 166.
template MarginProof(N, M) {
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

    component decoded = MarginStatement();
    decoded.statement <== statement;
    _ <== decoded.binder; // bound through the public statement only

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

    // Per market: the weights of a long and a short unit of size.
    signal rate[M];
    signal priced[M];
    signal buffered[M];
    signal penalty[M];
    component valuation = SidedValuation(N, M);
    for (var j = 0; j < M; j++) {
        rate[j] <== maintenanceRate[j] + decoded.useInitial * (initialRate[j] - maintenanceRate[j]);
        priced[j] <== price[j] * rate[j];
        buffered[j] <== (10000 + decoded.bufferBps) * priced[j];
        penalty[j] <== multiplier * confidence[j];
        valuation.longWeight[j] <== 10000000000 * price[j] - buffered[j] - 100000000 * penalty[j];
        valuation.shortWeight[j] <== -10000000000 * price[j] - buffered[j] - 100000000 * penalty[j];
    }
    valuation.marketBits <== book.marketBits;
    valuation.isShort <== isShort;
    valuation.size <== size;

    component surplus = Num2Bits(166);
    surplus.in <== 10000000000 * (decoded.collateral * 10000000000 + adjustment) + valuation.total;
    _ <== surplus.out; // only the range check is wanted
}
