import type { WasmCodeBuilder, WasmFunctionBuilder, WasmModuleBuilder } from "ffjavascript";
import { buildBatchAddition } from "./batch-add-kernel.ts";
import { powMod } from "../../core/field.ts";
import { BN254_Q, BN254_R } from "../zkey.ts";

/** Bits per limb of the fast base-field representation. */
export const LIMB_BITS = 29;
/** Limbs per field element: 9 x 29 = 261 bits, R = 2^261. */
export const LIMBS = 9;
/** Bytes of one field element in the fast representation (one u32 per limb). */
export const FIELD29_BYTES = LIMBS * 4;

const MASK = (1n << BigInt(LIMB_BITS)) - 1n;
const R_BITS = BigInt(LIMB_BITS * LIMBS);

/** The limbs of a non-negative integer below 2^261. */
export function toLimbs(value: bigint): bigint[] {
  return Array.from({ length: LIMBS }, (_, k) => (value >> BigInt(LIMB_BITS * k)) & MASK);
}

/** -p^-1 mod 2^29, the Montgomery factor of one limb. */
function montgomeryFactor(p: bigint): bigint {
  let inverse = 1n;
  const modulus = 1n << BigInt(LIMB_BITS);
  // Newton's iteration for p^-1 mod 2^29 (p is odd): each step doubles the correct low bits.
  for (let i = 0; i < 5; i++) inverse = (inverse * (2n - p * inverse)) % modulus;
  return (modulus - ((inverse % modulus) + modulus) % modulus) % modulus;
}

/** An element's limbs as static data of the module (zeros after it up to `bytes`); returns its address. */
function constantElement(module: WasmModuleBuilder, value: bigint, size = FIELD29_BYTES): number {
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  toLimbs(value).forEach((limb, k) => view.setUint32(k * 4, Number(limb), true));
  return module.alloc(size, bytes);
}

/**
 * Adds zkmargin's fast field kernels to the bn128 module: BN254's Fq (prefix zkm_fq29) and Fr (zkm_fr29)
 * in 9 limbs of 29 bits, one u32 per limb, Montgomery form with R = 2^261 (wasmcurves uses 8 limbs of 32
 * bits, R = 2^256). With 29-bit limbs a 58-bit product leaves room in an i64 to add 18 of them without
 * carrying, so a Montgomery multiplication is 81 + 81 multiply-adds and one carry pass at the end, against
 * wasmcurves' carry handling after every 32 x 32 product; and since 4p < 2^261 nothing is reduced inside a
 * product (a product of two values below 8p is below 2p). Every element these functions store is below
 * 2p with normalised limbs; `canon` brings one below p.
 *
 * Functions (pointers to elements; outputs may alias inputs), for each prefix:
 * - _mul(x, y, r), _add, _sub, _canon(x, r)
 * - _fromMontgomery(x256, r): wasmcurves' Montgomery element (x 2^256) to x 2^261, canonical
 * - _toMontgomery(x, r256): back, canonical; _toStandard(x, r256): x itself, canonical, 8 x 32 bits
 * - _inverse(x, r) (through wasmcurves' f1m_inverse / frm_inverse)
 * - _addLazy, _subLazy, _subSub, _subCanon, _subSubCanon: sums with their own bounds (see below)
 * and the same with zkm_fq2_29 (and _inverse) for Fq2 = Fq[u]/(u^2 + 1), and zkm_g1_batchAdd29(pTriples, n,
 * pScratch) and zkm_g2_batchAdd29: as zkm_g?_batchAddAffine (see bn128-module.ts) on affine points in this
 * representation (x then y), inputs and outputs canonical.
 */
export function addField29Kernels(module: WasmModuleBuilder): void {
  for (const [prefix, p, slowInverse] of [["zkm_fq29", BN254_Q, "f1m_inverse"], ["zkm_fr29", BN254_R, "frm_inverse"]] as const) {
    const limbs = toLimbs(p);
    const constant = (value: bigint) => constantElement(module, value);
    buildMul(module, prefix, limbs, montgomeryFactor(p));
    for (const op of Object.keys(LINEAR) as LinearOp[]) buildLinear(module, `${prefix}_${op}`, p, op);
    // fromMontgomery: (x 2^256) K / 2^261 = x 2^261 for K = 2^266; toMontgomery: K = 2^256; toStandard: K = 1.
    buildConversions(module, prefix, constant(powMod(2n, R_BITS + 5n, p)), constant(powMod(2n, 256n, p)), constant(1n));
    buildInverse(module, `${prefix}_inverse`, slowInverse, 1, prefix);
  }
  buildFq2(module);
  buildInverse(module, "zkm_fq2_29_inverse", "f2m_inverse", 2, "zkm_fq29");
  buildBatchAdd(module, "g1", FIELD29_BYTES);
  buildBatchAdd(module, "g2", 2 * FIELD29_BYTES);
}

/** Signed carry pass over limb locals d0..d8: every limb but the top one ends in [0, 2^29). */
function normalise(c: WasmCodeBuilder, prefix: string, signed: boolean): number[][] {
  const code: number[][] = [];
  for (let k = 0; k < LIMBS - 1; k++) {
    const shifted = signed ? c.i64_shr_s(c.getLocal(`${prefix}${k}`), c.i64_const(LIMB_BITS)) : c.i64_shr_u(c.getLocal(`${prefix}${k}`), c.i64_const(LIMB_BITS));
    code.push(c.setLocal(`${prefix}${k + 1}`, c.i64_add(c.getLocal(`${prefix}${k + 1}`), shifted)));
    code.push(c.setLocal(`${prefix}${k}`, c.i64_and(c.getLocal(`${prefix}${k}`), c.i64_const(MASK))));
  }
  return code;
}

/**
 * d = d - m if that is not negative (d in locals d0..d8, normalised; m given by limbs), without a branch:
 * e = d - m, normalised; the sign of its top limb picks.
 */
function conditionalSubtract(c: WasmCodeBuilder, m: readonly bigint[]): number[][] {
  const code: number[][] = [];
  for (let k = 0; k < LIMBS; k++) code.push(c.setLocal(`e${k}`, c.i64_sub(c.getLocal(`d${k}`), c.i64_const(m[k]!))));
  code.push(...normalise(c, "e", true));
  code.push(c.setLocal("sign", c.i64_shr_s(c.getLocal(`e${LIMBS - 1}`), c.i64_const(63))));
  for (let k = 0; k < LIMBS; k++) {
    // sign = -1 (d < m): keep d; sign = 0: take e.
    code.push(c.setLocal(`d${k}`, c.i64_xor(c.getLocal(`e${k}`), c.i64_and(c.i64_xor(c.getLocal(`e${k}`), c.getLocal(`d${k}`)), c.getLocal("sign")))));
  }
  return code;
}

function addLimbLocals(f: WasmFunctionBuilder, prefix: string): void {
  for (let k = 0; k < LIMBS; k++) f.addLocal(`${prefix}${k}`, "i64");
}

/** Declares the locals {@link mulCode} uses (once per function, however many products it inlines). */
export function addMulLocals(f: WasmFunctionBuilder): void {
  addLimbLocals(f, "y");
  addLimbLocals(f, "t");
  f.addLocal("xi", "i64");
  f.addLocal("m", "i64");
  f.addLocal("tmp", "i64");
}

/**
 * The Montgomery product r = x y / 2^261 mod p (below 2p for x, y below 8p) as straight-line code over the
 * locals of {@link addMulLocals}, so a kernel can inline it; x, y and r are address expressions (r may
 * equal x or y: y is read first, x limb by limb, r written last).
 */
export function mulCode(c: WasmCodeBuilder, q: readonly bigint[], mu: bigint, x: number[], y: number[], r: number[]): number[][] {
  const code: number[][] = [];
  for (let j = 0; j < LIMBS; j++) code.push(c.setLocal(`y${j}`, c.i64_load32_u(y, j * 4)));
  // t = (t + x_i y + m q) / 2^29 for each limb x_i, m chosen to clear the low limb (CIOS, carries deferred).
  for (let i = 0; i < LIMBS; i++) {
    code.push(c.setLocal("xi", c.i64_load32_u(x, i * 4)));
    const low = c.i64_mul(c.getLocal("xi"), c.getLocal("y0"));
    // The accumulators start at 0: the first round adds none of them (and need not be cleared between products).
    code.push(c.setLocal("tmp", i === 0 ? low : c.i64_add(c.getLocal("t0"), low)));
    code.push(c.setLocal("m", c.i64_and(c.i64_mul(c.getLocal("tmp"), c.i64_const(mu)), c.i64_const(MASK))));
    code.push(c.setLocal("tmp", c.i64_add(c.getLocal("tmp"), c.i64_mul(c.getLocal("m"), c.i64_const(q[0]!)))));
    for (let j = 1; j < LIMBS; j++) {
      let sum = c.i64_add(c.i64_mul(c.getLocal("xi"), c.getLocal(`y${j}`)), c.i64_mul(c.getLocal("m"), c.i64_const(q[j]!)));
      // t8 stays 0 (the accumulators hold every carry), so the top limb takes no previous value.
      if (j < LIMBS - 1 && i > 0) sum = c.i64_add(sum, c.getLocal(`t${j}`));
      if (j === 1) sum = c.i64_add(sum, c.i64_shr_u(c.getLocal("tmp"), c.i64_const(LIMB_BITS)));
      code.push(c.setLocal(`t${j - 1}`, sum));
    }
  }
  // The carry pass adds into t8, which may hold the previous inlined product's top limb.
  code.push(c.setLocal(`t${LIMBS - 1}`, c.i64_const(0)));
  code.push(...normalise(c, "t", false));
  for (let k = 0; k < LIMBS; k++) code.push(c.i64_store32(r, k * 4, c.getLocal(`t${k}`)));
  return code;
}

/** The modulus' limbs and Montgomery factor, for the kernels that inline products. */
export interface Field29 {
  readonly limbs: readonly bigint[];
  readonly mu: bigint;
}

/** BN254's Fq and Fr as {@link mulCode} takes them. */
export const FQ29: Field29 = { limbs: toLimbs(BN254_Q), mu: montgomeryFactor(BN254_Q) };
export const FR29: Field29 = { limbs: toLimbs(BN254_R), mu: montgomeryFactor(BN254_R) };

function buildMul(module: WasmModuleBuilder, prefix: string, q: readonly bigint[], mu: bigint): void {
  const name = `${prefix}_mul`;
  const f = module.addFunction(name);
  f.addParam("x", "i32");
  f.addParam("y", "i32");
  f.addParam("r", "i32");
  addMulLocals(f);
  const c = f.getCodeBuilder();
  f.addCode(...mulCode(c, q, mu, c.getLocal("x"), c.getLocal("y"), c.getLocal("r")));
  module.exportFunction(name);
}

/**
 * The sums the kernels use: signs . inputs + offset p, limbs normalised, then less each reduction (a
 * multiple of p) where that stays non-negative. Inputs below 2p unless said.
 */
const LINEAR = {
  /** a + b, a - b: below 2p. canon: a below 2p to [0, p). */
  add: { signs: [1, 1], offset: 0n, reductions: [2n] },
  sub: { signs: [1, -1], offset: 2n, reductions: [2n] },
  canon: { signs: [1], offset: 0n, reductions: [1n] },
  /** For products only (mul takes up to 8p): a + b and a - b + 2p, below 4p, unreduced. */
  addLazy: { signs: [1, 1], offset: 0n, reductions: [] },
  subLazy: { signs: [1, -1], offset: 2n, reductions: [] },
  /** a - b - c + 4p, below 6p, back below 2p. */
  subSub: { signs: [1, -1, -1], offset: 4n, reductions: [4n, 2n] },
  /** a - b + p for b below p: below 3p, to [0, p). a - b - c + 2p for b, c below p: below 4p, to [0, p). */
  subCanon: { signs: [1, -1], offset: 1n, reductions: [2n, 1n] },
  subSubCanon: { signs: [1, -1, -1], offset: 2n, reductions: [2n, 1n] },
} as const satisfies Record<string, { signs: readonly (1 | -1)[]; offset: bigint; reductions: readonly bigint[] }>;

/** A sum of {@link LINEAR}. */
export type LinearOp = keyof typeof LINEAR;

/** Declares the locals {@link linearCode} uses. */
export function addLinearLocals(f: WasmFunctionBuilder): void {
  addLimbLocals(f, "d");
  addLimbLocals(f, "e");
  f.addLocal("sign", "i64");
}

/** The sum `op` over modulus p as inline code (inputs and r are address expressions; r may equal any input). */
export function linearCode(c: WasmCodeBuilder, p: bigint, op: LinearOp, inputs: readonly number[][], r: number[]): number[][] {
  const { signs, offset, reductions } = LINEAR[op];
  if (inputs.length !== signs.length) throw new Error(`${op}: ${signs.length} inputs, not ${inputs.length}`);
  const code: number[][] = [];
  const constant = toLimbs(offset * p);
  for (let k = 0; k < LIMBS; k++) {
    let sum = c.i64_load32_u(inputs[0]!, k * 4);
    for (let i = 1; i < inputs.length; i++) {
      const term = c.i64_load32_u(inputs[i]!, k * 4);
      sum = signs[i] === 1 ? c.i64_add(sum, term) : c.i64_sub(sum, term);
    }
    if (constant[k] !== 0n) sum = c.i64_add(sum, c.i64_const(constant[k]!));
    code.push(c.setLocal(`d${k}`, sum));
  }
  code.push(...normalise(c, "d", true));
  for (const multiple of reductions) code.push(...conditionalSubtract(c, toLimbs(multiple * p)));
  for (let k = 0; k < LIMBS; k++) code.push(c.i64_store32(r, k * 4, c.getLocal(`d${k}`)));
  return code;
}

/** name(x0, x1, ..., r): the sum `op` as a function. */
function buildLinear(module: WasmModuleBuilder, name: string, p: bigint, op: LinearOp): void {
  const f = module.addFunction(name);
  const inputs = LINEAR[op].signs.map((_, i) => `x${i}`);
  for (const input of inputs) f.addParam(input, "i32");
  f.addParam("r", "i32");
  addLinearLocals(f);
  const c = f.getCodeBuilder();
  f.addCode(...linearCode(c, p, op, inputs.map((input) => c.getLocal(input)), c.getLocal("r")));
  module.exportFunction(name);
}

/** Copies `words` u32 words as inline code. */
function copyCode(c: WasmCodeBuilder, from: number[], to: number[], words: number): number[][] {
  return Array.from({ length: words }, (_, k) => c.i32_store(to, k * 4, c.i32_load(from, k * 4)));
}

function buildConversions(module: WasmModuleBuilder, prefix: string, toFast: number, toSlow: number, one: number): void {
  // 8 x 32 bits to 9 x 29 bits (the integer unchanged), then times 2^5 (a Montgomery product with 2^266).
  const from = module.addFunction(`${prefix}_fromMontgomery`);
  from.addParam("x", "i32");
  from.addParam("r", "i32");
  const c = from.getCodeBuilder();
  const limbs = module.alloc(FIELD29_BYTES); // the split goes here first: r may alias x
  const split: number[][] = [];
  for (let k = 0; k < LIMBS; k++) {
    const bit = k * LIMB_BITS;
    const word = bit >> 5;
    const shift = bit & 31;
    // Two words when the limb straddles them (the top word alone: the integer is below 2^256).
    const source = word < 7 ? c.i64_load(c.getLocal("x"), word * 4, 2) : c.i64_load32_u(c.getLocal("x"), word * 4);
    split.push(c.i64_store32(c.i32_const(limbs), k * 4, c.i64_and(c.i64_shr_u(source, c.i64_const(shift)), c.i64_const(MASK))));
  }
  from.addCode(...split, c.call(`${prefix}_mul`, c.i32_const(limbs), c.i32_const(toFast), c.getLocal("r")), c.call(`${prefix}_canon`, c.getLocal("r"), c.getLocal("r")));
  module.exportFunction(`${prefix}_fromMontgomery`);
  // Times 2^-5 (a Montgomery product with 2^256), or times 2^-261 (with 1), canonical, then packed into 8 x 32.
  buildPack(module, `${prefix}_toMontgomery`, prefix, toSlow);
  buildPack(module, `${prefix}_toStandard`, prefix, one);
}

/** name(x, r256): x K / 2^261, canonical, packed from 9 x 29 bits into 8 x 32. */
function buildPack(module: WasmModuleBuilder, name: string, prefix: string, factor: number): void {
  const f = module.addFunction(name);
  f.addParam("x", "i32");
  f.addParam("r", "i32");
  f.addLocal("acc", "i64");
  const c = f.getCodeBuilder();
  const scratch = module.alloc(FIELD29_BYTES);
  const pack: number[][] = [c.call(`${prefix}_mul`, c.getLocal("x"), c.i32_const(factor), c.i32_const(scratch)), c.call(`${prefix}_canon`, c.i32_const(scratch), c.i32_const(scratch))];
  let bits = 0;
  let word = 0;
  pack.push(c.setLocal("acc", c.i64_const(0)));
  for (let k = 0; k < LIMBS && word < 8; k++) {
    pack.push(c.setLocal("acc", c.i64_or(c.getLocal("acc"), c.i64_shl(c.i64_load32_u(c.i32_const(scratch), k * 4), c.i64_const(bits)))));
    bits += LIMB_BITS;
    while (bits >= 32 && word < 8) {
      pack.push(c.i64_store32(c.getLocal("r"), word * 4, c.getLocal("acc")));
      pack.push(c.setLocal("acc", c.i64_shr_u(c.getLocal("acc"), c.i64_const(32))));
      bits -= 32;
      word++;
    }
  }
  f.addCode(...pack);
  module.exportFunction(name);
}

/** Inverse through wasmcurves: to its form, its inverse, back (components: 1 for Fq, 2 for Fq2). */
function buildInverse(module: WasmModuleBuilder, name: string, slowInverse: string, components: number, prefix: string): void {
  const f = module.addFunction(name);
  f.addParam("x", "i32");
  f.addParam("r", "i32");
  const c = f.getCodeBuilder();
  const slow = module.alloc(32 * components);
  const code: number[][] = [];
  for (let k = 0; k < components; k++) code.push(c.call(`${prefix}_toMontgomery`, c.i32_add(c.getLocal("x"), c.i32_const(k * FIELD29_BYTES)), c.i32_const(slow + 32 * k)));
  code.push(c.call(slowInverse, c.i32_const(slow), c.i32_const(slow)));
  for (let k = 0; k < components; k++) code.push(c.call(`${prefix}_fromMontgomery`, c.i32_const(slow + 32 * k), c.i32_add(c.getLocal("r"), c.i32_const(k * FIELD29_BYTES))));
  f.addCode(...code);
  module.exportFunction(name);
}

/** Fq2 = Fq[u]/(u^2 + 1) on pairs of elements (c0 at 0, c1 at 36): mul (Karatsuba); the linear ones by component. */
function buildFq2(module: WasmModuleBuilder): void {
  const at = (c: WasmCodeBuilder, pointer: string, k: number) => (k === 0 ? c.getLocal(pointer) : c.i32_add(c.getLocal(pointer), c.i32_const(FIELD29_BYTES)));
  for (const [op, arity] of [["add", 2], ["sub", 2], ["canon", 1], ["addLazy", 2], ["subLazy", 2], ["subSub", 3], ["subCanon", 2], ["subSubCanon", 3]] as const) {
    const name = `zkm_fq2_29_${op}`;
    const f = module.addFunction(name);
    const params = [...["a", "b", "d"].slice(0, arity), "r"];
    for (const param of params) f.addParam(param, "i32");
    const c = f.getCodeBuilder();
    f.addCode(...[0, 1].map((k) => c.call(`zkm_fq29_${op}`, ...params.map((param) => at(c, param, k)))));
    module.exportFunction(name);
  }
  const f = module.addFunction("zkm_fq2_29_mul");
  f.addParam("a", "i32");
  f.addParam("b", "i32");
  f.addParam("r", "i32");
  addMulLocals(f);
  addLinearLocals(f);
  const c = f.getCodeBuilder();
  const t0 = c.i32_const(module.alloc(FIELD29_BYTES));
  const t1 = c.i32_const(module.alloc(FIELD29_BYTES));
  const s0 = c.i32_const(module.alloc(FIELD29_BYTES));
  const s1 = c.i32_const(module.alloc(FIELD29_BYTES));
  const mul = (x: number[], y: number[], r: number[]) => mulCode(c, FQ29.limbs, FQ29.mu, x, y, r);
  f.addCode(
    // c0 = a0 b0 - a1 b1; c1 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1 (r may alias a or b: inputs read first)
    ...mul(at(c, "a", 0), at(c, "b", 0), t0),
    ...mul(at(c, "a", 1), at(c, "b", 1), t1),
    ...linearCode(c, BN254_Q, "addLazy", [at(c, "a", 0), at(c, "a", 1)], s0),
    ...linearCode(c, BN254_Q, "addLazy", [at(c, "b", 0), at(c, "b", 1)], s1),
    ...mul(s0, s1, s0),
    ...linearCode(c, BN254_Q, "subSub", [s0, t0, t1], at(c, "r", 1)),
    ...linearCode(c, BN254_Q, "sub", [t0, t1], at(c, "r", 0)),
  );
  module.exportFunction("zkm_fq2_29_mul");
  // a^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u: two Fq products where the product takes three.
  const square = module.addFunction("zkm_fq2_29_square");
  square.addParam("a", "i32");
  square.addParam("r", "i32");
  addMulLocals(square);
  addLinearLocals(square);
  const q = square.getCodeBuilder();
  const [sum, difference, cross] = [0, 1, 2].map(() => q.i32_const(module.alloc(FIELD29_BYTES)));
  const a0 = q.getLocal("a");
  const a1 = q.i32_add(q.getLocal("a"), q.i32_const(FIELD29_BYTES));
  square.addCode(
    ...linearCode(q, BN254_Q, "addLazy", [a0, a1], sum!),
    ...linearCode(q, BN254_Q, "subLazy", [a0, a1], difference!),
    ...mulCode(q, FQ29.limbs, FQ29.mu, a0, a1, cross!),
    ...mulCode(q, FQ29.limbs, FQ29.mu, sum!, difference!, q.getLocal("r")),
    ...linearCode(q, BN254_Q, "add", [cross!, cross!], q.i32_add(q.getLocal("r"), q.i32_const(FIELD29_BYTES))),
  );
  module.exportFunction("zkm_fq2_29_square");
}

/** The batch-affine addition (see buildBatchAddition) over the fast representation, every step inlined but Fq2's product. */
function buildBatchAdd(module: WasmModuleBuilder, group: "g1" | "g2", n8: number): void {
  const second = (c: WasmCodeBuilder, pointer: number[]) => c.i32_add(pointer, c.i32_const(FIELD29_BYTES));
  // A sum over the coordinate's components (one for Fq, two for Fq2).
  const sum = (op: LinearOp) => (c: WasmCodeBuilder, ...args: number[][]) => {
    const r = args.at(-1)!;
    const inputs = args.slice(0, -1);
    const first = linearCode(c, BN254_Q, op, inputs, r);
    return group === "g1" ? first : [...first, ...linearCode(c, BN254_Q, op, inputs.map((input) => second(c, input)), second(c, r))];
  };
  // One in this representation, 2^261 mod q, as static data (Fq2's one: that and a zero component).
  const one = constantElement(module, powMod(2n, R_BITS, BN254_Q), n8);
  buildBatchAddition(module, `zkm_${group}_batchAdd29`, {
    n8,
    declare: (f) => {
      addMulLocals(f);
      addLinearLocals(f);
    },
    one: (c, r) => copyCode(c, c.i32_const(one), r, n8 / 4),
    copy: (c, from, to) => copyCode(c, from, to, n8 / 4),
    difference: sum("subLazy"),
    mul: (c, x, y, r) => (group === "g1" ? mulCode(c, FQ29.limbs, FQ29.mu, x, y, r) : [c.call("zkm_fq2_29_mul", x, y, r)]),
    ...(group === "g2" ? { square: (c: WasmCodeBuilder, x: number[], r: number[]) => [c.call("zkm_fq2_29_square", x, r)] } : {}),
    inverse: (c, x, r) => [c.call(group === "g1" ? "zkm_fq29_inverse" : "zkm_fq2_29_inverse", x, r)],
    x3: sum("subSubCanon"),
    y3: sum("subCanon"),
  });
}
