import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchInput } from "../prover/src/bench/accounts.ts";
import { GasMeter } from "../prover/src/bench/gas.ts";
import { loadCircuitSpecs } from "../prover/src/circuit/load-specs.ts";
import { compileCircuit } from "../prover/src/build/compile.ts";
import { writeKnownTauZkey } from "../prover/src/build/known-tau-zkey.ts";
import { artifactPaths, buildDir } from "../prover/src/build/paths.ts";
import { writeKnownTauPtau } from "../prover/src/build/ptau.ts";
import { developmentSetup, readManifest, setupCircuitKnownTau } from "../prover/src/build/setup.ts";
import { readZkeyHistory } from "../prover/src/ceremony/zkey-contributions.ts";
import { Groth16Prover } from "../prover/src/prover/groth16-prover.ts";
import { WarmProver, releaseCurve } from "../prover/src/prover/warm-prover.ts";
import { BN254_R, bigIntToLittleEndian, parseGroth16Zkey } from "../prover/src/prover/zkey.ts";
import { compileTinyCircuit, type TinyCircuit } from "./helpers/tiny-circuit.ts";

// Every step here is a computation of known size with no waiting on anything else: no timeouts (vitest's
// 0), so that a loaded machine makes the tests slower, never red.
const NO_TIMEOUT = { timeout: 0 };

/** The sections of an iden3 binary file, in file order. */
function sections(bytes: Buffer): { order: number[]; data: Map<number, Buffer> } {
  const order: number[] = [];
  const data = new Map<number, Buffer>();
  let offset = 12;
  for (let i = 0; i < bytes.readUInt32LE(8); i++) {
    const size = Number(bytes.readBigUInt64LE(offset + 4));
    order.push(bytes.readUInt32LE(offset));
    data.set(bytes.readUInt32LE(offset), bytes.subarray(offset + 12, offset + 12 + size));
    offset += 12 + size;
  }
  return { order, data };
}

const secrets = { tau: 0x1234567890abcdefn ** 3n % BN254_R, alpha: 987654321987654321n, beta: 55555555555n };
const DELTA = 0xdeadbeefcafe1234567n;

describe("Known-tau Groth16 proving key", NO_TIMEOUT, () => {
  let dir: string;
  let tiny: TinyCircuit;
  let power: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "zkmargin-known-tau-zkey-"));
    tiny = await compileTinyCircuit(dir);
    const info = await snarkjs.r1cs.info(tiny.r1cs);
    power = Math.floor(Math.log2(info.nConstraints + info.nPubInputs + info.nOutputs)) + 1;
    // snarkjs' own key from a known-tau Powers of Tau with the same secrets, one power above the circuit's.
    await writeKnownTauPtau(power + 1, join(dir, "above.ptau"), { secrets, threads: 2 });
    await snarkjs.zKey.newZKey(tiny.r1cs, join(dir, "above.ptau"), join(dir, "snarkjs.zkey"));
  }, 0);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await releaseCurve();
  });

  it("Should write, at delta = 1, what snarkjs' zkey new writes from the same secrets, section by section", async () => {
    const key = await writeKnownTauZkey(tiny.r1cs, join(dir, "one.zkey"), { secrets: { ...secrets, delta: 1n }, threads: 2 });
    expect(key.power).toBe(power);
    const mine = sections(readFileSync(join(dir, "one.zkey")));
    const theirs = sections(readFileSync(join(dir, "snarkjs.zkey")));
    // Same sections; ours in numeric order, as snarkjs writes a key after a contribution.
    expect(mine.order).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([...theirs.order].sort((a, b) => a - b)).toEqual(mine.order);
    for (const type of mine.order) expect(mine.data.get(type)!.equals(theirs.data.get(type)!), `section ${type}`).toBe(true);
    expect(Buffer.from(key.circuitHash).equals(theirs.data.get(10)!.subarray(0, 64))).toBe(true);
    // The file is a key snarkjs reads: its verification key is the one of snarkjs' own key.
    await expect(snarkjs.zKey.exportVerificationKey(join(dir, "one.zkey"))).resolves.toEqual(await snarkjs.zKey.exportVerificationKey(join(dir, "snarkjs.zkey")));
  });

  it("Should differ from snarkjs on a Powers of Tau of the circuit's own power only in H, whose top tau power snarkjs lacks there", async () => {
    await writeKnownTauPtau(power, join(dir, "same.ptau"), { secrets, threads: 2 });
    await snarkjs.zKey.newZKey(tiny.r1cs, join(dir, "same.ptau"), join(dir, "snarkjs-same.zkey"));
    const theirs = sections(readFileSync(join(dir, "snarkjs-same.zkey")));
    await writeKnownTauZkey(tiny.r1cs, join(dir, "one.zkey"), { secrets: { ...secrets, delta: 1n }, threads: 1 });
    const mine = sections(readFileSync(join(dir, "one.zkey")));
    for (const type of [1, 2, 3, 4, 5, 6, 7, 8, 10]) expect(mine.data.get(type)!.equals(theirs.data.get(type)!), `section ${type}`).toBe(true);
    expect(mine.data.get(9)!.equals(theirs.data.get(9)!)).toBe(false);
  });

  it("Should match snarkjs' key after a contribution of delta: C and H over delta, delta in the header, the rest unchanged", async () => {
    await writeKnownTauZkey(tiny.r1cs, join(dir, "delta.zkey"), { secrets: { ...secrets, delta: DELTA }, threads: 2 });
    const mine = sections(readFileSync(join(dir, "delta.zkey")));
    const initial = sections(readFileSync(join(dir, "snarkjs.zkey")));
    for (const type of [1, 3, 4, 5, 6, 7, 10]) expect(mine.data.get(type)!.equals(initial.data.get(type)!), `section ${type}`).toBe(true);
    // What snarkjs' zkey contribute does with a secret delta (mpc_applykey), done here with a known one.
    const curve = await buildBn128(true);
    try {
      const G1 = curve.G1 as unknown as { g: Uint8Array; timesScalar(p: Uint8Array, s: Uint8Array): Uint8Array; toAffine(p: Uint8Array): Uint8Array; batchApplyKey(b: Uint8Array, first: unknown, inc: unknown): Promise<Uint8Array> };
      const G2 = curve.G2 as unknown as typeof G1;
      const Fr = (curve as unknown as { Fr: { e(value: bigint): unknown; inv(value: unknown): unknown } }).Fr;
      const inverse = Fr.inv(Fr.e(DELTA));
      for (const type of [8, 9]) {
        const contributed = Buffer.from(await G1.batchApplyKey(initial.data.get(type)!, inverse, Fr.e(1n)));
        expect(mine.data.get(type)!.equals(contributed), `section ${type}`).toBe(true);
      }
      const zkey = parseGroth16Zkey(readFileSync(join(dir, "delta.zkey")));
      const scalar = bigIntToLittleEndian(DELTA);
      expect(Buffer.from(zkey.delta1).equals(Buffer.from(G1.toAffine(G1.timesScalar(G1.g, scalar))))).toBe(true);
      expect(Buffer.from(zkey.delta2).equals(Buffer.from(G2.toAffine(G2.timesScalar(G2.g, scalar))))).toBe(true);
      // Everything of section 2 but delta is as at delta = 1.
      const header = mine.data.get(2)!;
      const delta1At = header.length - 64 - 128;
      expect(header.subarray(0, delta1At).equals(initial.data.get(2)!.subarray(0, delta1At))).toBe(true);
    } finally {
      await curve.terminate();
    }
    // No contribution is recorded: the key does not pretend to come out of a ceremony.
    expect(readZkeyHistory(join(dir, "delta.zkey")).contributions).toEqual([]);
  });

  it("Should give, with random secrets, a key that snarkjs and zkmargin's prover prove with and that verifies", async () => {
    const zkeyPath = join(dir, "random.zkey");
    const key = await writeKnownTauZkey(tiny.r1cs, zkeyPath);
    expect(key.nPublic).toBe(3);
    const verificationKey = await snarkjs.zKey.exportVerificationKey(zkeyPath);
    const { wtns, witness } = await tiny.witness();
    writeFileSync(join(dir, "tiny.wtns"), wtns);
    const bySnarkjs = await snarkjs.groth16.prove(zkeyPath, join(dir, "tiny.wtns"));
    await expect(snarkjs.groth16.verify(verificationKey, bySnarkjs.publicSignals, bySnarkjs.proof)).resolves.toBe(true);
    const prover = await Groth16Prover.create(readFileSync(zkeyPath), { threads: 2 });
    try {
      const { proof, publicSignals } = await prover.prove(witness);
      expect(publicSignals).toEqual(bySnarkjs.publicSignals);
      await expect(snarkjs.groth16.verify(verificationKey, publicSignals, proof)).resolves.toBe(true);
      const tampered = [(BigInt(publicSignals[0]!) + 1n).toString(), ...publicSignals.slice(1)];
      await expect(snarkjs.groth16.verify(verificationKey, tampered, proof)).resolves.toBe(false);
    } finally {
      await prover.close();
    }
  });

  it("Should refuse secrets that are not field elements, and tau in the domain", async () => {
    await expect(writeKnownTauZkey(tiny.r1cs, join(dir, "bad.zkey"), { secrets: { ...secrets, delta: 0n } })).rejects.toThrow(/secrets\.delta: must be a field element other than 0/);
    await expect(writeKnownTauZkey(tiny.r1cs, join(dir, "bad.zkey"), { secrets: { ...secrets, alpha: BN254_R, delta: 1n } })).rejects.toThrow(/secrets\.alpha/);
    await expect(writeKnownTauZkey(tiny.r1cs, join(dir, "bad.zkey"), { secrets: { ...secrets, tau: BN254_R - 1n, delta: 1n } })).rejects.toThrow(/secrets\.tau: must not be a 2\^\d+-th root of unity/);
    await expect(writeKnownTauZkey(tiny.wasm, join(dir, "bad.zkey"))).rejects.toThrow(/is not an r1cs file/);
  });
});

describe("Known-tau development setup of a proving circuit (what zkmargin build does by default)", NO_TIMEOUT, () => {
  const CIRCUIT = "deposit_m16";
  let build: string;
  const original = process.env.ZKMARGIN_BUILD_DIR;
  beforeAll(() => {
    build = mkdtempSync(join(tmpdir(), "zkmargin-known-tau-setup-"));
    // The compiled circuit only (npm test's build made it), in a build folder of its own.
    const from = artifactPaths(CIRCUIT, buildDir());
    cpSync(from.dir, join(build, CIRCUIT), { recursive: true, filter: (path) => !/main\.zkey|manifest\.json|verification_key\.json|verifier\.sol/.test(path) });
    process.env.ZKMARGIN_BUILD_DIR = build;
  });
  afterAll(async () => {
    if (original === undefined) delete process.env.ZKMARGIN_BUILD_DIR;
    else process.env.ZKMARGIN_BUILD_DIR = original;
    rmSync(build, { recursive: true, force: true });
    await releaseCurve();
  });

  it("Should record a known-tau development key in the manifest, prove with WarmProver and be accepted by its Solidity verifier", async () => {
    const spec = loadCircuitSpecs().find((candidate) => candidate.id === CIRCUIT)!;
    const compiled = await compileCircuit(spec);
    expect(compiled.compiled).toBe(false);
    const manifest = await setupCircuitKnownTau(spec, compiled.sourceHash, compiled.compiler, { publishContract: false });
    expect(readManifest(CIRCUIT)).toEqual(manifest);
    expect(manifest.ceremony).toEqual({ kind: "development", method: "known-tau", contributions: [], insecure: true, note: expect.stringMatching(/drew tau, alpha, beta and delta at random.*discarded.*INSECURE/) });
    expect(manifest.ptau).toMatchObject({ blake2b: null, trust: "development", source: expect.stringMatching(/^none: known-tau/) });
    expect(readFileSync(artifactPaths(CIRCUIT).verifier, "utf8")).toMatch(/DEVELOPMENT KEY \(known-tau setup.*INSECURE[\s\S]*contract DepositM16Verifier/);

    const prover = await WarmProver.load(CIRCUIT, { threads: 2 });
    const bundle = await (async () => {
      try {
        const proved = await prover.prove(benchInput({ kind: "deposit", markets: 16 }));
        await expect(prover.verify(proved.proof, proved.publicSignals)).resolves.toBe(true);
        return proved;
      } finally {
        await prover.close();
      }
    })();
    const meter = await GasMeter.start();
    try {
      const accepted = await meter.verifyGas(artifactPaths(CIRCUIT).verifier, manifest.verifierContract, bundle.proof, bundle.publicSignals);
      expect(accepted.accepted).toBe(true);
      const tampered = [...bundle.publicSignals.slice(0, 2), (BigInt(bundle.publicSignals[2]!) + 1n).toString()];
      expect((await meter.verifyGas(artifactPaths(CIRCUIT).verifier, manifest.verifierContract, bundle.proof, tampered)).accepted).toBe(false);
    } finally {
      await meter.close();
    }
  });

  it("Should take the development setup from ZKMARGIN_DEV_SETUP: known-tau by default, snarkjs on request, nothing else", () => {
    const saved = process.env.ZKMARGIN_DEV_SETUP;
    try {
      delete process.env.ZKMARGIN_DEV_SETUP;
      expect(developmentSetup()).toBe("known-tau");
      process.env.ZKMARGIN_DEV_SETUP = "snarkjs";
      expect(developmentSetup()).toBe("snarkjs");
      process.env.ZKMARGIN_DEV_SETUP = "fast";
      expect(() => developmentSetup()).toThrow(/ZKMARGIN_DEV_SETUP: must be "known-tau" \(the default\) or "snarkjs", got "fast"/);
    } finally {
      if (saved === undefined) delete process.env.ZKMARGIN_DEV_SETUP;
      else process.env.ZKMARGIN_DEV_SETUP = saved;
    }
  });
});
