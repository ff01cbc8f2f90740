pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "../constants.circom";
include "../range/signed_range.circom";
include "../range/unsigned_range.circom";

/// @title FillStep
/// @notice Applies one fill of the account's chain (circuits/README.md, ApplyFillsProof 2 to 5), or nothing
///         when `enabled` is 0 (the unused positions of a K-fill proof):
///           (2) fill = Poseidon10(fillId, market, size, price, fundingIndex, buyerId, sellerId, buyerFee,
///               sellerFee, blinding); headOut = enabled ? Poseidon2(headIn, fill) : headIn
///           (3) role: isBuyer = (accountId == buyerId), isSeller = (accountId == sellerId), fee = the fee
///               account (isFeeAccount, computed once by the caller); isBuyer + isSeller + fee = enabled
///           (4) size < 2^63, price < 2^56, fundingIndex in [-2^63, 2^63), fees in [-2^100, 2^100),
///               buyerFee + sellerFee >= 0, market < listed (one-hot over the M markets)
///           (5) buyer / seller on market m: cash -= S_m (fundingIndex - F_m) + traded price + own fee,
///               S_m += traded (+-size; new S_m in [-2^63, 2^63)), F_m = fundingIndex;
///               fee account: cash += buyerFee + sellerFee
///         A disabled position must carry a dummy fill that passes (4) and names neither the account as
///         buyer nor seller (the SDK uses zeros; account ids start at 1).
///         Bounds per step: |cash change| < 2^127 + 2^119 + 2^101 + 1, so K <= 64 steps keep cash below 2^134.
/// @param M markets
/// @input enabled boolean (ApplyStatement); accountId; isFeeAccount boolean; listed (1 to M)
/// @input headIn, cashIn, sizeIn, fundingIn the account before the fill
/// @input the fill's ten fields
/// @output headOut, cashOut, sizeOut, fundingOut the account after it
/// Cost: Poseidon(10) + Poseidon(2) + 486 range + 64 + 5 M + ~20.
template FillStep(M) {
    signal input enabled;
    signal input accountId;
    signal input isFeeAccount;
    signal input listed;
    signal input headIn;
    signal input cashIn;
    signal input sizeIn[M];
    signal input fundingIn[M];
    signal input fillId;
    signal input market;
    signal input size;
    signal input price;
    signal input fundingIndex;
    signal input buyerId;
    signal input sellerId;
    signal input buyerFee;
    signal input sellerFee;
    signal input blinding;
    signal output headOut;
    signal output cashOut;
    signal output sizeOut[M];
    signal output fundingOut[M];

    // (2) the fill and the chain
    component fill = Poseidon(10);
    fill.inputs[0] <== fillId;
    fill.inputs[1] <== market;
    fill.inputs[2] <== size;
    fill.inputs[3] <== price;
    fill.inputs[4] <== fundingIndex;
    fill.inputs[5] <== buyerId;
    fill.inputs[6] <== sellerId;
    fill.inputs[7] <== buyerFee;
    fill.inputs[8] <== sellerFee;
    fill.inputs[9] <== blinding;
    component link = Poseidon(2);
    link.inputs[0] <== headIn;
    link.inputs[1] <== fill.out;
    headOut <== headIn + enabled * (link.out - headIn);

    // (3) the role
    component buyer = IsEqual();
    buyer.in[0] <== accountId;
    buyer.in[1] <== buyerId;
    component seller = IsEqual();
    seller.in[0] <== accountId;
    seller.in[1] <== sellerId;
    signal feeRole <== isFeeAccount * enabled;
    buyer.out + seller.out + feeRole === enabled;
    signal active <== buyer.out + seller.out;

    // (4) ranges
    component sizeRange = UnsignedRange(FILL_SIZE_BITS());
    sizeRange.in <== size;
    component priceRange = UnsignedRange(PRICE_BITS());
    priceRange.in <== price;
    component fundingRange = SignedRange(FUNDING_BITS());
    fundingRange.in <== fundingIndex;
    _ <== fundingRange.nonNegative;
    component buyerFeeRange = SignedRange(FEE_BITS());
    buyerFeeRange.in <== buyerFee;
    _ <== buyerFeeRange.nonNegative;
    component sellerFeeRange = SignedRange(FEE_BITS());
    sellerFeeRange.in <== sellerFee;
    _ <== sellerFeeRange.nonNegative;
    component netFee = UnsignedRange(FEE_BITS());
    netFee.in <== buyerFee + sellerFee;
    // one-hot market selector, pinned by booleanity, sum 1 and sum j o_j = market; market < listed
    signal onehot[M];
    var ones = 0;
    var index = 0;
    for (var j = 0; j < M; j++) {
        onehot[j] <-- market == j ? 1 : 0;
        onehot[j] * (onehot[j] - 1) === 0;
        ones += onehot[j];
        index += j * onehot[j];
    }
    ones === 1;
    index === market;
    component isListed = UnsignedRange(16);
    isListed.in <== listed - 1 - market;

    // (5) the slot of the fill's market, settled at the fill's funding index, then traded
    signal pickedSize[M];
    signal pickedFunding[M];
    var currentSize = 0;
    var currentFunding = 0;
    for (var j = 0; j < M; j++) {
        pickedSize[j] <== onehot[j] * sizeIn[j];
        pickedFunding[j] <== onehot[j] * fundingIn[j];
        currentSize += pickedSize[j];
        currentFunding += pickedFunding[j];
    }
    signal settled <== currentSize * (fundingIndex - currentFunding);
    signal activeSettled <== active * settled;
    signal traded <== size * (buyer.out - seller.out);
    signal cost <== traded * price;
    signal buyerPays <== buyer.out * buyerFee;
    signal sellerPays <== seller.out * sellerFee;
    signal feesCollected <== feeRole * (buyerFee + sellerFee);
    cashOut <== cashIn - activeSettled - cost - buyerPays - sellerPays + feesCollected;

    component newSize = SignedRange(SIZE_BITS());
    newSize.in <== currentSize + traded;
    _ <== newSize.nonNegative;

    signal touched[M];
    signal sizeChange[M];
    signal fundingChange[M];
    for (var j = 0; j < M; j++) {
        touched[j] <== onehot[j] * active;
        sizeChange[j] <== onehot[j] * traded;
        fundingChange[j] <== touched[j] * (fundingIndex - fundingIn[j]);
        sizeOut[j] <== sizeIn[j] + sizeChange[j];
        fundingOut[j] <== fundingIn[j] + fundingChange[j];
    }
}
