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
//   confidence oracle confidence interval, 8 decimals, < 2^48
//   k         confidence multiplier in hundredths (200 = 2.00 intervals), < 2^10
//   floor     tier notional floor in whole quote units, < 2^48
//   buffer    basis points, < 2^16
//   binder    160 bits (an Ethereum address or a challenge id)

function SIZE_BITS() { return 64; }
function PRICE_BITS() { return 56; }
function CONFIDENCE_BITS() { return 48; }
function MULTIPLIER_BITS() { return 10; }
function FLOOR_BITS() { return 48; }
function NOTIONAL_BITS() { return 120; }
function RATE_BITS() { return 20; }
function COLLATERAL_BITS() { return 64; }
function ADJUSTMENT_BITS() { return 128; }
function BUFFER_BITS() { return 16; }
function BINDER_BITS() { return 160; }

// A position slot packs (size, isShort, market) into 64 + 1 + 8 bits; three slots share a field element.
function MARKET_FIELD_BITS() { return 8; }
function SLOT_BITS() { return 73; }
function SLOTS_PER_ELEMENT() { return 3; }
// Two (price, confidence) pairs (2 x 104 = 208 bits), six rate pairs (6 x 40 = 240 bits) or two tiers
// (2 x 88 = 176 bits) per element.
function QUOTES_PER_ELEMENT() { return 2; }
function RATE_PAIRS_PER_ELEMENT() { return 6; }
function TIERS_PER_ELEMENT() { return 2; }

// Domain tags, packed above the payload of the first element of each commitment.
function ACCOUNT_TAG() { return 1; }
function PRICES_TAG() { return 2; }
// One risk tag per margin profile: a commitment of one profile never opens as another's.
function CROSS_RISK_TAG() { return 3; }
function LENDING_RISK_TAG() { return 4; }
function TIERED_RISK_TAG() { return 5; }

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
