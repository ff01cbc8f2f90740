/**
 * The rapidsnark backend of WarmProver, ProverSet and `zkmargin prove`, with stand-in binaries (shell scripts
 * with rapidsnark's arguments that prove with snarkjs, see helpers/stand-in-rapidsnark.ts): an honest one, two
 * that tamper with what they write, one that proves another witness, one that fails; the binary found on PATH;
 * and the refusals when none is found or the flags contradict each other.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WitnessCalculatorBuilder } from "circom_runtime";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { benchInput, benchProof } from "../prover/src/bench/accounts.ts";
import { artifactPaths, projectPath } from "../prover/src/build/paths.ts";
import { findRapidsnark } from "../prover/src/prover/rapidsnark.ts";
import { WarmProver } from "../prover/src/prover/warm-prover.ts";
import { verifyProofFile } from "../prover/src/statements/proof-file.ts";
import { ProverSet } from "../prover/src/statements/prover-set.ts";
import { example, runProcess } from "./helpers/cli.ts";
import { standInRapidsnark } from "./helpers/stand-in-rapidsnark.ts";

const circuit = "deposit_m16";
const shape = { kind: "deposit", markets: 16 } as const;
const work = mkdtempSync(join(tmpdir(), "zkmargin-rapidsnark-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The lines a stand-in's log holds: one per run, its four arguments. */
const runsOf = (log: string) => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((line) => line.split(" ")) : []);

const savedEnv = { PATH: process.env.PATH, ZKMARGIN_RAPIDSNARK: process.env.ZKMARGIN_RAPIDSNARK };
afterEach(() => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("WarmProver with backend rapidsnark", () => {
  it("Should prove deposit_m16 with the binary, verify the proof and return the witness's public signals", async () => {
    const log = join(work, "honest.log");
    const binary = standInRapidsnark(join(work, "honest"), "honest", log);
    const prover = await WarmProver.load(circuit, { backend: "rapidsnark", rapidsnark: binary });
    let zkey = "";
    try {
      expect(prover.backend).toBe("rapidsnark");
      expect(prover.rapidsnark).toBe(binary);
      const expected = benchProof(shape).publicInputs.map(String);
      for (let i = 0; i < 2; i++) {
        const bundle = await prover.prove(benchInput(shape));
        expect(bundle.publicSignals).toEqual(expected);
        expect(bundle.calldata.proof).toHaveLength(8);
        await expect(prover.verify(bundle.proof, bundle.publicSignals)).resolves.toBe(true);
        expect(prover.lastTimings.witnessMs).toBeGreaterThan(0);
        expect(prover.lastTimings.proveMs).toBeGreaterThan(0);
      }
      // The binary ran once per proof, on a private copy of the key (0600) and a witness removed after each proof.
      const runs = runsOf(log);
      expect(runs).toHaveLength(2);
      zkey = runs[0]![0]!;
      expect(runs[1]![0]).toBe(zkey);
      expect(zkey).not.toBe(artifactPaths(circuit).zkey);
      expect(readFileSync(zkey).equals(readFileSync(artifactPaths(circuit).zkey))).toBe(true);
      expect(statSync(zkey).mode & 0o777).toBe(0o600);
      for (const [, wtns, proof, pub] of runs) for (const file of [wtns!, proof!, pub!]) expect(existsSync(file)).toBe(false);
    } finally {
      await prover.close();
    }
    expect(existsSync(zkey)).toBe(false);
    await expect(prover.prove(benchInput(shape))).rejects.toThrow(/prover is closed/);
  });

  it("Should keep wasm the default backend, and run no binary for it", async () => {
    const log = join(work, "unused.log");
    process.env.ZKMARGIN_RAPIDSNARK = standInRapidsnark(join(work, "unused"), "honest", log);
    const prover = await WarmProver.load(circuit, { threads: 1 });
    try {
      expect(prover.backend).toBe("wasm");
      expect(prover.rapidsnark).toBeUndefined();
      const bundle = await prover.prove(benchInput(shape));
      expect(bundle.publicSignals).toEqual(benchProof(shape).publicInputs.map(String));
    } finally {
      await prover.close();
    }
    expect(runsOf(log)).toHaveLength(0);
  });

  it.each([
    ["rewrites public.json", "tamper-public"],
    ["rewrites proof.json", "tamper-proof"],
  ] as const)("Should refuse the proof of a binary that %s: it does not verify", async (_, mode) => {
    const prover = await WarmProver.load(circuit, { backend: "rapidsnark", rapidsnark: standInRapidsnark(join(work, mode), mode) });
    try {
      await expect(prover.prove(benchInput(shape))).rejects.toThrow(/^rapidsnark: the proof .* returned for circuit deposit_m16 does not verify with its verification key: refused$/);
    } finally {
      await prover.close();
    }
  });

  it("Should refuse a valid proof of another witness: its public signals are not the witness's", async () => {
    const otherWitness = join(work, "other.wtns");
    const calculator = await WitnessCalculatorBuilder(readFileSync(artifactPaths(circuit).wasm));
    writeFileSync(otherWitness, await calculator.calculateWTNSBin(benchInput(shape, 1), true));
    const prover = await WarmProver.load(circuit, { backend: "rapidsnark", rapidsnark: standInRapidsnark(join(work, "other-witness"), { witness: otherWitness }) });
    try {
      const expected = benchProof(shape).publicInputs.map(String);
      const other = benchProof(shape, 1).publicInputs.map(String);
      expect(other).not.toEqual(expected);
      await expect(prover.prove(benchInput(shape))).rejects.toThrow(`is for public signals [${other.join(", ")}], not the witness's [${expected.join(", ")}]: refused`);
    } finally {
      await prover.close();
    }
  });

  it("Should refuse when the binary fails, with its exit code and last stderr lines", async () => {
    const binary = standInRapidsnark(join(work, "failing"), "fail");
    const prover = await WarmProver.load(circuit, { backend: "rapidsnark", rapidsnark: binary });
    try {
      await expect(prover.prove(benchInput(shape))).rejects.toThrow(`rapidsnark: ${binary} failed with exit code 1: reading zkey `);
      await expect(prover.prove(benchInput(shape))).rejects.toThrow(/ \/ Error: invalid zkey: section 2 truncated$/);
    } finally {
      await prover.close();
    }
  });

  it("Should refuse, naming the option and ZKMARGIN_RAPIDSNARK, when no binary is found, and never fall back to wasm", async () => {
    const empty = join(work, "empty-path");
    mkdirSync(empty, { recursive: true });
    process.env.PATH = empty;
    delete process.env.ZKMARGIN_RAPIDSNARK;
    await expect(WarmProver.load(circuit, { backend: "rapidsnark" })).rejects.toThrow(/^rapidsnark: no rapidsnark binary found .*--rapidsnark PATH, or the rapidsnark option\) or set ZKMARGIN_RAPIDSNARK/);
    await expect(new ProverSet({ backend: "rapidsnark" }).get(circuit)).rejects.toThrow(/no rapidsnark binary found/);
    const missing = join(work, "no-such-binary");
    await expect(WarmProver.load(circuit, { backend: "rapidsnark", rapidsnark: missing })).rejects.toThrow(`rapidsnark: ${missing} (given with --rapidsnark / the rapidsnark option) is not an executable file`);
    const notExecutable = join(work, "not-executable");
    writeFileSync(notExecutable, "#!/bin/sh\nexit 0\n");
    chmodSync(notExecutable, 0o644);
    await expect(WarmProver.load(circuit, { rapidsnark: notExecutable })).rejects.toThrow(`${notExecutable} (given with --rapidsnark / the rapidsnark option) is not an executable file`);
    process.env.ZKMARGIN_RAPIDSNARK = missing;
    await expect(WarmProver.load(circuit, { backend: "rapidsnark" })).rejects.toThrow(`rapidsnark: ${missing} (from ZKMARGIN_RAPIDSNARK) is not an executable file`);
  });

  it("Should find a `prover` executable on PATH, passing over a non-executable file and a folder", async () => {
    const bin = join(work, "path-bin");
    const first = join(work, "path-first");
    mkdirSync(join(first, "rapidsnark"), { recursive: true });
    mkdirSync(join(first, "prover"), { recursive: true });
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "rapidsnark"), "#!/bin/sh\nexit 1\n", { mode: 0o644 });
    const log = join(work, "path.log");
    const binary = standInRapidsnark(join(bin, "prover"), "honest", log);
    process.env.PATH = `${first}:${bin}`;
    delete process.env.ZKMARGIN_RAPIDSNARK;
    expect(findRapidsnark()).toBe(binary);
    const prover = await WarmProver.load(circuit, { backend: "rapidsnark" });
    try {
      expect(prover.rapidsnark).toBe(binary);
      const bundle = await prover.prove(benchInput(shape));
      await expect(prover.verify(bundle.proof, bundle.publicSignals)).resolves.toBe(true);
    } finally {
      await prover.close();
    }
    expect(runsOf(log)).toHaveLength(1);
    // $ZKMARGIN_RAPIDSNARK comes before PATH, an explicit path before both.
    const fromEnv = standInRapidsnark(join(work, "from-env"));
    process.env.ZKMARGIN_RAPIDSNARK = fromEnv;
    expect(findRapidsnark()).toBe(fromEnv);
    expect(findRapidsnark(binary)).toBe(binary);
  });

  it.each([
    [{ backend: "nope" as never }, /^backend: must be wasm or rapidsnark, got nope$/],
    [{ backend: "wasm", rapidsnark: "/bin/sh" } as const, /^rapidsnark: a rapidsnark binary was given with the wasm backend/],
    [{ backend: "rapidsnark", engine: "snarkjs", rapidsnark: "/bin/sh" } as const, /^engine: snarkjs is an engine of the wasm backend/],
  ])("Should refuse the contradictory or unknown options %j", async (options, message) => {
    await expect(WarmProver.load(circuit, options)).rejects.toThrow(message);
  });
});

describe("ProverSet with backend rapidsnark", () => {
  it("Should prove a prepared statement with the binary into a proof file that verifies", async () => {
    const log = join(work, "set.log");
    const provers = new ProverSet({ backend: "rapidsnark", rapidsnark: standInRapidsnark(join(work, "set"), "honest", log) });
    try {
      const file = await provers.proveFile(benchProof(shape));
      expect(file.circuit).toBe(circuit);
      await expect(verifyProofFile(file)).resolves.toMatchObject({ valid: true });
      expect((await provers.get(circuit)).backend).toBe("rapidsnark");
    } finally {
      await provers.close();
    }
    expect(runsOf(log)).toHaveLength(1);
  });
});

describe("zkmargin prove --backend / --rapidsnark", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(work, "cli-"));
  });
  /** `zkmargin prove deposit` into DIR/<name>.json and DIR/<name>-next.json. */
  const deposit = (name: string, ...extra: string[]) => ["prove", "deposit", "--account", example("account.json"), "--markets", example("markets.json"), "--amount", "5000", "--out", join(dir, `${name}.json`), "--next", join(dir, `${name}-next.json`), ...extra];
  const cli = (args: readonly string[], env: NodeJS.ProcessEnv = process.env) => runProcess(process.execPath, [projectPath("bin", "zkmargin.js"), ...args], { env });

  it("Should refuse an unknown backend naming --backend (exit 2, nothing written)", async () => {
    const result = await cli(deposit("deposit", "--backend", "nope"));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("zkmargin prove: --backend: must be wasm or rapidsnark, got nope\n");
    expect(existsSync(join(dir, "deposit.json"))).toBe(false);
  });

  it("Should refuse --rapidsnark with --backend wasm, and --backend rapidsnark without a binary", async () => {
    const contradiction = await cli(deposit("deposit", "--backend", "wasm", "--rapidsnark", "/bin/sh"));
    expect(contradiction.code).toBe(2);
    expect(contradiction.stderr).toMatch(/^zkmargin prove: --rapidsnark: is a binary of the rapidsnark backend/);
    const empty = join(work, "cli-empty-path");
    mkdirSync(empty, { recursive: true });
    const { ZKMARGIN_RAPIDSNARK: _, ...env } = process.env;
    const missing = await cli(deposit("deposit", "--backend", "rapidsnark"), { ...env, PATH: empty });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^zkmargin prove: rapidsnark: no rapidsnark binary found .*--rapidsnark PATH.*ZKMARGIN_RAPIDSNARK/);
    expect(existsSync(join(dir, "deposit.json"))).toBe(false);
  });

  it("Should prove with the binary given by --rapidsnark, and write a proof file that verifies", async () => {
    const log = join(work, "cli.log");
    const binary = standInRapidsnark(join(work, "cli-rapidsnark"), "honest", log);
    const result = await cli(deposit("deposit", "--rapidsnark", binary));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`(rapidsnark: ${binary})`);
    expect(runsOf(log)).toHaveLength(1);
    const file = JSON.parse(readFileSync(join(dir, "deposit.json"), "utf8")) as Parameters<typeof verifyProofFile>[0];
    await expect(verifyProofFile(file)).resolves.toMatchObject({ valid: true });
  });

  it("Should refuse a lying binary's proof and write nothing", async () => {
    const result = await cli(deposit("liar", "--backend", "rapidsnark", "--rapidsnark", standInRapidsnark(join(work, "cli-liar"), "tamper-proof")));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/rapidsnark: the proof .* does not verify with its verification key: refused/);
    expect(existsSync(join(dir, "liar.json"))).toBe(false);
    expect(existsSync(join(dir, "liar-next.json"))).toBe(false);
  });
});
