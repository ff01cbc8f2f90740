import { poseidon2, poseidon8 } from "poseidon-lite";
import { ZkMarginError } from "../core/errors.ts";

const FIRST = 8;
const RATE = 7;

/**
 * Hashes a list of field elements exactly as circuits/lib/poseidon_chain.circom does: Poseidon(8) over the
 * first 8 elements (zero-padded), then Poseidon(8) over (digest, next 7 elements) per further link, leaving
 * out trailing links whose elements are all zero. The result therefore does not depend on how many zeros
 * pad the list, which is what lets one commitment serve circuits of every capacity.
 *
 * @param elements field elements, each already reduced below the field modulus
 * @param what what is hashed, named in errors
 */
export function poseidonChain(elements: readonly bigint[], what = "commitment"): bigint {
  const padded = (slice: readonly bigint[], length: number) => [...slice, ...new Array<bigint>(length - slice.length).fill(0n)];
  let digest = poseidon8(padded(elements.slice(0, FIRST), FIRST));
  const links: bigint[][] = [];
  for (let start = FIRST; start < elements.length; start += RATE) links.push(padded(elements.slice(start, start + RATE), RATE));
  let last = links.length;
  while (last > 0 && links[last - 1]!.every((element) => element === 0n)) last--;
  for (let k = 0; k < last; k++) {
    const link = links[k]!;
    if (link.every((element) => element === 0n)) {
      throw new ZkMarginError(what, "a run of seven all-zero elements is followed by more data; the circuits only skip trailing zeros");
    }
    digest = poseidon8([digest, ...link]);
  }
  return digest;
}

/** Poseidon over two elements (circomlib Poseidon(2)); combines the prices and risk commitments. */
export function poseidonPair(left: bigint, right: bigint): bigint {
  return poseidon2([left, right]);
}
