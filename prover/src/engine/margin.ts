import { BPS, PRICE_DECIMALS, REQUIREMENT_DECIMALS, VALUE_DECIMALS, pow10 } from "../core/constants.ts";
import { formatRatio, formatScaled } from "../core/decimal.ts";
import type { RequirementKind } from "../commitment/statement.ts";
import type { Account, MarketSet, OracleRound } from "../model/types.ts";

const TO_REQUIREMENT_SCALE = pow10(REQUIREMENT_DECIMALS - VALUE_DECIMALS); // 10^6
const COLLATERAL_TO_VALUE = 10n ** 10n; // 6 -> 16 decimals

/** The margin figures as the circuits compute them: scaled integers, nothing rounded. */
export interface MarginNumbers {
  /** collateral + adjustment + sum size * price, 16 decimals. */
  readonly equity: bigint;
  /** sum |size| * price * maintenance rate, 22 decimals. */
  readonly maintenance: bigint;
  /** sum |size| * price * initial rate, 22 decimals. */
  readonly initial: bigint;
}

/**
 * Computes equity and requirements exactly as circuits/lib/margin_core.circom does.
 *
 * @param account the parsed account
 * @param round the oracle round (prices by market index)
 */
export function marginNumbers(account: Account, round: OracleRound): MarginNumbers {
  let equity = account.collateral * COLLATERAL_TO_VALUE + account.adjustment;
  let maintenance = 0n;
  let initial = 0n;
  for (const position of account.positions) {
    const price = round.prices[position.market.index]!;
    const magnitude = position.size < 0n ? -position.size : position.size;
    equity += position.size * price;
    maintenance += magnitude * price * position.market.maintenanceRate;
    initial += magnitude * price * position.market.initialRate;
  }
  return { equity, maintenance, initial };
}

/**
 * How far the account is from meeting `requirement * (1 + bufferBps / 10^4)`, at 26 decimals: positive is a
 * shortfall, zero or negative means the margin proof's statement holds (margin_proof.circom).
 */
export function marginShortfall(numbers: MarginNumbers, kind: RequirementKind, bufferBps: bigint): bigint {
  const requirement = kind === "initial" ? numbers.initial : numbers.maintenance;
  return (BPS + bufferBps) * requirement - BPS * TO_REQUIREMENT_SCALE * numbers.equity;
}

/** liquidatable <=> maintenance > 0 and equity < maintenance (liquidation_proof.circom). */
export function isLiquidatable(numbers: MarginNumbers): boolean {
  return numbers.maintenance > 0n && numbers.equity * TO_REQUIREMENT_SCALE < numbers.maintenance;
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
  /** Mark price of this market at which the account becomes liquidatable, all else fixed (8 decimals). */
  readonly liquidationPrice: string | null;
  /** (liquidationPrice - markPrice) / markPrice, in percent with 2 decimals. */
  readonly priceMoveToLiquidation: string | null;
}

/** The margin report of an account at a round (what `zkmargin check` prints). */
export interface MarginReport {
  readonly equity: string;
  readonly maintenanceRequirement: string;
  readonly initialRequirement: string;
  /** equity - maintenance requirement: how much equity may be lost before liquidation. */
  readonly marginCushion: string;
  /** equity - initial requirement: what is left for new risk or withdrawal. */
  readonly freeCollateral: string;
  /** equity / maintenance requirement (4 decimals), null without positions. */
  readonly healthRatio: string | null;
  readonly liquidatable: boolean;
  readonly meetsMaintenance: boolean;
  readonly meetsInitial: boolean;
  readonly positions: readonly PositionReport[];
}

/**
 * Builds the margin report: equity, requirements, health, and per position the liquidation price (all
 * else fixed). Amounts are exact decimals; only the ratio, prices and percentages are rounded.
 *
 * @param account the parsed account
 * @param round the oracle round
 * @param markets the risk parameters (for the report's market ids)
 */
export function marginReport(account: Account, round: OracleRound, markets: MarketSet): MarginReport {
  void markets;
  const numbers = marginNumbers(account, round);
  const equity22 = numbers.equity * TO_REQUIREMENT_SCALE;
  const positions = account.positions.map((position): PositionReport => {
    const price = round.prices[position.market.index]!;
    const magnitude = position.size < 0n ? -position.size : position.size;
    // E(P + d) = MM(P + d)  <=>  d = (MM - 10^6 E) / (10^6 S - |S| r), with d at 8 decimals.
    const denominator = TO_REQUIREMENT_SCALE * position.size - magnitude * position.market.maintenanceRate;
    let liquidationPrice: string | null = null;
    let priceMove: string | null = null;
    if (denominator !== 0n) {
      const numerator = numbers.maintenance - equity22;
      const target = price * denominator + numerator; // liquidation price * denominator
      const positive = (target > 0n) === (denominator > 0n) && target !== 0n;
      if (positive) {
        liquidationPrice = formatRatio(target, denominator * pow10(PRICE_DECIMALS), PRICE_DECIMALS);
        priceMove = `${formatRatio(numerator * 100n, denominator * price, 2)}%`;
      }
    }
    return {
      market: position.market.id,
      size: formatScaled(position.size, 8),
      markPrice: formatScaled(price, PRICE_DECIMALS),
      notional: formatScaled(position.size * price, VALUE_DECIMALS),
      maintenanceRequirement: formatScaled(magnitude * price * position.market.maintenanceRate, REQUIREMENT_DECIMALS),
      initialRequirement: formatScaled(magnitude * price * position.market.initialRate, REQUIREMENT_DECIMALS),
      liquidationPrice,
      priceMoveToLiquidation: priceMove,
    };
  });
  return {
    equity: formatScaled(numbers.equity, VALUE_DECIMALS),
    maintenanceRequirement: formatScaled(numbers.maintenance, REQUIREMENT_DECIMALS),
    initialRequirement: formatScaled(numbers.initial, REQUIREMENT_DECIMALS),
    marginCushion: formatScaled(equity22 - numbers.maintenance, REQUIREMENT_DECIMALS),
    freeCollateral: formatScaled(equity22 - numbers.initial, REQUIREMENT_DECIMALS),
    healthRatio: numbers.maintenance === 0n ? null : formatRatio(equity22, numbers.maintenance, 4),
    liquidatable: isLiquidatable(numbers),
    meetsMaintenance: marginShortfall(numbers, "maintenance", 0n) <= 0n,
    meetsInitial: marginShortfall(numbers, "initial", 0n) <= 0n,
    positions,
  };
}
