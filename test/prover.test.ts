import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDir } from "../prover/src/build/paths.ts";
import { loadCircuitSpecs } from "../prover/src/circuit/load-specs.ts";
import { parseAccount, parseMarkets, parseRound } from "../prover/src/model/parse.ts";
import { readJsonFile } from "../prover/src/model/json.ts";
import { prepareMarginProof, publicSignalsOf } from "../prover/src/statements/prepare.ts";
import { WarmProver } from "../prover/src/prover/warm-prover.ts";
import { example } from "./helpers/cli.ts";

const markets = parseMarkets(readJsonFile(example("markets.json"), "markets"));
const round = parseRound(readJsonFile(example("round.json"), "round"), markets);
const account = parseAccount(readJsonFile(example("account.json"), "account"), markets);
const single = { ...account, positions: account.positions.slice(0, 1), adjustment: -account.positions[0]!.size * account.positions[0]!.entryPrice };

describe("WarmProver", () => {
  let small: WarmProver;
  let large: WarmProver;
  beforeAll(async () => {
    small = await WarmProver.load("margin_n1_m16");
    large = await WarmProver.load("margin_n16_m16");
  });
  afterAll(async () => {
    await small.close();
    await large.close();
  });

  it("Should prove many times with one load and verify each proof", async () => {
    const prepared = prepareMarginProof({ account: single, round, markets, binder: 0xabcn }, loadCircuitSpecs());
    expect(prepared.circuit.id).toBe("margin_n1_m16");
    for (let i = 0; i < 3; i++) {
      const bundle = await small.prove(prepared.input);
      expect(bundle.publicSignals).toEqual(publicSignalsOf(prepared));
      expect(bundle.calldata.proof).toHaveLength(8);
      await expect(small.verify(bundle.proof, bundle.publicSignals)).resolves.toBe(true);
    }
  });

  it("Should prove one account with any capacity under the same commitment", async () => {
    const specs = loadCircuitSpecs();
    const prepared = prepareMarginProof({ account: single, round, markets }, specs);
    const n16 = specs.find((spec) => spec.id === "margin_n16_m16")!;
    const { circuitInput } = await import("../prover/src/circuit/inputs.ts");
    const input = circuitInput(single, round, markets, n16.slots, n16.markets, { accountCommitment: prepared.accountCommitment, roundCommitment: prepared.roundCommitment, statement: prepared.statement });
    const bundle = await large.prove(input);
    expect(bundle.publicSignals).toEqual(publicSignalsOf(prepared));
    await expect(large.verify(bundle.proof, bundle.publicSignals)).resolves.toBe(true);
  });

  it("Should refuse a proof with another statement, and an input that breaks the circuit, with a clear error", async () => {
    const prepared = prepareMarginProof({ account: single, round, markets }, loadCircuitSpecs());
    const bundle = await small.prove(prepared.input);
    const other = [...bundle.publicSignals.slice(0, 2), (BigInt(bundle.publicSignals[2]!) + 1n).toString()];
    await expect(small.verify(bundle.proof, other)).resolves.toBe(false);
    await expect(small.prove({ ...prepared.input, nonce: "99" })).rejects.toThrow(/does not satisfy the circuit \(Error in template/);
  });
});

describe("WarmProver artifact integrity", () => {
  let copy: string;
  const original = process.env.ZKMARGIN_BUILD_DIR;
  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), "zkmargin-build-"));
    cpSync(join(buildDir(), "margin_n1_m16"), join(copy, "margin_n1_m16"), { recursive: true });
    cpSync(join(buildDir(), "margin_n4_m16"), join(copy, "margin_n4_m16"), { recursive: true });
    process.env.ZKMARGIN_BUILD_DIR = copy;
  });
  afterAll(() => {
    if (original === undefined) delete process.env.ZKMARGIN_BUILD_DIR;
    else process.env.ZKMARGIN_BUILD_DIR = original;
    rmSync(copy, { recursive: true, force: true });
  });

  it("Should refuse a proving key whose hash differs from the build manifest", async () => {
    const zkey = join(copy, "margin_n1_m16", "main.zkey");
    const bytes = readFileSync(zkey);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(zkey, bytes);
    await expect(WarmProver.load("margin_n1_m16")).rejects.toThrow(/proving key .* does not match the hash recorded at build time/);
  });

  it("Should refuse a zkey from another circuit and a missing artifact", async () => {
    cpSync(join(copy, "margin_n4_m16", "main.zkey"), join(copy, "margin_n1_m16", "main.zkey"));
    await expect(WarmProver.load("margin_n1_m16")).rejects.toThrow(/does not match the hash/);
    rmSync(join(copy, "margin_n4_m16", "main_js"), { recursive: true });
    await expect(WarmProver.load("margin_n4_m16")).rejects.toThrow(/witness generator .* is missing/);
    await expect(WarmProver.load("margin_n16_m16")).rejects.toThrow(/is not built/);
  });
});
