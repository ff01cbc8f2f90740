import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileCircuit } from "../../../prover/src/build/compile.ts";
import { buildDir } from "../../../prover/src/build/paths.ts";
import { resolvePtau } from "../../../prover/src/build/ptau.ts";
import { requiredPower, setupCircuit } from "../../../prover/src/build/setup.ts";
import { loadCircuitSpecs } from "../../../prover/src/circuit/load-specs.ts";

/** A build folder of its own in which small test circuits are compiled (copied from the build) and set up. */
export interface ScratchBuild {
  readonly dir: string;
  /** Makes a test circuit provable there: a development Groth16 setup (INSECURE; seconds at M = 4). */
  readonly provable: (circuitId: string) => Promise<void>;
  /** Removes the folder and restores ZKMARGIN_BUILD_DIR. */
  readonly dispose: () => void;
}

/**
 * Points ZKMARGIN_BUILD_DIR at a fresh temporary build folder (so nothing here touches the project's build,
 * and no vault key is made), with the compiled test circuits `circuitIds` copied in.
 */
export async function scratchBuild(circuitIds: readonly string[], prefix = "zkmargin-scratch-"): Promise<ScratchBuild> {
  const specs = loadCircuitSpecs();
  for (const id of circuitIds) await compileCircuit(specs.find((spec) => spec.id === id)!);
  const source = buildDir();
  const original = process.env.ZKMARGIN_BUILD_DIR;
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const id of circuitIds) cpSync(join(source, id), join(dir, id), { recursive: true });
  if (existsSync(join(source, "ptau"))) cpSync(join(source, "ptau"), join(dir, "ptau"), { recursive: true });
  process.env.ZKMARGIN_BUILD_DIR = dir;
  return {
    dir,
    provable: async (circuitId) => {
      const spec = specs.find((candidate) => candidate.id === circuitId)!;
      const compiled = await compileCircuit(spec);
      await setupCircuit(spec, compiled.sourceHash, compiled.compiler, await resolvePtau(await requiredPower(spec)), { publishContract: false });
    },
    dispose: () => {
      if (original === undefined) delete process.env.ZKMARGIN_BUILD_DIR;
      else process.env.ZKMARGIN_BUILD_DIR = original;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
