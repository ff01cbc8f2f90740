import { availableParallelism } from "node:os";
import { loadCircuitSpecs } from "../circuit/load-specs.ts";
import type { CircuitSpec } from "../circuit/registry.ts";
import { ZkMarginError } from "../core/errors.ts";
import { hasBatchVerifier, publishBatchVerifier } from "./batch-verifier.ts";
import { compileCircuit, detectCompiler, type CompileResult } from "./compile.ts";
import { startProgress } from "./progress.ts";
import type { PtauOptions } from "./ptau.ts";
import { readManifest, recordVerifierHash, reuseKeys, setupForBuild, setupIsCurrent, type CircuitManifest } from "./setup.ts";

/** Options of {@link buildCircuits}. */
export interface BuildOptions extends PtauOptions {
  /** Circuit ids to build (default: all in circuits/circuits.json). */
  readonly only?: readonly string[];
  /** Recompile and redo the setup even when up to date. */
  readonly force?: boolean;
  /** Compiles run at once (default $ZKMARGIN_BUILD_JOBS, else the machine's cores). */
  readonly jobs?: number;
}

/** How many compiles run at once: circom is single-threaded, so one per core (ZKMARGIN_BUILD_JOBS overrides). */
export function buildJobs(requested?: number): number {
  const text = process.env.ZKMARGIN_BUILD_JOBS;
  const fromEnv = text === undefined ? undefined : Number(text);
  if (fromEnv !== undefined && !(Number.isInteger(fromEnv) && fromEnv >= 1)) throw new ZkMarginError("ZKMARGIN_BUILD_JOBS", `must be a whole number from 1, got ${JSON.stringify(text)}`);
  return Math.max(1, requested ?? fromEnv ?? availableParallelism());
}

/**
 * Runs `task` on every item with at most `limit` at once, in order of the list; after a failure no new
 * item starts, the running ones finish, and the first error is thrown.
 */
async function eachConcurrently<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        await task(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
}

/** What happened to one circuit in a build. */
export interface BuildStep {
  readonly circuit: string;
  readonly compiled: boolean;
  readonly setUp: boolean;
  readonly constraints?: number;
  readonly manifest?: CircuitManifest;
}

/**
 * Builds the entry circuits: compiles each (skipping up-to-date ones) and, for proving circuits, runs the
 * Groth16 setup (see setupForBuild: the known-tau development key unless a Powers of Tau is given) and
 * exports the verification key, the Solidity verifier and the manifest. Never redoes work whose inputs did
 * not change, so tests and the demo can call it on every run. Long steps log a progress line every few
 * seconds through `options.log`.
 */
export async function buildCircuits(options: BuildOptions = {}): Promise<BuildStep[]> {
  const log = options.log ?? (() => undefined);
  const specs = loadCircuitSpecs();
  const wanted: CircuitSpec[] = options.only ? options.only.map((id) => specs.find((spec) => spec.id === id) ?? missing(id, specs)) : specs;
  // One lane per core, each compiling a circuit and then setting it up: circom is single-threaded, and a setup
  // (a second or two of multi-threaded key writing) overlaps the other lanes' compiles instead of queueing
  // behind all of them. Steps are reported in the order asked.
  const stepById = new Map<string, BuildStep>();
  await eachConcurrently(wanted, buildJobs(options.jobs), async (spec) => {
    const compiled = await compileStep(spec, options, log);
    stepById.set(spec.id, await setupStep(spec, compiled, options, log));
  });
  const steps = wanted.map((spec) => stepById.get(spec.id)!);
  // Batch verifiers (bulk statements) from the verification keys, also for circuits that were up to date.
  for (const step of steps) {
    const spec = wanted.find((candidate) => candidate.id === step.circuit)!;
    if (step.manifest && hasBatchVerifier(spec) && publishBatchVerifier(spec, step.manifest.ceremony.insecure)) log(`wrote the batch verifier of ${spec.id}`);
  }
  return steps;
}

/** Compiles one circuit (unless up to date), with a progress line while circom runs. */
async function compileStep(spec: CircuitSpec, options: BuildOptions, log: (message: string) => void): Promise<CompileResult> {
  const started = Date.now();
  const compiling = startProgress(log, `compile ${spec.id}`);
  // circom says nothing until it is done: the progress line can only give the time so far.
  compiling.stage(`${detectCompiler().version} running`);
  try {
    const compiled = await compileCircuit(spec, { force: options.force ?? false });
    if (compiled.compiled) log(`compiled ${spec.id} with ${compiled.compiler} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return compiled;
  } finally {
    compiling.stop();
  }
}

/** Sets up a compiled proving circuit unless its keys are current (or still fit its constraint system). */
async function setupStep(spec: CircuitSpec, compiled: CompileResult, options: BuildOptions, log: (message: string) => void): Promise<BuildStep> {
  if (!spec.setup) return { circuit: spec.id, compiled: compiled.compiled, setUp: false };
  if (!options.force && !compiled.compiled && (await setupIsCurrent(spec, compiled.sourceHash))) {
    const manifest = (await recordVerifierHash(spec.id)) ?? readManifest(spec.id)!;
    return { circuit: spec.id, compiled: false, setUp: false, constraints: manifest.constraints, manifest };
  }
  const kept = options.force ? undefined : await reuseKeys(spec, compiled.sourceHash, compiled.compiler);
  if (kept) {
    log(`kept the keys of ${spec.id}: its sources changed, its constraint system did not`);
    return { circuit: spec.id, compiled: compiled.compiled, setUp: false, constraints: kept.constraints, manifest: kept };
  }
  const setupStarted = Date.now();
  const progress = startProgress(log, `setup ${spec.id}`);
  let manifest: CircuitManifest;
  try {
    manifest = await setupForBuild(spec, compiled.sourceHash, compiled.compiler, { ...options, log, progress });
  } finally {
    progress.stop();
  }
  const how = manifest.ceremony.method === "known-tau" ? "known-tau development key, INSECURE" : `on ${manifest.ptau.source}`;
  log(`set up ${spec.id}: ${manifest.constraints} constraints in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s (${how})`);
  return { circuit: spec.id, compiled: compiled.compiled, setUp: true, constraints: manifest.constraints, manifest };
}

function missing(id: string, specs: readonly CircuitSpec[]): never {
  throw new ZkMarginError("--circuit", `unknown circuit ${id} (known: ${specs.map((spec) => spec.id).join(", ")})`);
}
