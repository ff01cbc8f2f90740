pragma circom 2.1.0;

include "./lib/constants.circom";
include "./lib/range/signed_range.circom";
include "./lib/range/unsigned_range.circom";
include "./lib/state/committed_round.circom";
include "./lib/state/state_transition.circom";
include "./lib/valuation/valuation.circom";

/// @title WithdrawProof
/// @notice A withdrawal of `amount` tokens that leaves the account meeting its initial requirement
///         (circuits/README.md, WithdrawProof):
///           (1) amount < 2^64; newCash = cash - 10^10 amount, in [-2^125, 2^125); slots and head unchanged;
///               nonce + 1 (StateTransition)
///           (2) the new state's surplus(conservative, buffer 0, initial) >= 0 at the committed round
///         The vault requires the account to be up to date and the round to be its latest fresh one.
/// @param M markets
/// @param T tiers per market
/// @param PROFILE CROSS(), LENDING() or TIERED()
/// @input oldCommitment, newCommitment, roundCommitment, amount (public)
template WithdrawProof(M, T, PROFILE) {
    signal input oldCommitment;
    signal input newCommitment;
    signal input roundCommitment;
    signal input amount;

    signal input domain;
    signal input accountId;
    signal input owner;
    signal input salt;
    signal input newSalt;
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

    component amountRange = UnsignedRange(TOKEN_BITS()); // (1)
    amountRange.in <== amount;
    signal newCash <== cash - 10000000000 * amount;
    component cashRange = SignedRange(CASH_BITS());
    cashRange.in <== newCash;
    _ <== cashRange.nonNegative;

    component transition = StateTransition(M);
    transition.oldCommitment <== oldCommitment;
    transition.newCommitment <== newCommitment;
    transition.domain <== domain;
    transition.accountId <== accountId;
    transition.owner <== owner;
    transition.salt <== salt;
    transition.nonce <== nonce;
    transition.cash <== cash;
    transition.head <== head;
    transition.size <== size;
    transition.fundingIndex <== fundingIndex;
    transition.newSalt <== newSalt;
    transition.newCash <== newCash;
    transition.newHead <== head;
    transition.newSize <== size;
    transition.newFundingIndex <== fundingIndex;

    component round = CommittedRound(M, T, PROFILE);
    round.roundCommitment <== roundCommitment;
    round.header <== header;
    round.quote <== quote;
    round.multiplier <== multiplier;
    round.floor <== floor;
    round.first <== first;
    round.second <== second;

    component valuation = Valuation(M, T, PROFILE); // (2)
    valuation.cash <== newCash;
    valuation.size <== size;
    for (var j = 0; j < M; j++) valuation.fundingDelta[j] <== round.fundingIndex[j] - fundingIndex[j];
    valuation.price <== round.price;
    valuation.confidence <== round.confidence;
    valuation.multiplier <== multiplier;
    valuation.floor <== floor;
    valuation.first <== first;
    valuation.second <== second;
    valuation.useInitial <== 1;
    valuation.favourable <== 0;
    valuation.bufferBps <== 0;
    valuation.tier <== tier;
    _ <== valuation.equity;
    _ <== valuation.notional;
    component holds = UnsignedRange(SURPLUS_BITS(PROFILE));
    holds.in <== valuation.surplus;
}
