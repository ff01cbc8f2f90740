/**
 * `zkmargin bench --dev-setup CIRCUIT`: the two development setups of `zkmargin build` timed side by side
 * on the same r1cs in one run: the known-tau key and snarkjs' zkey new + contribute + beacon.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { compileCircuit } from "../build/compile.ts";
import { writeKnownTauZkey } from "../build/known-tau-zkey.ts";
import { artifactPaths } from "../build/paths.ts";
import { snarkjsLogger, startProgress } from "../build/progress.ts";
import { resolvePtau } from "../build/ptau.ts";
import { requiredPower } from "../build/setup.ts";
import { loadCircuitSpecs } from "../circuit/load-specs.ts";
import { ZkMarginError } from "../core/errors.ts";

/** What bench/dev-setup.json records. */
export interface DevSetupRecord {
  readonly date: string;
  readonly circuit: string;
  readonly constraints: number;
  readonly wires: number;
  /** log2 of the key's evaluation domain. */
  readonly power: number;
  /** Seconds to write the known-tau key (the build's default development setup, exports excluded). */
  readonly knownTauSeconds: number;
  /** Seconds of each snarkjs step (the old development setup, on `ptau`), and their sum. */
  readonly snarkjs: { readonly newZKey: number; readonly contribute: number; readonly beacon: number; readonly total: number };
  /** snarkjs' total over the known-tau time. */
  readonly ratio: number;
  /** CPU seconds of the process (all threads) for each side: what a shared machine's load does not change much. */
  readonly cpuSeconds: { readonly knownTau: number; readonly snarkjs: number };
  /** The Powers of Tau snarkjs read (not timed: cached or shared). */
  readonly ptau: string;
  readonly threads: number;
  readonly cpu: string;
  readonly node: string;
  /** The 1-minute load average before the run: the machine is shared. */
  readonly loadBefore: number;
}

/**
 * Times both development setups of one entry circuit (compiled if needed) into a temporary folder, known
 * tau first, then snarkjs' zkey new, contribute and beacon (the Powers of Tau it needs is found or made
 * beforehand, untimed). Exports (verification key, verifier) are left out: they are the same for both.
 *
 * @throws ZkMarginError for an unknown circuit id
 */
export async function timeDevelopmentSetups(circuitId: string, log: (message: string) => void): Promise<DevSetupRecord> {
  const spec = loadCircuitSpecs().find((candidate) => candidate.id === circuitId);
  if (!spec) throw new ZkMarginError("--dev-setup", `unknown circuit ${circuitId}`);
  await compileCircuit(spec);
  const r1cs = artifactPaths(spec.id).r1cs;
  const info = await snarkjs.r1cs.info(r1cs);
  const ptau = await resolvePtau(await requiredPower(spec), { log });
  const dir = mkdtempSync(join(tmpdir(), "zkmargin-dev-setup-"));
  const progress = startProgress(log, `bench ${spec.id}`);
  const seconds = async (task: () => Promise<unknown>) => {
    const started = performance.now();
    await task();
    return Math.round((performance.now() - started) / 10) / 100;
  };
  const cpuSince = (start: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(start);
    return Math.round((used.user + used.system) / 10_000) / 100;
  };
  try {
    const loadBefore = Math.round(loadavg()[0]! * 100) / 100;
    log(`timing the known-tau key of ${spec.id} (${info.nConstraints} constraints)`);
    let power = 0;
    const knownTauCpu = process.cpuUsage();
    const knownTauSeconds = await seconds(async () => {
      power = (await writeKnownTauZkey(r1cs, join(dir, "known-tau.zkey"), { progress })).power;
    });
    const knownTauCpuSeconds = cpuSince(knownTauCpu);
    log(`known-tau key: ${knownTauSeconds} s; now snarkjs zkey new + contribute + beacon on ${ptau.source}`);
    const snarkjsCpu = process.cpuUsage();
    const newZKey = await seconds(() => snarkjs.zKey.newZKey(r1cs, ptau.path, join(dir, "0.zkey"), snarkjsLogger(progress, "snarkjs zkey new")));
    const contribute = await seconds(() => snarkjs.zKey.contribute(join(dir, "0.zkey"), join(dir, "1.zkey"), "bench", randomBytes(32).toString("hex"), snarkjsLogger(progress, "snarkjs zkey contribute")));
    const beacon = await seconds(() => snarkjs.zKey.beacon(join(dir, "1.zkey"), join(dir, "2.zkey"), "bench beacon", randomBytes(32).toString("hex"), 10, snarkjsLogger(progress, "snarkjs zkey beacon")));
    const total = Math.round((newZKey + contribute + beacon) * 100) / 100;
    const snarkjsCpuSeconds = cpuSince(snarkjsCpu);
    return {
      date: new Date().toISOString(),
      circuit: spec.id,
      constraints: info.nConstraints,
      wires: info.nVars,
      power,
      knownTauSeconds,
      snarkjs: { newZKey, contribute, beacon, total },
      ratio: Math.round((total / knownTauSeconds) * 10) / 10,
      cpuSeconds: { knownTau: knownTauCpuSeconds, snarkjs: snarkjsCpuSeconds },
      ptau: ptau.source,
      threads: availableParallelism(),
      cpu: cpus()[0]?.model ?? "unknown",
      node: process.version,
      loadBefore,
    };
  } finally {
    progress.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
