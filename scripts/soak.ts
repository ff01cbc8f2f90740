/**
 * Soak test of the warm prover: one WarmProver proves N different accounts in a row (1,000 by default) and
 * the process's memory is sampled after garbage collection at intervals. A warm prover that kept something
 * per proof (witnesses, proofs, snarkjs buffers) would grow without bound; this prints how much it grows.
 *
 *   npm run soak [-- --proofs 1000 --circuit margin_n4_m16 --every 100 --warmup 50 --json]
 *
 * Run it when nothing else is heavy (it keeps both cores busy for several minutes), or under `nice`.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
import { accountCommitment, roundCommitments } from "../prover/src/commitment/commitments.ts";
import { packMarginStatement } from "../prover/src/commitment/statement.ts";
import { circuitInput } from "../prover/src/circuit/inputs.ts";
import { loadCircuitSpecs } from "../prover/src/circuit/load-specs.ts";
import { projectPath } from "../prover/src/build/paths.ts";
import { marginSurplus } from "../prover/src/engine/statement-values.ts";
import { parseMarkets, parseRound } from "../prover/src/model/parse.ts";
import type { Account, Position } from "../prover/src/model/types.ts";
import { WarmProver } from "../prover/src/prover/warm-prover.ts";

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** Proofs to make (default 1,000). */
  readonly proofs?: number;
  /** Circuit to prove with (default margin_n4_m16). */
  readonly circuit?: string;
  /** Sample memory every this many proofs (default 100). */
  readonly every?: number;
  /** Proofs made before the baseline sample, so one-time allocations do not count as growth (default 50). */
  readonly warmup?: number;
  /** Verify every this many proofs (default 10). */
  readonly verifyEvery?: number;
  /** Seed of the account generator. */
  readonly seed?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** Memory of the process after a full garbage collection, in MiB. */
export interface MemorySample {
  readonly proofs: number;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
  readonly externalMiB: number;
  readonly arrayBuffersMiB: number;
}

/** What {@link runSoak} measured. */
export interface SoakResult {
  readonly circuit: string;
  readonly proofs: number;
  readonly seconds: number;
  readonly samples: readonly MemorySample[];
  /** Last sample minus the baseline (after warm-up), MiB. */
  readonly growth: { readonly rssMiB: number; readonly heapUsedMiB: number; readonly externalMiB: number };
  /** Growth of heapUsed per 100 proofs, from a least-squares fit over the samples after warm-up (MiB). */
  readonly heapSlopePer100: number;
}

v8.setFlagsFromString("--expose-gc");
const collectGarbage = vm.runInNewContext("gc") as () => void;
const MiB = 1024 * 1024;
const round1 = (value: number) => Math.round(value * 10) / 10;

function sample(proofs: number): MemorySample {
  collectGarbage();
  collectGarbage();
  const usage = process.memoryUsage();
  return { proofs, rssMiB: round1(usage.rss / MiB), heapUsedMiB: round1(usage.heapUsed / MiB), externalMiB: round1(usage.external / MiB), arrayBuffersMiB: round1(usage.arrayBuffers / MiB) };
}

/** A small deterministic generator (mulberry32), so a run can be repeated. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Proves `proofs` random solvent accounts with one warm prover and samples memory; see the file header. */
export async function runSoak(options: SoakOptions = {}): Promise<SoakResult> {
  const proofs = options.proofs ?? 1000;
  const every = options.every ?? 100;
  const warmup = Math.min(options.warmup ?? 50, proofs);
  const verifyEvery = options.verifyEvery ?? 10;
  const log = options.log ?? (() => undefined);
  const circuitId = options.circuit ?? "margin_n4_m16";
  const spec = loadCircuitSpecs().find((candidate) => candidate.id === circuitId);
  if (!spec || spec.kind !== "margin" || !spec.setup) throw new Error(`${circuitId} is not a built margin circuit`);
  const markets = parseMarkets(JSON.parse(readFileSync(projectPath("examples", "markets.json"), "utf8")));
  const round = parseRound(JSON.parse(readFileSync(projectPath("examples", "round.json"), "utf8")), markets);
  const { roundCommitment } = roundCommitments(round, markets);
  const random = generator(options.seed ?? 20_251_121);
  const bigRandom = (bits: number) => BigInt(Math.floor(random() * 2 ** 30)) ** 4n % (1n << BigInt(bits));

  const nextAccount = (): Account => {
    const count = 1 + Math.floor(random() * Math.min(spec.slots, markets.markets.length));
    const chosen = [...markets.markets].sort(() => random() - 0.5).slice(0, count);
    const positions: Position[] = chosen.map((market) => {
      const magnitude = 1n + BigInt(Math.floor(random() * 1e9));
      const entry = (round.prices[market.index]! * BigInt(900 + Math.floor(random() * 200))) / 1000n;
      return { market, size: random() < 0.5 ? -magnitude : magnitude, entryPrice: entry };
    });
    const adjustment = -positions.reduce((sum, position) => sum + position.size * position.entryPrice, 0n);
    return { owner: bigRandom(160), salt: bigRandom(248), nonce: BigInt(Math.floor(random() * 1000)), collateral: 10n ** 12n, positions, adjustment };
  };

  const prover = await WarmProver.load(circuitId);
  const samples: MemorySample[] = [];
  const started = performance.now();
  try {
    for (let i = 1; i <= proofs; i++) {
      const account = nextAccount();
      if (marginSurplus(account, round, markets, "maintenance", 0n) < 0n) throw new Error("generated an insolvent account");
      const statement = packMarginStatement({ binder: bigRandom(160), bufferBps: 0n, requirement: "maintenance", collateral: account.collateral });
      const input = circuitInput(account, round, markets, spec.slots, spec.markets, { accountCommitment: accountCommitment(account), roundCommitment, statement });
      const bundle = await prover.prove(input);
      if (i % verifyEvery === 0 && !(await prover.verify(bundle.proof, bundle.publicSignals))) throw new Error(`proof ${i} does not verify`);
      if (i === warmup || (i > warmup && (i - warmup) % every === 0) || i === proofs) {
        const current = sample(i);
        if (samples.at(-1)?.proofs !== i) samples.push(current);
        log(`${String(i).padStart(5)} proofs  rss ${current.rssMiB.toFixed(1).padStart(7)} MiB  heap ${current.heapUsedMiB.toFixed(1).padStart(6)} MiB  external ${current.externalMiB.toFixed(1).padStart(6)} MiB  ${((performance.now() - started) / i).toFixed(0)} ms/proof`);
      }
    }
  } finally {
    await prover.close();
  }
  const baseline = samples[0]!;
  const last = samples.at(-1)!;
  const n = samples.length;
  const meanX = samples.reduce((sum, s) => sum + s.proofs, 0) / n;
  const meanY = samples.reduce((sum, s) => sum + s.heapUsedMiB, 0) / n;
  const covariance = samples.reduce((sum, s) => sum + (s.proofs - meanX) * (s.heapUsedMiB - meanY), 0);
  const variance = samples.reduce((sum, s) => sum + (s.proofs - meanX) ** 2, 0);
  return {
    circuit: circuitId,
    proofs,
    seconds: round1((performance.now() - started) / 1000),
    samples,
    growth: { rssMiB: round1(last.rssMiB - baseline.rssMiB), heapUsedMiB: round1(last.heapUsedMiB - baseline.heapUsedMiB), externalMiB: round1(last.externalMiB - baseline.externalMiB) },
    heapSlopePer100: variance === 0 ? 0 : Math.round((covariance / variance) * 100 * 1000) / 1000,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { proofs: { type: "string" }, circuit: { type: "string" }, every: { type: "string" }, warmup: { type: "string" }, json: { type: "boolean" } } });
  const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
  const result = await runSoak({
    ...(values.proofs ? { proofs: number(values.proofs)! } : {}),
    ...(values.circuit ? { circuit: values.circuit } : {}),
    ...(values.every ? { every: number(values.every)! } : {}),
    ...(values.warmup ? { warmup: number(values.warmup)! } : {}),
    log: values.json ? () => undefined : (line) => console.log(line),
  });
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`\n${result.proofs} proofs with ${result.circuit} in ${result.seconds} s (${((result.seconds * 1000) / result.proofs).toFixed(0)} ms each)`);
    console.log(`growth after warm-up: rss ${result.growth.rssMiB} MiB, heap ${result.growth.heapUsedMiB} MiB, external ${result.growth.externalMiB} MiB; heap trend ${result.heapSlopePer100} MiB per 100 proofs`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
