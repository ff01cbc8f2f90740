import type { Groth16Proof } from "./proof-types.ts";

/** A proof as Solidity takes it: the 8-element point array (a, b with swapped coordinates, c) and the signals. */
export interface SolidityCalldata {
  /** [a0, a1, b00, b01, b10, b11, c0, c1] as 0x-hex, like Semaphore's packed proof. */
  readonly proof: readonly string[];
  /** Public signals as 0x-hex. */
  readonly publicSignals: readonly string[];
}

const hex = (value: string) => `0x${BigInt(value).toString(16).padStart(64, "0")}`;

/**
 * Converts a snarkjs Groth16 proof to verifier calldata (the same order as snarkjs' exportSolidityCallData:
 * G2 coordinates are given imaginary part first).
 */
export function toSolidityCalldata(proof: Groth16Proof, publicSignals: readonly string[]): SolidityCalldata {
  const b = proof.pi_b;
  return {
    proof: [proof.pi_a[0]!, proof.pi_a[1]!, b[0]![1]!, b[0]![0]!, b[1]![1]!, b[1]![0]!, proof.pi_c[0]!, proof.pi_c[1]!].map(hex),
    publicSignals: publicSignals.map(hex),
  };
}
