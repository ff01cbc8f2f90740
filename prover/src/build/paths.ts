import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is prover/src/build/paths.ts). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** A path inside the repository. */
export function projectPath(...parts: string[]): string {
  return join(PROJECT_ROOT, ...parts);
}

/** Where build outputs go: $ZKMARGIN_BUILD_DIR or <root>/build (git-ignored). */
export function buildDir(): string {
  return process.env.ZKMARGIN_BUILD_DIR ? resolve(process.env.ZKMARGIN_BUILD_DIR) : projectPath("build");
}

/** The folder of one circuit's artifacts. */
export function circuitDir(circuitId: string): string {
  return join(buildDir(), circuitId);
}

/** Paths of one circuit's artifacts (under `base`, by default the build folder). */
export function artifactPaths(circuitId: string, base: string = buildDir()) {
  const dir = join(base, circuitId);
  return {
    dir,
    main: join(dir, "main.circom"),
    r1cs: join(dir, "main.r1cs"),
    sym: join(dir, "main.sym"),
    wasm: join(dir, "main_js", "main.wasm"),
    zkey: join(dir, "main.zkey"),
    vkey: join(dir, "verification_key.json"),
    verifier: join(dir, "verifier.sol"),
    manifest: join(dir, "manifest.json"),
    compileRecord: join(dir, "compile.json"),
  };
}
