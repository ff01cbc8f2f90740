import type { BenchPoint, BenchResults } from "./run.ts";
import { lineChartSvg, type ChartSeries } from "./svg.ts";

const int = (value: number) => Math.round(value).toLocaleString("en-US");
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
/** "cross margin", "lending health", "tiered liquidation", ...: the names the README uses. */
const statement = (point: Pick<BenchPoint, "profile" | "kind">) => `${point.profile} ${point.profile === "lending" && point.kind === "margin" ? "health" : point.kind}`;

/** The Markdown report of a run: the machine, one row per point, the growth per series, the pool. */
export function renderMarkdown(results: BenchResults): string {
  const { machine } = results;
  const lines: string[] = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node} (${machine.platform}); load average at start ${machine.loadAverageAtStart.join(" / ")}.`,
    `Run: ${results.date}, ${results.mode}, ${results.runs} runs per point; snarkjs ${results.tools.snarkjs}, ${results.tools.compiler}${results.tools.rapidsnark ? `, rapidsnark ${results.tools.rapidsnark}` : ", no rapidsnark binary given"}.`,
    "Times: median ms (min-max). warm = WarmProver, witness + proof; snarkjs warm = snarkjs groth16.prove in a warm process; fresh = a new `snarkjs groth16 fullprove` process.",
    "",
    `| statement | N | M | constraints | per slot | wires | witness | warm prove | snarkjs warm | fresh process | warm / fresh | warm / snarkjs warm |${results.tools.rapidsnark ? " rapidsnark |" : ""} verify | peak MB warm / fresh | zkey MB | setup s | verify gas |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|${results.tools.rapidsnark ? "---:|" : ""}---:|---:|---:|---:|---:|`,
  ];
  for (const point of results.points) {
    lines.push([
      "",
      statement(point),
      point.slots,
      point.markets,
      int(point.constraints),
      point.constraintsPerSlot.toFixed(0),
      int(point.wires),
      ms(point.witnessMs.median),
      `${ms(point.warmTotalMs.median)} (${ms(point.warmTotalMs.min)}-${ms(point.warmTotalMs.max)})`,
      `${ms(point.snarkjsWarmMs.median)} (${ms(point.snarkjsWarmMs.min)}-${ms(point.snarkjsWarmMs.max)})`,
      `${ms(point.freshFullproveMs.median)} (${ms(point.freshFullproveMs.min)}-${ms(point.freshFullproveMs.max)})`,
      point.warmOverFresh.toFixed(2),
      point.warmOverSnarkjsWarm.toFixed(2),
      ...(results.tools.rapidsnark ? [point.rapidsnarkMs ? ms(point.rapidsnarkMs.median) : "-"] : []),
      ms(point.verifyMs.median),
      `${point.peakRssMb.warm} / ${point.peakRssMb.fresh ?? "-"}`,
      (point.zkeyBytes / 2 ** 20).toFixed(1),
      point.setupMs === null ? "(build)" : (point.setupMs / 1000).toFixed(1),
      point.verifyGas === null ? "-" : int(point.verifyGas),
      "",
    ].join(" | ").trim());
  }
  if (results.series.length > 0) {
    lines.push(
      "",
      "Growth with N (per statement and M): least-squares constraints per added slot, constraints per slot at N = 16, and the log-log slope k of proving time ~ N^k.",
      "",
      "| statement | M | N | marginal constraints / slot | per slot at N = 16 | k warm (all N) | k warm (N >= 8) | k fresh (all N) |",
      "|---|---:|---|---:|---:|---:|---:|---:|",
      ...results.series.map((series) => `| ${statement(series)} | ${series.markets} | ${series.slots.join(", ")} | ${series.marginalConstraintsPerSlot.toFixed(1)} | ${series.constraintsPerSlotAt16 === null ? "-" : series.constraintsPerSlotAt16.toFixed(0)} | ${series.warmTimeLogLogSlope.toFixed(2)} | ${series.warmTimeLogLogSlopeLargeN === null ? "-" : series.warmTimeLogLogSlopeLargeN.toFixed(2)} | ${series.freshTimeLogLogSlope.toFixed(2)} |`),
    );
  }
  if (results.skipped.length > 0) lines.push("", `Not measured: ${results.skipped.join("; ")}.`);
  if (results.pool) {
    const pool = results.pool;
    lines.push("", `ProverPool: ${pool.workers} workers proving ${pool.proofs} accounts of ${pool.circuit}: ${pool.poolProofsPerSecond} proofs/s, against ${pool.singleProofsPerSecond} proofs/s for one warm prover proving them in turn (x${pool.speedup.toFixed(2)}).`);
  }
  return lines.join("\n");
}

const COLORS: Readonly<Record<string, string>> = { cross: "#1f77b4", lending: "#2ca02c", tiered: "#d62728" };

/** bench/proving-time.svg and bench/constraints.svg: log-log, against N, at M = 16. */
export function renderPlots(results: BenchResults): Record<string, string> {
  const atM16 = results.points.filter((point) => point.markets === 16);
  const groups = [...new Set(atM16.map(statement))];
  const lineOf = (name: string, pick: (point: BenchPoint) => number, extra: Partial<ChartSeries> = {}): ChartSeries => {
    const rows = atM16.filter((point) => statement(point) === name);
    return { name, color: COLORS[rows[0]?.profile ?? "cross"] ?? "#333", dashed: rows[0]?.kind === "liquidation", points: rows.map((point) => [point.slots, pick(point)] as const), ...extra };
  };
  const machine = `${results.machine.cores} cores, Node ${results.machine.node}`;
  const timeSeries: ChartSeries[] = [
    ...groups.map((name) => lineOf(name, (point) => point.warmTotalMs.median, { name: `${name}, warm` })),
    lineOf("cross margin", (point) => point.snarkjsWarmMs.median, { name: "snarkjs warm (cross margin)", color: "#ff7f0e", dashed: false }),
    lineOf("cross margin", (point) => point.freshFullproveMs.median, { name: "fresh snarkjs (cross margin)", color: "#7f7f7f", dashed: true }),
  ];
  if (results.tools.rapidsnark) timeSeries.push(lineOf("cross margin", (point) => point.rapidsnarkMs?.median ?? 0, { name: "rapidsnark (cross margin)", color: "#9467bd", dashed: false }));
  return {
    "proving-time.svg": lineChartSvg({
      title: `Proving time vs position slots N (M = 16; ${machine})`,
      xLabel: "position slots N",
      yLabel: "witness + proof, ms (median)",
      series: timeSeries.map((series) => ({ ...series, points: series.points.filter(([, y]) => y > 0) })),
    }),
    "constraints.svg": lineChartSvg({
      title: "Constraints vs position slots N (M = 16, circom --O2)",
      xLabel: "position slots N",
      yLabel: "R1CS constraints",
      series: groups.map((name) => lineOf(name, (point) => point.constraints)),
    }),
  };
}
