import { readFileSync } from "node:fs";
import { WitnessCalculatorBuilder } from "circom_runtime";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchInput } from "../prover/src/bench/accounts.ts";
import { artifactPaths } from "../prover/src/build/paths.ts";
import { Groth16Prover } from "../prover/src/prover/groth16-prover.ts";
import { oddCosetShift } from "../prover/src/prover/coset-fft.ts";
import { ProverPool } from "../prover/src/prover/prover-pool.ts";
import { WarmProver, loadVerificationKey, releaseCurve } from "../prover/src/prover/warm-prover.ts";
import { BN254_R, wtnsWitness } from "../prover/src/prover/zkey.ts";

const CIRCUIT = "deposit_m16";
const input = benchInput({ kind: "deposit", markets: 16 });

async function witnessOf(circuit: string, circuitInput: Record<string, unknown>): Promise<Uint8Array> {
  const calculator = await WitnessCalculatorBuilder(readFileSync(artifactPaths(circuit).wasm));
  return wtnsWitness(await calculator.calculateWTNSBin(circuitInput, true));
}

describe("Groth16Prover (the fast engine)", () => {
  let zkey: Uint8Array;
  let verificationKey: object;
  let witness: Uint8Array;
  beforeAll(async () => {
    zkey = readFileSync(artifactPaths(CIRCUIT).zkey);
    verificationKey = loadVerificationKey(CIRCUIT);
    witness = await witnessOf(CIRCUIT, input);
  });
  afterAll(releaseCurve);

  for (const threads of [1, 2, 3]) {
    it(`Should make proofs that snarkjs verifies, fresh randomness each time (${threads} thread${threads > 1 ? "s" : ""})`, async () => {
      const prover = await Groth16Prover.create(zkey, { threads });
      try {
        const proofs = [];
        for (let i = 0; i < 4; i++) {
          const { proof, publicSignals } = await prover.prove(witness);
          expect(proof.protocol).toBe("groth16");
          expect(publicSignals).toEqual([input.oldCommitment, input.newCommitment, input.amount].map(String));
          await expect(snarkjs.groth16.verify(verificationKey, publicSignals, proof)).resolves.toBe(true);
          proofs.push(proof);
        }
        // The time split: each phase measured; the polynomial is the QAP plus the FFTs.
        const timings = prover.lastTimings;
        for (const value of [timings.qapMs, timings.fftMs, timings.assemblyMs, ...Object.values(timings.msmThreadMs)]) expect(value).toBeGreaterThan(0);
        expect(timings.qapMs + timings.fftMs).toBeCloseTo(timings.polynomialMs, 6);
        expect(timings.assemblyMs).toBeLessThanOrEqual(timings.msmMs);
        // r and s are drawn per proof: no two proofs of one witness are equal.
        expect(new Set(proofs.map((proof) => proof.pi_a.join())).size).toBe(proofs.length);
        expect(new Set(proofs.map((proof) => proof.pi_c.join())).size).toBe(proofs.length);
      } finally {
        await prover.close();
      }
    });
  }

  it("Should prove concurrent calls one after the other, each valid", async () => {
    const prover = await Groth16Prover.create(zkey, { threads: 2 });
    try {
      const results = await Promise.all([prover.prove(witness), prover.prove(witness), prover.prove(witness)]);
      for (const { proof, publicSignals } of results) await expect(snarkjs.groth16.verify(verificationKey, publicSignals, proof)).resolves.toBe(true);
    } finally {
      await prover.close();
    }
  });

  it("Should give proofs that fail for tampered signals, tampered points and a witness that breaks the circuit", async () => {
    const prover = await Groth16Prover.create(zkey, { threads: 2 });
    try {
      const { proof, publicSignals } = await prover.prove(witness);
      const otherStatement = [...publicSignals.slice(0, 2), (BigInt(publicSignals[2]!) + 1n).toString()];
      await expect(snarkjs.groth16.verify(verificationKey, otherStatement, proof)).resolves.toBe(false);
      const swapped = { ...proof, pi_a: proof.pi_c, pi_c: proof.pi_a };
      await expect(snarkjs.groth16.verify(verificationKey, publicSignals, swapped)).resolves.toBe(false);
      // A witness with one private wire changed no longer satisfies the constraints: its "proof" is invalid.
      const forged = witness.slice();
      const wire = 100;
      forged[wire * 32] = (forged[wire * 32]! + 1) & 0xff;
      const bad = await prover.prove(forged);
      await expect(snarkjs.groth16.verify(verificationKey, bad.publicSignals, bad.proof)).resolves.toBe(false);
      // A forged public signal in the witness does not give a proof of the forged statement either.
      const forgedPublic = witness.slice();
      forgedPublic[3 * 32] = (forgedPublic[3 * 32]! + 1) & 0xff;
      const badPublic = await prover.prove(forgedPublic);
      await expect(snarkjs.groth16.verify(verificationKey, badPublic.publicSignals, badPublic.proof)).resolves.toBe(false);
    } finally {
      await prover.close();
    }
  });

  it("Should refuse a witness of the wrong length, and a file that is not a zkey", async () => {
    const prover = await Groth16Prover.create(zkey, { threads: 1 });
    try {
      await expect(prover.prove(witness.subarray(32))).rejects.toThrow(/witness: has \d+ elements; the proving key expects \d+/);
      await expect(prover.prove(witness.slice().fill(0))).rejects.toThrow(/does not start with the constant 1/);
    } finally {
      await prover.close();
    }
    await expect(Groth16Prover.create(new TextEncoder().encode("not a key at all"))).rejects.toThrow(/zkey: is not a zkey file/);
    await expect(prover.prove(witness)).rejects.toThrow(/closed/);
  });

  it("Should use the odd coset of snarkjs (a 2^(power+1)-th root of unity)", () => {
    for (const power of [8, 13, 16]) {
      const w = oddCosetShift(power);
      let x = w;
      for (let i = 0; i < power; i++) x = (x * x) % BN254_R;
      expect(x).toBe(BN254_R - 1n); // w^(2^power) = -1: primitive of order 2^(power+1)
    }
  });
});

describe("WarmProver engines and ProverPool", () => {
  it("Should prove with the fast engine and with snarkjs' engine, both verifying", async () => {
    for (const engine of ["fast", "snarkjs"] as const) {
      const prover = await WarmProver.load(CIRCUIT, { engine, threads: 2 });
      try {
        const bundle = await prover.prove(input);
        await expect(prover.verify(bundle.proof, bundle.publicSignals)).resolves.toBe(true);
        // Only zkmargin's engine reports where its time went.
        expect(prover.lastTimings.engine === undefined).toBe(engine === "snarkjs");
      } finally {
        await prover.close();
      }
    }
  });

  it("Should prove many accounts in parallel, every proof valid, and refuse an input that breaks the circuit", async () => {
    const pool = await ProverPool.load(CIRCUIT, { workers: 2 });
    const verifier = await WarmProver.load(CIRCUIT, { threads: 1 });
    try {
      expect(pool.size).toBe(2);
      const inputs = [1, 2, 3, 4, 5].map((variant) => benchInput({ kind: "deposit", markets: 16 }, variant));
      const bundles = await pool.proveAll(inputs);
      expect(bundles).toHaveLength(inputs.length);
      for (const [k, bundle] of bundles.entries()) {
        expect(bundle.publicSignals[0]).toBe(String(inputs[k]!.oldCommitment));
        await expect(verifier.verify(bundle.proof, bundle.publicSignals)).resolves.toBe(true);
      }
      await expect(pool.prove({ ...input, nonce: "99" })).rejects.toThrow(/does not satisfy the circuit/);
      // The pool keeps working after a refused input.
      const again = await pool.prove(input);
      await expect(verifier.verify(again.proof, again.publicSignals)).resolves.toBe(true);
    } finally {
      await pool.close();
      await verifier.close();
    }
    await expect(pool.prove(input)).rejects.toThrow(/closed/);
  });

  it("Should refuse to start a pool for a circuit that is not built", async () => {
    await expect(ProverPool.load("deposit_m99", { workers: 1 })).rejects.toThrow(/deposit_m99/);
  });
});
