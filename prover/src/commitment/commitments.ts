import {
  ACCOUNT_TAG, ADJUSTMENT_BITS, COLLATERAL_BITS, CONFIDENCE_BITS, CROSS_RISK_TAG, FLOOR_BITS, LENDING_RISK_TAG, PRICE_BITS,
  PRICES_TAG, QUOTES_PER_ELEMENT, RATE_BITS, RATE_PAIRS_PER_ELEMENT, SIZE_BITS, SLOT_BITS, SLOTS_PER_ELEMENT, TIER_COUNT,
  TIERED_RISK_TAG, TIERS_PER_ELEMENT, bound,
} from "../core/constants.ts";
import { ZkMarginError } from "../core/errors.ts";
import type { Account, Market, MarketSet, OracleRound, Position, Tier } from "../model/types.ts";
import { poseidonChain, poseidonPair } from "./poseidon-chain.ts";

/** A position slot as the circuits see it: market index, sign bit and magnitude. */
export interface Slot {
  readonly market: number;
  readonly isShort: 0 | 1;
  readonly size: bigint;
}

/** The circuit slot of a position. */
export function toSlot(position: Position): Slot {
  return { market: position.market.index, isShort: position.size < 0n ? 1 : 0, size: position.size < 0n ? -position.size : position.size };
}

/** slot = size + 2^64 * isShort + 2^65 * market (position_slot.circom). */
export function packSlot(slot: Slot): bigint {
  return slot.size + (BigInt(slot.isShort) << BigInt(SIZE_BITS)) + (BigInt(slot.market) << BigInt(SIZE_BITS + 1));
}

/** The element of the account preimage that carries collateral and adjustment (account_commitment.circom). */
export function balanceElement(account: Pick<Account, "collateral" | "adjustment">): bigint {
  const offset = bound(ADJUSTMENT_BITS);
  return account.adjustment + offset + (account.collateral << BigInt(ADJUSTMENT_BITS + 1)) + (ACCOUNT_TAG << BigInt(ADJUSTMENT_BITS + 1 + COLLATERAL_BITS));
}

/**
 * The account commitment: PoseidonChain([salt, owner, nonce, balance element, slots packed three per
 * element]), positions in the order of the account (account_commitment.circom). Independent of capacity.
 */
export function accountCommitment(account: Account): bigint {
  assertSubaccount(account);
  const elements = [account.salt, account.owner, account.nonce, balanceElement(account)];
  const slots = account.positions.map((position) => packSlot(toSlot(position)));
  for (let start = 0; start < slots.length; start += SLOTS_PER_ELEMENT) {
    elements.push(slots.slice(start, start + SLOTS_PER_ELEMENT).reduce((sum, slot, j) => sum + (slot << BigInt(j * SLOT_BITS)), 0n));
  }
  return poseidonChain(elements, "account");
}

/** The oracle's prices commitment: PoseidonChain([round, timestamp, (price, confidence) packed 2 per element]). */
export function pricesCommitment(round: OracleRound): bigint {
  const quoteBits = BigInt(PRICE_BITS + CONFIDENCE_BITS);
  const elements = [round.round, round.timestamp];
  for (let start = 0; start < round.prices.length; start += QUOTES_PER_ELEMENT) {
    let element = start === 0 ? PRICES_TAG << (BigInt(QUOTES_PER_ELEMENT) * quoteBits) : 0n;
    for (let q = 0; q < QUOTES_PER_ELEMENT && start + q < round.prices.length; q++) {
      const quote = round.prices[start + q]! + (round.confidences[start + q]! << BigInt(PRICE_BITS));
      element += quote << (BigInt(q) * quoteBits);
    }
    elements.push(element);
  }
  return poseidonChain(elements, "round.prices");
}

/**
 * A market's tiers padded to TIER_COUNT, as the tiered circuits and commitment see them: missing tiers get an
 * unreachable floor (2^48 - 1) and the last tier's rates, which changes no requirement.
 */
export function paddedTiers(tiers: readonly Tier[]): Tier[] {
  const last = tiers[tiers.length - 1]!;
  return [...tiers, ...new Array<Tier>(TIER_COUNT - tiers.length).fill({ ...last, floor: bound(FLOOR_BITS) - 1n })];
}

/** The first element of every risk commitment: the profile's tag and the confidence multiplier. */
function riskHeader(markets: MarketSet): bigint {
  const tag = markets.profile === "cross" ? CROSS_RISK_TAG : markets.profile === "lending" ? LENDING_RISK_TAG : TIERED_RISK_TAG;
  return tag + (markets.confidenceMultiplier << 8n);
}

/**
 * Governance's risk commitment, by profile (rate_pair_risk.circom, tiered_risk.circom):
 * cross and lending: PoseidonChain([header, (first + 2^20 second) packed 6 per element]);
 * tiered: PoseidonChain([header, (floor + 2^48 maintenance + 2^68 initial) packed 2 per element, TIER_COUNT per market]).
 */
export function riskCommitment(markets: MarketSet): bigint {
  const elements: bigint[] = [riskHeader(markets)];
  const pack = (values: bigint[], perElement: number, bits: number) => {
    for (let start = 0; start < values.length; start += perElement) {
      elements.push(values.slice(start, start + perElement).reduce((sum, value, k) => sum + (value << BigInt(k * bits)), 0n));
    }
  };
  if (markets.profile === "tiered") {
    const tiers = markets.markets.flatMap((market) => paddedTiers(tieredRisk(market).tiers));
    pack(tiers.map((tier) => tier.floor + (tier.maintenanceRate << BigInt(FLOOR_BITS)) + (tier.initialRate << BigInt(FLOOR_BITS + RATE_BITS))), TIERS_PER_ELEMENT, FLOOR_BITS + 2 * RATE_BITS);
  } else {
    pack(markets.markets.map((market) => {
      const [first, second] = ratePair(market);
      return first + (second << BigInt(RATE_BITS));
    }), RATE_PAIRS_PER_ELEMENT, 2 * RATE_BITS);
  }
  return poseidonChain(elements, "markets");
}

/** The two committed rates of a cross (maintenance, initial) or lending (threshold, loan-to-value) market. */
export function ratePair(market: Market): [bigint, bigint] {
  const risk = market.risk;
  if (risk.profile === "cross") return [risk.maintenanceRate, risk.initialRate];
  if (risk.profile === "lending") return [risk.liquidationThreshold, risk.loanToValue];
  throw new ZkMarginError(`markets.${market.id}`, "a tiered market has no single rate pair");
}

/** The tiers of a tiered market. */
export function tieredRisk(market: Market): { tiers: readonly Tier[] } {
  if (market.risk.profile !== "tiered") throw new ZkMarginError(`markets.${market.id}`, "is not a tiered market");
  return market.risk;
}

/** The three commitments of a round, as the registry stores them. */
export interface RoundCommitments {
  readonly pricesCommitment: bigint;
  readonly riskCommitment: bigint;
  /** poseidon2(prices, risk): the proofs' public round input. */
  readonly roundCommitment: bigint;
}

/**
 * Computes a round's commitments and checks them against the values the files declare, so that a round
 * whose prices do not match what the oracle posted is refused before any proving.
 */
export function roundCommitments(round: OracleRound, markets: MarketSet): RoundCommitments {
  const prices = pricesCommitment(round);
  const risk = riskCommitment(markets);
  if (round.declaredPricesCommitment !== undefined && round.declaredPricesCommitment !== prices) {
    throw new ZkMarginError("round.pricesCommitment", `does not match the round's prices (computed 0x${prices.toString(16)})`);
  }
  if (markets.declaredRiskCommitment !== undefined && markets.declaredRiskCommitment !== risk) {
    throw new ZkMarginError("markets.riskCommitment", `does not match the markets' parameters (computed 0x${risk.toString(16)})`);
  }
  return { pricesCommitment: prices, riskCommitment: risk, roundCommitment: poseidonPair(prices, risk) };
}

/** Refuses an account whose isolated positions were not split off into their own subaccounts. */
export function assertSubaccount(account: Account): void {
  if (account.positions.some((position) => position.isolatedMargin !== undefined)) {
    throw new ZkMarginError("account", "holds isolated positions: split it with splitSubaccounts() and commit each subaccount");
  }
}
