pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "../constants.circom";
include "../hash/poseidon_sponge.circom";

/// @title OraclePrices
/// @notice Opens the prices commitment the registry computes on-chain (circuits/README.md, "Oracle round"):
///           quote_j = price_j + 2^56 confidence_j + 2^104 (fundingIndex_j + 2^63)
///           prices  = Sponge(5, [header, quote_0 .. quote_{M-1}])
///         Each quote is decomposed into 168 bits, which range-checks the three fields and makes the packing
///         injective. The header (tag, round id, timestamp) is only hashed: the vault names the round.
/// @param M markets
/// @input header 2 + 2^8 roundId + 2^72 timestamp
/// @input quote the packed per-market values
/// @output price (< 2^56), confidence (< 2^48), fundingIndex (signed, [-2^63, 2^63)) per market
/// @output commitment the prices commitment
/// Cost: 168 per market + Sponge(5, 1 + M) (4 Poseidon(5) at M = 16).
template OraclePrices(M) {
    assert(M >= 2 && M <= MAX_MARKETS());
    var QUOTE_BITS = PRICE_BITS() + CONFIDENCE_BITS() + FUNDING_BITS();
    signal input header;
    signal input quote[M];
    signal output price[M];
    signal output confidence[M];
    signal output fundingIndex[M];
    signal output commitment;

    component bits[M];
    for (var j = 0; j < M; j++) {
        bits[j] = Num2Bits(QUOTE_BITS);
        bits[j].in <== quote[j];
        var p = 0;
        var c = 0;
        var f = 0;
        for (var b = 0; b < PRICE_BITS(); b++) p += bits[j].out[b] * (1 << b);
        for (var b = 0; b < CONFIDENCE_BITS(); b++) c += bits[j].out[PRICE_BITS() + b] * (1 << b);
        for (var b = 0; b < FUNDING_BITS(); b++) f += bits[j].out[PRICE_BITS() + CONFIDENCE_BITS() + b] * (1 << b);
        price[j] <== p;
        confidence[j] <== c;
        fundingIndex[j] <== f - (1 << (FUNDING_BITS() - 1));
    }

    component sponge = PoseidonSponge(ROUND_SPONGE_WIDTH(), 1 + M);
    sponge.in[0] <== header;
    for (var j = 0; j < M; j++) sponge.in[1 + j] <== quote[j];
    commitment <== sponge.out;
}
