pragma circom 2.1.0;

/// @title LendingTerm
/// @notice One market's contribution to the lending (Aave v3 health factor) surplus, 28 decimals: a long slot is
///         a supplied asset valued at its price across the band times the rate, a short slot a debt valued at
///         its price across the band times (1 + buffer):
///           long:  10^4 magnitude (100 price + sideSign k conf) rate
///           short: -(10^4 + buffer) 10^6 magnitude (100 price - sideSign k conf)
///           rate = first + useInitial (second - first)       (liquidation threshold or loan-to-value, ppm)
///         Bounds: long weight < 2^13.3 2^62.7 2^20 = 2^96, short weight < 2^16.2 2^19.9 2^62.7 = 2^98.8,
///         so |term| < 2^161.8.
/// @input magnitude, isLong (boolean), price, confidence, multiplier, first, second, useInitial, sideSign,
///        bufferBps: range-checked by the caller
/// Cost: 7 constraints.
template LendingTerm() {
    signal input magnitude;
    signal input isLong;
    signal input price;
    signal input confidence;
    signal input multiplier;
    signal input first;
    signal input second;
    signal input useInitial;
    signal input sideSign;
    signal input bufferBps;
    signal output term;

    signal penalty <== multiplier * confidence;
    signal signedPenalty <== sideSign * penalty;
    signal rate <== first + useInitial * (second - first);
    signal longWeight <== 10000 * (100 * price + signedPenalty) * rate;
    signal shortWeight <== (10000 + bufferBps) * (100 * price - signedPenalty);
    // weight = long ? longWeight : -10^6 shortWeight
    signal weight <== isLong * (longWeight + 1000000 * shortWeight) - 1000000 * shortWeight;
    term <== magnitude * weight;
}
