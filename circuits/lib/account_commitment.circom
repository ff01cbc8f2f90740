pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./constants.circom";
include "./poseidon_chain.circom";

/// @title AccountCommitment
/// @notice commitment = PoseidonChain([salt, owner, nonce, balanceElement, slots packed 3 per element]).
///           balanceElement = (adjustment + 2^128) + 2^129 * collateral + 2^193 * ACCOUNT_TAG
///           slot element k = slot[3k] + 2^73 * slot[3k+1] + 2^146 * slot[3k+2]
///         Trailing empty slots do not change the commitment beyond the first link (see PoseidonChain),
///         so an account with few positions has one commitment whatever the circuit capacity.
/// @param N position slots
/// @input salt random field element that hides the account
/// @input owner the owner's address or key (only hashed)
/// @input nonce account version, bumped on each update (only hashed)
/// @input collateral deposited collateral, 6 decimals; the caller must range-check it to 64 bits
/// @input adjustment signed quote adjustment at 16 decimals, as a field element; range-checked here to
///        [-2^128, 2^128)
/// @input slot packed slots from PositionSlot (each < 2^73)
/// @output commitment
/// Cost: 129 (adjustment range) + PoseidonChain(4 + ceil(N / 3)): 402 for N <= 12, 806 for N <= 33.
template AccountCommitment(N) {
    assert(N >= 1 && N <= MAX_SLOTS());
    var ELEMENTS = ceilDiv(N, SLOTS_PER_ELEMENT());
    signal input salt;
    signal input owner;
    signal input nonce;
    signal input collateral;
    signal input adjustment;
    signal input slot[N];
    signal output commitment;

    // adjustment + 2^128 in [0, 2^129) <=> adjustment in [-2^128, 2^128)
    var OFFSET = 1 << ADJUSTMENT_BITS();
    component adjustmentRange = Num2Bits(ADJUSTMENT_BITS() + 1);
    adjustmentRange.in <== adjustment + OFFSET;
    _ <== adjustmentRange.out; // only the range check is wanted

    component chain = PoseidonChain(4 + ELEMENTS);
    chain.in[0] <== salt;
    chain.in[1] <== owner;
    chain.in[2] <== nonce;
    chain.in[3] <== adjustment + OFFSET
        + collateral * (1 << (ADJUSTMENT_BITS() + 1))
        + ACCOUNT_TAG() * (1 << (ADJUSTMENT_BITS() + 1 + COLLATERAL_BITS()));
    for (var e = 0; e < ELEMENTS; e++) {
        var element = 0;
        for (var j = 0; j < SLOTS_PER_ELEMENT(); j++) {
            var i = e * SLOTS_PER_ELEMENT() + j;
            element += i < N ? slot[i] * (1 << (j * SLOT_BITS())) : 0;
        }
        chain.in[4 + e] <== element;
    }
    commitment <== chain.out;
}
