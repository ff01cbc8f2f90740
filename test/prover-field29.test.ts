import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { Bn128Arena } from "../prover/src/prover/kernels/bn128-wasm.ts";
import { bn128Module } from "../prover/src/prover/kernels/bn128-module.ts";
import { CosetFft, oddCosetShift } from "../prover/src/prover/coset-fft.ts";
import { FIELD29_BYTES, LIMBS, LIMB_BITS } from "../prover/src/prover/kernels/field29-kernels.ts";
import { BN254_Q as q, BN254_R, bigIntToLittleEndian, littleEndianToBigInt } from "../prover/src/prover/zkey.ts";

// The fast base-field kernels (9 x 29-bit limbs, R = 2^261) against BigInt arithmetic: at the bounds each
// function promises (inputs below 8q for mul, below 2q for add/sub/canon) and on random values.

const R = 1n << 261n;
const MASK = (1n << BigInt(LIMB_BITS)) - 1n;
const power = (base: bigint, exponent: bigint) => {
  let result = 1n;
  for (let b = base % q, e = exponent; e > 0n; e >>= 1n, b = (b * b) % q) if (e & 1n) result = (result * b) % q;
  return result;
};
const R_INVERSE = power(R % q, q - 2n);
const random = (below: bigint) => littleEndianToBigInt(randomBytes(40)) % below;
const EDGES = (below: bigint) => [0n, 1n, q - 1n, q, q + 1n, below - 2n, below - 1n].filter((value) => value < below);

let arena: Bn128Arena;
let a: number;
let b: number;
let r: number;

const write29 = (pointer: number, value: bigint) => {
  const view = new DataView(arena.bytes().buffer);
  for (let k = 0; k < LIMBS; k++) view.setUint32(pointer + 4 * k, Number((value >> BigInt(LIMB_BITS * k)) & MASK), true);
};
/** Reads an element, failing on a limb that is not normalised (every stored limb must be below 2^29). */
const read29 = (pointer: number) => {
  const view = new DataView(arena.bytes().buffer);
  let value = 0n;
  for (let k = 0; k < LIMBS; k++) {
    const limb = view.getUint32(pointer + 4 * k, true);
    expect(limb, `limb ${k}`).toBeLessThan(2 ** LIMB_BITS);
    value += BigInt(limb) << BigInt(LIMB_BITS * k);
  }
  return value;
};
const write256 = (pointer: number, value: bigint) => {
  const view = new DataView(arena.bytes().buffer);
  for (let k = 0; k < 8; k++) view.setUint32(pointer + 4 * k, Number((value >> BigInt(32 * k)) & 0xffffffffn), true);
};
const read256 = (pointer: number) => {
  const view = new DataView(arena.bytes().buffer);
  let value = 0n;
  for (let k = 0; k < 8; k++) value += BigInt(view.getUint32(pointer + 4 * k, true)) << BigInt(32 * k);
  return value;
};
const pairs = (below: bigint, count: number) => {
  const edges = EDGES(below);
  const out: [bigint, bigint][] = [];
  for (const x of edges) for (const y of edges) out.push([x, y]);
  for (let i = 0; i < count; i++) out.push([random(below), random(below)]);
  return out;
};

describe("Fast base-field kernels (fq29)", () => {
  beforeAll(async () => {
    arena = new Bn128Arena(await bn128Module());
    a = arena.alloc(2 * FIELD29_BYTES);
    b = arena.alloc(2 * FIELD29_BYTES);
    r = arena.alloc(2 * FIELD29_BYTES);
  });

  it("Should multiply x y / 2^261 mod q into [0, 2q) for inputs up to 8q - 1, also in place", () => {
    for (const [x, y] of pairs(8n * q, 400)) {
      write29(a, x);
      write29(b, y);
      arena.fn("zkm_fq29_mul")(a, b, r);
      const product = read29(r);
      expect(product < 2n * q, `${x} * ${y}`).toBe(true);
      expect(product % q).toBe((x * y * R_INVERSE) % q);
      arena.fn("zkm_fq29_mul")(a, b, a);
      expect(read29(a)).toBe(product);
    }
  });

  it("Should add, subtract and reduce values below 2q into [0, 2q) (canon into [0, q))", () => {
    for (const [x, y] of pairs(2n * q, 300)) {
      write29(a, x);
      write29(b, y);
      arena.fn("zkm_fq29_add")(a, b, r);
      let value = read29(r);
      expect(value < 2n * q && value % q === (x + y) % q, `add ${x} ${y}`).toBe(true);
      arena.fn("zkm_fq29_sub")(a, b, r);
      value = read29(r);
      expect(value < 2n * q && value % q === (((x - y) % q) + q) % q, `sub ${x} ${y}`).toBe(true);
      arena.fn("zkm_fq29_canon")(a, r);
      expect(read29(r)).toBe(x % q);
    }
  });

  it("Should keep each lazy sum's promise at the edges of its inputs: the value mod q, the output bound", () => {
    // [name, bound of each input, the value before reduction, the output bound]
    const cases: readonly [string, readonly bigint[], (x: readonly bigint[]) => bigint, bigint][] = [
      ["addLazy", [2n * q, 2n * q], ([x, y]) => x! + y!, 4n * q],
      ["subLazy", [2n * q, 2n * q], ([x, y]) => x! - y!, 4n * q],
      ["subSub", [2n * q, 2n * q, 2n * q], ([x, y, z]) => x! - y! - z!, 2n * q],
      ["subCanon", [2n * q, q], ([x, y]) => x! - y!, q],
      ["subSubCanon", [2n * q, q, q], ([x, y, z]) => x! - y! - z!, q],
    ];
    const c = arena.alloc(FIELD29_BYTES);
    for (const [name, bounds, value, below] of cases) {
      const edges = bounds.map((bound) => EDGES(bound));
      for (let i = 0; i < 300; i++) {
        const inputs = bounds.map((bound, k) => (i < 49 ? edges[k]![(i * (k + 3)) % edges[k]!.length]! : random(bound)));
        [a, b, c].slice(0, inputs.length).forEach((pointer, k) => write29(pointer, inputs[k]!));
        arena.fn(`zkm_fq29_${name}`)(...[a, b, c].slice(0, inputs.length), r);
        const got = read29(r);
        expect(got < below, `${name}(${inputs.join(", ")}) = ${got}`).toBe(true);
        expect(got % q, name).toBe(((value(inputs) % q) + q) % q);
      }
    }
  });

  it("Should convert from wasmcurves' Montgomery form (x 2^256) to x 2^261 and back, canonical, in place", () => {
    for (const [x] of pairs(q, 300)) {
      write256(a, x);
      arena.fn("zkm_fq29_fromMontgomery")(a, a);
      expect(read29(a)).toBe((x * 32n) % q);
      arena.fn("zkm_fq29_toMontgomery")(a, a);
      expect(read256(a)).toBe(x);
    }
  });

  it("Should invert in Fq and Fq2, and multiply and square in Fq2 = Fq[u]/(u^2 + 1)", () => {
    for (let i = 0; i < 40; i++) {
      const x = i === 0 ? 1n : i === 1 ? q - 1n : random(q - 1n) + 1n;
      write29(a, (x * R) % q);
      arena.fn("zkm_fq29_inverse")(a, r);
      expect((read29(r) * x) % q).toBe(R % q);
      // Fq2: (x0 + x1 u)(y0 + y1 u) = (x0 y0 - x1 y1) + (x0 y1 + x1 y0) u; inverse: product is one
      const [x0, x1, y0, y1] = [x, random(2n * q), random(2n * q), i === 2 ? 0n : random(2n * q)];
      write29(a, x0);
      write29(a + FIELD29_BYTES, x1);
      write29(b, y0);
      write29(b + FIELD29_BYTES, y1);
      arena.fn("zkm_fq2_29_mul")(a, b, r);
      const [c0, c1] = [read29(r), read29(r + FIELD29_BYTES)];
      expect(c0 < 2n * q && c1 < 2n * q).toBe(true);
      expect(c0 % q).toBe((((x0 * y0 - x1 * y1) * R_INVERSE) % q + q) % q);
      expect(c1 % q).toBe(((x0 * y1 + x1 * y0) * R_INVERSE) % q);
      // The square: (x0 + x1 u)^2 = (x0^2 - x1^2) + 2 x0 x1 u, also in place.
      arena.fn("zkm_fq2_29_square")(a, r);
      const [d0, d1] = [read29(r), read29(r + FIELD29_BYTES)];
      expect(d0 < 2n * q && d1 < 2n * q).toBe(true);
      expect(d0 % q).toBe((((x0 * x0 - x1 * x1) * R_INVERSE) % q + q) % q);
      expect(d1 % q).toBe((2n * x0 * x1 * R_INVERSE) % q);
      arena.fn("zkm_fq2_29_square")(a, a);
      expect([read29(a), read29(a + FIELD29_BYTES)]).toEqual([d0, d1]);
      arena.fn("zkm_fq2_29_canon")(b, b);
      arena.fn("zkm_fq2_29_inverse")(b, r);
      arena.fn("zkm_fq2_29_mul")(b, r, r);
      arena.fn("zkm_fq2_29_canon")(r, r);
      expect([read29(r), read29(r + FIELD29_BYTES)]).toEqual([R % q, 0n]);
    }
  });
});

describe("CosetFft (the H polynomial in the fast representation)", () => {
  it("Should give byte for byte what wasmcurves' ifft, coset shift, fft and joinABC give (snarkjs' steps), at n = 2, 4, 1024", async () => {
    const module = await bn128Module();
    for (const power of [1, 2, 10]) {
      const n = 2 ** power;
      const fast = new Bn128Arena(module);
      const slow = new Bn128Arena(module);
      const fft = new CosetFft(fast, power);
      // Random evaluations in wasmcurves' Montgomery form, with the edges 0, 1 and r - 1 among them.
      const polynomials = [0, 1, 2].map(() => {
        const bytes = new Uint8Array(n * 32);
        for (let i = 0; i < n; i++) {
          const value = i === 0 ? 0n : i === 1 ? 1n : i === 2 ? BN254_R - 1n : littleEndianToBigInt(randomBytes(40)) % BN254_R;
          bytes.set(bigIntToLittleEndian((value << 256n) % BN254_R), i * 32);
        }
        return bytes;
      });
      const [a, b, c] = polynomials.map((bytes) => fast.allocSet(bytes));
      const out = fast.alloc(n * 32);
      fft.evaluate(a!, b!, c!, out);
      const [sa, sb, sc] = polynomials.map((bytes) => slow.allocSet(bytes));
      const one = slow.allocSet(bigIntToLittleEndian((1n << 256n) % BN254_R));
      const shift = slow.allocSet(bigIntToLittleEndian((oddCosetShift(power) << 256n) % BN254_R));
      for (const pointer of [sa!, sb!, sc!]) {
        slow.fn("frm_ifft")(pointer, n);
        slow.fn("frm_batchApplyKey")(pointer, n, one, shift, pointer);
        slow.fn("frm_fft")(pointer, n);
      }
      const expected = slow.alloc(n * 32);
      slow.fn("qap_joinABC")(sa!, sb!, sc!, n, expected);
      slow.fn("frm_batchFromMontgomery")(expected, n, expected);
      expect(Buffer.from(fast.get(out, n * 32)).equals(Buffer.from(slow.get(expected, n * 32))), `n = ${n}`).toBe(true);
    }
  });
});
