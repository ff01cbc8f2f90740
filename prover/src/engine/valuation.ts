import { BPS, CASH_PER_TOKEN, NOTIONAL_BITS, bound } from "../core/constants.ts";
import { ZkMarginError } from "../core/errors.ts";
import { paddedRound, riskTable, tiersPerMarket } from "../commitment/round.ts";
import type { RequirementKind, ValuationSide } from "../commitment/statement.ts";
import type { AccountState, MarketSet, OracleRound, Tier } from "../model/types.ts";

// The exact integers the circuits compare (circuits/README.md, "Valuation"). Every term is computed as in
// circuits/lib/valuation/*.circom, so the SDK never asks for a proof the circuit would refuse, and the tests
// compare both at the exact boundary.

const E4 = 10n ** 4n;
const E6 = 10n ** 6n;
const E8 = 10n ** 8n;
const E10 = 10n ** 10n;
const E12 = 10n ** 12n;
const E16 = 10n ** 16n;

/** What a margin statement asks: which rate, which side of the confidence band, and a buffer in bps. */
export interface MarginQuestion {
  readonly requirement: RequirementKind;
  readonly side: ValuationSide;
  readonly bufferBps: bigint;
}

/** Maintenance, favourable, no buffer: the account is liquidatable iff this surplus is negative. */
export const LIQUIDATION_QUESTION: MarginQuestion = { requirement: "maintenance", side: "favourable", bufferBps: 0n };
/** Initial, conservative, no buffer: what a withdrawal and a liquidator's new book must meet. */
export const INITIAL_QUESTION: MarginQuestion = { requirement: "initial", side: "conservative", bufferBps: 0n };

const abs = (value: bigint) => (value < 0n ? -value : value);

/** Sum over slots of S_j (F_j - Flast_j): funding owed since each slot's last settlement, 16 decimals. */
export function unsettledFunding(state: AccountState, round: OracleRound): bigint {
  const { fundingIndexes } = paddedRound(round, state.slots.length);
  return state.slots.reduce((sum, slot, j) => sum + slot.size * (fundingIndexes[j]! - slot.fundingIndex), 0n);
}

/** Equity at mark, 16 decimals: cash + sum S_j P_j - unsettled funding. */
export function equityAtMark(state: AccountState, round: OracleRound): bigint {
  const { prices } = paddedRound(round, state.slots.length);
  return state.cash + state.slots.reduce((sum, slot, j) => sum + slot.size * prices[j]!, 0n) - unsettledFunding(state, round);
}

/** Sum |S_j| P_j, 16 decimals. */
export function notionalAtMark(state: AccountState, round: OracleRound): bigint {
  const { prices } = paddedRound(round, state.slots.length);
  return state.slots.reduce((sum, slot, j) => sum + abs(slot.size) * prices[j]!, 0n);
}

/**
 * A tiered market's tier and requirement at 22 decimals for a notional at 16 decimals
 * (circuits/lib/valuation/tier_requirement.circom): the tier whose bracket holds the notional, and
 * notional x rate - deduction with the continuous deductions.
 */
export function tierRequirement(tiers: readonly Tier[], notional: bigint, kind: RequirementKind): { tier: number; requirement: bigint } {
  const rate = (tier: Tier) => (kind === "initial" ? tier.second : tier.first);
  let deduction = 0n;
  let chosen = -1;
  let chosenDeduction = 0n;
  for (let t = 0; t < tiers.length; t++) {
    if (t > 0) deduction += tiers[t]!.floor * E16 * (rate(tiers[t]!) - rate(tiers[t - 1]!));
    const ceiling = t + 1 < tiers.length ? tiers[t + 1]!.floor * E16 : bound(NOTIONAL_BITS);
    if (notional >= tiers[t]!.floor * E16 && notional < ceiling) {
      chosen = t;
      chosenDeduction = deduction;
    }
  }
  if (chosen < 0) throw new ZkMarginError("account", `a notional of ${notional} falls in no tier bracket`);
  return { tier: chosen, requirement: notional * rate(tiers[chosen]!) - chosenDeduction };
}

/** A position's requirement at mark, 22 decimals, by profile (the report's figure; lending: the haircut). */
export function slotRequirement(markets: MarketSet, tiers: readonly Tier[], size: bigint, price: bigint, kind: RequirementKind): bigint {
  const notional = abs(size) * price;
  const tier = tiers[0]!;
  if (markets.profile === "tiered") return tierRequirement(tiers, notional, kind).requirement;
  if (markets.profile === "lending") return size > 0n ? notional * (E6 - (kind === "initial" ? tier.second : tier.first)) : 0n;
  return notional * (kind === "initial" ? tier.second : tier.first);
}

/**
 * The surplus the margin circuits range-check (>= 0: the statement holds). 26 decimals for cross and tiered,
 * 28 for lending. `side` conservative values longs at P - k conf and shorts at P + k conf; favourable the
 * other way round. Liquidatable iff `surplus(LIQUIDATION_QUESTION) < 0`.
 */
export function surplus(state: AccountState, round: OracleRound, markets: MarketSet, question: MarginQuestion): bigint {
  const capacity = state.slots.length;
  const { prices, confidences } = paddedRound(round, capacity);
  const table = riskTable(markets, capacity);
  if (table[0]!.length !== tiersPerMarket(markets.profile)) throw new ZkMarginError("markets", "risk table does not match the profile");
  const buffer = BPS + question.bufferBps;
  const sign = question.side === "favourable" ? 1n : -1n;
  const rateOf = (tier: Tier) => (question.requirement === "initial" ? tier.second : tier.first);
  const funding = unsettledFunding(state, round);
  if (markets.profile === "lending") {
    let total = E12 * (state.cash - funding);
    state.slots.forEach((slot, j) => {
      const a = abs(slot.size);
      const kc = markets.confidenceMultiplier * confidences[j]!;
      if (slot.size > 0n) total += E4 * a * (100n * prices[j]! + sign * kc) * rateOf(table[j]![0]!);
      else if (slot.size < 0n) total -= buffer * E6 * a * (100n * prices[j]! - sign * kc);
    });
    return total;
  }
  let total = E10 * (state.cash - funding);
  state.slots.forEach((slot, j) => {
    const a = abs(slot.size);
    const price = prices[j]!;
    const kc = markets.confidenceMultiplier * confidences[j]!;
    total += E10 * slot.size * price + sign * E8 * a * kc;
    const tiers = table[j]!;
    const requirement = markets.profile === "tiered" ? tierRequirement(tiers, a * price, question.requirement).requirement : a * price * rateOf(tiers[0]!);
    total -= buffer * requirement;
  });
  return total;
}

/** Decimals of the surplus of a profile (to express it in quote units). */
export function surplusDecimals(markets: MarketSet): number {
  return markets.profile === "lending" ? 28 : 26;
}

/** Whether a takeover without default can be proven: the account is below maintenance, valued in its favour. */
export function isLiquidatable(state: AccountState, round: OracleRound, markets: MarketSet): boolean {
  return surplus(state, round, markets, LIQUIDATION_QUESTION) < 0n;
}

/** The first held market without a price, if any (the circuits refuse such a state: `S_j != 0 => P_j != 0`). */
export function unpricedHolding(state: AccountState, round: OracleRound): number | undefined {
  const { prices } = paddedRound(round, state.slots.length);
  const index = state.slots.findIndex((slot, j) => slot.size !== 0n && prices[j] === 0n);
  return index < 0 ? undefined : index;
}

/** floor(value / 10^10) and the remainder in [0, 10^10): cash (16 decimals) to whole tokens (6 decimals). */
export function splitTokens(value: bigint): { tokens: bigint; dust: bigint } {
  let tokens = value / CASH_PER_TOKEN;
  if (tokens * CASH_PER_TOKEN > value) tokens -= 1n;
  return { tokens, dust: value - tokens * CASH_PER_TOKEN };
}
