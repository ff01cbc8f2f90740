import { CASH_DECIMALS, PRICE_BITS, PRICE_DECIMALS, bound, pow10 } from "../../prover/src/core/constants.ts";
import { formatScaled } from "../../prover/src/core/decimal.ts";
import { paddedRound } from "../../prover/src/commitment/round.ts";
import { LIQUIDATION_QUESTION, INITIAL_QUESTION, equityAtMark, surplus, surplusDecimals, type MarginQuestion } from "../../prover/src/engine/valuation.ts";
import type { AccountState, MarketSet, OracleRound, Profile } from "../../prover/src/model/types.ts";

// The health chart: equity against the lines the margin circuits draw, as one market's price moves. Each line
// is "the equity at which a statement stops holding": line = equity - surplus(question) in quote units, with
// the engine's exact surplus (circuits/README.md, "Valuation"). So equity is above a line exactly where the
// statement holds, and the lines cross equity exactly where the report's liquidation price lies, confidence
// and funding included, in every profile.

/** The lines drawn against equity, by the question whose surplus defines them. */
export type CurveSeries = "equity" | "attest" | "liquidation" | "initial";

/** One vertex of the curves: the account with one market's price moved to `price`. */
export interface CurvePoint {
  /** The moved price, exact (8 decimals). */
  readonly price: bigint;
  /** Move from the current mark, basis points (fractional at inserted crossings). */
  readonly moveBps: number;
  /** Equity and the three lines in quote units (doubles, for drawing). */
  readonly values: Readonly<Record<CurveSeries, number>>;
  /** Exact: a takeover can be proven at this price (the favourable maintenance surplus is negative). */
  readonly liquidatable: boolean;
  /** Exact: an attest proof (maintenance, conservative, the buffer) can be made at this price. */
  readonly attestable: boolean;
}

/** A run of prices, both ends included, where a predicate holds (exact prices). */
export interface Zone {
  readonly kind: "liquidatable" | "no-attest";
  readonly from: bigint;
  readonly to: bigint;
}

/** What {@link healthCurve} computes for one market. */
export interface HealthCurve {
  readonly marketIndex: number;
  /** The market's current mark (8 decimals). */
  readonly basePrice: bigint;
  readonly rangeBps: number;
  /** Vertices in increasing price: the 1% steps plus both sides of every crossing (and of `extraPrices`). */
  readonly points: readonly CurvePoint[];
  readonly zones: readonly Zone[];
}

/** Move of `price` from `basePrice`, basis points (one formula for vertices, zones and markers). */
export function moveBpsOf(price: bigint, basePrice: bigint): number {
  return (Number(price - basePrice) / Number(basePrice)) * 10_000;
}

/** A function that is true or false at each price, and the price range on which we look for its changes. */
type Predicate = (price: bigint) => boolean;

/** The adjacent prices (a, a + 1) between `low` and `high` where `holds` changes (it must differ at the ends). */
function boundary(holds: Predicate, low: bigint, high: bigint): [bigint, bigint] {
  const atLow = holds(low);
  while (high - low > 1n) {
    const middle = (low + high) / 2n;
    if (holds(middle) === atLow) low = middle;
    else high = middle;
  }
  return [low, high];
}

/**
 * Equity and the statement lines as the price of market `marketIndex` moves from -rangeBps to +rangeBps (all
 * other prices, funding indexes and the account fixed), each vertex computed exactly with the engine:
 * - liquidation line: maintenance, valued in the account's favour (below it a takeover can be proven; it is
 *   also where a challenge can no longer be answered);
 * - attest line: maintenance, conservative, with the buffer of the attest proof;
 * - initial line: initial, conservative (what a withdrawal must leave).
 *
 * @param state the account state
 * @param round the oracle round
 * @param markets the risk parameters (their profile decides the lines)
 * @param marketIndex the market whose price moves
 * @param options bufferBps of the attest line (default 0), the range (default 5000: +-50%), the step (default 100: 1%)
 *   and prices to add as vertices with their neighbours (the report's liquidation price)
 */
export function healthCurve(
  state: AccountState,
  round: OracleRound,
  markets: MarketSet,
  marketIndex: number,
  options: { bufferBps?: bigint; rangeBps?: number; stepBps?: number; extraPrices?: readonly bigint[] } = {},
): HealthCurve {
  const rangeBps = options.rangeBps ?? 5000;
  const stepBps = options.stepBps ?? 100;
  const padded = paddedRound(round, state.slots.length);
  const basePrice = padded.prices[marketIndex];
  if (basePrice === undefined || basePrice === 0n) throw new RangeError(`market index ${marketIndex} has no price in round ${round.round}`);
  const attest: MarginQuestion = { requirement: "maintenance", side: "conservative", bufferBps: options.bufferBps ?? 0n };
  const decimals = surplusDecimals(markets);
  const equityScale = pow10(decimals - CASH_DECIMALS);
  const unit = 10 ** decimals;
  const moved = (price: bigint): OracleRound => ({ ...round, prices: padded.prices.map((p, j) => (j === marketIndex ? price : p)), confidences: padded.confidences, fundingIndexes: padded.fundingIndexes });
  const liquidatableAt: Predicate = (price) => surplus(state, moved(price), markets, LIQUIDATION_QUESTION) < 0n;
  const attestableAt: Predicate = (price) => surplus(state, moved(price), markets, attest) >= 0n;

  const priceAt = (move: number) => (basePrice * BigInt(10_000 + move)) / 10_000n;
  const low = priceAt(-rangeBps) > 0n ? priceAt(-rangeBps) : 1n;
  const high = priceAt(rangeBps) < bound(PRICE_BITS) ? priceAt(rangeBps) : bound(PRICE_BITS) - 1n;
  const prices = new Set<bigint>();
  for (let move = -rangeBps; move <= rangeBps; move += stepBps) {
    const price = priceAt(move);
    if (price >= low && price <= high) prices.add(price);
  }
  const steps = [...prices].sort((a, b) => (a < b ? -1 : 1));
  // Both sides of every crossing between two steps, so the drawn lines meet equity exactly where it crosses.
  for (const holds of [liquidatableAt, attestableAt]) {
    for (let i = 0; i + 1 < steps.length; i++) {
      if (holds(steps[i]!) !== holds(steps[i + 1]!)) for (const price of boundary(holds, steps[i]!, steps[i + 1]!)) prices.add(price);
    }
  }
  for (const price of options.extraPrices ?? []) {
    for (const near of [price - 1n, price, price + 1n]) if (near >= low && near <= high) prices.add(near);
  }

  const points = [...prices].sort((a, b) => (a < b ? -1 : 1)).map((price): CurvePoint => {
    const at = moved(price);
    const equity = equityAtMark(state, at) * equityScale;
    const line = (question: MarginQuestion) => {
      const value = surplus(state, at, markets, question);
      return { value, drawn: Number(equity - value) / unit };
    };
    const liquidation = line(LIQUIDATION_QUESTION);
    const attestLine = line(attest);
    return {
      price,
      moveBps: moveBpsOf(price, basePrice),
      values: { equity: Number(equity) / unit, liquidation: liquidation.drawn, attest: attestLine.drawn, initial: line(INITIAL_QUESTION).drawn },
      liquidatable: liquidation.value < 0n,
      attestable: attestLine.value >= 0n,
    };
  });

  const zones: Zone[] = [];
  const runs = (kind: Zone["kind"], inside: (point: CurvePoint) => boolean) => {
    for (let start = 0; start < points.length; start++) {
      if (!inside(points[start]!)) continue;
      let end = start;
      while (end + 1 < points.length && inside(points[end + 1]!)) end++;
      zones.push({ kind, from: points[start]!.price, to: points[end]!.price });
      start = end;
    }
  };
  runs("no-attest", (point) => !point.attestable);
  runs("liquidatable", (point) => point.liquidatable);
  return { marketIndex, basePrice, rangeBps, points, zones };
}

const SVG_NS = "http://www.w3.org/2000/svg";

function el(tag: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Compact quote-unit label: 12,345 / 1.2M. */
function compact(value: number): string {
  return new Intl.NumberFormat("en-US", { notation: Math.abs(value) >= 100_000 ? "compact" : "standard", maximumFractionDigits: Math.abs(value) >= 100 ? 0 : 2 }).format(value);
}

/** Round tick step for a span (1, 2 or 5 times a power of ten). */
function tickStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

const LEGENDS: Record<Profile, Record<CurveSeries, string>> = {
  cross: { equity: "Equity", attest: "Attest line", liquidation: "Liquidation line", initial: "Initial line" },
  tiered: { equity: "Equity", attest: "Attest line", liquidation: "Liquidation line", initial: "Initial line" },
  lending: { equity: "Net value", attest: "Attest line", liquidation: "Liquidation line", initial: "LTV line" },
};

/**
 * Draws a health curve as an inline SVG: equity against the attest, liquidation and initial lines, the zones
 * where no attest proof can be made (amber) and where the account is liquidatable (red), the current price and
 * the report's liquidation price marked. Every vertex carries its exact price (data-price on the markers and
 * zones; the paths' vertices in order of `curve.points`).
 *
 * @param curve from healthCurve
 * @param market the moving market's id (for labels)
 * @param liquidationPrice the report's liquidation price for that market (8 decimals), if any
 * @param profile the margin profile (for the legend)
 */
export function renderHealthChart(curve: HealthCurve, market: string, liquidationPrice: bigint | null, profile: Profile = "cross"): SVGSVGElement {
  const { points } = curve;
  const width = 640;
  const height = 300;
  const pad = { left: 64, right: 16, top: 34, bottom: 44 };
  const series: readonly CurveSeries[] = ["initial", "attest", "liquidation", "equity"];
  const values = points.flatMap((point) => series.map((name) => point.values[name])).concat(0);
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (high === low) high = low + 1;
  const step = tickStep(high - low, 5);
  low = Math.floor(low / step) * step;
  high = Math.ceil(high / step) * step;
  const first = -curve.rangeBps;
  const last = curve.rangeBps;
  const base = Number(curve.basePrice);
  const moveOf = (price: bigint) => moveBpsOf(price, curve.basePrice);
  const x = (move: number) => pad.left + ((move - first) / (last - first)) * (width - pad.left - pad.right);
  const y = (value: number) => pad.top + ((high - value) / (high - low)) * (height - pad.top - pad.bottom);
  const priceText = (price: bigint) => formatScaled(price, PRICE_DECIMALS);

  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "health-chart", "aria-label": `Equity and the margin lines as ${market} moves +-${curve.rangeBps / 100}%`, "data-market": market }) as SVGSVGElement;
  svg.append(el("title", {}, `Equity against the margin lines as ${market} moves`));

  for (const zone of curve.zones) {
    const left = x(moveOf(zone.from));
    const right = x(moveOf(zone.to));
    svg.append(el("rect", {
      class: `zone ${zone.kind}`, x: left, y: pad.top, width: Math.max(right - left, 0.5), height: height - pad.top - pad.bottom,
      "data-kind": zone.kind, "data-from-price": priceText(zone.from), "data-to-price": priceText(zone.to),
    }));
  }
  for (let value = low; value <= high + step / 2; value += step) {
    svg.append(el("line", { class: "grid", x1: pad.left, x2: width - pad.right, y1: y(value), y2: y(value) }));
    svg.append(el("text", { class: "tick", x: pad.left - 8, y: y(value) + 4, "text-anchor": "end" }, compact(value)));
  }
  for (let move = first; move <= last; move += curve.rangeBps / 2) {
    svg.append(el("text", { class: "tick", x: x(move), y: height - pad.bottom + 16, "text-anchor": "middle" }, move === 0 ? "0% (now)" : `${move > 0 ? "+" : ""}${move / 100}%`));
  }
  svg.append(el("text", { class: "axis-label", x: (pad.left + width - pad.right) / 2, y: height - 6, "text-anchor": "middle" }, `${market} price move from ${compact(base / 10 ** PRICE_DECIMALS)} (other prices fixed)`));
  svg.append(el("line", { class: "now", x1: x(0), x2: x(0), y1: pad.top, y2: height - pad.bottom }));

  const path = (name: CurveSeries) => points.map((point, index) => `${index === 0 ? "M" : "L"}${x(point.moveBps).toFixed(2)},${y(point.values[name]).toFixed(2)}`).join(" ");
  for (const name of series) svg.append(el("path", { class: `line ${name}`, d: path(name), "data-series": name }));

  if (liquidationPrice !== null) {
    const move = moveOf(liquidationPrice);
    if (move >= first && move <= last) {
      const recovers = points.find((point) => point.moveBps === 0)?.liquidatable ?? false;
      svg.append(el("line", { class: "liquidation-marker", x1: x(move), x2: x(move), y1: pad.top, y2: height - pad.bottom, "data-price": priceText(liquidationPrice), "data-x": x(move).toFixed(2) }));
      svg.append(el("text", { class: "marker-label", x: x(move) + (move > 0 ? -4 : 4), y: pad.top + 14, "text-anchor": move > 0 ? "end" : "start" }, `${recovers ? "recovers at" : "liquidation"} ${compact(Number(liquidationPrice) / 10 ** PRICE_DECIMALS)}`));
    }
  }
  const legend = LEGENDS[profile];
  let left = pad.left;
  for (const name of ["equity", "attest", "liquidation", "initial"] as const) {
    svg.append(el("line", { class: `line ${name}`, x1: left, x2: left + 18, y1: 12, y2: 12 }));
    const label = el("text", { class: "legend", x: left + 24, y: 16 }, legend[name]);
    svg.append(label);
    left += 24 + legend[name].length * 7 + 18;
  }
  return svg;
}
