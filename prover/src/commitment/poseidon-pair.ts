import { poseidon2 } from "poseidon-lite/poseidon2";
import { FIELD_MODULUS } from "../core/constants.ts";
import { ZkMarginError } from "../core/errors.ts";

/**
 * circomlib's Poseidon of two field elements (a round's prices and risk commitments, a fill chain's link), as
 * poseidonHash computes it, without loading the other widths: poseidon-lite turns each width's constants into
 * bigints at import (about 65 ms for all sixteen), which a process that only verifies proofs does not need.
 *
 * @param what what is hashed, named in errors
 */
export function poseidonPair(left: bigint, right: bigint, what = "hash"): bigint {
  assertHashInputs([left, right], what);
  return poseidon2([left, right]);
}

/** Refuses, naming `what[i]`, an input of a Poseidon hash that is not below the BN254 modulus (poseidonHash's check too). */
export function assertHashInputs(inputs: readonly bigint[], what: string): void {
  inputs.forEach((input, i) => {
    if (input < 0n || input >= FIELD_MODULUS) throw new ZkMarginError(`${what}[${i}]`, "is not a field element (reduce it below the BN254 modulus)");
  });
}
