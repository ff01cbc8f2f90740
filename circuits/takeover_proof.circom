pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";
include "./lib/constants.circom";
include "./lib/range/signed_range.circom";
include "./lib/range/unsigned_range.circom";
include "./lib/state/account_commitment.circom";
include "./lib/state/committed_round.circom";
include "./lib/state/state_transition.circom";
include "./lib/statement/takeover_statement.circom";
include "./lib/valuation/valuation.circom";

/// @title TakeoverProof
/// @notice Takeover liquidation (circuits/README.md, TakeoverProof): the liquidator's account absorbs every
///         position of the victim at the round's prices, and the victim's equity at mark is split into public
///         token amounts.
///           (1) unless defaulted, the victim is liquidatable: surplus(favourable, 0, maintenance) < 0
///           (2) per market: the liquidator's slot settles at the round's index, Q_L -= S_Lj (F_j - F_Lj),
///               F_Lj = F_j; S_Lj += S_Vj (in [-2^63, 2^63)); Q_L -= S_Vj P_j
///           (3) E_V = 10^10 e + r, 0 <= r < 10^10 (r to the liquidator's cash), e = ownerPayout + penalty -
///               badDebt, badDebt (ownerPayout + penalty) = 0, penalty 10^14 <= notional_V penaltyBps, and if
///               ownerPayout > 0 then (penalty + 1) 10^14 > notional_V penaltyBps: penalty = min(e, cap) of a
///               positive equity, cap = floor(notional_V penaltyBps / 10^14), the rest to the owner, a negative
///               equity is bad debt
///           (4) the liquidator's new state meets its initial requirement (conservative) at the round; new
///               cash in range; nonce + 1 (StateTransition)
///         The victim and the liquidator share the domain (one vault). The vault requires the liquidator's owner
///         to send the transaction, the victim to be up to date and the round to be the latest fresh one.
///         Bounds: |E_V| < 2^133.01, notional_V penaltyBps < 2^123 2^16 = 2^139 (140-bit checks).
/// @param M markets
/// @param T tiers per market
/// @param PROFILE CROSS(), LENDING() or TIERED()
/// @input victimCommitment, liquidatorCommitment, liquidatorNewCommitment, roundCommitment, statement (public)
template TakeoverProof(M, T, PROFILE) {
    signal input victimCommitment;
    signal input liquidatorCommitment;
    signal input liquidatorNewCommitment;
    signal input roundCommitment;
    signal input statement;

    signal input domain;
    signal input victimAccountId;
    signal input victimOwner;
    signal input victimSalt;
    signal input victimNonce;
    signal input victimCash;
    signal input victimHead;
    signal input victimSize[M];
    signal input victimFundingIndex[M];
    signal input victimTier[M];
    signal input liquidatorAccountId;
    signal input liquidatorOwner;
    signal input liquidatorSalt;
    signal input liquidatorNewSalt;
    signal input liquidatorNonce;
    signal input liquidatorCash;
    signal input liquidatorHead;
    signal input liquidatorSize[M];
    signal input liquidatorFundingIndex[M];
    signal input liquidatorTier[M];
    signal input header;
    signal input quote[M];
    signal input multiplier;
    signal input floor[M][T];
    signal input first[M][T];
    signal input second[M][T];

    component decoded = TakeoverStatement();
    decoded.statement <== statement;

    component victim = AccountCommitment(M);
    victim.domain <== domain;
    victim.accountId <== victimAccountId;
    victim.owner <== victimOwner;
    victim.salt <== victimSalt;
    victim.nonce <== victimNonce;
    victim.cash <== victimCash;
    victim.head <== victimHead;
    victim.size <== victimSize;
    victim.fundingIndex <== victimFundingIndex;
    victim.commitment === victimCommitment;

    component round = CommittedRound(M, T, PROFILE);
    round.roundCommitment <== roundCommitment;
    round.header <== header;
    round.quote <== quote;
    round.multiplier <== multiplier;
    round.floor <== floor;
    round.first <== first;
    round.second <== second;

    // (1) the victim below maintenance, valued in its favour (skipped once defaulted)
    component victimValue = Valuation(M, T, PROFILE);
    victimValue.cash <== victimCash;
    victimValue.size <== victimSize;
    for (var j = 0; j < M; j++) victimValue.fundingDelta[j] <== round.fundingIndex[j] - victimFundingIndex[j];
    victimValue.price <== round.price;
    victimValue.confidence <== round.confidence;
    victimValue.multiplier <== multiplier;
    victimValue.floor <== floor;
    victimValue.first <== first;
    victimValue.second <== second;
    victimValue.useInitial <== 0;
    victimValue.favourable <== 1;
    victimValue.bufferBps <== 0;
    victimValue.tier <== victimTier;
    signal shortfall <== (1 - decoded.defaulted) * (-victimValue.surplus - 1);
    component liquidatable = UnsignedRange(SURPLUS_BITS(PROFILE));
    liquidatable.in <== shortfall;

    // (3) the victim's equity at mark into public token amounts
    signal remainder <== victimValue.equity - 10000000000 * (decoded.ownerPayout + decoded.penalty - decoded.badDebt);
    component remainderLow = UnsignedRange(34);
    remainderLow.in <== remainder;
    component remainderHigh = UnsignedRange(34);
    remainderHigh.in <== 10000000000 - 1 - remainder;
    decoded.badDebt * (decoded.ownerPayout + decoded.penalty) === 0;
    signal capTimes <== victimValue.notional * decoded.penaltyBps;
    component penaltyAtMostCap = UnsignedRange(140);
    penaltyAtMostCap.in <== capTimes - 100000000000000 * decoded.penalty;
    component noPayout = IsZero();
    noPayout.in <== decoded.ownerPayout;
    signal capReached <== (1 - noPayout.out) * ((decoded.penalty + 1) * 100000000000000 - 1 - capTimes);
    component penaltyIsCap = UnsignedRange(140);
    penaltyIsCap.in <== capReached;

    // (2) the liquidator absorbs the positions at the round's prices
    signal settled[M];
    signal bought[M];
    signal newSize[M];
    component sizeRange[M];
    var cashChange = remainder;
    for (var j = 0; j < M; j++) {
        settled[j] <== liquidatorSize[j] * (round.fundingIndex[j] - liquidatorFundingIndex[j]);
        bought[j] <== victimSize[j] * round.price[j];
        cashChange -= settled[j] + bought[j];
        newSize[j] <== liquidatorSize[j] + victimSize[j];
        sizeRange[j] = SignedRange(SIZE_BITS());
        sizeRange[j].in <== newSize[j];
        _ <== sizeRange[j].nonNegative;
    }
    signal newCash <== liquidatorCash + cashChange;
    component cashRange = SignedRange(CASH_BITS());
    cashRange.in <== newCash;
    _ <== cashRange.nonNegative;

    component transition = StateTransition(M);
    transition.oldCommitment <== liquidatorCommitment;
    transition.newCommitment <== liquidatorNewCommitment;
    transition.domain <== domain;
    transition.accountId <== liquidatorAccountId;
    transition.owner <== liquidatorOwner;
    transition.salt <== liquidatorSalt;
    transition.nonce <== liquidatorNonce;
    transition.cash <== liquidatorCash;
    transition.head <== liquidatorHead;
    transition.size <== liquidatorSize;
    transition.fundingIndex <== liquidatorFundingIndex;
    transition.newSalt <== liquidatorNewSalt;
    transition.newCash <== newCash;
    transition.newHead <== liquidatorHead;
    transition.newSize <== newSize;
    transition.newFundingIndex <== round.fundingIndex;

    // (4) the liquidator's new book meets its initial requirement (its slots are settled: no funding owed)
    component liquidatorValue = Valuation(M, T, PROFILE);
    liquidatorValue.cash <== newCash;
    liquidatorValue.size <== newSize;
    for (var j = 0; j < M; j++) liquidatorValue.fundingDelta[j] <== 0;
    liquidatorValue.price <== round.price;
    liquidatorValue.confidence <== round.confidence;
    liquidatorValue.multiplier <== multiplier;
    liquidatorValue.floor <== floor;
    liquidatorValue.first <== first;
    liquidatorValue.second <== second;
    liquidatorValue.useInitial <== 1;
    liquidatorValue.favourable <== 0;
    liquidatorValue.bufferBps <== 0;
    liquidatorValue.tier <== liquidatorTier;
    _ <== liquidatorValue.equity;
    _ <== liquidatorValue.notional;
    component meetsInitial = UnsignedRange(SURPLUS_BITS(PROFILE));
    meetsInitial.in <== liquidatorValue.surplus;
}
