import { ZkMarginError } from "../core/errors.ts";
import { Bn128Arena } from "./kernels/bn128-wasm.ts";
import { bn128Module } from "./kernels/bn128-module.ts";
import type { Groth16Proof } from "./proof-types.ts";
import { BN254_Q, BN254_R, N8, bigIntToLittleEndian } from "./zkey.ts";

/** The fields of a snarkjs verification key (verification_key.json) a check reads. */
export interface Groth16VerificationKey {
  readonly protocol?: string;
  readonly curve?: string;
  readonly vk_alpha_1: readonly string[];
  readonly vk_beta_2: readonly (readonly string[])[];
  readonly vk_gamma_2: readonly (readonly string[])[];
  readonly vk_delta_2: readonly (readonly string[])[];
  readonly IC: readonly (readonly string[])[];
}

const G1_JACOBIAN = 3 * N8;
const G2_JACOBIAN = 6 * N8;
/** wasmcurves' bn128 sizes: a prepared G1 point (its affine form), Fq12. */
const PREPARED_G1 = 3 * 2 * N8;
const GT = 12 * N8;
/**
 * A prepared G2 point, bounded above: wasmcurves' preQSize is 3 Fq2 plus one line coefficient (3 Fq2) per
 * doubling and per addition of the optimal ate loop, whose count (6u + 2) has 66 signed digits at most.
 */
const PREPARED_G2 = 3 * 2 * N8 + (2 * 66 + 1) * 3 * 2 * N8;

/**
 * Groth16 verification over one verification key, with what never changes computed once: e(alpha, beta)
 * and the Miller-loop lines of gamma and delta. A check is then three Miller loops (one of them preparing
 * the proof's B) and one final exponentiation, FE(ML(A, B) ML(-vk_x, gamma) ML(-C, delta)) = e(alpha, beta),
 * the equation snarkjs' groth16.verify checks, with the same refusals: public signals outside the field,
 * proof points off the curve. Used by WarmProver to check a native prover's proofs before returning them.
 */
export class Groth16Checker {
  private readonly arena: Bn128Arena;
  private readonly ic: readonly number[];
  private readonly at: Record<"gamma" | "delta" | "alphaBeta" | "a" | "b" | "c" | "vkx" | "term" | "scalar" | "preparedP" | "preparedQ" | "loop" | "product", number>;

  private constructor(arena: Bn128Arena, key: Groth16VerificationKey) {
    this.arena = arena;
    const g1 = (point: readonly string[], name: string) => arena.allocSet(g1Bytes(point, name));
    const g2 = (point: readonly (readonly string[])[], name: string) => arena.allocSet(g2Bytes(point, name));
    this.ic = key.IC.map((point, i) => g1(point, `IC[${i}]`));
    const alpha = g1(key.vk_alpha_1, "vk_alpha_1");
    const beta = g2(key.vk_beta_2, "vk_beta_2");
    this.at = {
      gamma: arena.alloc(PREPARED_G2),
      delta: arena.alloc(PREPARED_G2),
      alphaBeta: arena.alloc(GT),
      a: arena.alloc(G1_JACOBIAN),
      b: arena.alloc(G2_JACOBIAN),
      c: arena.alloc(G1_JACOBIAN),
      vkx: arena.alloc(G1_JACOBIAN),
      term: arena.alloc(G1_JACOBIAN),
      scalar: arena.alloc(N8),
      preparedP: arena.alloc(PREPARED_G1),
      preparedQ: arena.alloc(PREPARED_G2),
      loop: arena.alloc(GT),
      product: arena.alloc(GT),
    };
    const fn = (name: string) => arena.fn(name);
    fn("bn128_prepareG2")(g2(key.vk_gamma_2, "vk_gamma_2"), this.at.gamma);
    fn("bn128_prepareG2")(g2(key.vk_delta_2, "vk_delta_2"), this.at.delta);
    fn("bn128_prepareG1")(alpha, this.at.preparedP);
    fn("bn128_prepareG2")(beta, this.at.preparedQ);
    fn("bn128_millerLoop")(this.at.preparedP, this.at.preparedQ, this.at.loop);
    fn("bn128_finalExponentiation")(this.at.loop, this.at.alphaBeta);
  }

  /**
   * Reads a verification key.
   *
   * @throws ZkMarginError naming the field when the key is not a BN254 Groth16 key
   */
  static async create(key: Groth16VerificationKey): Promise<Groth16Checker> {
    if ((key.protocol !== undefined && key.protocol !== "groth16") || (key.curve !== undefined && key.curve !== "bn128")) {
      throw new ZkMarginError("verification key", `is ${key.protocol} on ${key.curve}, not groth16 on bn128`);
    }
    if (!Array.isArray(key.IC) || key.IC.length === 0) throw new ZkMarginError("verification key", "has no IC points");
    return new Groth16Checker(new Bn128Arena(await bn128Module()), key);
  }

  /** Whether `proof` verifies for `publicSignals` (false for malformed input, as snarkjs' verify). */
  check(proof: Groth16Proof, publicSignals: readonly string[]): boolean {
    const { arena, at, ic } = this;
    const fn = (name: string) => arena.fn(name);
    if (publicSignals.length !== ic.length - 1) return false;
    let a: Uint8Array;
    let b: Uint8Array;
    let c: Uint8Array;
    const scalars: bigint[] = [];
    try {
      a = g1Bytes(proof.pi_a, "pi_a");
      b = g2Bytes(proof.pi_b, "pi_b");
      c = g1Bytes(proof.pi_c, "pi_c");
      for (const signal of publicSignals) {
        const value = decimal(signal, "public signal");
        if (value >= BN254_R) return false;
        scalars.push(value);
      }
    } catch {
      return false;
    }
    arena.set(at.a, a);
    arena.set(at.b, b);
    arena.set(at.c, c);
    if (!fn("g1m_inCurve")(at.a) || !fn("g2m_inCurve")(at.b) || !fn("g1m_inCurve")(at.c)) return false;
    // vk_x = IC[0] + sum s_i IC[i]
    fn("g1m_copy")(ic[0]!, at.vkx);
    scalars.forEach((scalar, i) => {
      arena.set(at.scalar, bigIntToLittleEndian(scalar));
      fn("g1m_timesScalar")(ic[i + 1]!, at.scalar, N8, at.term);
      fn("g1m_add")(at.vkx, at.term, at.vkx);
    });
    fn("g1m_neg")(at.vkx, at.vkx);
    fn("g1m_neg")(at.c, at.c);
    // ML(A, B) ML(-vk_x, gamma) ML(-C, delta), then the final exponentiation.
    fn("bn128_prepareG1")(at.a, at.preparedP);
    fn("bn128_prepareG2")(at.b, at.preparedQ);
    fn("bn128_millerLoop")(at.preparedP, at.preparedQ, at.product);
    for (const [point, prepared] of [[at.vkx, at.gamma], [at.c, at.delta]] as const) {
      fn("bn128_prepareG1")(point, at.preparedP);
      fn("bn128_millerLoop")(at.preparedP, prepared, at.loop);
      fn("ftm_mul")(at.product, at.loop, at.product);
    }
    fn("bn128_finalExponentiation")(at.product, at.product);
    return fn("ftm_eq")(at.product, at.alphaBeta) === 1;
  }
}

function decimal(value: unknown, name: string): bigint {
  if (typeof value !== "string" || !/^[0-9]{1,78}$/.test(value)) throw new ZkMarginError(name, `is not a decimal number: ${String(value)}`);
  return BigInt(value);
}

/** A base-field coordinate in wasmcurves' Montgomery form. */
function coordinate(value: unknown, name: string): Uint8Array {
  const integer = decimal(value, name);
  if (integer >= BN254_Q) throw new ZkMarginError(name, "is not below the base field's modulus");
  return bigIntToLittleEndian((integer << 256n) % BN254_Q);
}

/** A G1 point [x, y, z] (decimal strings) as wasmcurves' Jacobian bytes. */
function g1Bytes(point: readonly unknown[], name: string): Uint8Array {
  if (!Array.isArray(point) || point.length !== 3) throw new ZkMarginError(name, "is not a projective G1 point [x, y, z]");
  const out = new Uint8Array(G1_JACOBIAN);
  point.forEach((value, i) => out.set(coordinate(value, `${name}[${i}]`), i * N8));
  return out;
}

/** A G2 point [[x0, x1], [y0, y1], [z0, z1]] as wasmcurves' Jacobian bytes. */
function g2Bytes(point: readonly (readonly unknown[])[], name: string): Uint8Array {
  if (!Array.isArray(point) || point.length !== 3 || point.some((pair) => !Array.isArray(pair) || pair.length !== 2)) throw new ZkMarginError(name, "is not a projective G2 point [[x0, x1], [y0, y1], [z0, z1]]");
  const out = new Uint8Array(G2_JACOBIAN);
  point.forEach((pair, i) => pair.forEach((value: unknown, k: number) => out.set(coordinate(value, `${name}[${i}][${k}]`), (2 * i + k) * N8)));
  return out;
}
