/**
 * The reference benchmark of zkmargin's proofs (npm run bench, zkmargin bench).
 *
 * Measures every statement the vault uses (deposit, apply-fills, and margin, withdraw and takeover of each
 * margin profile) at the vault's capacity (M = 16 markets, K = 8 fills), then sweeps the capacity M (4 ... 64)
 * for the transitions and the cross statements (every statement with --grid) and the fills per proof K
 * (1 ... 16) at M = 16. Circuits that circuits/circuits.json lists are taken from build/ (zkmargin build); the
 * others are generated as bench_<id> specs and built under build/bench/<id>/ with the project's compile and
 * setup functions.
 *
 * Per point it reports constraints (total, per market), wires, witness time, proving time (median and spread of
 * repeated runs), verification time, peak memory, zkey size, setup time and the gas of `verifyProof` on the
 * generated Solidity verifier (deployed on Hardhat's in-process chain). Proving is measured side by side in
 * one run, interleaved so that machine noise hits every contender alike:
 *   - the warm SDK prover (WarmProver, fast engine), in a child process of its own;
 *   - snarkjs' groth16.prove kept warm in another child process (the engine the SDK used before);
 *   - a fresh `snarkjs groth16 fullprove` process on the same wasm, zkey and input;
 *   - a rapidsnark binary on the same zkey and witness, when one is given (--rapidsnark / ZKMARGIN_RAPIDSNARK);
 *   - with that binary, the SDK end to end with --backend rapidsnark (a warm prover in a child process of its
 *     own: witness, the binary's run, the check of its proof), against the binary alone (target: <= 1.2).
 * It also measures the throughput of a ProverPool against one warm prover.
 * Writes bench/results.json, bench/results.md and SVG plots (proving time and constraints vs M, apply-fills
 * time vs K); the quick run writes the same under bench/quick/.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { WitnessCalculatorBuilder } from "circom_runtime";
import * as snarkjs from "snarkjs";
import { writeFileAtomic } from "../build/files.ts";
import { artifactPaths, projectPath } from "../build/paths.ts";
import { loadCircuitSpecs } from "../circuit/load-specs.ts";
import type { StatementKind } from "../circuit/registry.ts";
import { FILLS_PER_PROOF, MARKETS, MAX_MARKETS } from "../core/constants.ts";
import { ZkMarginError } from "../core/errors.ts";
import type { Profile } from "../model/types.ts";
import { ProverPool } from "../prover/prover-pool.ts";
import { WarmProver } from "../prover/warm-prover.ts";
import type { Groth16Timings } from "../prover/groth16-prover.ts";
import type { MsmName } from "../prover/msm-shard.ts";
import { benchInput } from "./accounts.ts";
import { buildBenchCircuits, compileBenchCircuit, isBuilt, withBuildDir, type BuiltCircuit } from "./build.ts";
import { GasMeter } from "./gas.ts";
import { BenchHost } from "./host-client.ts";
import { renderMarkdown, renderPlots } from "./report.ts";
import { FILL_SWEEP, MARKET_SWEEP, MAX_CONSTRAINTS, STATEMENTS, benchCircuit, defaultBenchDir, maxMarkets, provingShape, statementName, type BenchCircuit, type BenchStatement } from "./specs.ts";
import { logLogSlope, median, slope, timing, type Timing } from "./stats.ts";

const require = createRequire(import.meta.url);
/** Proofs the warm SDK prover (with either backend) makes before it is measured, after the first. */
const WARM_UP_PROOFS = 3;

/** Options of {@link runBench}. */
export interface BenchOptions {
  /**
   * The quick run (minutes on 2 cores, fresh clone included): cross margin at M = 4 and 16 (built if missing)
   * plus every other statement at M = 16 that is already built (`zkmargin build`, `npm test`); 3 runs.
   */
  readonly quick?: boolean;
  /** Every statement at every M of the sweep (55 points) instead of only the transitions and the cross statements. */
  readonly grid?: boolean;
  /** Repetitions per point (default 3 quick, 7 otherwise). */
  readonly runs?: number;
  /** Only the points with these circuit ids (as listed in the results). */
  readonly circuits?: readonly string[];
  /** A rapidsnark `prover` binary to time as well (default $ZKMARGIN_RAPIDSNARK; skipped when absent). */
  readonly rapidsnark?: string;
  /** Skip the gas measurement (no Hardhat). */
  readonly noGas?: boolean;
  /** Proofs per side in the pool throughput measurement (0 skips it). */
  readonly poolProofs?: number;
  /** Keep the points of the results.json already in the output folder (same mode) and measure only the others. */
  readonly resume?: boolean;
  /** Where results go (default bench/, or bench/quick/ for the quick run so that it never overwrites a full run). */
  readonly outDir?: string;
  /** Progress messages. */
  readonly log?: (message: string) => void;
}

/** One measured point. */
export interface BenchPoint {
  readonly circuit: string;
  /** "deposit", "fills", "cross margin", ... */
  readonly statement: string;
  readonly kind: StatementKind;
  readonly profile: Profile | null;
  /** Vault capacity M (markets = account slots). */
  readonly markets: number;
  /** Fills per proof K (apply-fills), else 0. */
  readonly fills: number;
  readonly template: string;
  readonly constraints: number;
  readonly constraintsPerMarket: number;
  readonly wires: number;
  readonly publicInputs: number;
  readonly zkeyBytes: number;
  readonly setupMs: number | null;
  readonly witnessMs: Timing;
  /** Warm SDK prover: proof after the witness. */
  readonly warmProveMs: Timing;
  /** Warm SDK prover: witness + proof, what `prove` takes. */
  readonly warmTotalMs: Timing;
  /** snarkjs' groth16.prove, warm (witness + proof). */
  readonly snarkjsWarmMs: Timing;
  /** A fresh `snarkjs groth16 fullprove` process, wall time. */
  readonly freshFullproveMs: Timing;
  /** A rapidsnark process (witness file given), wall time. */
  readonly rapidsnarkMs: Timing | null;
  /** The SDK with the rapidsnark backend, end to end: witness, the binary's run, the check of its proof. */
  readonly sdkRapidsnarkMs: Timing | null;
  readonly verifyMs: Timing;
  /**
   * Where a warm SDK proof's time goes (medians, ms): the witness; in the calling thread the QAP evaluation,
   * the FFTs and the final assembly; each multi-exponentiation in thread-ms (summed over the threads sharing
   * it; the witness MSMs run beside the polynomial). Absent in results written before the split was recorded.
   */
  readonly split?: ProofSplit;
  readonly warmOverFresh: number;
  readonly warmOverSnarkjsWarm: number;
  /** Warm SDK proof over rapidsnark's process (the issue's target: <= 2). */
  readonly warmOverRapidsnark: number | null;
  /** The SDK with the rapidsnark backend over the binary alone (the issue's target: <= 1.2). */
  readonly sdkRapidsnarkOverRapidsnark: number | null;
  readonly peakRssMb: { readonly warm: number; readonly snarkjsWarm: number; readonly fresh: number | null };
  readonly warmLoadMs: number;
  readonly verifyGas: number | null;
  /** Fingerprint of the circuit sources the point was compiled from (compile.ts). */
  readonly sourceHash: string;
}

/** See {@link BenchPoint.split}. */
export interface ProofSplit {
  readonly witnessMs: number;
  readonly qapMs: number;
  readonly fftMs: number;
  readonly msmThreadMs: Readonly<Record<MsmName, number>>;
  readonly assemblyMs: number;
}

/** The median split of warm proofs (see {@link BenchPoint.split}). */
export function proofSplit(witnessMs: readonly number[], engines: readonly Groth16Timings[]): ProofSplit | undefined {
  if (engines.length === 0) return undefined;
  const of = (pick: (timings: Groth16Timings) => number) => Math.round(median(engines.map(pick)) * 10) / 10;
  return {
    witnessMs: Math.round(median(witnessMs) * 10) / 10,
    qapMs: of((timings) => timings.qapMs),
    fftMs: of((timings) => timings.fftMs),
    msmThreadMs: { a: of((t) => t.msmThreadMs.a), b1: of((t) => t.msmThreadMs.b1), b2: of((t) => t.msmThreadMs.b2), c: of((t) => t.msmThreadMs.c), h: of((t) => t.msmThreadMs.h) },
    assemblyMs: of((timings) => timings.assemblyMs),
  };
}

/** Per statement: how the cost grows with the capacity M (or, for apply-fills at M = 16, with K). */
export interface BenchSeries {
  readonly statement: string;
  readonly kind: StatementKind;
  readonly profile: Profile | null;
  /** What varies: the capacity M, or the fills per proof K. */
  readonly variable: "M" | "K";
  /** The value of the other size (K for apply-fills over M; M for the K series; 0 otherwise). */
  readonly fixed: number;
  readonly values: readonly number[];
  /** Least-squares constraints per added market (or fill). */
  readonly marginalConstraints: number;
  /** Constraints at the vault's capacity (M = 16, K = 8), when measured. */
  readonly constraintsAtCapacity: number | null;
  /** The largest M whose circuit fits in 2^16 constraints by the linear fit, at most the templates' MAX_MARKETS (M series only). */
  readonly largestMarketsIn2to16: number | null;
  /** Exponent k of warm proving time ~ M^k (or K^k), and of a fresh snarkjs process. */
  readonly warmTimeLogLogSlope: number;
  readonly freshTimeLogLogSlope: number;
}

/** Throughput of a pool of warm provers against one warm prover. */
export interface PoolResult {
  readonly circuit: string;
  readonly proofs: number;
  readonly workers: number;
  readonly singleProofsPerSecond: number;
  readonly poolProofsPerSecond: number;
  readonly speedup: number;
}

/** Everything results.json holds. */
export interface BenchResults {
  readonly date: string;
  readonly mode: "quick" | "sweep" | "grid";
  /** True while a run is still going (results are written after every point). */
  readonly partial: boolean;
  readonly runs: number;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly memoryGb: number; readonly node: string; readonly platform: string; readonly loadAverageAtStart: readonly number[] };
  readonly tools: { readonly snarkjs: string; readonly compiler: string; readonly rapidsnark: string | null; readonly commit: string };
  readonly notes: readonly string[];
  /** Points left out, and why. */
  readonly skipped: readonly string[];
  readonly points: readonly BenchPoint[];
  readonly series: readonly BenchSeries[];
  readonly pool: PoolResult | null;
}

const statementOrder = (point: Pick<BenchPoint, "kind" | "profile">) => STATEMENTS.findIndex((each) => each.kind === point.kind && (each.profile ?? null) === point.profile);
const sameStatement = (point: Pick<BenchPoint, "kind" | "profile">, statement: BenchStatement) => point.kind === statement.kind && point.profile === (statement.profile ?? null);

/**
 * The points to measure, in stages (measured in this order, so that a long run that is stopped still has every
 * statement at the vault's capacity): quick; or every statement at M = 16, then the M sweep, then the K sweep.
 */
function planStages(options: BenchOptions, notBuilt: (id: string) => void): (() => BenchCircuit[])[] {
  const proving = loadCircuitSpecs().filter((spec) => spec.setup);
  if (options.quick) {
    // The quick run must finish in minutes on a fresh clone, where each compile costs 10-30 s: it always measures
    // cross margin at M = 4 and 16 (built if missing) and adds the other statements at M = 16 that are already
    // built (after `zkmargin build` or `npm test`), naming the others in the report.
    return [() => {
      const core = [4, MARKETS].map((markets) => benchCircuit({ kind: "margin", profile: "cross", markets }, proving));
      const extras = STATEMENTS.filter((each) => !(each.kind === "margin" && each.profile === "cross")).map((each) => benchCircuit(provingShape(each), proving));
      const built = extras.filter((circuit) => isBuilt(circuit));
      for (const circuit of extras.filter((each) => !built.includes(each))) {
        if (options.circuits && !options.circuits.includes(circuit.spec.id)) continue;
        notBuilt(circuit.spec.id);
      }
      return [...core, ...built];
    }];
  }
  const swept = options.grid ? STATEMENTS : STATEMENTS.filter((each) => each.profile === undefined || each.profile === "cross");
  return [
    () => STATEMENTS.map((each) => benchCircuit(provingShape(each), proving)),
    () => MARKET_SWEEP.filter((markets) => markets !== MARKETS).flatMap((markets) => swept.map((each) => benchCircuit({ ...provingShape(each), markets }, proving))),
    () => FILL_SWEEP.filter((fills) => fills !== FILLS_PER_PROOF).map((fills) => benchCircuit({ kind: "fills", markets: MARKETS, fills }, proving)),
  ];
}

function machineInfo(): BenchResults["machine"] {
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: availableParallelism(),
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

/** Writes the peak-memory probe the fresh snarkjs processes are started with (--require). */
function writePeakProbe(dir: string): string {
  const path = join(dir, "peak-rss.cjs");
  writeFileSync(path, `process.on("exit", () => { if (process.env.ZKMARGIN_PEAK_FILE) require("fs").writeFileSync(process.env.ZKMARGIN_PEAK_FILE, String(process.resourceUsage().maxRSS * 1024)); });\n`);
  return path;
}

function rapidsnarkPath(option: string | undefined, log: (message: string) => void): string | null {
  const candidate = option ?? process.env.ZKMARGIN_RAPIDSNARK;
  if (!candidate) return null;
  const path = resolve(candidate);
  if (!existsSync(path)) {
    log(`rapidsnark: ${path} not found; skipping it`);
    return null;
  }
  return path;
}

/** The checked-out commit, with "+changes" when the work tree differs from it. */
function gitCommit(): string {
  const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: projectPath(), encoding: "utf8" });
  if (head.status !== 0) return "unknown";
  const dirty = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: projectPath(), encoding: "utf8" });
  return `${head.stdout.trim()}${dirty.stdout.trim() ? "+changes" : ""}`;
}

/** Times one shell-free child process; throws with its output when it fails. */
function timeProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const child = spawnSync(command, args, { encoding: "utf8", env });
  const elapsed = performance.now() - started;
  if (child.status !== 0) throw new ZkMarginError(command, `failed (${child.status}): ${(child.stderr || child.stdout).trim().split("\n").slice(-3).join(" / ")}`);
  return elapsed;
}

/** Measures one point: the contenders interleaved, `runs` times each. */
async function measurePoint(built: BuiltCircuit, runs: number, work: string, probe: string, rapidsnark: string | null, gas: GasMeter | null, log: (message: string) => void): Promise<BenchPoint> {
  const { circuit, manifest } = built;
  const id = circuit.spec.id;
  const paths = await withBuildDir(built.buildDir, async () => artifactPaths(id));
  const input = benchInput(circuit);
  const inputPath = join(work, `${id}.input.json`);
  writeFileSync(inputPath, JSON.stringify(input));
  const wtnsPath = join(work, `${id}.wtns`);
  if (rapidsnark) {
    const calculator = await WitnessCalculatorBuilder(readFileSync(paths.wasm));
    writeFileSync(wtnsPath, await calculator.calculateWTNSBin(input, true));
  }
  const warm = new BenchHost();
  const reference = new BenchHost();
  const sdkRapid = rapidsnark ? new BenchHost() : null;
  try {
    const loaded = await warm.request({ type: "load", circuitId: id, buildDir: built.buildDir, engine: "fast" });
    await reference.request({ type: "load", circuitId: id, buildDir: built.buildDir, engine: "snarkjs" });
    if (sdkRapid && rapidsnark) await sdkRapid.request({ type: "load", circuitId: id, buildDir: built.buildDir, engine: "fast", rapidsnark });
    // Warm-up: the first proof and verification build what is built once per process; a few more let V8
    // tier the WebAssembly up and the prover settle its split of H between its threads (a warm prover's
    // steady state, which is what the column measures).
    const first = await warm.request({ type: "prove", input });
    await warm.request({ type: "verify", proof: first.proof, publicSignals: first.publicSignals });
    for (let i = 0; i < WARM_UP_PROOFS; i++) await warm.request({ type: "prove", input });
    await reference.request({ type: "prove", input });
    // The SDK with the binary as warm as the SDK alone: its witness generator and its proof check (the pairing
    // code) tier up the same way.
    for (let i = 0; i <= WARM_UP_PROOFS; i++) await sdkRapid?.request({ type: "prove", input });
    const samples = { witness: [] as number[], prove: [] as number[], total: [] as number[], snarkjs: [] as number[], fresh: [] as number[], rapidsnark: [] as number[], sdkRapidsnark: [] as number[], verify: [] as number[] };
    const engines: Groth16Timings[] = [];
    let freshPeak = 0;
    const snarkjsCli = join(require.resolve("snarkjs"), "..", "cli.cjs");
    const contenders: (() => Promise<void>)[] = [
      async () => {
        const proof = await warm.request({ type: "prove", input });
        samples.witness.push(proof.witnessMs);
        if (proof.engine) engines.push(proof.engine);
        samples.prove.push(proof.proveMs);
        samples.total.push(proof.totalMs);
        const verified = await warm.request({ type: "verify", proof: proof.proof, publicSignals: proof.publicSignals });
        if (!verified.valid) throw new ZkMarginError(`circuit ${id}`, "a warm proof does not verify");
        samples.verify.push(verified.verifyMs);
      },
      async () => {
        samples.snarkjs.push((await reference.request({ type: "prove", input })).totalMs);
      },
      async () => {
        const peakFile = join(work, "peak");
        samples.fresh.push(timeProcess(process.execPath, ["--require", probe, snarkjsCli, "groth16", "fullprove", inputPath, paths.wasm, paths.zkey, join(work, "fresh-proof.json"), join(work, "fresh-public.json")], { ...process.env, ZKMARGIN_PEAK_FILE: peakFile }));
        if (existsSync(peakFile)) freshPeak = Math.max(freshPeak, Number(readFileSync(peakFile, "utf8")));
      },
      ...(rapidsnark ? [async () => {
        samples.rapidsnark.push(timeProcess(rapidsnark, [paths.zkey, wtnsPath, join(work, "rapid-proof.json"), join(work, "rapid-public.json")]));
      }] : []),
      ...(sdkRapid ? [async () => {
        // The host's prover verified the binary's proof before returning it; checked again with the warm prover's key.
        const proof = await sdkRapid.request({ type: "prove", input });
        samples.sdkRapidsnark.push(proof.totalMs);
        if (!(await warm.request({ type: "verify", proof: proof.proof, publicSignals: proof.publicSignals })).valid) throw new ZkMarginError(`circuit ${id}`, "a proof of the SDK's rapidsnark backend does not verify");
      }] : []),
    ];
    for (let run = 0; run < runs; run++) {
      // Rotate the order so that no contender always runs right after another's heavy allocation.
      for (let k = 0; k < contenders.length; k++) await contenders[(run + k) % contenders.length]!();
    }
    // The fresh process proved from the same files: its proof must verify with the same key.
    const freshProof = JSON.parse(readFileSync(join(work, "fresh-proof.json"), "utf8")) as snarkjs.Groth16Proof;
    const freshPublic = JSON.parse(readFileSync(join(work, "fresh-public.json"), "utf8")) as string[];
    if (!(await warm.request({ type: "verify", proof: freshProof, publicSignals: freshPublic })).valid) throw new ZkMarginError(`circuit ${id}`, "the fresh snarkjs proof does not verify");
    if (rapidsnark) {
      const rapidProof = JSON.parse(readFileSync(join(work, "rapid-proof.json"), "utf8")) as snarkjs.Groth16Proof;
      const rapidPublic = JSON.parse(readFileSync(join(work, "rapid-public.json"), "utf8")) as string[];
      if (!(await warm.request({ type: "verify", proof: rapidProof, publicSignals: rapidPublic })).valid) throw new ZkMarginError(`circuit ${id}`, "the rapidsnark proof does not verify");
    }
    const warmPeak = (await warm.request({ type: "stats" })).maxRssBytes;
    const referencePeak = (await reference.request({ type: "stats" })).maxRssBytes;
    let verifyGas: number | null = null;
    if (gas) {
      const measured = await gas.verifyGas(paths.verifier, manifest.verifierContract, first.proof, first.publicSignals);
      if (!measured.accepted) throw new ZkMarginError(`circuit ${id}`, "the Solidity verifier rejects the warm prover's proof");
      verifyGas = measured.gas;
    }
    const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
    const total = timing(samples.total);
    const split = proofSplit(samples.witness, engines);
    const fresh = timing(samples.fresh);
    const snarkjsWarm = timing(samples.snarkjs);
    const rapid = rapidsnark ? timing(samples.rapidsnark) : null;
    const sdkRapidTiming = sdkRapid ? timing(samples.sdkRapidsnark) : null;
    const point: BenchPoint = {
      circuit: id,
      statement: statementName(circuit),
      kind: circuit.kind,
      profile: circuit.profile ?? null,
      markets: circuit.markets,
      fills: circuit.fills ?? 0,
      template: `${circuit.spec.template}(${circuit.spec.params.join(", ")})`,
      constraints: manifest.constraints,
      constraintsPerMarket: Math.round((manifest.constraints / circuit.markets) * 10) / 10,
      wires: manifest.wires,
      publicInputs: circuit.spec.pubs.length,
      zkeyBytes: statSync(paths.zkey).size,
      setupMs: built.setupMs === null ? null : Math.round(built.setupMs),
      witnessMs: timing(samples.witness),
      warmProveMs: timing(samples.prove),
      warmTotalMs: total,
      snarkjsWarmMs: snarkjsWarm,
      freshFullproveMs: fresh,
      rapidsnarkMs: rapid,
      sdkRapidsnarkMs: sdkRapidTiming,
      verifyMs: timing(samples.verify),
      ...(split ? { split } : {}),
      warmOverFresh: Math.round((median(samples.total) / median(samples.fresh)) * 1000) / 1000,
      warmOverSnarkjsWarm: Math.round((median(samples.total) / median(samples.snarkjs)) * 1000) / 1000,
      warmOverRapidsnark: rapid ? Math.round((total.median / rapid.median) * 1000) / 1000 : null,
      sdkRapidsnarkOverRapidsnark: rapid && sdkRapidTiming ? Math.round((sdkRapidTiming.median / rapid.median) * 1000) / 1000 : null,
      peakRssMb: { warm: mb(warmPeak), snarkjsWarm: mb(referencePeak), fresh: freshPeak ? mb(freshPeak) : null },
      warmLoadMs: Math.round(loaded.loadMs),
      verifyGas,
      sourceHash: manifest.sourceHash.slice(0, 16),
    };
    log(`${id}: ${point.constraints} constraints; warm ${total.median.toFixed(0)} ms, snarkjs warm ${snarkjsWarm.median.toFixed(0)} ms, fresh process ${fresh.median.toFixed(0)} ms (warm/fresh ${point.warmOverFresh.toFixed(2)})${rapid ? `, rapidsnark ${rapid.median.toFixed(0)} ms` : ""}${sdkRapidTiming ? `, SDK with --backend rapidsnark ${sdkRapidTiming.median.toFixed(0)} ms` : ""}${verifyGas ? `; verifyProof ${verifyGas} gas` : ""}`);
    return point;
  } finally {
    await warm.close();
    await reference.close();
    await sdkRapid?.close();
  }
}

/** Proofs per second: one warm prover proving `proofs` inputs in turn, against a pool proving them at once. */
async function measurePool(built: BuiltCircuit, proofs: number, log: (message: string) => void): Promise<PoolResult> {
  const id = built.circuit.spec.id;
  const input = benchInput(built.circuit);
  const inputs = Array.from({ length: proofs }, () => input);
  return withBuildDir(built.buildDir, async () => {
    const single = await WarmProver.load(id);
    const pool = await ProverPool.load(id);
    try {
      await single.prove(input);
      await pool.proveAll(Array.from({ length: pool.size }, () => input));
      const singleRates: number[] = [];
      const poolRates: number[] = [];
      for (let round = 0; round < 2; round++) {
        let started = performance.now();
        for (const each of inputs) await single.prove(each);
        singleRates.push((proofs * 1000) / (performance.now() - started));
        started = performance.now();
        const bundles = await pool.proveAll(inputs);
        poolRates.push((proofs * 1000) / (performance.now() - started));
        if (!(await single.verify(bundles.at(-1)!.proof, bundles.at(-1)!.publicSignals))) throw new ZkMarginError(`circuit ${id}`, "a pool proof does not verify");
      }
      const result: PoolResult = {
        circuit: id,
        proofs,
        workers: pool.size,
        singleProofsPerSecond: Math.round(median(singleRates) * 100) / 100,
        poolProofsPerSecond: Math.round(median(poolRates) * 100) / 100,
        speedup: Math.round((median(poolRates) / median(singleRates)) * 100) / 100,
      };
      log(`pool (${result.workers} workers, ${proofs} proofs of ${id}): ${result.poolProofsPerSecond} proofs/s vs ${result.singleProofsPerSecond} with one warm prover (x${result.speedup})`);
      return result;
    } finally {
      await pool.close();
      await single.close();
    }
  });
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** One growth series: constraints and time against the varying size. */
function series(statement: BenchStatement, variable: "M" | "K", fixed: number, row: readonly BenchPoint[], size: (point: BenchPoint) => number): BenchSeries {
  const sorted = [...row].sort((a, b) => size(a) - size(b));
  const atCapacity = sorted.find((point) => point.markets === MARKETS && (point.kind !== "fills" || point.fills === FILLS_PER_PROOF));
  const first = sorted[0]!;
  const last = sorted.at(-1)!;
  return {
    statement: statementName(statement),
    kind: statement.kind,
    profile: statement.profile ?? null,
    variable,
    fixed,
    values: sorted.map(size),
    marginalConstraints: round(slope(sorted.map((point) => [size(point), point.constraints])), 1),
    constraintsAtCapacity: atCapacity ? atCapacity.constraints : null,
    largestMarketsIn2to16: variable === "M" ? Math.min(MAX_MARKETS, maxMarkets({ markets: first.markets, constraints: first.constraints }, { markets: last.markets, constraints: last.constraints }, MAX_CONSTRAINTS - first.publicInputs - 1)) : null,
    warmTimeLogLogSlope: round(logLogSlope(sorted.map((point) => [size(point), point.warmTotalMs.median])), 3),
    freshTimeLogLogSlope: round(logLogSlope(sorted.map((point) => [size(point), point.freshFullproveMs.median])), 3),
  };
}

/** The growth series of the points: per statement against M (apply-fills at K = 8), and apply-fills against K at M = 16. */
function seriesOf(points: readonly BenchPoint[]): BenchSeries[] {
  const all: BenchSeries[] = [];
  for (const statement of STATEMENTS) {
    const byMarkets = points.filter((point) => sameStatement(point, statement) && (point.kind !== "fills" || point.fills === FILLS_PER_PROOF));
    if (byMarkets.length >= 2) all.push(series(statement, "M", statement.kind === "fills" ? FILLS_PER_PROOF : 0, byMarkets, (point) => point.markets));
    if (statement.kind !== "fills") continue;
    const byFills = points.filter((point) => point.kind === "fills" && point.markets === MARKETS);
    if (byFills.length >= 2) all.push(series(statement, "K", MARKETS, byFills, (point) => point.fills));
  }
  return all;
}

/** The kind of run the options ask for. */
function benchMode(options: Pick<BenchOptions, "quick" | "grid">): BenchResults["mode"] {
  return options.quick ? "quick" : options.grid ? "grid" : "sweep";
}

/**
 * Runs the benchmark and writes bench/results.json, bench/results.md and bench/*.svg.
 *
 * @returns the results and their Markdown report
 */
export async function runBench(options: BenchOptions = {}): Promise<{ results: BenchResults; markdown: string }> {
  const log = options.log ?? (() => undefined);
  const runs = options.runs ?? (options.quick ? 3 : 7);
  const machine = machineInfo();
  const rapidsnark = rapidsnarkPath(options.rapidsnark, log);
  const mode = benchMode(options);
  const outDir = options.outDir ?? defaultBenchDir(options);
  const skipped: string[] = [];
  const stages = planStages(options, (id) => {
    log(`${id}: not built; --quick leaves it out (\`npx zkmargin build\` or a full run builds it)`);
    skipped.push(`${id} (not built; --quick builds only cross margin M = 4 and 16)`);
  });
  log(`benchmark (${mode}): ${runs} runs per point${rapidsnark ? ", with rapidsnark" : ""}; builds what is missing as it goes`);
  const gas = options.noGas ? null : await GasMeter.start();
  const work = mkdtempSync(join(tmpdir(), "zkmargin-bench-"));
  const probe = writePeakProbe(work);
  const points: BenchPoint[] = [];
  let pool: PoolResult | null = null;
  const previous = join(outDir, "results.json");
  if (options.resume && existsSync(previous)) {
    const earlier = JSON.parse(readFileSync(previous, "utf8")) as BenchResults;
    if (earlier.mode === mode) {
      points.push(...earlier.points);
      // Points skipped for their size stay skipped; points skipped because they were not built are tried again.
      skipped.push(...(earlier.skipped ?? []).filter((entry) => entry.includes("constraints") && !skipped.includes(entry)));
      pool = earlier.pool ?? null;
      log(`resuming: ${points.length} points kept from ${previous}`);
    }
  }
  const measured: BuiltCircuit[] = [];
  let compiler = "";
  const write = (partial: boolean) => {
    const results = assemble({ options, runs, machine, rapidsnark, compiler, points, skipped, pool, partial });
    writeFileAtomic(join(outDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
    const markdown = renderMarkdown(results);
    writeFileAtomic(join(outDir, "results.md"), `${markdown}\n`);
    for (const [name, svg] of Object.entries(renderPlots(results))) writeFileAtomic(join(outDir, name), svg);
    return { results, markdown };
  };
  try {
    for (const stage of stages) {
      for (const circuit of stage()) {
        if (options.circuits && !options.circuits.includes(circuit.spec.id)) continue;
        if (points.some((point) => point.circuit === circuit.spec.id) || skipped.some((entry) => entry.startsWith(`${circuit.spec.id} `))) continue;
        if (circuit.origin === "bench") {
          const { constraints } = await compileBenchCircuit(circuit.spec, log);
          if (constraints + 4 > MAX_CONSTRAINTS) {
            log(`${circuit.spec.id}: ${constraints} constraints do not fit in 2^16; skipped`);
            skipped.push(`${circuit.spec.id} (${constraints} constraints > 2^16)`);
            continue;
          }
        }
        const [built] = await buildBenchCircuits([circuit], log);
        compiler ||= built!.manifest.compiler;
        points.push(await measurePoint(built!, runs, work, probe, rapidsnark, gas, log));
        measured.push(built!);
        write(true);
      }
    }
    if (points.length === 0) throw new ZkMarginError("--circuit", "selects no benchmark point");
    const poolProofs = options.poolProofs ?? (options.quick ? 8 : 24);
    const poolPoint = measured.find((circuit) => circuit.circuit.profile === "cross" && circuit.circuit.kind === "margin" && circuit.circuit.markets === MARKETS);
    if (poolProofs > 0 && poolPoint) pool = await measurePool(poolPoint, poolProofs, log);
  } finally {
    await gas?.close();
    rmSync(work, { recursive: true, force: true });
  }
  const done = write(false);
  log(`wrote ${join(outDir, "results.json")}, results.md and plots`);
  return done;
}

/** The results object of the points measured so far. */
function assemble(state: { options: BenchOptions; runs: number; machine: BenchResults["machine"]; rapidsnark: string | null; compiler: string; points: readonly BenchPoint[]; skipped: readonly string[]; pool: PoolResult | null; partial: boolean }): BenchResults {
  const { options, points } = state;
  return {
    date: new Date().toISOString(),
    mode: benchMode(options),
    partial: state.partial,
    runs: state.runs,
    machine: state.machine,
    tools: { snarkjs: (JSON.parse(readFileSync(join(require.resolve("snarkjs"), "..", "..", "package.json"), "utf8")) as { version: string }).version, compiler: state.compiler, rapidsnark: state.rapidsnark, commit: gitCommit() },
    notes: [
      "Times in milliseconds: median of the runs, with min-max and the median absolute deviation; contenders interleaved in one run.",
      "warm = WarmProver (zkmargin's Groth16 engine, key parsed once, points resident in worker threads): witness + proof. snarkjs warm = snarkjs groth16.prove on the in-memory zkey in a warm process: witness + proof. fresh = a new `snarkjs groth16 fullprove` process (Node start, key read, witness, proof).",
      ...(state.rapidsnark ? ["rapidsnark = the binary alone on a witness file (process wall time). SDK rapidsnark = WarmProver with --backend rapidsnark, end to end: witness in the warm process, the binary's run, the check of its proof with the verification key; SDK rapidsnark / rapidsnark is the overhead of the SDK around the binary (target <= 1.2)."] : []),
      "Peak memory: maxRSS of the process (warm and snarkjs-warm provers each run in a child process of their own).",
      "verifyGas: eth_estimateGas of verifyProof on the generated verifier (solc 0.8 optimizer 200 runs, Cancun), including the 21,000 base cost and calldata.",
      "Keys come from a development (INSECURE) setup; setup time: the build's development setup (the known-tau key, or with ZKMARGIN_DEV_SETUP=snarkjs or a --ptau file snarkjs' phase-2 key + one contribution + beacon) + exports, for circuits the benchmark built.",
    ],
    skipped: state.skipped,
    points: [...points].sort((a, b) => statementOrder(a) - statementOrder(b) || a.markets - b.markets || a.fills - b.fills),
    series: seriesOf(points),
    pool: state.pool,
  };
}
