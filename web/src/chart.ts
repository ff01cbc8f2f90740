import { PRICE_DECIMALS, REQUIREMENT_DECIMALS, VALUE_DECIMALS } from "../../prover/src/core/constants.ts";
import { marginNumbers } from "../../prover/src/engine/margin.ts";
import { isLiquidatable } from "../../prover/src/engine/statement-values.ts";
import type { Account, MarketSet, OracleRound, Profile } from "../../prover/src/model/types.ts";

/** One point of the health curve: the account with one market's price moved by `moveBps`. */
export interface CurvePoint {
  /** Price move in basis points (-5000 = -50%). */
  readonly moveBps: number;
  /** The moved price, quote units. */
  readonly price: number;
  /** Equity, maintenance and initial requirement in quote units (rounded to doubles for drawing). */
  readonly equity: number;
  readonly maintenance: number;
  readonly initial: number;
  /** Exact: a liquidation proof can be made (confidence included), as the liquidation circuit decides. */
  readonly liquidatable: boolean;
}

const toNumber = (value: bigint, decimals: number) => Number(value) / 10 ** decimals;

/**
 * Equity and requirements as the price of market `marketIndex` moves from -rangeBps to +rangeBps (all other
 * prices fixed), computed exactly with the SDK's engine (marginNumbers, isLiquidatable) at each step.
 *
 * @param account the parsed account
 * @param round the oracle round
 * @param markets the risk parameters (their profile decides the requirements)
 * @param marketIndex the market whose price moves
 * @param rangeBps the largest move, basis points (default 5000: +-50%)
 * @param stepBps the step, basis points (default 100: 1%)
 */
export function healthCurve(account: Account, round: OracleRound, markets: MarketSet, marketIndex: number, rangeBps = 5000, stepBps = 100): CurvePoint[] {
  const base = round.prices[marketIndex];
  if (base === undefined) throw new RangeError(`no price for market index ${marketIndex}`);
  const points: CurvePoint[] = [];
  for (let move = -rangeBps; move <= rangeBps; move += stepBps) {
    const price = (base * BigInt(10_000 + move)) / 10_000n;
    const prices = round.prices.map((p, index) => (index === marketIndex ? (price > 0n ? price : 1n) : p));
    const moved = { ...round, prices };
    const numbers = marginNumbers(account, moved, markets);
    points.push({
      moveBps: move,
      price: toNumber(price, PRICE_DECIMALS),
      equity: toNumber(numbers.equity, VALUE_DECIMALS),
      maintenance: toNumber(numbers.maintenance, REQUIREMENT_DECIMALS),
      initial: toNumber(numbers.initial, REQUIREMENT_DECIMALS),
      liquidatable: isLiquidatable(account, moved, markets),
    });
  }
  return points;
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

/**
 * Draws the health curve as an inline SVG: equity against the maintenance and initial requirements, the
 * liquidation zone shaded, the current price and the liquidation price marked.
 *
 * @param points from healthCurve
 * @param market the moving market's id (for labels)
 * @param liquidationPrice the report's liquidation price for that market, if any
 * @param profile the margin profile (for the legend: in lending, equity is the net value and the requirements
 *   are the collateral haircuts at the liquidation threshold and the loan-to-value ratio)
 */
export function renderHealthChart(points: readonly CurvePoint[], market: string, liquidationPrice: number | null, profile: Profile = "cross"): SVGSVGElement {
  const width = 640;
  const height = 300;
  const pad = { left: 64, right: 16, top: 34, bottom: 44 };
  const values = points.flatMap((point) => [point.equity, point.maintenance, point.initial]).concat(0);
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (high === low) high = low + 1;
  const step = tickStep(high - low, 5);
  low = Math.floor(low / step) * step;
  high = Math.ceil(high / step) * step;
  const first = points[0]!.moveBps;
  const last = points[points.length - 1]!.moveBps;
  const x = (move: number) => pad.left + ((move - first) / (last - first)) * (width - pad.left - pad.right);
  const y = (value: number) => pad.top + ((high - value) / (high - low)) * (height - pad.top - pad.bottom);

  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "health-chart", "aria-label": `Equity and margin requirements as ${market} moves +-${Math.abs(first) / 100}%` }) as SVGSVGElement;
  svg.append(el("title", {}, `Equity against requirements as ${market} moves`));

  // Liquidation zone: runs of steps where equity < maintenance, one rectangle per run, clipped to the plot.
  const half = (x(points[1]?.moveBps ?? last) - x(first)) / 2;
  const clamp = (value: number) => Math.min(Math.max(value, pad.left), width - pad.right);
  for (let start = 0; start < points.length; start++) {
    if (!points[start]!.liquidatable) continue;
    let end = start;
    while (end + 1 < points.length && points[end + 1]!.liquidatable) end++;
    const left = clamp(x(points[start]!.moveBps) - half);
    const right = clamp(x(points[end]!.moveBps) + half);
    svg.append(el("rect", { class: "zone", x: left, y: pad.top, width: right - left, height: height - pad.top - pad.bottom, "data-from-bps": points[start]!.moveBps, "data-to-bps": points[end]!.moveBps }));
    start = end;
  }
  for (let value = low; value <= high + step / 2; value += step) {
    svg.append(el("line", { class: "grid", x1: pad.left, x2: width - pad.right, y1: y(value), y2: y(value) }));
    svg.append(el("text", { class: "tick", x: pad.left - 8, y: y(value) + 4, "text-anchor": "end" }, compact(value)));
  }
  for (let move = first; move <= last; move += 2500) {
    svg.append(el("text", { class: "tick", x: x(move), y: height - pad.bottom + 16, "text-anchor": "middle" }, move === 0 ? "0% (now)" : `${move > 0 ? "+" : ""}${move / 100}%`));
  }
  svg.append(el("text", { class: "axis-label", x: (pad.left + width - pad.right) / 2, y: height - 6, "text-anchor": "middle" }, `${market} price move (other prices fixed)`));
  svg.append(el("line", { class: "now", x1: x(0), x2: x(0), y1: pad.top, y2: height - pad.bottom }));

  const path = (pick: (point: CurvePoint) => number) => points.map((point, index) => `${index === 0 ? "M" : "L"}${x(point.moveBps).toFixed(1)},${y(pick(point)).toFixed(1)}`).join(" ");
  svg.append(el("path", { class: "line initial", d: path((point) => point.initial), "data-series": "initial" }));
  svg.append(el("path", { class: "line maintenance", d: path((point) => point.maintenance), "data-series": "maintenance" }));
  svg.append(el("path", { class: "line equity", d: path((point) => point.equity), "data-series": "equity" }));

  const base = points.find((point) => point.moveBps === 0);
  if (liquidationPrice !== null && base) {
    const move = ((liquidationPrice - base.price) / base.price) * 10_000;
    if (move >= first && move <= last) {
      svg.append(el("line", { class: "liquidation", x1: x(move), x2: x(move), y1: pad.top, y2: height - pad.bottom, "data-move-bps": Math.round(move) }));
      svg.append(el("text", { class: "marker-label liquidation-label", x: x(move) + (move > 0 ? -4 : 4), y: height - pad.bottom - 6, "text-anchor": move > 0 ? "end" : "start" }, `liquidation ${compact(liquidationPrice)}`));
    }
  }
  const legend = profile === "lending"
    ? ([["equity", "Net value", 0], ["maintenance", "Haircut at liq. threshold", 100], ["initial", "Haircut at LTV", 310]] as const)
    : ([["equity", "Equity", 0], ["maintenance", "Maintenance requirement", 90], ["initial", "Initial requirement", 290]] as const);
  legend.forEach(([series, label, offset]) => {
    const left = pad.left + offset;
    svg.append(el("line", { class: `line ${series}`, x1: left, x2: left + 18, y1: 12, y2: 12 }));
    svg.append(el("text", { class: "legend", x: left + 24, y: 16 }, label));
  });
  return svg;
}
