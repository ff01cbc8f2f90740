pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "./account_commitment.circom";
include "./constants.circom";
include "./oracle_round.circom";
include "./position_slot.circom";

/// @title CommittedBook
/// @notice Opens the two public commitments every zkmargin statement is about:
///           (1) the account: accountCommitment = AccountCommitment(salt, owner, nonce, collateral, adjustment, slots)
///           (2) the round: roundCommitment = Poseidon(OracleRound(prices, confidences), riskCommitment)
///         and range-checks every position slot. The risk commitment is computed by the profile's template.
/// @param N position slots
/// @param M markets
/// @input accountCommitment, roundCommitment the public commitments
/// @input riskCommitment the profile's risk commitment (computed by the caller from its range-checked parameters)
/// @input collateral deposited collateral; the caller must range-check it to 64 bits (the statement does)
/// @input salt, owner, nonce, adjustment, market, isShort, size the account (see AccountCommitment, PositionSlot)
/// @input roundId, timestamp, price, confidence the round (see OracleRound)
/// @output marketBits each slot's market index bits
/// Cost (M = 16): 69 per slot + AccountCommitment(N) + OracleRound(16) 2,470 + 240.
template CommittedBook(N, M) {
    var MARKET_BITS = bitsFor(M);
    signal input accountCommitment;
    signal input roundCommitment;
    signal input riskCommitment;
    signal input collateral;
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
    signal output marketBits[N][MARKET_BITS];

    component slots[N];
    component account = AccountCommitment(N);
    account.salt <== salt;
    account.owner <== owner;
    account.nonce <== nonce;
    account.collateral <== collateral;
    account.adjustment <== adjustment;
    for (var i = 0; i < N; i++) {
        slots[i] = PositionSlot(MARKET_BITS);
        slots[i].market <== market[i];
        slots[i].isShort <== isShort[i];
        slots[i].size <== size[i];
        account.slot[i] <== slots[i].packed;
        marketBits[i] <== slots[i].marketBits;
    }
    account.commitment === accountCommitment;

    component prices = OracleRound(M);
    prices.roundId <== roundId;
    prices.timestamp <== timestamp;
    prices.price <== price;
    prices.confidence <== confidence;
    component combine = Poseidon(2);
    combine.inputs[0] <== prices.commitment;
    combine.inputs[1] <== riskCommitment;
    combine.out === roundCommitment;
}
