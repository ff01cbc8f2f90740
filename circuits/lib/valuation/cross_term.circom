pragma circom 2.1.0;

/// @title CrossTerm
/// @notice One market's contribution to the cross-margin surplus besides 10^10 size * price (26 decimals):
///           term = sideSign 10^8 magnitude k conf - (10^4 + buffer) magnitude price rate
///           rate = first + useInitial (second - first)      (maintenance or initial, ppm)
///         sideSign is +1 (favourable: longs at P + k conf, shorts at P - k conf) or -1 (conservative).
///         Bounds: |10^8 k conf| < 2^84.6, (10^4 + 2^16) price rate < 2^92.1, so |term| < 2^63 2^92.2 = 2^155.2.
/// @input magnitude |size| (< 2^63), price (< 2^56), confidence (< 2^48), multiplier (< 2^10),
///        first and second (< 2^20), useInitial (boolean), sideSign (+1 or -1), bufferBps (< 2^16):
///        the caller range-checks all of them
/// Cost: 6 constraints.
template CrossTerm() {
    signal input magnitude;
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
    signal priced <== price * rate;
    signal buffered <== (10000 + bufferBps) * priced;
    term <== magnitude * (100000000 * signedPenalty - buffered);
}
