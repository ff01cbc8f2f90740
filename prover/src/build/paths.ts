import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package root: the repository (this file is prover/src/build/paths.ts) or the installed package
 * (dist/build/paths.js).
 */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), import.meta.url.endsWith(".ts") ? "../../.." : "../..");

/** Whether zkmargin runs as an installed dependency (under node_modules) rather than from its repository. */
export const INSTALLED = PROJECT_ROOT.split(sep).includes("node_modules");

/** A path inside the package (the repository, or node_modules/zkmargin when installed). */
export function projectPath(...parts: string[]): string {
  return join(PROJECT_ROOT, ...parts);
}

/**
 * Where `zkmargin build` writes its outputs: $ZKMARGIN_BUILD_DIR; else <root>/build in the repository
 * (git-ignored), or ./zkmargin-build in the current folder when zkmargin is an installed dependency (never
 * inside node_modules).
 */
export function buildDir(): string {
  if (process.env.ZKMARGIN_BUILD_DIR) return resolve(process.env.ZKMARGIN_BUILD_DIR);
  return INSTALLED ? resolve("zkmargin-build") : projectPath("build");
}

/** The folder of one circuit's artifacts. */
export function circuitDir(circuitId: string): string {
  return join(buildDir(), circuitId);
}

/**
 * Paths of one circuit's artifacts (under `base`, by default the build folder). The same layout is the
 * artifact bundle's (see prover/src/artifacts/): <id>/main_js/main.wasm, main.zkey, verification_key.json,
 * verifier.sol, manifest.json.
 */
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
