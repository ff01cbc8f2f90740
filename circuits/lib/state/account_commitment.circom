pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "../constants.circom";
include "../hash/poseidon_sponge.circom";

/// @title AccountCommitment
/// @notice The commitment to an account state (circuits/README.md, "Account commitment"):
///           book       = Sponge(16, [salt, nonce, cash, head, size_0 .. size_{M-1}, fundingIndex_0 .. fundingIndex_{M-1}])
///           commitment = Poseidon4(domain, accountId, owner, book)
///         Fields are hashed unpacked (signed values as field elements), so the commitment is injective on
///         field elements without any range check here: the writers of a state range-check what they write
///         (the state validity invariant), the vault computes the genesis state.
/// @param M markets (one slot per market)
/// @input domain vault address + 2^160 chain id
/// @input accountId, owner, salt, nonce, cash, head, size, fundingIndex the state
/// @output commitment
/// Cost: Sponge(16, 4 + 2M) + Poseidon(4): 1,845 at M = 16.
template AccountCommitment(M) {
    assert(M >= 2 && M <= MAX_MARKETS());
    signal input domain;
    signal input accountId;
    signal input owner;
    signal input salt;
    signal input nonce;
    signal input cash;
    signal input head;
    signal input size[M];
    signal input fundingIndex[M];
    signal output commitment;

    component book = PoseidonSponge(BOOK_SPONGE_WIDTH(), 4 + 2 * M);
    book.in[0] <== salt;
    book.in[1] <== nonce;
    book.in[2] <== cash;
    book.in[3] <== head;
    for (var j = 0; j < M; j++) {
        book.in[4 + j] <== size[j];
        book.in[4 + M + j] <== fundingIndex[j];
    }
    component outer = Poseidon(4);
    outer.inputs[0] <== domain;
    outer.inputs[1] <== accountId;
    outer.inputs[2] <== owner;
    outer.inputs[3] <== book.out;
    commitment <== outer.out;
}
