import { Bn128Arena, multiexpWindow } from "./bn128-wasm.ts";

/** The five multi-exponentiations of a Groth16 proof. */
export type MsmName = "a" | "b1" | "b2" | "c" | "h";

/** The group of each multi-exponentiation: B2 is in G2, the others in G1. */
export const MSM_GROUP: Readonly<Record<MsmName, "g1" | "g2">> = { a: "g1", b1: "g1", b2: "g2", c: "g1", h: "g1" };

/** Bytes of a projective (Jacobian) point in the wasm's Montgomery form. */
export const PROJECTIVE_SIZE: Readonly<Record<"g1" | "g2", number>> = { g1: 96, g2: 192 };
const AFFINE_SIZE: Readonly<Record<"g1" | "g2", number>> = { g1: 64, g2: 128 };

/** One shard's part of a multi-exponentiation: its base points and, for each, the index of its scalar. */
export interface MsmPart {
  readonly name: MsmName;
  /** Affine points, Montgomery form, little endian (as in the zkey). */
  readonly bases: Uint8Array;
  /** scalarIndex[j]: which scalar (witness wire, or H coefficient) multiplies base j. */
  readonly scalarIndex: Uint32Array;
}

/**
 * A share of a Groth16 proving key's base points, resident in one WebAssembly memory for the life of a
 * prover, with the multi-exponentiations over them. A prover splits each query across its shards (one per
 * thread) and adds the partial results; with one shard it runs in the caller's thread.
 */
export class MsmShard {
  private readonly arena: Bn128Arena;
  private readonly parts = new Map<MsmName, { pointer: number; count: number; scalars: number; result: number; index: Uint32Array; window: number }>();

  /**
   * @param module the compiled bn128 module
   * @param parts this shard's base points (copied into the shard's memory once)
   */
  constructor(module: WebAssembly.Module, parts: readonly MsmPart[]) {
    this.arena = new Bn128Arena(module);
    for (const part of parts) {
      const group = MSM_GROUP[part.name];
      const count = part.scalarIndex.length;
      const pointer = this.arena.allocSet(part.bases.subarray(0, count * AFFINE_SIZE[group]));
      const scalars = this.arena.alloc(count * 32);
      const result = this.arena.alloc(PROJECTIVE_SIZE[group]);
      const window = multiexpWindow(count);
      this.arena.reserve((1 << window) * PROJECTIVE_SIZE[group] + (1 << 20));
      this.parts.set(part.name, { pointer, count, scalars, result, index: part.scalarIndex, window });
    }
  }

  /**
   * Multi-exponentiations of the named parts with scalars taken from `scalars` (32-byte little-endian
   * standard-form field elements, indexed by each part's scalarIndex).
   *
   * @returns one projective point per name (Montgomery form), in the order asked
   */
  multiexp(names: readonly MsmName[], scalars: Uint8Array): Uint8Array[] {
    const source = aligned(scalars);
    return names.map((name) => {
      const part = this.parts.get(name);
      const group = MSM_GROUP[name];
      if (!part) return zeroProjective(group);
      const memory = this.arena.bytes();
      const target = new Uint32Array(memory.buffer, part.scalars, part.count * 8);
      const index = part.index;
      for (let j = 0; j < part.count; j++) {
        const from = index[j]! * 8;
        const to = j * 8;
        target[to] = source[from]!;
        target[to + 1] = source[from + 1]!;
        target[to + 2] = source[from + 2]!;
        target[to + 3] = source[from + 3]!;
        target[to + 4] = source[from + 4]!;
        target[to + 5] = source[from + 5]!;
        target[to + 6] = source[from + 6]!;
        target[to + 7] = source[from + 7]!;
      }
      this.arena.fn(`${group}m_multiexpAffine`)(part.pointer, part.scalars, 32, part.count, part.result);
      return this.arena.get(part.result, PROJECTIVE_SIZE[group]);
    });
  }
}

/** The point at infinity in the wasm's projective Montgomery form: (0, 1, 0) with 1 = R mod q. */
export function zeroProjective(group: "g1" | "g2"): Uint8Array {
  // A zero z coordinate is all wasmcurves checks for infinity; x and y may be anything.
  return new Uint8Array(PROJECTIVE_SIZE[group]);
}

function aligned(bytes: Uint8Array): Uint32Array {
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  return new Uint32Array(bytes.slice().buffer);
}
