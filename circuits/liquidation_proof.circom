pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "./lib/liquidation_statement.circom";
include "./lib/margin_core.circom";

/// @title LiquidationProof
/// @notice Proves that the committed account is liquidatable at the committed round:
///           maintenance requirement > 0  and  equity < maintenance requirement
///         i.e. requirement - 10^6 * equity - 1 >= 0 (equity has 16 decimals, requirement 22).
///         |10^6 * equity| < 2^149 and requirement < 2^148, so the deficit is in (-2^150, 2^150) and a
///         150-bit range check proves it is non-negative.
/// @param N position slots
/// @param M markets
/// @input accountCommitment (public) the account's commitment
/// @input roundCommitment (public) the round's combined prices and risk commitment
/// @input statement (public) liquidator + 2^160 * collateral (see LiquidationStatement): the proof is bound
///        to the liquidator's address and to the collateral the vault holds for the account
/// Private inputs: as MarginCore.
/// Cost: MarginCore (maintenance only) + 224 (statement) + 2 (requirement != 0) + 150 (deficit).
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
    signal input maintenanceRate[M];
    signal input initialRate[M];

    component decoded = LiquidationStatement();
    decoded.statement <== statement;

    component core = MarginCore(N, M);
    core.accountCommitment <== accountCommitment;
    core.roundCommitment <== roundCommitment;
    core.useInitial <== 0;
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

    // An account without positions has nothing to liquidate.
    component noRequirement = IsZero();
    noRequirement.in <== core.requirement;
    noRequirement.out === 0;

    component deficit = Num2Bits(150);
    deficit.in <== core.requirement - 1000000 * core.equity - 1;
}
