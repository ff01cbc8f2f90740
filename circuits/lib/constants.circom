pragma circom 2.1.0;

// Fixed-point scales and bit widths of zkmargin's commitment format (v1).
// prover/src/core/constants.ts mirrors every value here; test/constants.test.ts checks they agree.
//
//   size      8 decimals, magnitude < 2^64 (sign carried by a separate bit)
//   price     8 decimals, < 2^56
//   rate      parts per million (1e6 = 100%), < 2^20
//   collateral 6 decimals (quote-token base units), < 2^64; public through the statement
//   quote adjustment 16 decimals (size x price scale), signed, in [-2^128, 2^128): minus the entry cost
//             sum_i size_i * entryPrice_i, so that quote balance Q = collateral * 10^10 + adjustment
//   buffer    basis points, < 2^16
//   binder    160 bits (an Ethereum address or a challenge id)

function SIZE_BITS() { return 64; }
function PRICE_BITS() { return 56; }
function RATE_BITS() { return 20; }
function COLLATERAL_BITS() { return 64; }
function ADJUSTMENT_BITS() { return 128; }
function BUFFER_BITS() { return 16; }
function BINDER_BITS() { return 160; }

// A position slot packs (size, isShort, market) into 64 + 1 + 8 bits; three slots share a field element.
function MARKET_FIELD_BITS() { return 8; }
function SLOT_BITS() { return 73; }
function SLOTS_PER_ELEMENT() { return 3; }
// Four prices (4 x 56 = 224 bits) and six (maintenance, initial) rate pairs (6 x 40 = 240 bits) per element.
function PRICES_PER_ELEMENT() { return 4; }
function RATE_PAIRS_PER_ELEMENT() { return 6; }

// Domain tags, packed above the payload of the first element of each commitment.
function ACCOUNT_TAG() { return 1; }
function PRICES_TAG() { return 2; }
function RISK_TAG() { return 3; }

// Capacities: at most 256 position slots and 256 markets keep every sum inside the bounds in margin_core.circom.
function MAX_SLOTS() { return 256; }
function MAX_MARKETS() { return 256; }

/// Number of bits needed to index `count` items (count >= 2).
function bitsFor(count) {
    var bits = 0;
    while ((1 << bits) < count) {
        bits++;
    }
    return bits;
}

/// ceil(a / b) for positive integers.
function ceilDiv(a, b) {
    return (a + b - 1) \ b;
}
