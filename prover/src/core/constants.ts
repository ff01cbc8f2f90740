/**
 * Fixed-point scales, bit widths, tags and capacities of zkmargin's account state v2 (see circuits/README.md).
 * Mirrors circuits/lib/constants.circom; test/constants.test.ts checks that both agree.
 */

/** BN254 scalar field modulus: every circuit value lives modulo this prime. */
export const FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Decimals of a position size (base units). */
export const SIZE_DECIMALS = 8;
/** Decimals of an oracle price, a confidence interval and a funding index (quote units per base unit). */
export const PRICE_DECIMALS = 8;
/** Decimals of the collateral token (quote-token base units, like USDC): deposits, withdrawals, payouts. */
export const TOKEN_DECIMALS = 6;
/** Decimals of a margin fraction: parts per million. */
export const RATE_DECIMALS = 6;
/** Decimals of cash, equity and fees: size x price. */
export const CASH_DECIMALS = SIZE_DECIMALS + PRICE_DECIMALS;
/** Decimals of a requirement: size x price x rate. */
export const REQUIREMENT_DECIMALS = CASH_DECIMALS + RATE_DECIMALS;
/** Decimals of the confidence multiplier k (hundredths). */
export const MULTIPLIER_DECIMALS = 2;
/** Cash units per token base unit: 10^(16 - 6). */
export const CASH_PER_TOKEN = 10n ** BigInt(CASH_DECIMALS - TOKEN_DECIMALS);
/** Basis points in one. */
export const BPS = 10_000n;
/** One, in ppm. */
export const ONE_RATE = 10n ** BigInt(RATE_DECIMALS);

/** Signed sizes and funding indexes lie in [-2^63, 2^63). */
export const SIZE_BITS = 64;
export const FUNDING_BITS = 64;
/** Traded size of one fill: (0, 2^63). */
export const FILL_SIZE_BITS = 63;
export const PRICE_BITS = 56;
export const CONFIDENCE_BITS = 48;
export const MULTIPLIER_BITS = 10;
export const FLOOR_BITS = 48;
/** A tier bracket compares notionals at 16 decimals below 2^120. */
export const NOTIONAL_BITS = 120;
export const RATE_BITS = 20;
/** Cash lies in [-2^125, 2^125). */
export const CASH_BITS = 126;
/** A fee lies in [-2^100, 2^100). */
export const FEE_BITS = 101;
export const TOKEN_BITS = 64;
export const BUFFER_BITS = 16;
export const PENALTY_BITS = 16;
export const BINDER_BITS = 160;
export const ID_BITS = 64;

/** Markets (= account slots) of the vault's circuits. */
export const MARKETS = 16;
/** Fills per apply-fills proof. */
export const FILLS_PER_PROOF = 8;
/** Tiers per market in the tiered profile (cross and lending have one). */
export const TIER_COUNT = 4;
/** The vault's fee account: every fill is appended to its chain, it collects both sides' fees. */
export const FEE_ACCOUNT_ID = 1n;

/** Width of the sponge over the account book (circomlib Poseidon(16)). */
export const BOOK_SPONGE_WIDTH = 16;
/** Width of the sponge over an oracle round (Poseidon(5), = poseidon-solidity PoseidonT6 on-chain). */
export const ROUND_SPONGE_WIDTH = 5;
/** Width of the sponge over the risk table (PoseidonT6 on-chain: the registry computes it). */
export const RISK_SPONGE_WIDTH = 5;
/** Two tiers (88 bits each) per risk-table element. */
export const TIERS_PER_ELEMENT = 2;
export const TIER_FIELD_BITS = FLOOR_BITS + 2 * RATE_BITS;

/** Tag in the first element of a prices commitment. */
export const PRICES_TAG = 2n;
/** One risk tag per margin profile: a risk table of one profile never opens as another's. */
export const CROSS_RISK_TAG = 3n;
export const LENDING_RISK_TAG = 4n;
export const TIERED_RISK_TAG = 5n;

/** Largest capacities the templates accept (every bound in circuits/README.md holds up to them). */
export const MAX_MARKETS = 64;
export const MAX_FILLS = 64;

/** 2^bits. */
export const bound = (bits: number): bigint => 1n << BigInt(bits);
/** 10^decimals as a bigint. */
export const pow10 = (decimals: number): bigint => 10n ** BigInt(decimals);
/** Smallest value of a signed range [-2^(bits-1), 2^(bits-1)). */
export const signedMin = (bits: number): bigint => -(1n << BigInt(bits - 1));
/** Largest value of a signed range, plus one. */
export const signedLimit = (bits: number): bigint => 1n << BigInt(bits - 1);
