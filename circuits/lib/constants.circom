pragma circom 2.1.0;

// Scales, bit widths and tags of zkmargin's account state v2 (circuits/README.md).
// prover/src/core/constants.ts mirrors every value here; test/constants.test.ts checks they agree.
//
//   size S          8 decimals, signed, [-2^63, 2^63)
//   price P         8 decimals, [0, 2^56)
//   confidence      8 decimals, [0, 2^48)
//   funding index F 8 decimals, signed, [-2^63, 2^63) (cumulative, quote per base unit)
//   cash Q          16 decimals (size x price), signed, [-2^125, 2^125)
//   token amount    6 decimals, [0, 2^64); cash = 10^10 x tokens
//   fee             16 decimals, signed, [-2^100, 2^100)
//   rate            ppm, [0, 2^20)
//   k               hundredths, [0, 2^10)
//   floor           whole quote units, [0, 2^48)
//   buffer, penalty basis points, [0, 2^16)

function SIZE_BITS() { return 64; }
function FUNDING_BITS() { return 64; }
function FILL_SIZE_BITS() { return 63; }
function PRICE_BITS() { return 56; }
function CONFIDENCE_BITS() { return 48; }
function MULTIPLIER_BITS() { return 10; }
function FLOOR_BITS() { return 48; }
function NOTIONAL_BITS() { return 120; }
function RATE_BITS() { return 20; }
function CASH_BITS() { return 126; }
function FEE_BITS() { return 101; }
function TOKEN_BITS() { return 64; }
function BUFFER_BITS() { return 16; }
function PENALTY_BITS() { return 16; }
function BINDER_BITS() { return 160; }
function ID_BITS() { return 64; }

// Sponge widths: the account book (Poseidon(16)), the round and the risk table (Poseidon(5) = PoseidonT6 on-chain).
function BOOK_SPONGE_WIDTH() { return 16; }
function ROUND_SPONGE_WIDTH() { return 5; }
function RISK_SPONGE_WIDTH() { return 5; }
function TIERS_PER_ELEMENT() { return 2; }
function TIER_FIELD_BITS() { return 88; }

function PRICES_TAG() { return 2; }
function CROSS_RISK_TAG() { return 3; }
function LENDING_RISK_TAG() { return 4; }
function TIERED_RISK_TAG() { return 5; }

// Profiles (template parameter PROFILE).
function CROSS() { return 0; }
function LENDING() { return 1; }
function TIERED() { return 2; }

// The vault's fee account collects both fees of every fill.
function FEE_ACCOUNT_ID() { return 1; }

// Capacity limits under which every bound written next to a template holds.
function MAX_MARKETS() { return 64; }
function MAX_FILLS() { return 64; }

/// 10^n.
function pow10(n) {
    var result = 1;
    for (var i = 0; i < n; i++) {
        result *= 10;
    }
    return result;
}

/// Number of bits needed to index `count` items (count >= 2).
function bitsFor(count) {
    var bits = 0;
    while ((1 << bits) < count) {
        bits++;
    }
    return bits;
}

/// The risk tag of a profile.
function riskTag(profile) {
    return profile == 0 ? 3 : (profile == 1 ? 4 : 5);
}
