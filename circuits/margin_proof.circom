pragma circom 2.1.0;

include "./lib/constants.circom";
include "./lib/range/unsigned_range.circom";
include "./lib/state/account_commitment.circom";
include "./lib/state/committed_round.circom";
include "./lib/statement/margin_statement.circom";
include "./lib/valuation/valuation.circom";

/// @title MarginProof
/// @notice The committed account meets its requirement at the committed round (circuits/README.md,
///         MarginProof): attest (conservative, maintenance, a buffer) and the challenge answer (favourable,
///         maintenance, buffer 0: the exact negation of the liquidation condition).
///           (1) statement = binder + 2^160 bufferBps + 2^176 useInitial + 2^177 favourable (MarginStatement)
///           (2) surplus(side, bufferBps, rate) >= 0 (Valuation, SURPLUS_BITS(PROFILE)-bit range check)
///         The binder is only bound through the public statement (the vault puts msg.sender there).
/// @param M markets
/// @param T tiers per market (1 for cross and lending)
/// @param PROFILE CROSS(), LENDING() or TIERED()
/// @input accountCommitment, roundCommitment, statement (public)
template MarginProof(M, T, PROFILE) {
    signal input accountCommitment;
    signal input roundCommitment;
    signal input statement;

    signal input domain;
    signal input accountId;
    signal input owner;
    signal input salt;
    signal input nonce;
    signal input cash;
    signal input head;
    signal input size[M];
    signal input fundingIndex[M];
    signal input header;
    signal input quote[M];
    signal input multiplier;
    signal input floor[M][T];
    signal input first[M][T];
    signal input second[M][T];
    signal input tier[M];

    component decoded = MarginStatement(); // (1)
    decoded.statement <== statement;
    _ <== decoded.binder;

    component account = AccountCommitment(M);
    account.domain <== domain;
    account.accountId <== accountId;
    account.owner <== owner;
    account.salt <== salt;
    account.nonce <== nonce;
    account.cash <== cash;
    account.head <== head;
    account.size <== size;
    account.fundingIndex <== fundingIndex;
    account.commitment === accountCommitment;

    component round = CommittedRound(M, T, PROFILE);
    round.roundCommitment <== roundCommitment;
    round.header <== header;
    round.quote <== quote;
    round.multiplier <== multiplier;
    round.floor <== floor;
    round.first <== first;
    round.second <== second;

    component valuation = Valuation(M, T, PROFILE); // (2)
    valuation.cash <== cash;
    valuation.size <== size;
    for (var j = 0; j < M; j++) valuation.fundingDelta[j] <== round.fundingIndex[j] - fundingIndex[j];
    valuation.price <== round.price;
    valuation.confidence <== round.confidence;
    valuation.multiplier <== multiplier;
    valuation.floor <== floor;
    valuation.first <== first;
    valuation.second <== second;
    valuation.useInitial <== decoded.useInitial;
    valuation.favourable <== decoded.favourable;
    valuation.bufferBps <== decoded.bufferBps;
    valuation.tier <== tier;
    _ <== valuation.equity;
    _ <== valuation.notional;
    component holds = UnsignedRange(SURPLUS_BITS(PROFILE));
    holds.in <== valuation.surplus;
}
