import { NOTIONAL_BITS, bound } from "../core/constants.ts";
import { paddedTiers, ratePair, tieredRisk } from "../commitment/commitments.ts";
import type { RequirementKind } from "../commitment/statement.ts";
import type { Account, MarketSet, OracleRound, Position, Tier } from "../model/types.ts";

// The exact integers the circuits compare, profile by profile (see the @notice of each entry template).
// A margin statement holds iff its surplus >= 0; a liquidation statement iff the account holds a position and
// its deficit >= 1. Every term is computed here as in the circuit, so the SDK never asks for a proof the
// circuit would refuse, and the tests compare both at the exact boundary.

const E6 = 10n ** 6n;
const E8 = 10n ** 8n;
const E10 = 10n ** 10n;
const E12 = 10n ** 12n;
const E16 = 10n ** 16n;
const BPS = 10_000n;

/** collateral * 10^10 + adjustment: the account's cash at 16 decimals. */
export function cash(account: Account): bigint {
  return account.collateral * E10 + account.adjustment;
}

const magnitude = (position: Position) => (position.size < 0n ? -position.size : position.size);
const side = (position: Position) => (position.size < 0n ? -1n : 1n);

/** Price and k * confidence (k in hundredths, so 8 + 2 decimals) of a position's market. */
function quote(position: Position, round: OracleRound, markets: MarketSet) {
  const index = position.market.index;
  return { price: round.prices[index]!, penalty: markets.confidenceMultiplier * round.confidences[index]! };
}

/** A tiered position's tier and requirement at 22 decimals (tier_requirement.circom, tier_tables.circom). */
export function tierRequirement(position: Position, round: OracleRound, kind: RequirementKind): { tier: number; requirement: bigint } {
  const tiers: Tier[] = paddedTiers(tieredRisk(position.market).tiers);
  const rate = (tier: Tier) => (kind === "initial" ? tier.initialRate : tier.maintenanceRate);
  const price = round.prices[position.market.index]!;
  const notional = magnitude(position) * price;
  let deduction = 0n;
  let chosen = 0;
  let chosenDeduction = 0n;
  for (let t = 0; t < tiers.length; t++) {
    if (t > 0) deduction += tiers[t]!.floor * E16 * (rate(tiers[t]!) - rate(tiers[t - 1]!));
    const ceiling = t + 1 < tiers.length ? tiers[t + 1]!.floor * E16 : bound(NOTIONAL_BITS);
    if (notional >= tiers[t]!.floor * E16 && notional < ceiling) {
      chosen = t;
      chosenDeduction = deduction;
    }
  }
  return { tier: chosen, requirement: notional * rate(tiers[chosen]!) - chosenDeduction };
}

/**
 * The margin statement's surplus (>= 0: the account meets `kind` requirement x (1 + bufferBps / 10^4),
 * valuing longs at P - k conf and shorts at P + k conf). 26 decimals for cross and tiered, 28 for lending.
 */
export function marginSurplus(account: Account, round: OracleRound, markets: MarketSet, kind: RequirementKind, bufferBps: bigint): bigint {
  const buffer = BPS + bufferBps;
  if (markets.profile === "lending") {
    let surplus = E12 * cash(account);
    for (const position of account.positions) {
      const { price, penalty } = quote(position, round, markets);
      const [threshold, loanToValue] = ratePair(position.market);
      surplus += side(position) > 0n
        ? magnitude(position) * BPS * (100n * price - penalty) * (kind === "initial" ? loanToValue : threshold)
        : -magnitude(position) * buffer * E6 * (100n * price + penalty);
    }
    return surplus;
  }
  let surplus = E10 * cash(account);
  let tiered = 0n;
  for (const position of account.positions) {
    const { price, penalty } = quote(position, round, markets);
    surplus += magnitude(position) * (side(position) * E10 * price - E8 * penalty);
    if (markets.profile === "tiered") {
      tiered += tierRequirement(position, round, kind).requirement;
    } else {
      const [maintenance, initial] = ratePair(position.market);
      surplus -= magnitude(position) * buffer * price * (kind === "initial" ? initial : maintenance);
    }
  }
  return surplus - buffer * tiered;
}

/**
 * The liquidation statement's deficit (>= 1 with at least one position: liquidatable even valuing longs at
 * P + k conf and shorts at P - k conf). 22 decimals for cross and tiered, 24 for lending.
 */
export function liquidationDeficit(account: Account, round: OracleRound, markets: MarketSet): bigint {
  if (markets.profile === "lending") {
    let deficit = -E8 * cash(account);
    for (const position of account.positions) {
      const { price, penalty } = quote(position, round, markets);
      const [threshold] = ratePair(position.market);
      deficit += side(position) > 0n ? -magnitude(position) * (100n * price + penalty) * threshold : magnitude(position) * E6 * (100n * price - penalty);
    }
    return deficit;
  }
  let deficit = -E6 * cash(account);
  for (const position of account.positions) {
    const { price, penalty } = quote(position, round, markets);
    deficit += magnitude(position) * (-side(position) * E6 * price - BPS * penalty);
    deficit += markets.profile === "tiered"
      ? tierRequirement(position, round, "maintenance").requirement
      : magnitude(position) * price * ratePair(position.market)[0];
  }
  return deficit;
}

/** Whether a liquidation proof of the account can be made at the round. */
export function isLiquidatable(account: Account, round: OracleRound, markets: MarketSet): boolean {
  return account.positions.length > 0 && liquidationDeficit(account, round, markets) >= 1n;
}

/** Decimals of the surplus / deficit of a profile, to express them in quote units. */
export function statementDecimals(markets: MarketSet, statement: "margin" | "liquidation"): number {
  if (markets.profile === "lending") return statement === "margin" ? 28 : 24;
  return statement === "margin" ? 26 : 22;
}
