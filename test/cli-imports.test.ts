import { spawnSync } from "node:child_process";
import * as nodeModule from "node:module";
import { describe, expect, it } from "vitest";
import { poseidonPair } from "../prover/src/commitment/poseidon-pair.ts";
import { poseidonHash } from "../prover/src/commitment/sponge.ts";
import { FIELD_MODULUS } from "../prover/src/core/constants.ts";
import { prng } from "./helpers/prng.ts";

/** Every module URL a fresh Node process resolves while running the CLI with `args` (tsx, as `npx zkmargin` in the repository). */
function modulesLoaded(args: string[]): { urls: string[]; status: number | null; stdout: string } {
  const hook = `import { registerHooks } from "node:module"; registerHooks({ resolve(spec, ctx, next) { const r = next(spec, ctx); process.stderr.write("LOADED " + r.url + "\\n"); return r; } });`;
  const run = spawnSync(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(hook)}`, "--import", "tsx", "prover/src/cli/main.ts", ...args], { encoding: "utf8" });
  const urls = run.stderr.split("\n").filter((line) => line.startsWith("LOADED ")).map((line) => line.slice(7));
  return { urls, status: run.status, stdout: run.stdout };
}

describe("the one-shot CLI loads what a command needs", () => {
  it("poseidonPair is poseidonHash of two elements and refuses what is not a field element", () => {
    const random = prng(5);
    const element = () => (BigInt(Math.floor(random() * 2 ** 32)) << 224n) % FIELD_MODULUS + BigInt(Math.floor(random() * 2 ** 32));
    for (let i = 0; i < 20; i++) {
      const [left, right] = [element(), element()];
      expect(poseidonPair(left, right)).toBe(poseidonHash([left, right]));
    }
    expect(poseidonPair(0n, FIELD_MODULUS - 1n)).toBe(poseidonHash([0n, FIELD_MODULUS - 1n]));
    // The bound itself (p) and one above are refused, one below (p - 1, above) is hashed.
    expect(() => poseidonPair(FIELD_MODULUS, 1n, "round")).toThrow("round[0]: is not a field element");
    expect(() => poseidonPair(1n, FIELD_MODULUS + 1n, "round")).toThrow("round[1]: is not a field element");
    expect(() => poseidonPair(1n, -1n, "round")).toThrow("round[1]: is not a field element");
  });

  // module.registerHooks (Node >= 22.15, 23.5) lists what the child resolves; CI runs Node 24.
  it.skipIf(!("registerHooks" in nodeModule))("--help loads neither snarkjs nor poseidon-lite; verify loads poseidon-lite's width 2 only, and neither snarkjs nor circom's runtime", () => {
    const help = modulesLoaded(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Commands:");
    expect(help.urls.some((url) => url.includes("/cli/commands.ts"))).toBe(true);
    expect(help.urls.filter((url) => /\/node_modules\/(snarkjs|poseidon-lite|ffjavascript)\//.test(url))).toEqual([]);
    // A proof file that is not there: verify fails on reading it, after importing what it verifies with.
    const verify = modulesLoaded(["verify", "missing-proof.json"]);
    expect(verify.status).toBe(2);
    expect(verify.urls.some((url) => url.includes("/statements/proof-file.ts"))).toBe(true);
    expect(verify.urls.filter((url) => url.includes("/node_modules/poseidon-lite/")).map((url) => url.replace(/.*poseidon-lite\//, "")).sort()).toEqual(["poseidon/index.js", "poseidon/unstringify.js", "poseidon2.js", "constants/2.js"].sort());
    // Groth16Checker verifies: the one-shot verify loads no snarkjs (nor what it brings) and no witness runtime.
    expect(verify.urls.some((url) => url.includes("/prover/groth16-checker.ts"))).toBe(true);
    expect(verify.urls.filter((url) => /\/node_modules\/(snarkjs|circom_runtime)\//.test(url))).toEqual([]);
  });
});
