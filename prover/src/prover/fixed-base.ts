import { Bn128Arena } from "./bn128-wasm.ts";
import { BN254_Q, bigIntToLittleEndian } from "./zkey.ts";

/** Bits per window of the fixed-base tables: 22 windows of 4,095 precomputed multiples each. */
const WINDOW = 12;
const WINDOWS = Math.ceil(256 / WINDOW);
const SIZES = { g1: { affine: 64, projective: 96 }, g2: { affine: 128, projective: 192 } } as const;

/** The generators of G1 and G2 (BN254, as snarkjs and the EVM use them), projective coordinates (x, y, z). */
const GENERATORS: Readonly<Record<"g1" | "g2", readonly bigint[]>> = {
  g1: [1n, 2n, 1n],
  g2: [
    10857046999023057135944570762232829481370756359578518086990519993285655852781n, 11559732032986387107991004021392285783925812861821192530917403151452391805634n,
    8495653923123431417604973247489272438418190587263600148770280649306958101930n, 4082367875863433681332203403145435568316851327593401208105741076214120093531n,
    1n, 0n,
  ],
};

/** A generator in the wasm's projective Montgomery form. */
function generatorBytes(group: "g1" | "g2"): Uint8Array {
  const coordinates = GENERATORS[group];
  const out = new Uint8Array(coordinates.length * 32);
  coordinates.forEach((value, i) => out.set(bigIntToLittleEndian((value << 256n) % BN254_Q), i * 32));
  return out;
}

/**
 * Multiplies a group's generator by many scalars (k_i G), with a windowed table of precomputed multiples
 * (d 2^(12 j) G for every digit d and window j): 22 mixed additions per product instead of ~380 doublings
 * and additions. What the development Powers of Tau needs: every point of it is a known scalar times G.
 */
export class FixedBaseMultiplier {
  private readonly arena: Bn128Arena;
  private readonly tables = new Map<"g1" | "g2", number>();

  /** @param module the compiled bn128 module */
  constructor(module: WebAssembly.Module) {
    this.arena = new Bn128Arena(module, 1 << 24);
  }

  /**
   * The products k_i G as affine points (Montgomery form, little endian: the layout of snarkjs' ptau and
   * zkey files).
   *
   * @param scalars n scalars of 32 bytes, standard form, little endian, each below the group order
   */
  multiply(group: "g1" | "g2", scalars: Uint8Array): Uint8Array {
    const { arena } = this;
    const size = SIZES[group];
    const table = this.table(group);
    const count = scalars.byteLength / 32;
    const mark = arena.free;
    const accumulators = arena.alloc(count * size.projective);
    const out = arena.alloc(count * size.affine);
    const addMixed = arena.fn(`${group}m_addMixed`);
    const zero = arena.fn(`${group}m_zero`);
    for (let i = 0; i < count; i++) {
      const accumulator = accumulators + i * size.projective;
      zero(accumulator);
      const base = i * 32;
      for (let j = 0; j < WINDOWS; j++) {
        const bit = j * WINDOW;
        const byte = base + (bit >> 3);
        const offset = bit >> 3;
        // Bytes past the scalar's 32 belong to the next scalar: read them as zero.
        const word = scalars[byte]! | (offset + 1 < 32 ? scalars[byte + 1]! << 8 : 0) | (offset + 2 < 32 ? scalars[byte + 2]! << 16 : 0);
        const digit = (word >>> (bit & 7)) & ((1 << WINDOW) - 1);
        if (digit !== 0) addMixed(accumulator, table + ((j << WINDOW) + digit) * size.affine, accumulator);
      }
    }
    arena.fn(`${group}m_batchToAffine`)(accumulators, count, out);
    const result = arena.get(out, count * size.affine);
    arena.release(mark);
    return result;
  }

  /** The table of d 2^(12 j) G (affine), made once per group: entry (j, d) at index j 2^12 + d. */
  private table(group: "g1" | "g2"): number {
    const known = this.tables.get(group);
    if (known !== undefined) return known;
    const { arena } = this;
    const size = SIZES[group];
    const entries = WINDOWS << WINDOW;
    const table = arena.alloc(entries * size.affine);
    const projective = arena.alloc((1 << WINDOW) * size.projective);
    const base = arena.allocSet(generatorBytes(group));
    for (let j = 0; j < WINDOWS; j++) {
      // row j: 0, B, 2B, ... with B = 2^(12 j) G
      arena.fn(`${group}m_zero`)(projective);
      for (let d = 1; d < 1 << WINDOW; d++) arena.fn(`${group}m_add`)(projective + (d - 1) * size.projective, base, projective + d * size.projective);
      arena.fn(`${group}m_batchToAffine`)(projective, 1 << WINDOW, table + (j << WINDOW) * size.affine);
      for (let k = 0; k < WINDOW; k++) arena.fn(`${group}m_double`)(base, base);
    }
    this.tables.set(group, table);
    return table;
  }
}
