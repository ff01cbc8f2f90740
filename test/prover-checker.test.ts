import { readFileSync } from "node:fs";
import { WitnessCalculatorBuilder } from "circom_runtime";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchInput } from "../prover/src/bench/accounts.ts";
import { artifactPaths } from "../prover/src/build/paths.ts";
import { Groth16Checker, type Groth16VerificationKey } from "../prover/src/prover/groth16-checker.ts";
import { Groth16Prover } from "../prover/src/prover/groth16-prover.ts";
import type { Groth16Proof } from "../prover/src/prover/proof-types.ts";
import { loadVerificationKey, releaseCurve } from "../prover/src/prover/warm-prover.ts";
import { BN254_Q, BN254_R, wtnsWitness } from "../prover/src/prover/zkey.ts";

// The checker WarmProver runs on a native prover's proofs must say what snarkjs' groth16.verify says: on a
// valid proof, on each kind of wrong one, and on malformed input (false, not a throw).

const CIRCUIT = "deposit_m16";

describe("Groth16Checker (a verification key's fixed parts computed once)", () => {
  let key: Groth16VerificationKey;
  let checker: Groth16Checker;
  let proof: Groth16Proof;
  let publicSignals: string[];
  let otherProof: Groth16Proof;
  beforeAll(async () => {
    key = loadVerificationKey(CIRCUIT) as Groth16VerificationKey;
    checker = await Groth16Checker.create(key);
    const calculator = await WitnessCalculatorBuilder(readFileSync(artifactPaths(CIRCUIT).wasm));
    const witness = wtnsWitness(await calculator.calculateWTNSBin(benchInput({ kind: "deposit", markets: 16 }), true));
    const prover = await Groth16Prover.create(readFileSync(artifactPaths(CIRCUIT).zkey), { threads: 1 });
    try {
      ({ proof, publicSignals } = await prover.prove(witness));
      otherProof = (await prover.prove(witness)).proof;
    } finally {
      await prover.close();
    }
  });
  afterAll(releaseCurve);

  const agree = async (candidate: Groth16Proof, signals: readonly string[], expected: boolean) => {
    expect(checker.check(candidate, signals)).toBe(expected);
    await expect(snarkjs.groth16.verify(key, [...signals], candidate)).resolves.toBe(expected);
  };

  it("Should accept a valid proof, and another proof of the same witness (fresh r, s)", async () => {
    await agree(proof, publicSignals, true);
    await agree(otherProof, publicSignals, true);
  });

  it("Should refuse another statement: each public signal changed, one signal more or fewer", async () => {
    for (let i = 0; i < publicSignals.length; i++) {
      const other = publicSignals.map((signal, k) => (k === i ? (BigInt(signal) + 1n).toString() : signal));
      await agree(proof, other, false);
    }
    expect(checker.check(proof, publicSignals.slice(1))).toBe(false);
    expect(checker.check(proof, [...publicSignals, "0"])).toBe(false);
  });

  it("Should refuse mixed and swapped points, a point off the curve, a signal or coordinate outside its field", async () => {
    await agree({ ...proof, pi_c: otherProof.pi_c }, publicSignals, false);
    await agree({ ...proof, pi_a: proof.pi_c, pi_c: proof.pi_a }, publicSignals, false);
    const offCurve = { ...proof, pi_a: [proof.pi_a[0]!, (BigInt(proof.pi_a[1]!) + 1n).toString(), "1"] };
    await agree(offCurve, publicSignals, false);
    const offCurveB = { ...proof, pi_b: [proof.pi_b[0]!, [proof.pi_b[1]![0]!, (BigInt(proof.pi_b[1]![1]!) + 1n).toString()], ["1", "0"]] };
    await agree(offCurveB, publicSignals, false);
    // s + r is the same scalar mod r, but snarkjs refuses it: so does the checker.
    await agree(proof, [(BigInt(publicSignals[0]!) + BN254_R).toString(), ...publicSignals.slice(1)], false);
    expect(checker.check({ ...proof, pi_a: [(BigInt(proof.pi_a[0]!) + BN254_Q).toString(), proof.pi_a[1]!, "1"] }, publicSignals)).toBe(false);
    expect(checker.check({ ...proof, pi_a: ["x", "1", "1"] }, publicSignals)).toBe(false);
    expect(checker.check({ ...proof, pi_b: [["1", "2"]] }, publicSignals)).toBe(false);
    expect(checker.check(proof, ["-1", ...publicSignals.slice(1)])).toBe(false);
  });

  it("Should refuse a key that is not Groth16 on BN254, naming the field", async () => {
    await expect(Groth16Checker.create({ ...key, protocol: "plonk" })).rejects.toThrow(/verification key: is plonk on bn128/);
    await expect(Groth16Checker.create({ ...key, IC: [] })).rejects.toThrow(/verification key: has no IC points/);
    await expect(Groth16Checker.create({ ...key, vk_alpha_1: ["1", "2"] })).rejects.toThrow(/vk_alpha_1: is not a projective G1 point/);
  });
});
