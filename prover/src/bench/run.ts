/**
 * Proof-time benchmark (npm run bench, zkmargin bench): proof times of the entry circuits, measured side by side in one run.
 *
 * For each proving circuit it times (interleaved, so machine noise hits all equally):
 *   - the warm SDK prover (artifacts loaded and the curve initialised once), per proof;
 *   - `snarkjs groth16 fullprove` run as a fresh process on the same wasm, zkey and input;
 *   - verification with the warm verification key.
 * and reports medians, spreads and the warm/fresh ratio, plus constraints per position slot.
 * Writes bench/results.json and bench/results.md.
 *
 */
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCircuits } from "../build/pipeline.ts";
import { writeFileAtomic } from "../build/files.ts";
import { artifactPaths, projectPath } from "../build/paths.ts";
import { packLiquidationStatement, packMarginStatement } from "../commitment/statement.ts";
import { accountCommitment, roundCommitments } from "../commitment/commitments.ts";
import { circuitInput } from "../circuit/inputs.ts";
import { loadCircuitSpecs } from "../circuit/load-specs.ts";
import type { CircuitSpec } from "../circuit/registry.ts";
import type { Account, Market, MarketRisk, MarketSet, OracleRound } from "../model/types.ts";
import { WarmProver } from "../prover/warm-prover.ts";

const require = createRequire(import.meta.url);

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** Fewer repetitions (3 instead of 7). */
  readonly quick?: boolean;
  /** Repetitions per point. */
  readonly runs?: number;
  /** Circuit ids to measure (default: every proving circuit). */
  readonly circuits?: readonly string[];
  /** Progress messages. */
  readonly log?: (message: string) => void;
}

/** A full account for a circuit: every slot used, half short, healthy (or, for liquidation circuits, not). */
function fullAccount(spec: CircuitSpec): { account: Account; round: OracleRound; markets: MarketSet } {
  const profile = spec.profile ?? "cross";
  const risk = (index: number): MarketRisk =>
    profile === "lending" ? { profile, liquidationThreshold: 800_000n, loanToValue: 750_000n }
    : profile === "tiered" ? { profile, tiers: [
      { floor: 0n, maintenanceRate: 10_000n + BigInt(index), initialRate: 20_000n },
      { floor: 1_000n, maintenanceRate: 20_000n, initialRate: 40_000n },
      { floor: 100_000n, maintenanceRate: 50_000n, initialRate: 100_000n },
    ] }
    : { profile, maintenanceRate: 30_000n + BigInt(index) * 1_000n, initialRate: 50_000n + BigInt(index) * 2_000n };
  const list: Market[] = Array.from({ length: spec.markets }, (_, index) => ({ id: `M${index}`, index, risk: risk(index) }));
  const markets: MarketSet = { profile, confidenceMultiplier: 200n, markets: list, byId: new Map(list.map((market) => [market.id, market])) };
  const prices = list.map((_, index) => BigInt(index + 1) * 1_234_567_890n);
  const round: OracleRound = { round: 1n, timestamp: 1_763_700_000n, prices, confidences: prices.map((price) => price / 1_000n) };
  const positions = Array.from({ length: spec.slots }, (_, i) => ({ market: list[i % spec.markets]!, size: (i % 2 === 0 ? 1n : -1n) * BigInt(i + 1) * 10n ** 8n, entryPrice: 0n }));
  const liquidatable = spec.kind === "liquidation";
  const account: Account = { owner: 0xabcn, salt: 987654321n, nonce: 0n, collateral: liquidatable ? 0n : 10n ** 12n, positions, adjustment: liquidatable ? -(10n ** 30n) : 0n };
  return { account, round, markets };
}

function inputFor(spec: CircuitSpec) {
  const { account, round, markets } = fullAccount(spec);
  const statement = spec.kind === "liquidation"
    ? packLiquidationStatement({ liquidator: 0xbeefn, collateral: account.collateral })
    : packMarginStatement({ binder: 0xbeefn, bufferBps: 0n, requirement: "maintenance", collateral: account.collateral });
  return circuitInput(account, round, markets, spec.slots, spec.markets, { accountCommitment: accountCommitment(account), roundCommitment: roundCommitments(round, markets).roundCommitment, statement });
}

const median = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const spread = (samples: number[]) => Math.max(...samples) - Math.min(...samples);

/**
 * Runs the benchmark and writes bench/results.json and bench/results.md.
 *
 * @returns the results and their Markdown table
 */
export async function runBench(options: BenchOptions = {}) {
  const runs = options.runs ?? (options.quick ? 3 : 7);
  const log = options.log ?? (() => undefined);
  const specs = loadCircuitSpecs().filter((spec) => spec.setup && (!options.circuits || options.circuits.includes(spec.id)));
  await buildCircuits({ only: specs.map((spec) => spec.id), log });
  const snarkjsCli = join(require.resolve("snarkjs"), "..", "cli.cjs");
  const work = mkdtempSync(join(tmpdir(), "zkmargin-bench-"));
  const rows = [];
  for (const spec of specs) {
    const paths = artifactPaths(spec.id);
    const input = inputFor(spec);
    const inputPath = join(work, `${spec.id}.input.json`);
    writeFileSync(inputPath, JSON.stringify(input));
    const prover = await WarmProver.load(spec.id);
    const first = await prover.prove(input); // warm-up: curve and worker threads start here
    const warm: number[] = [];
    const witness: number[] = [];
    const verify: number[] = [];
    const fresh: number[] = [];
    for (let i = 0; i < runs; i++) {
      let started = performance.now();
      const bundle = await prover.prove(input);
      warm.push(performance.now() - started);
      witness.push(prover.lastTimings.witnessMs);
      started = performance.now();
      if (!(await prover.verify(bundle.proof, bundle.publicSignals))) throw new Error(`${spec.id}: proof does not verify`);
      verify.push(performance.now() - started);
      started = performance.now();
      const child = spawnSync(process.execPath, [snarkjsCli, "groth16", "fullprove", inputPath, paths.wasm, paths.zkey, join(work, "proof.json"), join(work, "public.json")], { encoding: "utf8" });
      fresh.push(performance.now() - started);
      if (child.status !== 0) throw new Error(`snarkjs fullprove failed: ${child.stderr}`);
    }
    void first;
    await prover.close();
    const row = {
      circuit: spec.id,
      slots: spec.slots,
      markets: spec.markets,
      constraints: prover.manifest.constraints,
      constraintsPerSlot: Math.round(prover.manifest.constraints / spec.slots),
      warmProveMs: median(warm),
      warmSpreadMs: spread(warm),
      witnessMs: median(witness),
      freshFullproveMs: median(fresh),
      freshSpreadMs: spread(fresh),
      warmOverFresh: median(warm) / median(fresh),
      verifyMs: median(verify),
    };
    rows.push(row);
    log(`${spec.id}: warm ${row.warmProveMs.toFixed(0)} ms, fresh process ${row.freshFullproveMs.toFixed(0)} ms, ratio ${row.warmOverFresh.toFixed(2)}`);
  }
  rmSync(work, { recursive: true, force: true });

  // Marginal cost of a slot: slope of constraints between the smallest and largest capacity of each kind.
  const marginal: Record<string, number> = {};
  for (const kind of ["margin", "liquidation"]) {
    const kindRows = rows.filter((row) => row.circuit.startsWith(kind)).sort((a, b) => a.slots - b.slots);
    if (kindRows.length >= 2) marginal[kind] = (kindRows.at(-1)!.constraints - kindRows[0]!.constraints) / (kindRows.at(-1)!.slots - kindRows[0]!.slots);
  }
  const machine = { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` };
  const results = { date: new Date().toISOString(), machine, runs, marginalConstraintsPerSlot: marginal, rows };
  writeFileAtomic(projectPath("bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const table = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${runs} runs per point, medians (spread max-min).`,
    "",
    "| circuit | N | M | constraints | per slot (total/N) | warm prove ms | fresh fullprove ms | warm/fresh | witness ms | verify ms |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map((row) => `| ${row.circuit} | ${row.slots} | ${row.markets} | ${row.constraints} | ${row.constraintsPerSlot} | ${row.warmProveMs.toFixed(0)} (${row.warmSpreadMs.toFixed(0)}) | ${row.freshFullproveMs.toFixed(0)} (${row.freshSpreadMs.toFixed(0)}) | ${row.warmOverFresh.toFixed(2)} | ${row.witnessMs.toFixed(1)} | ${row.verifyMs.toFixed(0)} |`),
    "",
    `Marginal constraints per position slot: ${Object.entries(marginal).map(([kind, value]) => `${kind} ${value.toFixed(1)}`).join(", ")}.`,
  ];
  writeFileAtomic(projectPath("bench", "results.md"), `${table.join("\n")}\n`);
  return { results, markdown: table.join("\n") };
}
