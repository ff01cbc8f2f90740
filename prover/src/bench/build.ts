import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { compileCircuit } from "../build/compile.ts";
import { writeFileAtomic } from "../build/files.ts";
import { artifactPaths, buildDir } from "../build/paths.ts";
import { buildCircuits } from "../build/pipeline.ts";
import { readManifest, requiredPower, setupForBuild, setupIsCurrent, type CircuitManifest } from "../build/setup.ts";
import type { CircuitSpec } from "../circuit/registry.ts";
import type { BenchCircuit } from "./specs.ts";

/** What the benchmark knows about a built circuit. */
export interface BuiltCircuit {
  readonly circuit: BenchCircuit;
  /** The build folder the circuit's artifacts are in (the value for ZKMARGIN_BUILD_DIR). */
  readonly buildDir: string;
  readonly manifest: CircuitManifest;
  /** Groth16 setup time (the build's development setup and the exports), when the benchmark made it. */
  readonly setupMs: number | null;
  /** Compile time, when the benchmark compiled it. */
  readonly compileMs: number | null;
}

interface SetupRecord {
  readonly sourceHash: string;
  readonly setupMs: number;
  readonly compileMs: number | null;
}

/** The folder of generated benchmark circuits: build/bench (or $ZKMARGIN_BUILD_DIR/bench). */
export function benchBuildDir(): string {
  return join(buildDir(), "bench");
}

/** Runs `task` with ZKMARGIN_BUILD_DIR pointing at `dir` (artifactPaths reads it), then restores it. */
export async function withBuildDir<T>(dir: string, task: () => Promise<T>): Promise<T> {
  const previous = process.env.ZKMARGIN_BUILD_DIR;
  process.env.ZKMARGIN_BUILD_DIR = dir;
  try {
    return await task();
  } finally {
    if (previous === undefined) delete process.env.ZKMARGIN_BUILD_DIR;
    else process.env.ZKMARGIN_BUILD_DIR = previous;
  }
}

/**
 * Whether a benchmark circuit has a finished setup: a manifest and a proving key (in build/ for proving
 * circuits, build/bench/ with its setup record for generated ones). Sources are not re-hashed here: a stale
 * circuit is rebuilt when it is measured.
 */
export function isBuilt(circuit: BenchCircuit): boolean {
  const paths = artifactPaths(circuit.spec.id, circuit.origin === "build" ? buildDir() : benchBuildDir());
  return existsSync(paths.manifest) && existsSync(paths.zkey) && (circuit.origin === "build" || existsSync(join(paths.dir, "bench-setup.json")));
}

/**
 * Compiles a benchmark circuit into build/bench/<id>/ with the project's compile step (circom --O2, cached by
 * source hash). Returns its constraint count without a setup (used to size the largest points).
 */
export async function compileBenchCircuit(spec: CircuitSpec, log: (message: string) => void): Promise<{ sourceHash: string; compiler: string; compileMs: number | null; constraints: number }> {
  return withBuildDir(benchBuildDir(), async () => {
    const started = performance.now();
    const compiled = await compileCircuit(spec);
    const compileMs = compiled.compiled ? performance.now() - started : null;
    if (compileMs !== null) log(`compiled ${spec.id} in ${(compileMs / 1000).toFixed(1)} s`);
    const info = await snarkjs.r1cs.info(artifactPaths(spec.id).r1cs);
    return { sourceHash: compiled.sourceHash, compiler: compiled.compiler, compileMs, constraints: info.nConstraints };
  });
}

/**
 * Makes sure every circuit is built and set up: proving circuits with `zkmargin build` (cached), generated
 * ones under build/bench/ with the same compile and setup functions, timing the setup. A generated circuit's
 * Solidity verifier is not left in contracts/generated/ (the project's Hardhat build would pick it up);
 * it stays in build/bench/<id>/verifier.sol.
 */
export async function buildBenchCircuits(circuits: readonly BenchCircuit[], log: (message: string) => void): Promise<BuiltCircuit[]> {
  const mainDir = buildDir();
  const proving = circuits.filter((circuit) => circuit.origin === "build").map((circuit) => circuit.spec.id);
  if (proving.length > 0) await buildCircuits({ only: proving, log });
  const built: BuiltCircuit[] = [];
  for (const circuit of circuits) {
    if (circuit.origin === "build") {
      built.push({ circuit, buildDir: mainDir, manifest: readManifest(circuit.spec.id)!, setupMs: null, compileMs: null });
      continue;
    }
    const spec = circuit.spec;
    const compiled = await compileBenchCircuit(spec, log);
    const dir = benchBuildDir();
    const recordPath = join(dir, spec.id, "bench-setup.json");
    const current = await withBuildDir(dir, () => setupIsCurrent(spec, compiled.sourceHash));
    const record = existsSync(recordPath) ? (JSON.parse(readFileSync(recordPath, "utf8")) as SetupRecord) : undefined;
    if (current && record?.sourceHash === compiled.sourceHash) {
      built.push({ circuit, buildDir: dir, manifest: (await withBuildDir(dir, async () => readManifest(spec.id)))!, setupMs: record.setupMs, compileMs: record.compileMs });
      continue;
    }
    const power = await withBuildDir(dir, () => requiredPower(spec));
    const started = performance.now();
    log(`setting up ${spec.id} (${compiled.constraints} constraints, power ${power})`);
    const manifest = await withBuildDir(dir, () => setupForBuild(spec, compiled.sourceHash, compiled.compiler, { log, publishContract: false }));
    const setupMs = performance.now() - started;
    writeFileAtomic(recordPath, `${JSON.stringify({ sourceHash: compiled.sourceHash, setupMs, compileMs: compiled.compileMs } satisfies SetupRecord, null, 2)}\n`);
    log(`set up ${spec.id} in ${(setupMs / 1000).toFixed(1)} s`);
    built.push({ circuit, buildDir: dir, manifest, setupMs, compileMs: compiled.compileMs });
  }
  return built;
}
