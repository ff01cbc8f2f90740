pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./lib/margin_core.circom";
include "./lib/margin_statement.circom";

/// @title MarginProof
/// @notice Proves that the committed account meets its margin requirement at the committed round:
///           equity >= requirement * (1 + bufferBps / 10^4)
///         i.e. 10^10 * equity - (10^4 + bufferBps) * requirement >= 0 (equity has 16 decimals,
///         requirement 22, the buffer 4).
///         |10^10 * equity| < 2^162.3 and (10^4 + bufferBps) * requirement < 2^164.3, so the surplus is in
///         (-2^165, 2^165) and a 166-bit range check proves it is non-negative.
/// @param N position slots
/// @param M markets
/// @input accountCommitment (public) the account's commitment
/// @input roundCommitment (public) the round's combined prices and risk commitment
/// @input statement (public) binder + 2^160 * bufferBps + 2^176 * useInitial + 2^177 * collateral
///        (see MarginStatement); the vault builds it from its own record of the account's collateral
/// Private inputs: as MarginCore.
/// Cost: MarginCore + 241 (statement) + 1 + 166 (surplus).
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
    signal input maintenanceRate[M];
    signal input initialRate[M];

    component decoded = MarginStatement();
    decoded.statement <== statement;

    component core = MarginCore(N, M);
    core.accountCommitment <== accountCommitment;
    core.roundCommitment <== roundCommitment;
    core.useInitial <== decoded.useInitial;
    core.collateral <== decoded.collateral;
    core.salt <== salt;
    core.owner <== owner;
    core.nonce <== nonce;
    core.adjustment <== adjustment;
    core.market <== market;
    core.isShort <== isShort;
    core.size <== size;
    core.roundId <== roundId;
    core.timestamp <== timestamp;
    core.price <== price;
    core.maintenanceRate <== maintenanceRate;
    core.initialRate <== initialRate;

    signal bufferedRequirement <== (10000 + decoded.bufferBps) * core.requirement;
    component surplus = Num2Bits(166);
    surplus.in <== 10000000000 * core.equity - bufferedRequirement;
}
