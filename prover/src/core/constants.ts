/**
 * Fixed-point scales, bit widths and packing of zkmargin's commitment format (v1).
 * Mirrors circuits/lib/constants.circom; test/constants.test.ts checks that both agree.
 */

/** BN254 scalar field modulus: every circuit value lives modulo this prime. */
export const FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Decimals of a position size (base units). */
export const SIZE_DECIMALS = 8;
/** Decimals of an oracle price (quote units per base unit). */
export const PRICE_DECIMALS = 8;
/** Decimals of deposited collateral (quote-token base units, like USDC). */
export const COLLATERAL_DECIMALS = 6;
/** Decimals of a margin fraction: parts per million. */
export const RATE_DECIMALS = 6;
/** Decimals of equity and of the quote adjustment: size x price. */
export const VALUE_DECIMALS = SIZE_DECIMALS + PRICE_DECIMALS;
/** Decimals of a requirement: size x price x rate. */
export const REQUIREMENT_DECIMALS = VALUE_DECIMALS + RATE_DECIMALS;
/** Basis points in one. */
export const BPS = 10_000n;

export const SIZE_BITS = 64;
export const PRICE_BITS = 56;
export const CONFIDENCE_BITS = 48;
export const MULTIPLIER_BITS = 10;
export const FLOOR_BITS = 48;
export const NOTIONAL_BITS = 120;
export const RATE_BITS = 20;
export const COLLATERAL_BITS = 64;
export const ADJUSTMENT_BITS = 128;
export const BUFFER_BITS = 16;
export const BINDER_BITS = 160;

export const MARKET_FIELD_BITS = 8;
export const SLOT_BITS = 73;
export const SLOTS_PER_ELEMENT = 3;
export const QUOTES_PER_ELEMENT = 2;
export const RATE_PAIRS_PER_ELEMENT = 6;
export const TIERS_PER_ELEMENT = 2;
/** Tiers per market in the tiered profile's commitment and circuits (unused tiers are padded). */
export const TIER_COUNT = 4;
/** Decimals of the confidence multiplier k (hundredths). */
export const MULTIPLIER_DECIMALS = 2;

export const ACCOUNT_TAG = 1n;
export const PRICES_TAG = 2n;
export const CROSS_RISK_TAG = 3n;
export const LENDING_RISK_TAG = 4n;
export const TIERED_RISK_TAG = 5n;

/** Capacity limits that keep every sum in the circuits far below the field (see margin_core.circom). */
export const MAX_SLOTS = 256;
export const MAX_MARKETS = 256;

/** Largest value that fits in `bits` bits, plus one. */
export const bound = (bits: number): bigint => 1n << BigInt(bits);
/** 10^decimals as a bigint. */
export const pow10 = (decimals: number): bigint => 10n ** BigInt(decimals);
