pragma circom 2.1.0;

include "../constants.circom";

/// @title BinarySelect
/// @notice out = values[index] where index is given by its little-endian bits, through a binary tree of
///         2-way selections. Indexes at or beyond COUNT (possible when COUNT is not a power of two)
///         select 0.
/// @param COUNT number of values (>= 2)
/// @input values the table
/// @input selector index bits, little-endian; the caller must constrain them to be boolean
/// @output out the selected value
/// Cost: 2^bitsFor(COUNT) - 1 constraints (15 for COUNT = 16).
template BinarySelect(COUNT) {
    assert(COUNT >= 2);
    var BITS = bitsFor(COUNT);
    var WIDTH = 1 << BITS;
    signal input values[COUNT];
    signal input selector[BITS];
    signal output out;

    // node[] holds the tree level by level: WIDTH/2 nodes chosen by selector[0], then WIDTH/4, ...
    signal node[WIDTH - 1];
    var levelStart = 0;
    var levelWidth = WIDTH >> 1;
    for (var i = 0; i < levelWidth; i++) {
        var left = 2 * i < COUNT ? values[2 * i] : 0;
        var right = 2 * i + 1 < COUNT ? values[2 * i + 1] : 0;
        node[i] <== left + selector[0] * (right - left);
    }
    for (var level = 1; level < BITS; level++) {
        var previousStart = levelStart;
        levelStart += levelWidth;
        levelWidth >>= 1;
        for (var i = 0; i < levelWidth; i++) {
            var left = node[previousStart + 2 * i];
            var right = node[previousStart + 2 * i + 1];
            node[levelStart + i] <== left + selector[level] * (right - left);
        }
    }
    out <== node[WIDTH - 2];
}
