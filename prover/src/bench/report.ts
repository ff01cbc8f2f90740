import type { BenchPoint, BenchResults } from "./run.ts";
import { lineChartSvg, type ChartSeries } from "./svg.ts";

const int = (value: number) => Math.round(value).toLocaleString("en-US");
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const sized = (point: BenchPoint) => (point.kind === "fills" ? `${point.statement} (K = ${point.fills})` : point.statement);

/** The Markdown report of a run: the machine, one row per point, the growth per series, the pool. */
export function renderMarkdown(results: BenchResults): string {
  const { machine } = results;
  const lines: string[] = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node} (${machine.platform}); load average at start ${machine.loadAverageAtStart.join(" / ")}.`,
    `Run: ${results.date}, ${results.mode}, ${results.runs} runs per point; snarkjs ${results.tools.snarkjs}, ${results.tools.compiler}${results.tools.rapidsnark ? `, rapidsnark ${results.tools.rapidsnark}` : ", no rapidsnark binary given"}.`,
    `Times: median ms (min-max). warm = WarmProver, witness + proof; snarkjs warm = snarkjs groth16.prove in a warm process; fresh = a new \`snarkjs groth16 fullprove\` process.${results.tools.rapidsnark ? " rapidsnark = the binary alone on a witness file; SDK rapidsnark = WarmProver with --backend rapidsnark, end to end (witness, the binary, the check of its proof)." : ""}`,
    "",
    `| statement | M | constraints | per market | wires | witness | warm prove | snarkjs warm | fresh process | warm / fresh | warm / snarkjs warm |${results.tools.rapidsnark ? " rapidsnark | warm / rapidsnark | SDK rapidsnark | SDK rapidsnark / rapidsnark |" : ""} verify | peak MB warm / fresh | zkey MB | setup s | verify gas |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|${results.tools.rapidsnark ? "---:|---:|---:|---:|" : ""}---:|---:|---:|---:|---:|`,
  ];
  for (const point of results.points) {
    lines.push([
      "",
      sized(point),
      point.markets,
      int(point.constraints),
      point.constraintsPerMarket.toFixed(0),
      int(point.wires),
      ms(point.witnessMs.median),
      `${ms(point.warmTotalMs.median)} (${ms(point.warmTotalMs.min)}-${ms(point.warmTotalMs.max)})`,
      `${ms(point.snarkjsWarmMs.median)} (${ms(point.snarkjsWarmMs.min)}-${ms(point.snarkjsWarmMs.max)})`,
      `${ms(point.freshFullproveMs.median)} (${ms(point.freshFullproveMs.min)}-${ms(point.freshFullproveMs.max)})`,
      point.warmOverFresh.toFixed(2),
      point.warmOverSnarkjsWarm.toFixed(2),
      ...(results.tools.rapidsnark ? [
        point.rapidsnarkMs ? ms(point.rapidsnarkMs.median) : "-",
        point.warmOverRapidsnark === null ? "-" : point.warmOverRapidsnark.toFixed(2),
        // Points of results.json written before this column have no SDK rapidsnark timing.
        point.sdkRapidsnarkMs ? `${ms(point.sdkRapidsnarkMs.median)} (${ms(point.sdkRapidsnarkMs.min)}-${ms(point.sdkRapidsnarkMs.max)})` : "-",
        typeof point.sdkRapidsnarkOverRapidsnark === "number" ? point.sdkRapidsnarkOverRapidsnark.toFixed(2) : "-",
      ] : []),
      ms(point.verifyMs.median),
      `${point.peakRssMb.warm} / ${point.peakRssMb.fresh ?? "-"}`,
      (point.zkeyBytes / 2 ** 20).toFixed(1),
      point.setupMs === null ? "(build)" : (point.setupMs / 1000).toFixed(1),
      point.verifyGas === null ? "-" : int(point.verifyGas),
      "",
    ].join(" | ").trim());
  }
  const split = results.points.filter((point) => point.split);
  if (split.length > 0) {
    lines.push(
      "",
      "Where a warm SDK proof's time goes (medians, ms). Witness, QAP (buildABC), FFTs (with the coset shift and joinABC) and assembly (blinding, the partial sums) run in the calling thread; each multi-exponentiation is given in thread-ms, summed over the threads that share its windows: A, B1, B2 (G2) and C start in the worker threads with the witness, beside the polynomial; H follows in the calling thread, which then takes a share of the witness MSMs or leaves a share of H to the workers, whichever balances the two sides (WorkSplit).",
      "",
      "| statement | M | witness | QAP | FFTs | MSM A | MSM B1 | MSM B2 (G2) | MSM C | MSM H | assembly | largest |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
      ...split.map((point) => {
        const parts = point.split!;
        const named: [string, number][] = [["witness", parts.witnessMs], ["QAP", parts.qapMs], ["FFTs", parts.fftMs], ["MSM A", parts.msmThreadMs.a], ["MSM B1", parts.msmThreadMs.b1], ["MSM B2", parts.msmThreadMs.b2], ["MSM C", parts.msmThreadMs.c], ["MSM H", parts.msmThreadMs.h], ["assembly", parts.assemblyMs]];
        const largest = named.reduce((best, each) => (each[1] > best[1] ? each : best));
        return `| ${sized(point)} | ${point.markets} | ${named.map(([, value]) => value.toFixed(1)).join(" | ")} | ${largest[0]} |`;
      }),
    );
  }
  if (results.series.length > 0) {
    lines.push(
      "",
      "Growth with the capacity M (apply-fills at K = 8) and with the fills per proof K (at M = 16): least-squares constraints per added market or fill, constraints at the vault's capacity (M = 16, K = 8), the largest M a 2^16 Powers of Tau holds by that fit (the templates take at most 64), and the log-log slope k of proving time ~ M^k (or K^k).",
      "",
      "| statement | over | sizes | marginal constraints | at capacity | largest M in 2^16 | k warm | k fresh |",
      "|---|---|---|---:|---:|---:|---:|---:|",
      ...results.series.map((each) => `| ${each.statement} | ${each.variable}${each.variable === "K" ? ` (M = ${each.fixed})` : ""} | ${each.values.join(", ")} | ${each.marginalConstraints.toFixed(1)} | ${each.constraintsAtCapacity === null ? "-" : int(each.constraintsAtCapacity)} | ${each.largestMarketsIn2to16 === null ? "-" : each.largestMarketsIn2to16} | ${each.warmTimeLogLogSlope.toFixed(2)} | ${each.freshTimeLogLogSlope.toFixed(2)} |`),
    );
  }
  if (results.skipped.length > 0) lines.push("", `Not measured: ${results.skipped.join("; ")}.`);
  if (results.pool) {
    const pool = results.pool;
    lines.push("", `ProverPool: ${pool.workers} workers proving ${pool.proofs} accounts of ${pool.circuit}: ${pool.poolProofsPerSecond} proofs/s, against ${pool.singleProofsPerSecond} proofs/s for one warm prover proving them in turn (x${pool.speedup.toFixed(2)}).`);
  }
  return lines.join("\n");
}

const COLORS: Readonly<Record<string, string>> = { deposit: "#8c564b", fills: "#e377c2", cross: "#1f77b4", lending: "#2ca02c", tiered: "#d62728" };
const DASHES: Readonly<Record<string, boolean>> = { withdraw: true, takeover: true };

/** bench/proving-time.svg and bench/constraints.svg (log-log, against M; apply-fills at K = 8) and bench/fills-time.svg (against K at M = 16). */
export function renderPlots(results: BenchResults): Record<string, string> {
  const overMarkets = results.points.filter((point) => point.kind !== "fills" || point.fills === 8);
  const groups = [...new Set(overMarkets.map((point) => point.statement))];
  const lineOf = (rows: readonly BenchPoint[], name: string, x: (point: BenchPoint) => number, pick: (point: BenchPoint) => number, extra: Partial<ChartSeries> = {}): ChartSeries => {
    const row = rows.filter((point) => point.statement === name).sort((a, b) => x(a) - x(b));
    return { name, color: COLORS[row[0]?.profile ?? row[0]?.kind ?? "cross"] ?? "#333", dashed: DASHES[row[0]?.kind ?? ""] ?? false, points: row.map((point) => [x(point), pick(point)] as const), ...extra };
  };
  const atMarkets = (point: BenchPoint) => point.markets;
  const machine = `${results.machine.cores} cores, Node ${results.machine.node}`;
  const timeSeries: ChartSeries[] = [
    ...groups.map((name) => lineOf(overMarkets, name, atMarkets, (point) => point.warmTotalMs.median, { name: `${name}, warm` })),
    lineOf(overMarkets, "cross margin", atMarkets, (point) => point.snarkjsWarmMs.median, { name: "snarkjs warm (cross margin)", color: "#ff7f0e", dashed: false }),
    lineOf(overMarkets, "cross margin", atMarkets, (point) => point.freshFullproveMs.median, { name: "fresh snarkjs (cross margin)", color: "#7f7f7f", dashed: true }),
  ];
  if (results.tools.rapidsnark) {
    timeSeries.push(lineOf(overMarkets, "cross margin", atMarkets, (point) => point.rapidsnarkMs?.median ?? 0, { name: "rapidsnark (cross margin)", color: "#9467bd", dashed: false }));
    timeSeries.push(lineOf(overMarkets, "cross margin", atMarkets, (point) => point.sdkRapidsnarkMs?.median ?? 0, { name: "SDK --backend rapidsnark (cross margin)", color: "#9467bd", dashed: true }));
  }
  const fills = results.points.filter((point) => point.kind === "fills" && point.markets === 16);
  const atFills = (point: BenchPoint) => point.fills;
  const positive = (series: readonly ChartSeries[]) => series.map((each) => ({ ...each, points: each.points.filter(([, y]) => y > 0) })).filter((each) => each.points.length > 0);
  const charts: Record<string, string> = {
    "proving-time.svg": lineChartSvg({
      title: `Proving time vs vault capacity M (apply-fills at K = 8; ${machine})`,
      xLabel: "markets M (account slots)",
      yLabel: "witness + proof, ms (median)",
      series: positive(timeSeries),
    }),
    "constraints.svg": lineChartSvg({
      title: "Constraints vs vault capacity M (circom --O2)",
      xLabel: "markets M (account slots)",
      yLabel: "R1CS constraints",
      series: positive(groups.map((name) => lineOf(overMarkets, name, atMarkets, (point) => point.constraints))),
    }),
  };
  if (fills.length > 0) {
    charts["fills-time.svg"] = lineChartSvg({
      title: `Apply-fills vs fills per proof K (M = 16; ${machine})`,
      xLabel: "fills per proof K",
      yLabel: "witness + proof, ms (median)",
      series: positive([
        lineOf(fills, "fills", atFills, (point) => point.warmTotalMs.median, { name: "fills, warm" }),
        lineOf(fills, "fills", atFills, (point) => point.snarkjsWarmMs.median, { name: "snarkjs warm", color: "#ff7f0e" }),
        lineOf(fills, "fills", atFills, (point) => point.freshFullproveMs.median, { name: "fresh snarkjs", color: "#7f7f7f", dashed: true }),
      ]),
    });
  }
  return charts;
}
