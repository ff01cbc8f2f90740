/**
 * Soak test of the warm prover: one WarmProver proves N different statements in a row (1,000 by default) and
 * the process's memory is sampled after garbage collection at intervals. A warm prover that kept something
 * per proof (witnesses, proofs, snarkjs buffers) would grow without bound; this prints how much it grows.
 *
 *   npm run soak [-- --proofs 1000 --circuit cross_margin_m16 --every 100 --warmup 50 --json]
 *
 * The circuit must be built (`npx zkmargin build`); deposit and margin circuits (any profile) are supported:
 * each proof is a deposit into, or a margin certificate of, a different random account of the vault's shape.
 * Run it when nothing else is heavy (it keeps both cores busy for several minutes), or under `nice`.
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
import { emptySlots } from "../prover/src/commitment/account.ts";
import { loadCircuitSpecs } from "../prover/src/circuit/load-specs.ts";
import type { CircuitSpec } from "../prover/src/circuit/registry.ts";
import { surplus } from "../prover/src/engine/valuation.ts";
import type { AccountState, MarketSet, OracleRound, Slot } from "../prover/src/model/types.ts";
import { WarmProver } from "../prover/src/prover/warm-prover.ts";
import { prepareDeposit, prepareMargin, type PreparedProof } from "../prover/src/statements/prepare.ts";
import { prng } from "../test/helpers/prng.ts";

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** Proofs to make (default 1,000). */
  readonly proofs?: number;
  /** A built deposit or margin circuit to prove with (default cross_margin_m16). */
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
const E8 = 10n ** 8n;
const E16 = 10n ** 16n;

function sample(proofs: number): MemorySample {
  collectGarbage();
  collectGarbage();
  const usage = process.memoryUsage();
  return { proofs, rssMiB: round1(usage.rss / MiB), heapUsedMiB: round1(usage.heapUsed / MiB), externalMiB: round1(usage.external / MiB), arrayBuffersMiB: round1(usage.arrayBuffers / MiB) };
}

/** Four listed markets of the circuit's profile (BTC, ETH, SOL, LINK as in examples/), the rest unlisted. */
function soakMarkets(spec: CircuitSpec): MarketSet {
  const profile = spec.profile ?? "cross";
  const pairs = [[30_000n, 50_000n], [30_000n, 50_000n], [50_000n, 100_000n], [50_000n, 100_000n]] as const;
  const markets = pairs.slice(0, Math.min(4, spec.markets)).map(([first, second], index) => ({
    id: `M${index}`,
    index,
    tiers: profile === "lending" ? [{ floor: 0n, first: 1_000_000n - second, second: 1_000_000n - second - first }]
      : profile === "tiered" ? [{ floor: 0n, first, second }, { floor: 1_000_000n, first: second, second: 2n * second }]
        : [{ floor: 0n, first, second }],
  }));
  return { profile, confidenceMultiplier: 200n, markets, byId: new Map(markets.map((market) => [market.id, market])) };
}

const SOAK_ROUND: OracleRound = { round: 7n, timestamp: 1_763_700_000n, prices: [97_250n * E8, 3_150n * E8, 142n * E8, 14n * E8], confidences: [50n * E8, E8, E8 / 10n, E8 / 100n], fundingIndexes: [120n * E8, -3n * E8, 0n, E8] };

/** Proves `proofs` statements of random accounts with one warm prover and samples memory; see the file header. */
export async function runSoak(options: SoakOptions = {}): Promise<SoakResult> {
  const proofs = options.proofs ?? 1000;
  const every = options.every ?? 100;
  const warmup = Math.min(options.warmup ?? 50, proofs);
  const verifyEvery = options.verifyEvery ?? 10;
  const log = options.log ?? (() => undefined);
  const circuitId = options.circuit ?? "cross_margin_m16";
  const found = loadCircuitSpecs().find((candidate) => candidate.id === circuitId);
  if (!found || (found.kind !== "margin" && found.kind !== "deposit")) throw new Error(`${circuitId} is not a deposit or margin circuit of circuits.json`);
  const spec: CircuitSpec = { ...found, setup: true };
  const markets = soakMarkets(spec);
  const round: OracleRound = { ...SOAK_ROUND, prices: SOAK_ROUND.prices.slice(0, markets.markets.length), confidences: SOAK_ROUND.confidences.slice(0, markets.markets.length), fundingIndexes: SOAK_ROUND.fundingIndexes.slice(0, markets.markets.length) };
  const random = prng(options.seed ?? 20_251_121);
  const bigRandom = (bits: number) => BigInt(Math.floor(random() * 2 ** 30)) ** 4n % (1n << BigInt(bits));

  const nextAccount = (): AccountState => {
    const slots: Slot[] = emptySlots(spec.markets);
    for (const market of markets.markets) {
      if (random() < 0.4) continue;
      const magnitude = 1n + BigInt(Math.floor(random() * 1e9));
      slots[market.index] = { size: random() < 0.5 ? -magnitude : magnitude, fundingIndex: round.fundingIndexes[market.index]! - BigInt(Math.floor(random() * 1e9)) };
    }
    const state: AccountState = {
      domain: { chainId: 31_337n, vault: bigRandom(160) }, accountId: 2n + bigRandom(40), owner: bigRandom(160), salt: (1n << 128n) + bigRandom(200),
      nonce: 1n + BigInt(Math.floor(random() * 1000)), cash: 0n, head: bigRandom(250), fillsApplied: 1n, slots,
    };
    // Cash 10% above what maintenance needs (the surplus is affine in cash).
    const weight = markets.profile === "lending" ? 10n ** 12n : 10n ** 10n;
    const needed = -surplus(state, round, markets, { requirement: "maintenance", side: "conservative", bufferBps: 0n }) / weight;
    return { ...state, cash: needed + (needed > 0n ? needed / 10n : 0n) + 1_000n * E16 };
  };
  const nextProof = (state: AccountState): PreparedProof =>
    spec.kind === "deposit" ? prepareDeposit(state, 1n + bigRandom(40), [spec]) : prepareMargin(state, round, markets, { binder: bigRandom(160) }, [spec]);

  const prover = await WarmProver.load(circuitId);
  const samples: MemorySample[] = [];
  const started = performance.now();
  try {
    for (let i = 1; i <= proofs; i++) {
      const bundle = await prover.prove(nextProof(nextAccount()).input);
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
