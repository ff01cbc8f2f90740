pragma circom 2.1.0;

include "./account_commitment.circom";
include "./constants.circom";
include "./oracle_round.circom";
include "./position_slot.circom";
include "./position_value.circom";

/// @title MarginCore
/// @notice Opens the account and round commitments and computes, in scaled integers,
///           equity      = collateral * 10^10 + adjustment + sum_i signedNotional_i    16 decimals
///           requirement = sum_i size_i * price[market_i] * rate[market_i]         22 decimals
///         with rate = maintenanceRate, or initialRate when useInitial = 1.
///         Bounds (N <= 256): |equity| < 2^64 * 10^10 + 2^128 + 256 * 2^120 < 2^129.001,
///         requirement < 256 * 2^140 = 2^148;
///         both far below the BN254 scalar field (~2^253.6), so nothing wraps.
/// @param N position slots (1..256)
/// @param M markets (2..256)
/// @input accountCommitment public account commitment to open
/// @input roundCommitment public round commitment (prices and risk parameters) to open
/// @input useInitial 0: maintenance, 1: initial requirement; the caller must constrain it to be boolean
/// @input collateral deposited collateral, 6 decimals; the caller must range-check it to 64 bits (the
///        entry circuits take it from the public statement)
/// @input salt, owner, nonce, adjustment the account header (see AccountCommitment)
/// @input market, isShort, size position slots (see PositionSlot)
/// @input roundId, timestamp, price, maintenanceRate, initialRate the round (see OracleRound)
/// @output equity signed equity as a field element
/// @output requirement margin requirement
/// Cost (M = 16): 2,026 + AccountCommitment(N) + 101 per slot.
template MarginCore(N, M) {
    assert(N >= 1 && N <= MAX_SLOTS());
    assert(M >= 2 && M <= MAX_MARKETS());
    var MARKET_BITS = bitsFor(M);

    signal input accountCommitment;
    signal input roundCommitment;
    signal input useInitial;
    signal input collateral;

    signal input salt;
    signal input owner;
    signal input nonce;
    signal input adjustment;
    signal input market[N];
    signal input isShort[N];
    signal input size[N];

    signal input roundId;
    signal input timestamp;
    signal input price[M];
    signal input maintenanceRate[M];
    signal input initialRate[M];

    signal output equity;
    signal output requirement;

    // (1) The account opens the public account commitment.
    component slots[N];
    component account = AccountCommitment(N);
    account.salt <== salt;
    account.owner <== owner;
    account.nonce <== nonce;
    account.collateral <== collateral;
    account.adjustment <== adjustment;
    for (var i = 0; i < N; i++) {
        slots[i] = PositionSlot(MARKET_BITS);
        slots[i].market <== market[i];
        slots[i].isShort <== isShort[i];
        slots[i].size <== size[i];
        account.slot[i] <== slots[i].packed;
    }
    account.commitment === accountCommitment;

    // (2) The round and risk parameters open the public round commitment.
    component round = OracleRound(M);
    round.roundId <== roundId;
    round.timestamp <== timestamp;
    round.price <== price;
    round.maintenanceRate <== maintenanceRate;
    round.initialRate <== initialRate;
    round.commitment === roundCommitment;

    // (3) Per market: the requirement rate asked for and its weight price * rate (< 2^76).
    signal rate[M];
    signal riskWeight[M];
    for (var j = 0; j < M; j++) {
        rate[j] <== maintenanceRate[j] + useInitial * (initialRate[j] - maintenanceRate[j]);
        riskWeight[j] <== price[j] * rate[j];
    }

    // (4) Per slot: signed notional and requirement at the selected market.
    component values[N];
    var equitySum = collateral * 10000000000 + adjustment;
    var requirementSum = 0;
    for (var i = 0; i < N; i++) {
        values[i] = PositionValue(M);
        values[i].marketBits <== slots[i].marketBits;
        values[i].isShort <== isShort[i];
        values[i].size <== size[i];
        values[i].price <== price;
        values[i].riskWeight <== riskWeight;
        equitySum += values[i].signedNotional;
        requirementSum += values[i].requirement;
    }
    equity <== equitySum;
    requirement <== requirementSum;
}
