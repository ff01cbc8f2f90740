import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { compileCircuit } from "../build/compile.ts";
import { hashFile, produceAtomic } from "../build/files.ts";
import { artifactPaths } from "../build/paths.ts";
import { resolvePtau, type PtauOptions } from "../build/ptau.ts";
import { requiredPower } from "../build/setup.ts";
import { loadCircuitSpecs } from "../circuit/load-specs.ts";
import type { CircuitSpec } from "../circuit/registry.ts";
import { ZkMarginError } from "../core/errors.ts";
import { ceremonyDir, keyFileName, transcriptPath, withCeremonyLock, writeTranscript, type Transcript } from "./transcript.ts";

const silent: snarkjs.Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** The entry circuit `circuitId` of circuits/circuits.json (any, including test circuits). */
export function ceremonySpec(circuitId: string): CircuitSpec {
  const specs = loadCircuitSpecs();
  const spec = specs.find((candidate) => candidate.id === circuitId);
  if (!spec) throw new ZkMarginError("--circuit", `unknown circuit ${circuitId} (known: ${specs.map((candidate) => candidate.id).join(", ")})`);
  return spec;
}

/**
 * Starts the phase-2 ceremony of a circuit in build/ceremony/<id>/: compiles it if needed, copies its r1cs
 * there, checks the Powers of Tau (a published Hermez file by its blake2b, or a development file labelled
 * INSECURE, see resolvePtau) and makes the initial key <id>_0000.zkey, with no contribution yet.
 *
 * @param circuitId an entry circuit of circuits/circuits.json
 * @param options the Powers of Tau to use (as `zkmargin build`)
 * @returns the new transcript
 * @throws ZkMarginError when a ceremony already exists or the Powers of Tau is refused
 */
export async function initCeremony(circuitId: string, options: PtauOptions = {}): Promise<Transcript> {
  const spec = ceremonySpec(circuitId);
  const dir = ceremonyDir(circuitId);
  if (existsSync(transcriptPath(circuitId))) throw new ZkMarginError("--circuit", `a ceremony for ${circuitId} already exists in ${dir}; remove that folder to start over`);
  await compileCircuit(spec);
  const ptau = await resolvePtau(await requiredPower(spec), options);
  mkdirSync(dir, { recursive: true });
  return withCeremonyLock(circuitId, async () => {
    const r1csFile = "circuit.r1cs";
    await produceAtomic(join(dir, r1csFile), async (temporary) => copyFileSync(artifactPaths(circuitId).r1cs, temporary));
    const info = await snarkjs.r1cs.info(join(dir, r1csFile));
    const file = keyFileName(circuitId, 0);
    await produceAtomic(join(dir, file), (temporary) => snarkjs.zKey.newZKey(join(dir, r1csFile), ptau.path, temporary, silent));
    const transcript: Transcript = {
      zkmargin: 1,
      circuit: circuitId,
      template: spec.template,
      params: spec.params,
      r1cs: { file: r1csFile, sha256: await hashFile(join(dir, r1csFile)), constraints: info.nConstraints },
      ptau: { path: ptau.path, power: ptau.power, blake2b: ptau.blake2b, trust: ptau.trust, source: ptau.source },
      steps: [{ index: 0, kind: "init", file, sha256: await hashFile(join(dir, file)), at: new Date().toISOString() }],
    };
    writeTranscript(transcript);
    return transcript;
  });
}
