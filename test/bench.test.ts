/**
 * The benchmark harness: its statistics, its flags, and one real point measured end to end (warm prover,
 * snarkjs kept warm, a fresh snarkjs process, a stand-in rapidsnark binary, Solidity gas), including the
 * refusal of a contender whose proof does not verify.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { benchRequest } from "../prover/src/bench/command.ts";
import { runBench } from "../prover/src/bench/run.ts";
import { benchInput, benchProof } from "../prover/src/bench/accounts.ts";
import { STATEMENTS, benchCircuit, circuitIdOf, maxMarkets, provingShape, specOf } from "../prover/src/bench/specs.ts";
import { loadCircuitSpecs } from "../prover/src/circuit/load-specs.ts";
import { logLogSlope, mad, median, slope } from "../prover/src/bench/stats.ts";
import { readManifest } from "../prover/src/build/setup.ts";
import { artifactPaths } from "../prover/src/build/paths.ts";
import { standInRapidsnark } from "./helpers/stand-in-rapidsnark.ts";

const work = mkdtempSync(join(tmpdir(), "zkmargin-bench-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("benchmark statistics", () => {
  it("median and median absolute deviation ignore one slow outlier", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mad([10, 11, 9, 10, 500])).toBe(1);
  });

  it("the log-log slope recovers the exponent of a power law, the linear slope the marginal cost", () => {
    const sweep = [1, 2, 4, 8, 16, 32, 64];
    expect(logLogSlope(sweep.map((n) => [n, 300 * n ** 0.35]))).toBeCloseTo(0.35, 10);
    expect(logLogSlope(sweep.map((n) => [n, 700]))).toBeCloseTo(0, 10);
    expect(slope(sweep.map((n) => [n, 4_700 + 120 * n]))).toBeCloseTo(120, 10);
    expect(slope([[1, 1]])).toBeNaN();
  });

  it("the largest M that fits is the last whose linear model stays in the budget", () => {
    // 2,637 constraints at M = 4 and 9,271 at M = 16 (cross margin): 552.8 per market.
    const markets = maxMarkets({ markets: 4, constraints: 2_637 }, { markets: 16, constraints: 9_271 });
    const perMarket = (9_271 - 2_637) / 12;
    expect(9_271 + (markets - 16) * perMarket).toBeLessThanOrEqual(2 ** 16 - 6);
    expect(9_271 + (markets + 1 - 16) * perMarket).toBeGreaterThan(2 ** 16 - 6);
  });

  it("names every statement's circuit as circuits.json does, and generates the same spec for it", () => {
    const listed = loadCircuitSpecs().filter((spec) => spec.setup);
    expect(STATEMENTS.map((statement) => circuitIdOf(provingShape(statement))).sort()).toEqual(listed.map((spec) => spec.id).sort());
    for (const spec of listed) {
      const statement = STATEMENTS.find((each) => circuitIdOf(provingShape(each)) === spec.id)!;
      expect(specOf(provingShape(statement))).toEqual(spec);
      expect(benchCircuit(provingShape(statement), listed).origin).toBe("build");
    }
    expect(benchCircuit({ kind: "fills", markets: 16, fills: 2 }, listed).spec).toMatchObject({ id: "bench_fills_m16_k2", params: [16, 2], fills: 2 });
    expect(benchCircuit({ kind: "takeover", profile: "tiered", markets: 4 }, listed).spec).toMatchObject({ id: "bench_tiered_takeover_m4", params: [4, 4, 2], profile: "tiered" });
  });

  it("proves a true statement of every kind at every size of the sweep (the engine accepts each bench input)", () => {
    for (const statement of STATEMENTS) {
      for (const markets of [4, 64]) {
        const proof = benchProof({ ...statement, markets });
        expect(proof.kind).toBe(statement.kind);
        expect(proof.input[proof.circuit.pubs[0]!]).toBe(proof.publicInputs[0]!.toString());
      }
    }
    const takeover = benchProof({ kind: "takeover", profile: "cross", markets: 16 }).takeover!;
    expect(takeover.badDebt).toBeGreaterThan(0n);
    expect(benchInput({ kind: "deposit", markets: 16 }, 1).oldCommitment).not.toBe(benchInput({ kind: "deposit", markets: 16 }, 2).oldCommitment);
  });
});

describe("zkmargin bench flags", () => {
  it("turns flags into options and resolves the output folder", () => {
    const request = benchRequest({ quick: true, runs: "2", circuit: ["deposit_m16"], "pool-proofs": "0", out: "tmp/x", "no-gas": true });
    expect(request.mode).toBe("measure");
    if (request.mode !== "measure") return;
    expect(request.options).toMatchObject({ quick: true, grid: false, runs: 2, circuits: ["deposit_m16"], poolProofs: 0, noGas: true });
    expect(request.options.outDir).toMatch(/tmp\/x$/);
    expect(benchRequest({ "dev-ptau": "16" })).toEqual({ mode: "dev-ptau", power: 16 });
    expect(benchRequest({ "dev-setup": "tiered_margin_m16" })).toEqual({ mode: "dev-setup", circuit: "tiered_margin_m16" });
    expect(benchRequest({ render: true })).toMatchObject({ mode: "render" });
  });

  it.each([
    [{ runs: "0" }, /--runs: must be a whole number from 1/],
    [{ runs: "2.5" }, /--runs: must be a whole number/],
    [{ "pool-proofs": "-1" }, /--pool-proofs: must be a whole number/],
    [{ "dev-ptau": "40" }, /--dev-ptau: must be a whole number from 1 to 28/],
    [{ quick: true, grid: true }, /--grid: cannot be combined with --quick/],
    [{ render: true, "dev-ptau": "12" }, /--render: cannot be combined with --dev-ptau/],
    [{ "dev-setup": "deposit_m16", "dev-ptau": "12" }, /--dev-setup: cannot be combined with --render or --dev-ptau/],
    [{ rapidsnark: "/nonexistent/rapidsnark" }, /--rapidsnark: no such file/],
  ])("refuses %j, naming the flag", (values, message) => {
    expect(() => benchRequest(values)).toThrow(message);
  });
});

describe("one benchmark point end to end", () => {
  const circuit = "deposit_m16";

  it("times every contender on the same files, checks every proof, and writes the report", async () => {
    const outDir = join(work, "out");
    const log = join(work, "rapidsnark.log");
    const { results, markdown } = await runBench({ quick: true, circuits: [circuit], runs: 1, poolProofs: 0, rapidsnark: standInRapidsnark(join(work, "rapidsnark"), "honest", log), outDir });
    expect(results.partial).toBe(false);
    expect(results.points).toHaveLength(1);
    const [point] = results.points;
    expect(point).toMatchObject({ circuit, statement: "deposit", profile: null, kind: "deposit", markets: 16, fills: 0, publicInputs: 3, constraints: readManifest(circuit)!.constraints });
    for (const timing of [point!.warmTotalMs, point!.snarkjsWarmMs, point!.freshFullproveMs, point!.rapidsnarkMs!, point!.sdkRapidsnarkMs!, point!.verifyMs]) {
      expect(timing.samples).toHaveLength(1);
      expect(timing.median).toBeGreaterThan(0);
    }
    expect(point!.warmOverFresh).toBeCloseTo(point!.warmTotalMs.median / point!.freshFullproveMs.median, 2);
    expect(point!.warmOverRapidsnark).toBeCloseTo(point!.warmTotalMs.median / point!.rapidsnarkMs!.median, 2);
    // The SDK with --backend rapidsnark ran the same binary end to end (witness + the binary + the check).
    expect(point!.sdkRapidsnarkOverRapidsnark).toBeCloseTo(point!.sdkRapidsnarkMs!.median / point!.rapidsnarkMs!.median, 2);
    expect(markdown).toContain("| SDK rapidsnark | SDK rapidsnark / rapidsnark |");
    expect(markdown).toContain(`| ${point!.sdkRapidsnarkOverRapidsnark!.toFixed(2)} |`);
    // The binary ran alone on the build's zkey once, and for the SDK (4 warm-up proofs, as the SDK alone gets,
    // + the run) on its private copy.
    const keys = readFileSync(log, "utf8").trim().split("\n").map((line) => line.split(" ")[0]);
    expect(keys.filter((key) => key === artifactPaths(circuit).zkey)).toHaveLength(1);
    expect(keys.filter((key) => key !== artifactPaths(circuit).zkey)).toHaveLength(5);
    // The generated verifier accepted the warm proof on the in-process chain: about 230k gas with 3 public inputs.
    expect(point!.verifyGas).toBeGreaterThan(200_000);
    expect(point!.verifyGas).toBeLessThan(260_000);
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.tools.rapidsnark).toBeTruthy();
    expect(markdown).toContain("| deposit | 16 |");
    // The time split of the warm proof: every phase measured, the witness the same samples as the witness column.
    const split = point!.split!;
    expect(split.witnessMs).toBeCloseTo(point!.witnessMs.median, 0);
    for (const value of [split.qapMs, split.fftMs, split.assemblyMs, ...Object.values(split.msmThreadMs)]) expect(value).toBeGreaterThan(0);
    expect(markdown).toContain("| statement | M | witness | QAP | FFTs | MSM A | MSM B1 | MSM B2 (G2) | MSM C | MSM H | assembly | largest |");
    expect(markdown).toMatch(/\| deposit \| 16 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| (witness|QAP|FFTs|MSM [A-C]\d?|MSM H|assembly) \|/);
    for (const file of ["results.json", "results.md", "proving-time.svg", "constraints.svg"]) expect(existsSync(join(outDir, file))).toBe(true);
    expect(JSON.parse(readFileSync(join(outDir, "results.json"), "utf8")).points).toHaveLength(1);
    expect(readFileSync(join(outDir, "proving-time.svg"), "utf8")).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });

  it("refuses a contender whose proof does not verify", async () => {
    await expect(runBench({ quick: true, circuits: [circuit], runs: 1, poolProofs: 0, noGas: true, rapidsnark: standInRapidsnark(join(work, "broken-rapidsnark"), "tamper-public"), outDir: join(work, "broken") }))
      .rejects.toThrow(/benchmark host: rapidsnark: the proof .* returned for circuit deposit_m16 does not verify with its verification key: refused/);
  });
});
