import { ZkMarginError } from "../core/errors.ts";
import { powMod } from "../core/field.ts";
import type { Bn128Arena } from "./kernels/bn128-wasm.ts";
import { FIELD29_BYTES, LIMBS, toLimbs } from "./kernels/field29-kernels.ts";
import { BN254_R } from "./zkey.ts";

const R29 = 1n << 261n;

const powR = (base: bigint, exponent: bigint) => powMod(base, exponent, BN254_R);

/**
 * The primitive 2^bits-th root of unity of BN254's Fr as ffjavascript defines Fr.w (so as snarkjs and
 * wasmcurves' FFTs use it): w[28] = nqr^t with nqr the smallest non-residue and r - 1 = 2^28 t, w[i] = w[i+1]^2.
 */
export function frRootOfUnity(bits: number): bigint {
  const r = BN254_R;
  let nqr = 2n;
  while (powR(nqr, (r - 1n) / 2n) !== r - 1n) nqr++;
  let t = r - 1n;
  let s = 0;
  while ((t & 1n) === 0n) {
    t >>= 1n;
    s++;
  }
  if (bits > s) throw new ZkMarginError("zkey", `domain 2^${bits - 1} is too large for BN254 (at most 2^${s - 1} here)`);
  return powR(powR(nqr, t), 1n << BigInt(s - bits));
}

/**
 * The multiplier of the odd coset on which snarkjs evaluates A, B and C: a primitive 2^(power+1)-th root of
 * unity (Fr.w[power + 1]).
 */
export function oddCosetShift(power: number): bigint {
  return frRootOfUnity(power + 1);
}

/**
 * The H polynomial's evaluations on the odd coset, as snarkjs computes them (ifft, times shift^i, fft,
 * then a b - c), in the fast Fr representation: an inverse transform by decimation in frequency leaves the
 * coefficients in bit-reversed order, the coset table (shift^k / n, stored at position bitrev(k)) scales
 * them there, and a forward transform by decimation in time brings the evaluations back in natural order,
 * so no pass only permutes. Tables and buffers live in the arena for the life of the prover.
 */
export class CosetFft {
  private readonly arena: Bn128Arena;
  private readonly size: number;
  private readonly at: Record<"forward" | "inverse" | "coset" | "a" | "b" | "c", number>;

  /**
   * @param arena the prover's arena (the module with zkmargin's fft29 kernels)
   * @param power the domain is 2^power
   */
  constructor(arena: Bn128Arena, power: number) {
    this.arena = arena;
    const n = 2 ** power;
    this.size = n;
    const element = FIELD29_BYTES;
    const half = Math.max(1, n / 2);
    this.at = {
      forward: arena.alloc(half * element),
      inverse: arena.alloc(half * element),
      coset: arena.alloc(n * element),
      a: arena.alloc(n * element),
      b: arena.alloc(n * element),
      c: arena.alloc(n * element),
    };
    const omega = frRootOfUnity(power);
    const mul = arena.fn("zkm_fr29_mul");
    // Powers of x from `first`, each element x times the one before (Montgomery products, R = 2^261).
    const powers = (pointer: number, count: number, first: bigint, x: bigint) => {
      this.write(pointer, (first * R29) % BN254_R);
      const factor = arena.alloc(element);
      this.write(factor, (x * R29) % BN254_R);
      for (let i = 1; i < count; i++) mul(pointer + (i - 1) * element, factor, pointer + i * element);
    };
    powers(this.at.forward, half, 1n, omega);
    powers(this.at.inverse, half, 1n, powR(omega, BN254_R - 2n));
    // Natural order into `a` (free until the first proof), then each k to position bitrev(k).
    powers(this.at.a, n, powR(BigInt(n), BN254_R - 2n), oddCosetShift(power));
    const bytes = arena.bytes();
    for (let k = 0; k < n; k++) {
      const to = this.at.coset + reverseBits(k, power) * element;
      bytes.copyWithin(to, this.at.a + k * element, this.at.a + (k + 1) * element);
    }
  }

  /**
   * Reads A, B, C (evaluations on the domain, wasmcurves' Montgomery form, 32 bytes each) and writes the
   * coefficients of H's multi-exponentiation at `out`: a b - c on the odd coset, standard form.
   */
  evaluate(a: number, b: number, c: number, out: number): void {
    const { arena, at, size } = this;
    for (const [from, to] of [[a, at.a], [b, at.b], [c, at.c]] as const) {
      arena.fn("zkm_fr29_batchFromMontgomery")(from, to, size);
      arena.fn("zkm_fr29_difTransform")(to, size, at.inverse);
      arena.fn("zkm_fr29_batchMul")(to, at.coset, size);
      arena.fn("zkm_fr29_ditTransform")(to, size, at.forward);
    }
    arena.fn("zkm_fr29_joinABC")(at.a, at.b, at.c, size, out);
  }

  private write(pointer: number, value: bigint): void {
    const view = new DataView(this.arena.bytes().buffer);
    const limbs = toLimbs(value);
    for (let k = 0; k < LIMBS; k++) view.setUint32(pointer + 4 * k, Number(limbs[k]), true);
  }
}

function reverseBits(value: number, bits: number): number {
  let out = 0;
  for (let i = 0; i < bits; i++) out |= ((value >>> i) & 1) << (bits - 1 - i);
  return out;
}
