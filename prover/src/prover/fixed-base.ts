import { Bn128Arena } from "./kernels/bn128-wasm.ts";
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
 * (d 2^(12 j) G for every digit d and window j): 22 additions per product instead of ~380 doublings and
 * additions. The additions are affine, one window at a time for all products of a batch, sharing one field
 * inversion (zkm_*_batchAddAffine: about 6 multiplications each against 11 for a mixed projective
 * addition, and no conversion to affine at the end). What the development Powers of Tau and proving keys
 * need: every point of them is a known scalar times G.
 */
export class FixedBaseMultiplier {
  private readonly arena: Bn128Arena;
  private readonly tables = new Map<"g1" | "g2", number>();

  /** @param module the compiled bn128 module (with zkmargin's batch-affine kernels, see bn128Module) */
  constructor(module: WebAssembly.Module) {
    this.arena = new Bn128Arena(module, 1 << 24);
  }

  /**
   * The products k_i G as affine points (Montgomery form, little endian: the layout of snarkjs' ptau and
   * zkey files; the point at infinity as zeros, as wasmcurves writes it).
   *
   * @param scalars n scalars of 32 bytes, standard form, little endian, each below the group order
   */
  multiply(group: "g1" | "g2", scalars: Uint8Array): Uint8Array {
    const { arena } = this;
    const size = SIZES[group].affine;
    const table = this.table(group);
    const count = scalars.byteLength / 32;
    const mark = arena.free;
    // Two slots per product: an affine addition must not write over its inputs.
    const slots = arena.alloc(2 * count * size);
    const triples = arena.alloc(count * 12);
    const scratch = arena.alloc(count * (size / 2));
    const batchAdd = arena.fn(`zkm_${group}_batchAddAffine`);
    const side = new Uint8Array(count);
    const started = new Uint8Array(count);
    for (let j = 0; j < WINDOWS; j++) {
      const bit = j * WINDOW;
      const offset = bit >> 3;
      const row = table + (j << WINDOW) * size;
      const memory = arena.bytes();
      const pointers = new Int32Array(memory.buffer, triples, count * 3);
      let pairs = 0;
      for (let i = 0; i < count; i++) {
        const byte = i * 32 + offset;
        // Bytes past the scalar's 32 belong to the next scalar: read them as zero.
        const word = scalars[byte]! | (offset + 1 < 32 ? scalars[byte + 1]! << 8 : 0) | (offset + 2 < 32 ? scalars[byte + 2]! << 16 : 0);
        const digit = (word >>> (bit & 7)) & ((1 << WINDOW) - 1);
        if (digit === 0) continue;
        const entry = row + digit * size;
        const current = slots + (2 * i + side[i]!) * size;
        if (!started[i]) {
          memory.copyWithin(current, entry, entry + size);
          started[i] = 1;
          continue;
        }
        // Never x(current) = x(entry): current is (k mod 2^(12 j)) G and entry d 2^(12 j) G with both
        // multipliers in [0, r) and distinct, and their sum is below r since k < r.
        pointers[3 * pairs] = current;
        pointers[3 * pairs + 1] = entry;
        pointers[3 * pairs + 2] = slots + (2 * i + 1 - side[i]!) * size;
        side[i] = 1 - side[i]!;
        pairs++;
      }
      if (pairs > 0) batchAdd(triples, pairs, scratch);
    }
    const out = new Uint8Array(count * size);
    const memory = arena.bytes();
    for (let i = 0; i < count; i++) {
      if (started[i]) out.set(memory.subarray(slots + (2 * i + side[i]!) * size, slots + (2 * i + side[i]! + 1) * size), i * size);
    }
    arena.release(mark);
    return out;
  }

  /**
   * The table of d 2^(12 j) G (affine), made once per group: entry (j, d) at index j 2^12 + d. Each row is
   * built by levels, entries h+1 ... 2h-1 = entries 1 ... h-1 plus entry h in one batch of affine
   * additions (never equal x: i 2^(12 j) = +-h 2^(12 j) mod r would need i = h or i + h = r), entry 2h by
   * doubling.
   */
  private table(group: "g1" | "g2"): number {
    const known = this.tables.get(group);
    if (known !== undefined) return known;
    const { arena } = this;
    const size = SIZES[group].affine;
    const entries = WINDOWS << WINDOW;
    const table = arena.alloc(entries * size);
    arena.bytes().fill(0, table, table + entries * size);
    const half = 1 << (WINDOW - 1);
    const triples = arena.alloc(half * 12);
    const scratch = arena.alloc(half * (size / 2));
    const projective = arena.alloc(SIZES[group].projective);
    const base = arena.allocSet(generatorBytes(group));
    const double = arena.fn(`${group}m_doubleAffine`);
    const toAffine = arena.fn(`${group}m_toAffine`);
    const batchAdd = arena.fn(`zkm_${group}_batchAddAffine`);
    // The generator, affine: (x, y, 1) projective -> (x, y).
    toAffine(base, base);
    for (let j = 0; j < WINDOWS; j++) {
      const row = table + (j << WINDOW) * size;
      const entry = (d: number) => row + d * size;
      arena.bytes().copyWithin(entry(1), base, base + size);
      for (let h = 1; h < 1 << WINDOW; h *= 2) {
        if (h > 1) {
          const pointers = new Int32Array(arena.bytes().buffer, triples, (h - 1) * 3);
          for (let i = 1; i < h; i++) pointers.set([entry(i), entry(h), entry(h + i)], 3 * (i - 1));
          batchAdd(triples, h - 1, scratch);
        }
        double(entry(h), projective);
        // 2h = 2^12 is the next row's base.
        toAffine(projective, 2 * h < 1 << WINDOW ? entry(2 * h) : base);
      }
    }
    this.tables.set(group, table);
    return table;
  }
}
