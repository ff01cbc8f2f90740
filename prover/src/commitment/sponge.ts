import * as poseidon from "poseidon-lite";
import { assertHashInputs } from "./poseidon-pair.ts";
import { ZkMarginError } from "../core/errors.ts";

type Hash = (inputs: bigint[]) => bigint;
const BY_ARITY: readonly Hash[] = [
  poseidon.poseidon1, poseidon.poseidon2, poseidon.poseidon3, poseidon.poseidon4, poseidon.poseidon5, poseidon.poseidon6,
  poseidon.poseidon7, poseidon.poseidon8, poseidon.poseidon9, poseidon.poseidon10, poseidon.poseidon11, poseidon.poseidon12,
  poseidon.poseidon13, poseidon.poseidon14, poseidon.poseidon15, poseidon.poseidon16,
];

/**
 * circomlib's Poseidon over `inputs.length` (1 to 16) field elements, as poseidon-lite computes it.
 *
 * @param inputs field elements, each already reduced below the field modulus
 * @param what what is hashed, named in errors
 */
export function poseidonHash(inputs: readonly bigint[], what = "hash"): bigint {
  const hash = BY_ARITY[inputs.length - 1];
  if (!hash) throw new ZkMarginError(what, `Poseidon takes 1 to 16 inputs, got ${inputs.length}`);
  assertHashInputs(inputs, what);
  return hash([...inputs]);
}

/**
 * The sponge of circuits/lib/poseidon_sponge.circom (circuits/README.md, "Hashes"): a list of at most
 * `width` elements is hashed by one Poseidon of its length; a longer one by Poseidon(width) over the first
 * `width` elements, then per further chunk of at most `width - 1` elements Poseidon(digest, chunk). The list
 * length is fixed by the circuit's capacity, so no padding is needed to tell lists apart.
 *
 * @param width 2 to 16
 * @param elements field elements
 * @param what what is hashed, named in errors
 */
export function sponge(width: number, elements: readonly bigint[], what = "sponge"): bigint {
  if (!Number.isInteger(width) || width < 2 || width > 16) throw new ZkMarginError(what, `sponge width must be 2 to 16, got ${width}`);
  if (elements.length === 0) throw new ZkMarginError(what, "nothing to hash");
  if (elements.length <= width) return poseidonHash(elements, what);
  let digest = poseidonHash(elements.slice(0, width), what);
  for (let start = width; start < elements.length; start += width - 1) {
    digest = poseidonHash([digest, ...elements.slice(start, start + width - 1)], what);
  }
  return digest;
}
