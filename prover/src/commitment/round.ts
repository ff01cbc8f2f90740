import {
  CONFIDENCE_BITS, CROSS_RISK_TAG, ONE_RATE, FLOOR_BITS, FUNDING_BITS, LENDING_RISK_TAG, MARKETS, MULTIPLIER_BITS, PRICE_BITS, PRICES_TAG, RATE_BITS,
  RISK_SPONGE_WIDTH, ROUND_SPONGE_WIDTH, TIER_COUNT, TIER_FIELD_BITS, TIERED_RISK_TAG, TIERS_PER_ELEMENT, bound,
} from "../core/constants.ts";
import { ZkMarginError } from "../core/errors.ts";
import { checkSigned, checkUnsigned } from "../core/range.ts";
import type { MarketSet, OracleRound, Profile, Tier } from "../model/types.ts";
import { poseidonHash, sponge } from "./sponge.ts";

/** Tiers per market in the circuits of a profile. */
export function tiersPerMarket(profile: Profile): number {
  return profile === "tiered" ? TIER_COUNT : 1;
}

/** header = 2 + 2^8 roundId + 2^72 timestamp. */
export function roundHeader(round: Pick<OracleRound, "round" | "timestamp">): bigint {
  checkUnsigned(round.round, 64, "round.round");
  checkUnsigned(round.timestamp, 64, "round.timestamp");
  return PRICES_TAG + (round.round << 8n) + (round.timestamp << 72n);
}

/** quote = price + 2^56 conf + 2^104 (funding + 2^63), each range-checked. */
export function packQuote(price: bigint, confidence: bigint, fundingIndex: bigint, field: string): bigint {
  checkUnsigned(price, PRICE_BITS, `${field}.price`);
  checkUnsigned(confidence, CONFIDENCE_BITS, `${field}.confidence`);
  checkSigned(fundingIndex, FUNDING_BITS, `${field}.fundingIndex`);
  return price + (confidence << BigInt(PRICE_BITS)) + ((fundingIndex + bound(FUNDING_BITS - 1)) << BigInt(PRICE_BITS + CONFIDENCE_BITS));
}

/**
 * The round's per-market values padded to `markets` (unlisted markets: price 0, confidence 0, funding 0),
 * as the registry and the circuits see them.
 */
export function paddedRound(round: OracleRound, markets: number = MARKETS): { prices: bigint[]; confidences: bigint[]; fundingIndexes: bigint[] } {
  for (const [name, values] of [["prices", round.prices], ["confidences", round.confidences], ["fundingIndexes", round.fundingIndexes]] as const) {
    if (values.length > markets) throw new ZkMarginError(`round.${name}`, `${values.length} markets do not fit a capacity of ${markets}`);
    if (values.length !== round.prices.length) throw new ZkMarginError(`round.${name}`, `lists ${values.length} markets, the prices ${round.prices.length}`);
  }
  const pad = (values: readonly bigint[]) => [...values, ...new Array<bigint>(markets - values.length).fill(0n)];
  return { prices: pad(round.prices), confidences: pad(round.confidences), fundingIndexes: pad(round.fundingIndexes) };
}

/** The prices commitment the registry computes on-chain: Sponge(5, [header, quote_0 .. quote_{M-1}]). */
export function pricesCommitment(round: OracleRound, markets: number = MARKETS): bigint {
  const padded = paddedRound(round, markets);
  const quotes = padded.prices.map((price, j) => packQuote(price, padded.confidences[j]!, padded.fundingIndexes[j]!, `round.markets[${j}]`));
  return sponge(ROUND_SPONGE_WIDTH, [roundHeader(round), ...quotes], "round.prices");
}

/**
 * The risk table of the circuits: `markets` rows of tiersPerMarket(profile) tiers. A tiered market's missing
 * tiers repeat its last tier from the unreachable floor 2^48 - 1 (no requirement changes); unlisted markets
 * are all zero.
 */
export function riskTable(set: MarketSet, markets: number = MARKETS): Tier[][] {
  if (set.markets.length > markets) throw new ZkMarginError("markets.markets", `${set.markets.length} markets do not fit a capacity of ${markets}`);
  const width = tiersPerMarket(set.profile);
  return Array.from({ length: markets }, (_, j) => {
    const market = set.markets[j];
    if (!market) return new Array<Tier>(width).fill({ floor: 0n, first: 0n, second: 0n });
    if (market.tiers.length < 1 || market.tiers.length > width) throw new ZkMarginError(`markets.markets[${j}].tiers`, `must list 1 to ${width} tiers`);
    const last = market.tiers[market.tiers.length - 1]!;
    return [...market.tiers, ...new Array<Tier>(width - market.tiers.length).fill({ ...last, floor: bound(FLOOR_BITS) - 1n })];
  });
}

/** The risk tag of a profile. */
export function riskTag(profile: Profile): bigint {
  return profile === "cross" ? CROSS_RISK_TAG : profile === "lending" ? LENDING_RISK_TAG : TIERED_RISK_TAG;
}

/**
 * Checks a risk table against the rules the circuits enforce (circuits/README.md, "Risk-table rules"):
 * first floor 0, floors non-decreasing, initial >= maintenance (cross, tiered), LT >= LTV (lending),
 * every value in range, rates at most 100% (the registry checks the same).
 */
export function checkRiskTable(profile: Profile, table: readonly (readonly Tier[])[], multiplier: bigint): void {
  checkUnsigned(multiplier, MULTIPLIER_BITS, "markets.confidenceMultiplier");
  table.forEach((tiers, j) => {
    tiers.forEach((tier, t) => {
      const field = `markets.markets[${j}].tiers[${t}]`;
      checkUnsigned(tier.floor, FLOOR_BITS, `${field}.floor`);
      checkUnsigned(tier.first, RATE_BITS, `${field}.first`);
      checkUnsigned(tier.second, RATE_BITS, `${field}.second`);
      if (tier.first > ONE_RATE || tier.second > ONE_RATE) throw new ZkMarginError(field, "a rate above 100% (10^6 ppm)");
      if (t === 0 && tier.floor !== 0n) throw new ZkMarginError(`${field}.floor`, "the first tier must start at 0");
      if (t > 0 && tier.floor < tiers[t - 1]!.floor) throw new ZkMarginError(`${field}.floor`, "tier floors must not decrease");
      if (profile === "lending" ? tier.second > tier.first : tier.second < tier.first) {
        throw new ZkMarginError(field, profile === "lending" ? "the loan-to-value must not exceed the liquidation threshold" : "the initial margin must be at least the maintenance margin");
      }
    });
  });
}

/** Governance's risk commitment: Sponge(16, [tag + 2^8 k, tier elements (2 tiers of 88 bits each)]). */
export function riskCommitment(set: MarketSet, markets: number = MARKETS): bigint {
  const table = riskTable(set, markets);
  checkRiskTable(set.profile, table, set.confidenceMultiplier);
  const tiers = table.flat().map((tier) => tier.floor + (tier.first << BigInt(FLOOR_BITS)) + (tier.second << BigInt(FLOOR_BITS + RATE_BITS)));
  const elements: bigint[] = [riskTag(set.profile) + (set.confidenceMultiplier << 8n)];
  for (let start = 0; start < tiers.length; start += TIERS_PER_ELEMENT) {
    elements.push(tiers.slice(start, start + TIERS_PER_ELEMENT).reduce((sum, tier, k) => sum + (tier << BigInt(k * TIER_FIELD_BITS)), 0n));
  }
  return sponge(RISK_SPONGE_WIDTH, elements, "markets.risk");
}

/**
 * Refuses a confidence band wider than the price (k conf >= P, k in hundredths): valued at P - k conf, a short
 * would count as an asset. The registry refuses such a round too (its post checks every market).
 */
export function checkConfidenceBand(round: OracleRound, set: MarketSet): void {
  round.prices.forEach((price, j) => {
    if (price > 0n && set.confidenceMultiplier * (round.confidences[j] ?? 0n) >= 100n * price) {
      throw new ZkMarginError(`round.confidence.${set.markets[j]?.id ?? j}`, `k x confidence must stay below the price (the band would value a short as an asset)`);
    }
  });
}

/** The three commitments of a round, as the registry stores them. */
export interface RoundCommitments {
  readonly pricesCommitment: bigint;
  readonly riskCommitment: bigint;
  /** Poseidon2(prices, risk): the proofs' public round input. */
  readonly roundCommitment: bigint;
}

/**
 * Computes a round's commitments and checks them against the values the files declare, so that a round
 * whose values do not match what the registry computed is refused before any proving.
 */
export function roundCommitments(round: OracleRound, set: MarketSet, markets: number = MARKETS): RoundCommitments {
  checkConfidenceBand(round, set);
  const prices = pricesCommitment(round, markets);
  const risk = riskCommitment(set, markets);
  if (round.declaredPricesCommitment !== undefined && round.declaredPricesCommitment !== prices) {
    throw new ZkMarginError("round.pricesCommitment", `does not match the round's values (computed 0x${prices.toString(16)})`);
  }
  if (set.declaredRiskCommitment !== undefined && set.declaredRiskCommitment !== risk) {
    throw new ZkMarginError("markets.riskCommitment", `does not match the markets' parameters (computed 0x${risk.toString(16)})`);
  }
  return { pricesCommitment: prices, riskCommitment: risk, roundCommitment: poseidonHash([prices, risk], "round") };
}
