import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactPaths, buildDir } from "../prover/src/build/paths.ts";
import { loadCircuitSpecs } from "../prover/src/circuit/load-specs.ts";
import { WarmProver } from "../prover/src/prover/warm-prover.ts";
import { loadAccount, loadMarkets, loadRound } from "../prover/src/statements/load.ts";
import { prepareDeposit, prepareMargin, type PreparedProof } from "../prover/src/statements/prepare.ts";
import { toProofFile, verifyProofFile, type ProofFile } from "../prover/src/statements/proof-file.ts";
import { ProverSet } from "../prover/src/statements/prover-set.ts";
import { example } from "./helpers/cli.ts";

const markets = loadMarkets(example("markets.json"));
const round = loadRound(example("round.json"), markets);
const account = loadAccount(example("account.json"), markets);
const specs = loadCircuitSpecs();

describe("WarmProver and ProverSet", () => {
  let prover: WarmProver;
  beforeAll(async () => {
    prover = await WarmProver.load("cross_margin_m16");
  });
  afterAll(async () => {
    await prover.close();
  });

  it("Should prove many times with one load and verify each proof", async () => {
    const prepared = prepareMargin(account, round, markets, { binder: 0xabcn, bufferBps: 500n }, specs);
    expect(prepared.circuit.id).toBe("cross_margin_m16");
    for (let i = 0; i < 3; i++) {
      const bundle = await prover.prove(prepared.input);
      expect(bundle.publicSignals).toEqual(prepared.publicInputs.map(String));
      expect(bundle.calldata.proof).toHaveLength(8);
      await expect(prover.verify(bundle.proof, bundle.publicSignals)).resolves.toBe(true);
    }
  });

  it("Should refuse a proof with another statement, and an input that breaks the circuit, with a clear error", async () => {
    const prepared = prepareMargin(account, round, markets, { binder: 0xabcn }, specs);
    const bundle = await prover.prove(prepared.input);
    const other = [...bundle.publicSignals.slice(0, 2), (BigInt(bundle.publicSignals[2]!) + 1n).toString()];
    await expect(prover.verify(bundle.proof, other)).resolves.toBe(false);
    await expect(prover.prove({ ...prepared.input, nonce: "99" })).rejects.toThrow(/does not satisfy the circuit \(Error in template/);
  });

  it("Should keep one warm prover per circuit in a ProverSet, for every statement", async () => {
    const provers = new ProverSet();
    try {
      const deposit = prepareDeposit(account, 1_000_000n, specs);
      const margin = prepareMargin(account, round, markets, { binder: 0xabcn }, specs);
      for (const prepared of [deposit, margin, deposit]) {
        const bundle = await provers.prove(prepared);
        expect(bundle.circuit).toBe(prepared.circuit.id);
      }
    } finally {
      await provers.close();
    }
  });
});

describe("proof files", () => {
  let file: ProofFile;
  let depositFile: ProofFile;
  beforeAll(async () => {
    const provers = new ProverSet();
    try {
      const prove = async (prepared: PreparedProof) => toProofFile(prepared, await provers.prove(prepared));
      file = await prove(prepareMargin(account, round, markets, { binder: 0x70997970c51812dc3a010c7d01b50e0d17dc79c8n, bufferBps: 250n }, specs));
      depositFile = await prove(prepareDeposit(account, 2_500_000n, specs));
    } finally {
      await provers.close();
    }
  });

  it("Should verify an honest file and say what it proves", async () => {
    const outcome = await verifyProofFile(file);
    expect(outcome).toEqual({ valid: true, message: expect.stringMatching(/meets its cross maintenance requirement with a 2.50% buffer, bound to 0x70997970c51812dc3a010c7d01b50e0d17dc79c8/) });
    expect((await verifyProofFile(depositFile)).message).toMatch(/a deposit of 2.5 into the committed account/);
  });

  it("Should refuse every field changed alone: calldata, statement, inputs, round, key, setup label, version, extra field", async () => {
    const cases: [string, (copy: Record<string, unknown>) => void, RegExp][] = [
      ["calldata", (copy) => ((copy.calldata as { proof: string[] }).proof[0] = "0x01"), /calldata does not match/],
      ["statement", (copy) => ((copy.statement as { bufferBps: number }).bufferBps = 9_999), /statement written in the file/],
      ["publicInputs", (copy) => ((copy.publicInputs as Record<string, string>).statement = "0x01"), /publicInputs do not match/],
      ["round", (copy) => ((copy.round as { riskCommitment: string }).riskCommitment = "0x1234"), /do not hash to the public round commitment/],
      ["verificationKey", (copy) => (copy.verificationKey = "00".repeat(32)), /another verification key/],
      ["insecureSetup", (copy) => (copy.insecureSetup = false), /insecureSetup says false/],
      ["signals", (copy) => ((copy.publicSignals as string[])[2] = "5"), /does not verify/],
      ["extra", (copy) => (copy.note = "trust me"), /unknown field note/],
    ];
    for (const [name, change, problem] of cases) {
      const copy = structuredClone(file) as unknown as Record<string, unknown>;
      change(copy);
      const outcome = await verifyProofFile(copy);
      expect(outcome.valid, name).toBe(false);
      expect(outcome.message, name).toMatch(problem);
    }
    await expect(verifyProofFile({ ...file, zkmargin: "zkmargin proof v1" })).rejects.toThrow(/expected "zkmargin proof v2"/);
  });

  it("Should verify with a verification key file alone, and refuse another circuit's key", async () => {
    expect((await verifyProofFile(file, { verificationKeyPath: artifactPaths("cross_margin_m16").vkey })).valid).toBe(true);
    const other = await verifyProofFile(file, { verificationKeyPath: artifactPaths("deposit_m16").vkey });
    expect(other.valid).toBe(false);
  });
});

describe("WarmProver artifact integrity", () => {
  let copy: string;
  const original = process.env.ZKMARGIN_BUILD_DIR;
  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), "zkmargin-build-"));
    cpSync(join(buildDir(), "deposit_m16"), join(copy, "deposit_m16"), { recursive: true });
    cpSync(join(buildDir(), "cross_margin_m16"), join(copy, "cross_margin_m16"), { recursive: true });
    process.env.ZKMARGIN_BUILD_DIR = copy;
  });
  afterAll(() => {
    if (original === undefined) delete process.env.ZKMARGIN_BUILD_DIR;
    else process.env.ZKMARGIN_BUILD_DIR = original;
    rmSync(copy, { recursive: true, force: true });
  });

  it("Should refuse a proving key whose hash differs from the build manifest", async () => {
    const zkey = join(copy, "deposit_m16", "main.zkey");
    const bytes = readFileSync(zkey);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(zkey, bytes);
    await expect(WarmProver.load("deposit_m16")).rejects.toThrow(/proving key .* does not match the hash recorded at build time/);
  });

  it("Should refuse a zkey from another circuit and a missing artifact", async () => {
    cpSync(join(copy, "cross_margin_m16", "main.zkey"), join(copy, "deposit_m16", "main.zkey"));
    await expect(WarmProver.load("deposit_m16")).rejects.toThrow(/does not match the hash/);
    rmSync(join(copy, "cross_margin_m16", "main_js"), { recursive: true });
    await expect(WarmProver.load("cross_margin_m16")).rejects.toThrow(/witness generator .* is missing/);
    await expect(WarmProver.load("tiered_margin_m16")).rejects.toThrow(/is not built/);
  });
});
