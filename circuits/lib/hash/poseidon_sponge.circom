pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

/// @title PoseidonSponge
/// @notice Hashes a fixed-length list (circuits/README.md, "Hashes"): a list of at most WIDTH elements by one
///         Poseidon of its length; a longer one by Poseidon(WIDTH) over the first WIDTH elements, then
///         Poseidon(digest, next chunk) per chunk of at most WIDTH - 1 elements. The length is a template
///         parameter, so lists of different lengths never meet and no padding rule is needed.
///         prover/src/commitment/sponge.ts and contracts/lib/ZkMarginHash.sol compute the same.
/// @param WIDTH 2 to 16 (the widest Poseidon used)
/// @param LEN number of elements
/// @input in the elements (any field elements)
/// @output out the digest
/// Cost: one Poseidon per chunk (Poseidon(16) 609, Poseidon(5) ~330 constraints).
template PoseidonSponge(WIDTH, LEN) {
    assert(WIDTH >= 2 && WIDTH <= 16);
    assert(LEN >= 1);
    signal input in[LEN];
    signal output out;

    if (LEN <= WIDTH) {
        component single = Poseidon(LEN);
        single.inputs <== in;
        out <== single.out;
    } else {
        var CHUNKS = 1 + (LEN - WIDTH + WIDTH - 2) \ (WIDTH - 1);
        component link[CHUNKS];
        link[0] = Poseidon(WIDTH);
        for (var i = 0; i < WIDTH; i++) link[0].inputs[i] <== in[i];
        for (var c = 1; c < CHUNKS; c++) {
            var start = WIDTH + (c - 1) * (WIDTH - 1);
            var size = LEN - start < WIDTH - 1 ? LEN - start : WIDTH - 1;
            link[c] = Poseidon(1 + size);
            link[c].inputs[0] <== link[c - 1].out;
            for (var i = 0; i < size; i++) link[c].inputs[1 + i] <== in[start + i];
        }
        out <== link[CHUNKS - 1].out;
    }
}
