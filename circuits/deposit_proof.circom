pragma circom 2.1.0;

include "./lib/constants.circom";
include "./lib/range/signed_range.circom";
include "./lib/range/unsigned_range.circom";
include "./lib/state/state_transition.circom";

/// @title DepositProof
/// @notice A deposit of `amount` tokens into the account (circuits/README.md, DepositProof):
///           (1) amount < 2^64
///           (2) newCash = cash + 10^10 amount, in [-2^125, 2^125)
///           (3) nonce + 1; domain, id, owner, head, slots unchanged; salt free (StateTransition)
/// @param M markets
/// @input oldCommitment, newCommitment, amount (public)
template DepositProof(M) {
    signal input oldCommitment;
    signal input newCommitment;
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

    component amountRange = UnsignedRange(TOKEN_BITS()); // (1)
    amountRange.in <== amount;
    signal newCash <== cash + 10000000000 * amount; // (2)
    component cashRange = SignedRange(CASH_BITS());
    cashRange.in <== newCash;
    _ <== cashRange.nonNegative;

    component transition = StateTransition(M); // (3)
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
}
