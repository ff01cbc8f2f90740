import { BUFFER_BITS, CASH_DECIMALS, CASH_PER_TOKEN, PRICE_BITS, PRICE_DECIMALS, REQUIREMENT_DECIMALS, SIZE_DECIMALS, TOKEN_DECIMALS, bound, pow10 } from "../core/constants.ts";
import { formatRatio, formatScaled } from "../core/decimal.ts";
import { paddedRound, riskTable } from "../commitment/round.ts";
import type { AccountState, MarketSet, OracleRound, Profile } from "../model/types.ts";
import { INITIAL_QUESTION, LIQUIDATION_QUESTION, equityAtMark, slotRequirement, surplus, tierRequirement, unsettledFunding, type MarginQuestion } from "./valuation.ts";

const TO_REQUIREMENT_SCALE = pow10(REQUIREMENT_DECIMALS - CASH_DECIMALS); // 10^6
const ATTEST: MarginQuestion = { requirement: "maintenance", side: "conservative", bufferBps: 0n };

/** One held market in the margin report. Decimal amounts are strings (exact); small integers are numbers. */
export interface PositionReport {
  readonly market: string;
  /** Signed size, 8 decimals. */
  readonly size: string;
  readonly markPrice: string;
  /** Signed size x mark price, quote units. */
  readonly notional: string;
  /** Funding owed since the slot's last settlement (negative: owed to the account), quote units. */
  readonly fundingOwed: string;
  readonly maintenanceRequirement: string;
  readonly initialRequirement: string;
  /** The notional's tier (tiered profile). */
  readonly tier?: number;
  /**
   * The liquidation line in this market's price, all else fixed, nearest to the mark: the last price on its
   * liquidatable side (where a healthy account turns liquidatable, or an already liquidatable one would still
   * be). Null when no price crosses it.
   */
  readonly liquidationPrice: string | null;
  /** (liquidationPrice - mark) / mark, percent with 2 decimals ("-12.5"); null with liquidationPrice. */
  readonly priceMovePercent: string | null;
}

/** The margin report of an account state at a round (what `zkmargin check` prints; its --json schema). */
export interface MarginReport {
  readonly profile: Profile;
  readonly accountId: string;
  readonly nonce: string;
  readonly round: string;
  /** Cash (deposits, realised PnL, fees, settled funding), quote units. */
  readonly cash: string;
  /** Funding owed on all slots since their last settlement, quote units. */
  readonly unsettledFunding: string;
  /** Cash + sum size x mark - unsettled funding. */
  readonly equity: string;
  readonly maintenanceRequirement: string;
  readonly initialRequirement: string;
  /** sum |S| k conf: what the oracle's confidence takes off equity in a margin certificate. */
  readonly confidencePenalty: string;
  /** equity - maintenance requirement. */
  readonly marginCushion: string;
  /** equity - initial requirement. */
  readonly freeCollateral: string;
  /** Tokens (6 decimals) a withdrawal may take now and still meet the initial requirement (confidence included). */
  readonly withdrawable: string;
  /** equity / maintenance requirement (4 decimals); null without requirement. */
  readonly healthRatio: string | null;
  /** Lending: (cash + sum collateral P LT) / sum debt P (4 decimals); null without debt. */
  readonly healthFactor?: string | null;
  /** The largest buffer (bps, at most 65,535) an attest proof can certify now; null when none can be made. */
  readonly maxBufferBps: number | null;
  /** A takeover can be proven (below maintenance even valued in the account's favour). */
  readonly liquidatable: boolean;
  /** A challenge can be answered (the exact negation of liquidatable). */
  readonly canAnswer: boolean;
  /** An attest proof (maintenance, conservative) can be made. */
  readonly meetsMaintenance: boolean;
  /** A withdrawal-grade proof (initial, conservative) can be made. */
  readonly meetsInitial: boolean;
  readonly positions: readonly PositionReport[];
}

const abs = (value: bigint) => (value < 0n ? -value : value);

/** The crossing of the liquidation line in market `index`, nearest to the mark (bisection on the surplus sign). */
function liquidationPrice(state: AccountState, round: OracleRound, markets: MarketSet, index: number): bigint | null {
  // A market the round does not list has no price to move.
  if (index >= round.prices.length) return null;
  const at = (price: bigint) => surplus(state, { ...round, prices: round.prices.map((p, j) => (j === index ? price : p)) }, markets, LIQUIDATION_QUESTION) < 0n;
  const current = round.prices[index]!;
  const now = at(current);
  const candidates: bigint[] = [];
  for (const extreme of [1n, bound(PRICE_BITS) - 1n]) {
    if (at(extreme) === now) continue;
    let same = current;
    let other = extreme;
    while (abs(same - other) > 1n) {
      const middle = (same + other) / 2n;
      if (at(middle) === now) same = middle;
      else other = middle;
    }
    // The first price on the liquidatable side of the line.
    candidates.push(now ? same : other);
  }
  const distance = (price: bigint) => abs(price - current);
  return candidates.sort((a, b) => (distance(a) < distance(b) ? -1 : distance(a) > distance(b) ? 1 : 0))[0] ?? null;
}

/** The largest buffer in [0, 65535] bps with a non-negative attest surplus (the surplus falls as the buffer grows). */
function maxBuffer(state: AccountState, round: OracleRound, markets: MarketSet): number | null {
  const holds = (bufferBps: bigint) => surplus(state, round, markets, { ...ATTEST, bufferBps }) >= 0n;
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
 * The margin report: equity (funding included), requirements, health, what can be proven, and per held market
 * its liquidation price (all else fixed). Amounts are exact decimals; ratios, prices and percentages rounded.
 */
export function marginReport(state: AccountState, round: OracleRound, markets: MarketSet): MarginReport {
  const capacity = state.slots.length;
  const padded = paddedRound(round, capacity);
  const table = riskTable(markets, capacity);
  let maintenance = 0n;
  let initial = 0n;
  let penalty = 0n;
  const positions: PositionReport[] = [];
  state.slots.forEach((slot, j) => {
    if (slot.size === 0n) return;
    const price = padded.prices[j]!;
    const slotMaintenance = slotRequirement(markets, table[j]!, slot.size, price, "maintenance");
    const slotInitial = slotRequirement(markets, table[j]!, slot.size, price, "initial");
    maintenance += slotMaintenance;
    initial += slotInitial;
    penalty += abs(slot.size) * markets.confidenceMultiplier * padded.confidences[j]!;
    const crossing = liquidationPrice(state, round, markets, j);
    positions.push({
      market: markets.markets[j]?.id ?? `#${j}`,
      size: formatScaled(slot.size, SIZE_DECIMALS),
      markPrice: formatScaled(price, PRICE_DECIMALS),
      notional: formatScaled(slot.size * price, CASH_DECIMALS),
      fundingOwed: formatScaled(slot.size * (padded.fundingIndexes[j]! - slot.fundingIndex), CASH_DECIMALS),
      maintenanceRequirement: formatScaled(slotMaintenance, REQUIREMENT_DECIMALS),
      initialRequirement: formatScaled(slotInitial, REQUIREMENT_DECIMALS),
      ...(markets.profile === "tiered" ? { tier: tierRequirement(table[j]!, abs(slot.size) * price, "maintenance").tier } : {}),
      liquidationPrice: crossing === null ? null : formatScaled(crossing, PRICE_DECIMALS),
      priceMovePercent: crossing === null || price === 0n ? null : formatRatio((crossing - price) * 100n, price, 2),
    });
  });
  const equity = equityAtMark(state, round);
  const equity22 = equity * TO_REQUIREMENT_SCALE;
  let healthFactor: string | null | undefined;
  if (markets.profile === "lending") {
    let weighted = (state.cash - unsettledFunding(state, round)) * TO_REQUIREMENT_SCALE;
    let debt = 0n;
    state.slots.forEach((slot, j) => {
      if (slot.size > 0n) weighted += slot.size * padded.prices[j]! * table[j]![0]!.first;
      else if (slot.size < 0n) debt += -slot.size * padded.prices[j]! * pow10(6);
    });
    healthFactor = debt === 0n ? null : formatRatio(weighted, debt, 4);
  }
  const initialSurplus = surplus(state, round, markets, INITIAL_QUESTION);
  const cashWeight = markets.profile === "lending" ? pow10(12) : pow10(10);
  const withdrawable = initialSurplus <= 0n ? 0n : initialSurplus / (cashWeight * CASH_PER_TOKEN);
  const liquidatable = surplus(state, round, markets, LIQUIDATION_QUESTION) < 0n;
  return {
    profile: markets.profile,
    accountId: state.accountId.toString(),
    nonce: state.nonce.toString(),
    round: round.round.toString(),
    cash: formatScaled(state.cash, CASH_DECIMALS),
    unsettledFunding: formatScaled(unsettledFunding(state, round), CASH_DECIMALS),
    equity: formatScaled(equity, CASH_DECIMALS),
    maintenanceRequirement: formatScaled(maintenance, REQUIREMENT_DECIMALS),
    initialRequirement: formatScaled(initial, REQUIREMENT_DECIMALS),
    confidencePenalty: formatScaled(penalty / 100n, CASH_DECIMALS),
    marginCushion: formatScaled(equity22 - maintenance, REQUIREMENT_DECIMALS),
    freeCollateral: formatScaled(equity22 - initial, REQUIREMENT_DECIMALS),
    withdrawable: formatScaled(withdrawable, TOKEN_DECIMALS),
    healthRatio: maintenance === 0n ? null : formatRatio(equity22, maintenance, 4),
    ...(healthFactor !== undefined ? { healthFactor } : {}),
    maxBufferBps: maxBuffer(state, round, markets),
    liquidatable,
    canAnswer: !liquidatable,
    meetsMaintenance: surplus(state, round, markets, ATTEST) >= 0n,
    meetsInitial: initialSurplus >= 0n,
    positions,
  };
}
