/** One line of a chart. */
export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  readonly dashed?: boolean;
  /** (x, y) pairs, both > 0 (the axes are logarithmic). */
  readonly points: readonly (readonly [number, number])[];
}

/** A log-log line chart. */
export interface ChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  /** Ticks of the x axis (default: the powers of two in range). */
  readonly xTicks?: readonly number[];
  readonly width?: number;
  readonly height?: number;
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (value: number) => (value >= 1000 ? value.toLocaleString("en-US", { maximumFractionDigits: 0 }) : Number(value.toPrecision(3)).toString());

/** 1-2-5 ticks covering [low, high] (1 to 9 when that gives fewer than four). */
function logTicks(low: number, high: number): number[] {
  const pick = (mantissas: readonly number[]) => {
    const ticks: number[] = [];
    for (let exponent = Math.floor(Math.log10(low)) - 1; exponent <= Math.ceil(Math.log10(high)); exponent++) {
      for (const mantissa of mantissas) {
        const value = mantissa * 10 ** exponent;
        if (value >= low * 0.999 && value <= high * 1.001) ticks.push(value);
      }
    }
    return ticks;
  };
  const coarse = pick([1, 2, 5]);
  return coarse.length >= 4 ? coarse : pick([1, 2, 3, 4, 5, 6, 7, 8, 9]);
}

/**
 * Renders a log-log line chart as a standalone SVG document (no dependency, no script): axes with ticks,
 * one polyline with markers per series, a legend. Series without points are left out.
 */
export function lineChartSvg(chart: ChartSpec): string {
  const width = chart.width ?? 760;
  const height = chart.height ?? 440;
  const margin = { left: 78, right: 200, top: 40, bottom: 52 };
  const series = chart.series.filter((line) => line.points.length > 0);
  const xs = series.flatMap((line) => line.points.map(([x]) => x));
  const ys = series.flatMap((line) => line.points.map(([, y]) => y));
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  let [yMin, yMax] = [Math.min(...ys), Math.max(...ys)];
  const yPad = Math.max(Math.log10(yMax / yMin) * 0.08, 0.05);
  yMin = yMin / 10 ** yPad;
  yMax = yMax * 10 ** yPad;
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const lx = (x: number) => (xMax === xMin ? 0.5 : (Math.log(x) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin)));
  const ly = (y: number) => (Math.log(y) - Math.log(yMin)) / (Math.log(yMax) - Math.log(yMin));
  const px = (x: number) => margin.left + lx(x) * plotW;
  const py = (y: number) => margin.top + (1 - ly(y)) * plotH;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${margin.left}" y="24" font-size="15" font-weight="bold">${escape(chart.title)}</text>`);
  const xTicks = (chart.xTicks ?? Array.from({ length: 40 }, (_, i) => 2 ** i)).filter((tick) => tick >= xMin && tick <= xMax);
  for (const tick of xTicks) {
    const x = px(tick).toFixed(1);
    out.push(`<line x1="${x}" y1="${margin.top}" x2="${x}" y2="${margin.top + plotH}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x}" y="${margin.top + plotH + 18}" text-anchor="middle">${fmt(tick)}</text>`);
  }
  for (const tick of logTicks(yMin, yMax)) {
    const y = py(tick).toFixed(1);
    out.push(`<line x1="${margin.left}" y1="${y}" x2="${margin.left + plotW}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${margin.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(tick)}</text>`);
  }
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`);
  out.push(`<text x="${margin.left + plotW / 2}" y="${height - 12}" text-anchor="middle">${escape(chart.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(chart.yLabel)}</text>`);
  series.forEach((line, index) => {
    const sorted = [...line.points].sort((a, b) => a[0] - b[0]);
    const path = sorted.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ");
    const dash = line.dashed ? ` stroke-dasharray="6 4"` : "";
    out.push(`<polyline points="${path}" fill="none" stroke="${line.color}" stroke-width="2"${dash}/>`);
    for (const [x, y] of sorted) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${line.color}"><title>${escape(`${line.name}: ${fmt(x)} -> ${fmt(y)}`)}</title></circle>`);
    const ly0 = margin.top + 8 + index * 20;
    const lx0 = margin.left + plotW + 14;
    out.push(`<line x1="${lx0}" y1="${ly0}" x2="${lx0 + 26}" y2="${ly0}" stroke="${line.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${lx0 + 32}" y="${ly0}" dominant-baseline="middle">${escape(line.name)}</text>`);
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
