pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/comparators.circom";
include "./constants.circom";

/// @title PoseidonChain
/// @notice Hashes LEN field elements with a chain of Poseidon(8) calls: the first link absorbs elements
///         0..7, each further link absorbs the previous digest and the next 7 elements. Trailing links
///         whose 7 elements are all zero are skipped, so a list padded with zeros to a larger capacity
///         hashes to the same value: one account or oracle round commitment serves circuits of every size.
///         Only trailing zero links may be skipped (a zero link followed by a non-zero one is rejected),
///         so positional data (prices by market index) cannot be shifted.
/// @param LEN number of input elements
/// @input in elements; the caller must ensure elements at index >= 8 are below 2^250 (so that the sum
///        of a link's 7 elements is zero only when each of them is)
/// @output out the chain digest
/// Cost: 402 per link (Poseidon(8)) + 4 per link after the first (zero test, select, order check).
template PoseidonChain(LEN) {
    assert(LEN >= 1);
    signal input in[LEN];
    signal output out;

    var FIRST = 8;
    var RATE = 7;
    var LINKS = LEN <= FIRST ? 1 : 1 + ceilDiv(LEN - FIRST, RATE);

    component first = Poseidon(FIRST);
    for (var i = 0; i < FIRST; i++) {
        first.inputs[i] <== i < LEN ? in[i] : 0;
    }

    if (LINKS == 1) {
        out <== first.out;
    } else {
        component link[LINKS - 1];
        component empty[LINKS - 1];
        signal digest[LINKS];
        digest[0] <== first.out;
        for (var k = 1; k < LINKS; k++) {
            link[k - 1] = Poseidon(FIRST);
            link[k - 1].inputs[0] <== digest[k - 1];
            var sum = 0;
            for (var j = 0; j < RATE; j++) {
                var index = FIRST + (k - 1) * RATE + j;
                link[k - 1].inputs[1 + j] <== index < LEN ? in[index] : 0;
                sum += index < LEN ? in[index] : 0;
            }
            empty[k - 1] = IsZero();
            empty[k - 1].in <== sum;
            // An empty link keeps the previous digest.
            digest[k] <== link[k - 1].out + empty[k - 1].out * (digest[k - 1] - link[k - 1].out);
            if (k >= 2) {
                // Once a link is empty, every later link must be empty too.
                empty[k - 2].out * (1 - empty[k - 1].out) === 0;
            }
        }
        out <== digest[LINKS - 1];
    }
}
