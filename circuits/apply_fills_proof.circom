pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";
include "./lib/constants.circom";
include "./lib/range/signed_range.circom";
include "./lib/state/fill_step.circom";
include "./lib/state/state_transition.circom";
include "./lib/statement/apply_statement.circom";

/// @title ApplyFillsProof
/// @notice Applies the next `count` fills of the account's chain, in order (circuits/README.md,
///         ApplyFillsProof): the only way positions change besides a takeover. No margin condition: fills are
///         facts, and anyone holding the data may prove them.
///           (1) statement = count + 2^16 listed, 1 <= count <= K, 1 <= listed <= M (ApplyStatement)
///           (2)-(5) per used position, FillStep: the fill opens, extends the chain, the role is exactly one
///               of buyer / seller / fee account, ranges, settlement and trade
///           (2) the head after the fills equals newHead (the vault's head after applied + count fills)
///           (6) new cash in [-2^125, 2^125); nonce + 1; domain, id, owner unchanged (StateTransition)
/// @param M markets
/// @param K fill positions per proof
/// @input oldCommitment, newCommitment, newHead, statement (public)
template ApplyFillsProof(M, K) {
    signal input oldCommitment;
    signal input newCommitment;
    signal input newHead;
    signal input statement;

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
    signal input fillId[K];
    signal input fillMarket[K];
    signal input fillSize[K];
    signal input fillPrice[K];
    signal input fillFundingIndex[K];
    signal input fillBuyerId[K];
    signal input fillSellerId[K];
    signal input fillBuyerFee[K];
    signal input fillSellerFee[K];
    signal input fillBlinding[K];

    component decoded = ApplyStatement(M, K); // (1)
    decoded.statement <== statement;

    component feeAccount = IsEqual();
    feeAccount.in[0] <== accountId;
    feeAccount.in[1] <== FEE_ACCOUNT_ID();

    component step[K];
    for (var i = 0; i < K; i++) {
        step[i] = FillStep(M);
        step[i].enabled <== decoded.enabled[i];
        step[i].accountId <== accountId;
        step[i].isFeeAccount <== feeAccount.out;
        step[i].listed <== decoded.listed;
        if (i == 0) {
            step[i].headIn <== head;
            step[i].cashIn <== cash;
            step[i].sizeIn <== size;
            step[i].fundingIn <== fundingIndex;
        } else {
            step[i].headIn <== step[i - 1].headOut;
            step[i].cashIn <== step[i - 1].cashOut;
            step[i].sizeIn <== step[i - 1].sizeOut;
            step[i].fundingIn <== step[i - 1].fundingOut;
        }
        step[i].fillId <== fillId[i];
        step[i].market <== fillMarket[i];
        step[i].size <== fillSize[i];
        step[i].price <== fillPrice[i];
        step[i].fundingIndex <== fillFundingIndex[i];
        step[i].buyerId <== fillBuyerId[i];
        step[i].sellerId <== fillSellerId[i];
        step[i].buyerFee <== fillBuyerFee[i];
        step[i].sellerFee <== fillSellerFee[i];
        step[i].blinding <== fillBlinding[i];
    }
    step[K - 1].headOut === newHead; // (2)

    component cashRange = SignedRange(CASH_BITS()); // (6)
    cashRange.in <== step[K - 1].cashOut;
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
    transition.newCash <== step[K - 1].cashOut;
    transition.newHead <== step[K - 1].headOut;
    transition.newSize <== step[K - 1].sizeOut;
    transition.newFundingIndex <== step[K - 1].fundingOut;
}
