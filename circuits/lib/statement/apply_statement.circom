pragma circom 2.1.0;

include "../constants.circom";
include "../range/unsigned_range.circom";

/// @title ApplyStatement
/// @notice Unpacks an apply-fills proof's public statement, statement = count + 2^16 listed, and lays out
///         which of the K fill positions are used:
///           (1) 1 <= count <= K: one-hot `pick` over 0..K with pick[0] = 0 and sum c pick[c] = count;
///           enabled[i] = (i < count) = sum_{c > i} pick[c];
///           (2) 1 <= listed <= M: listed - 1 and M - listed are 16-bit (the vault passes the registry's count).

///         count < 2^16 follows from (1), so the packing is injective.
/// @param M markets
/// @param K fill positions
/// @input statement the packed public statement
/// @output enabled[K] booleans, a prefix of ones
/// @output listed the listed market count
/// Cost: K + 1 booleans + 2 + 48.
template ApplyStatement(M, K) {
    assert(K >= 1 && K <= MAX_FILLS());
    signal input statement;
    signal output enabled[K];
    signal output listed;

    // The witness generator reads `pick` off the statement (`<--`); the constraints below pin it.
    signal pick[K + 1];
    var ones = 0;
    var count = 0;
    for (var c = 0; c <= K; c++) {
        pick[c] <-- (statement % 65536) == c ? 1 : 0;
        pick[c] * (pick[c] - 1) === 0;
        ones += pick[c];
        count += c * pick[c];
    }
    ones === 1;
    pick[0] === 0;
    // statement - count = 2^16 listed with 1 <= listed <= M < 2^16: injective given count in [0, K].
    listed <== (statement - count) / 65536;
    component atLeastOne = UnsignedRange(16);
    atLeastOne.in <== listed - 1;
    component atMostM = UnsignedRange(16);
    atMostM.in <== M - listed;
    for (var i = 0; i < K; i++) {
        var later = 0;
        for (var c = i + 1; c <= K; c++) later += pick[c];
        enabled[i] <== later;
    }
}
