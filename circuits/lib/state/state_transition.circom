pragma circom 2.1.0;

include "./account_commitment.circom";

/// @title StateTransition
/// @notice Opens an account's old commitment and checks its new one (circuits/README.md, "Account
///         commitment"): domain, account id and owner carry over, the nonce goes up by one (so no state, and no
///         proof, ever repeats), the new salt is the prover's. The caller computes and range-checks the new
///         cash, head and slots.
/// @param M markets
/// @input oldCommitment, newCommitment the public commitments
/// @input domain, accountId, owner, salt, nonce, cash, head, size, fundingIndex the old state
/// @input newSalt, newCash, newHead, newSize, newFundingIndex the new state's changed fields
/// Cost: 2 AccountCommitment (3,690 at M = 16).
template StateTransition(M) {
    signal input oldCommitment;
    signal input newCommitment;
    signal input domain;
    signal input accountId;
    signal input owner;
    signal input salt;
    signal input nonce;
    signal input cash;
    signal input head;
    signal input size[M];
    signal input fundingIndex[M];
    signal input newSalt;
    signal input newCash;
    signal input newHead;
    signal input newSize[M];
    signal input newFundingIndex[M];

    component before = AccountCommitment(M);
    before.domain <== domain;
    before.accountId <== accountId;
    before.owner <== owner;
    before.salt <== salt;
    before.nonce <== nonce;
    before.cash <== cash;
    before.head <== head;
    before.size <== size;
    before.fundingIndex <== fundingIndex;
    before.commitment === oldCommitment;

    component after = AccountCommitment(M);
    after.domain <== domain;
    after.accountId <== accountId;
    after.owner <== owner;
    after.salt <== newSalt;
    after.nonce <== nonce + 1;
    after.cash <== newCash;
    after.head <== newHead;
    after.size <== newSize;
    after.fundingIndex <== newFundingIndex;
    after.commitment === newCommitment;
}
