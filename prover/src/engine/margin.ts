import { BUFFER_BITS, PRICE_BITS, PRICE_DECIMALS, RATE_DECIMALS, REQUIREMENT_DECIMALS, VALUE_DECIMALS, bound, pow10 } from "../core/constants.ts";
import { formatRatio, formatScaled } from "../core/decimal.ts";
import { assertSubaccount, ratePair } from "../commitment/commitments.ts";
import type { RequirementKind } from "../commitment/statement.ts";
import type { Account, MarketSet, OracleRound, Position, Profile } from "../model/types.ts";
import { cash, isLiquidatable, marginSurplus, tierRequirement } from "./statement-values.ts";

const ONE = pow10(RATE_DECIMALS);
const TO_REQUIREMENT_SCALE = pow10(REQUIREMENT_DECIMALS - VALUE_DECIMALS); // 10^6

/** Margin figures at mark prices, scaled integers (equity 16 decimals, requirements 22). */
export interface MarginNumbers {
  /** cash + sum size * price. */
  readonly equity: bigint;
  /** Requirement at maintenance rates (lending: the collateral haircut sum |S| P (1 - LT)). */
  readonly maintenance: bigint;
  /** Requirement at initial rates (lending: sum |S| P (1 - LTV)). */
  readonly initial: bigint;
  /** sum |S| k conf at 16 decimals: what the oracle's confidence takes off equity in a margin proof. */
  readonly confidencePenalty: bigint;
}

/** One position's requirement at 22 decimals, by profile, at mark price. */
export function positionRequirement(position: Position, round: OracleRound, profile: Profile, kind: RequirementKind): bigint {
  const price = round.prices[position.market.index]!;
  const magnitude = position.size < 0n ? -position.size : position.size;
  if (profile === "tiered") return tierRequirement(position, round, kind).requirement;
  const [first, second] = ratePair(position.market);
  if (profile === "lending") return position.size > 0n ? magnitude * price * (ONE - (kind === "initial" ? second : first)) : 0n;
  return magnitude * price * (kind === "initial" ? second : first);
}

/**
 * Equity and requirements at mark prices. In every profile, `equity >= maintenance` is the maintenance
 * statement without confidence (for lending: health factor >= 1).
 */
export function marginNumbers(account: Account, round: OracleRound, markets: MarketSet): MarginNumbers {
  let equity = cash(account);
  let maintenance = 0n;
  let initial = 0n;
  let penalty = 0n;
  for (const position of account.positions) {
    const index = position.market.index;
    const magnitude = position.size < 0n ? -position.size : position.size;
    equity += position.size * round.prices[index]!;
    maintenance += positionRequirement(position, round, markets.profile, "maintenance");
    initial += positionRequirement(position, round, markets.profile, "initial");
    penalty += magnitude * markets.confidenceMultiplier * round.confidences[index]!;
  }
  return { equity, maintenance, initial, confidencePenalty: penalty / 100n };
}

/** One position in the margin report; amounts are decimal strings in quote units. */
export interface PositionReport {
  readonly market: string;
  readonly size: string;
  readonly markPrice: string;
  /** Signed size * mark price. */
  readonly notional: string;
  readonly maintenanceRequirement: string;
  readonly initialRequirement: string;
  /** The notional's tier (tiered profile). */
  readonly tier?: number;
  /** Mark price of this market at which the account becomes liquidatable, all else fixed (8 decimals). */
  readonly liquidationPrice: string | null;
  /** (liquidationPrice - markPrice) / markPrice, in percent with 2 decimals. */
  readonly priceMoveToLiquidation: string | null;
}

/** The margin report of an account at a round (what `zkmargin check` prints). */
export interface MarginReport {
  readonly profile: Profile;
  readonly equity: string;
  readonly maintenanceRequirement: string;
  readonly initialRequirement: string;
  /** What the oracle's confidence intervals take off equity in margin proofs (k conf per unit of size). */
  readonly confidencePenalty: string;
  /** equity - maintenance requirement: how much equity may be lost before liquidation. */
  readonly marginCushion: string;
  /** equity - initial requirement: what is left for new risk or withdrawal. */
  readonly freeCollateral: string;
  /** equity / maintenance requirement (4 decimals); null without requirement. */
  readonly healthRatio: string | null;
  /** Lending: (cash + sum collateral P LT) / sum debt P (4 decimals), null without debt. */
  readonly healthFactor?: string | null;
  /**
   * The largest buffer (basis points, at most 65,535) a maintenance margin proof can certify now: the distance
   * to liquidation a proof made at this round would carry. Null when no margin proof can be made.
   */
  readonly maxBufferBps: number | null;
  /** Whether a liquidation proof can be made (confidence counted in the account's favour). */
  readonly liquidatable: boolean;
  /** Whether a maintenance (resp. initial) margin proof can be made, without buffer. */
  readonly meetsMaintenance: boolean;
  readonly meetsInitial: boolean;
  readonly positions: readonly PositionReport[];
}

/** The mark price of `market` at which the account turns liquidatable, nearest to the current one (bisection). */
function liquidationPrice(account: Account, round: OracleRound, markets: MarketSet, index: number): bigint | null {
  const at = (price: bigint) => isLiquidatable(account, { ...round, prices: round.prices.map((p, j) => (j === index ? price : p)) }, markets);
  const current = round.prices[index]!;
  if (at(current)) return current;
  const candidates: bigint[] = [];
  for (const extreme of [1n, bound(PRICE_BITS) - 1n]) {
    if (!at(extreme)) continue;
    let safe = current;
    let unsafe = extreme;
    while ((safe > unsafe ? safe - unsafe : unsafe - safe) > 1n) {
      const middle = (safe + unsafe) / 2n;
      if (at(middle)) unsafe = middle;
      else safe = middle;
    }
    candidates.push(unsafe);
  }
  const distance = (price: bigint) => (price > current ? price - current : current - price);
  return candidates.sort((a, b) => (distance(a) < distance(b) ? -1 : 1))[0] ?? null;
}

/** The largest buffer in [0, 65535] bps with a non-negative maintenance surplus (the surplus falls as the buffer grows). */
function maxBuffer(account: Account, round: OracleRound, markets: MarketSet): number | null {
  const holds = (bps: bigint) => marginSurplus(account, round, markets, "maintenance", bps) >= 0n;
  if (!holds(0n)) return null;
  let low = 0n;
  let high = bound(BUFFER_BITS);
  while (high - low > 1n) {
    const middle = (low + high) / 2n;
    if (holds(middle)) low = middle;
    else high = middle;
  }
  return Number(low);
}

/**
 * Builds the margin report: equity, requirements, health, and per position the liquidation price (all else
 * fixed, confidence included as in liquidation proofs). Amounts are exact decimals; the ratios, prices and
 * percentages are rounded.
 */
export function marginReport(account: Account, round: OracleRound, markets: MarketSet): MarginReport {
  assertSubaccount(account);
  const numbers = marginNumbers(account, round, markets);
  const equity22 = numbers.equity * TO_REQUIREMENT_SCALE;
  const positions = account.positions.map((position): PositionReport => {
    const price = round.prices[position.market.index]!;
    const liquidation = liquidationPrice(account, round, markets, position.market.index);
    return {
      market: position.market.id,
      size: formatScaled(position.size, 8),
      markPrice: formatScaled(price, PRICE_DECIMALS),
      notional: formatScaled(position.size * price, VALUE_DECIMALS),
      maintenanceRequirement: formatScaled(positionRequirement(position, round, markets.profile, "maintenance"), REQUIREMENT_DECIMALS),
      initialRequirement: formatScaled(positionRequirement(position, round, markets.profile, "initial"), REQUIREMENT_DECIMALS),
      ...(markets.profile === "tiered" ? { tier: tierRequirement(position, round, "maintenance").tier } : {}),
      liquidationPrice: liquidation === null ? null : formatScaled(liquidation, PRICE_DECIMALS),
      priceMoveToLiquidation: liquidation === null ? null : `${formatRatio((liquidation - price) * 100n, price, 2)}%`,
    };
  });
  let healthFactor: string | null | undefined;
  if (markets.profile === "lending") {
    let weighted = cash(account) * TO_REQUIREMENT_SCALE;
    let debt = 0n;
    for (const position of account.positions) {
      const price = round.prices[position.market.index]!;
      if (position.size > 0n) weighted += position.size * price * ratePair(position.market)[0];
      else debt += -position.size * price * ONE;
    }
    healthFactor = debt === 0n ? null : formatRatio(weighted, debt, 4);
  }
  return {
    profile: markets.profile,
    equity: formatScaled(numbers.equity, VALUE_DECIMALS),
    maintenanceRequirement: formatScaled(numbers.maintenance, REQUIREMENT_DECIMALS),
    initialRequirement: formatScaled(numbers.initial, REQUIREMENT_DECIMALS),
    confidencePenalty: formatScaled(numbers.confidencePenalty, VALUE_DECIMALS),
    marginCushion: formatScaled(equity22 - numbers.maintenance, REQUIREMENT_DECIMALS),
    freeCollateral: formatScaled(equity22 - numbers.initial, REQUIREMENT_DECIMALS),
    healthRatio: numbers.maintenance === 0n ? null : formatRatio(equity22, numbers.maintenance, 4),
    ...(healthFactor !== undefined ? { healthFactor } : {}),
    maxBufferBps: maxBuffer(account, round, markets),
    liquidatable: isLiquidatable(account, round, markets),
    meetsMaintenance: marginSurplus(account, round, markets, "maintenance", 0n) >= 0n,
    meetsInitial: marginSurplus(account, round, markets, "initial", 0n) >= 0n,
    positions,
  };
}
