import type { WasmCodeBuilder, WasmModuleBuilder } from "ffjavascript";
import { FIELD29_BYTES, FR29, addLinearLocals, addMulLocals, linearCode, mulCode } from "./field29-kernels.ts";
import { BN254_R } from "../zkey.ts";

/**
 * Adds radix-2 number-theoretic transforms over Fr in the fast representation (field29-kernels.ts), for
 * the H polynomial of a proof (snarkjs' ifft, odd-coset shift, fft), without bit-reversal passes:
 *
 * - zkm_fr29_difTransform(p, n, pTwiddles): Gentleman-Sande (decimation in frequency), natural order in,
 *   bit-reversed order out; with twiddles w^-j it is the inverse transform without the 1/n.
 * - zkm_fr29_ditTransform(p, n, pTwiddles): Cooley-Tukey (decimation in time), bit-reversed order in,
 *   natural order out; with twiddles w^j the forward transform.
 * - zkm_fr29_batchMul(p, pTable, n): p[i] *= table[i].
 * - zkm_fr29_batchFromMontgomery(p256, p29, n); zkm_fr29_joinABC(a, b, c, n, p256): a b - c, standard form.
 *
 * pTwiddles holds w^j (or w^-j) for j < n/2, n a power of two, elements of 36 bytes.
 */
export function addFft29Kernels(module: WasmModuleBuilder): void {
  const temporary = module.alloc(FIELD29_BYTES);
  for (const kind of ["dif", "dit"] as const) {
    const name = `zkm_fr29_${kind}Transform`;
    const f = module.addFunction(name);
    f.addParam("p", "i32");
    f.addParam("n", "i32");
    f.addParam("tw", "i32");
    for (const local of ["len", "half", "stride", "i", "j", "pU", "pV", "pW"]) f.addLocal(local, "i32");
    addMulLocals(f);
    addLinearLocals(f);
    const c = f.getCodeBuilder();
    const mul = (x: number[], y: number[], r: number[]) => mulCode(c, FR29.limbs, FR29.mu, x, y, r);
    const add = (x: number[], y: number[], r: number[]) => linearCode(c, BN254_R, "add", [x, y], r);
    const sub = (x: number[], y: number[], r: number[]) => linearCode(c, BN254_R, "sub", [x, y], r);
    const get = (local: string) => c.getLocal(local);
    const t = c.i32_const(temporary);
    const bytes = (value: number[]) => c.i32_mul(value, c.i32_const(FIELD29_BYTES));
    const butterfly =
      kind === "dif"
        ? // (u, v) -> (u + v, (u - v) w)
          [...sub(get("pU"), get("pV"), t), ...add(get("pU"), get("pV"), get("pU")), ...mul(t, get("pW"), get("pV"))]
        : // (u, v) -> (u + v w, u - v w)
          [...mul(get("pV"), get("pW"), t), ...sub(get("pU"), t, get("pV")), ...add(get("pU"), t, get("pU"))];
    const stages = (body: number[][]) =>
      kind === "dif"
        ? [c.setLocal("len", get("n")), c.block(c.loop(c.br_if(1, c.i32_lt_u(get("len"), c.i32_const(2))), ...body, c.setLocal("len", c.i32_shr_u(get("len"), c.i32_const(1))), c.br(0)))]
        : [c.setLocal("len", c.i32_const(2)), c.block(c.loop(c.br_if(1, c.i32_gt_u(get("len"), get("n"))), ...body, c.setLocal("len", c.i32_shl(get("len"), c.i32_const(1))), c.br(0)))];
    f.addCode(
      ...stages([
        c.setLocal("half", c.i32_shr_u(get("len"), c.i32_const(1))),
        c.setLocal("stride", bytes(c.i32_div_u(get("n"), get("len")))),
        c.setLocal("i", c.i32_const(0)),
        c.block(c.loop(
          c.br_if(1, c.i32_ge_u(get("i"), get("n"))),
          c.setLocal("pU", c.i32_add(get("p"), bytes(get("i")))),
          c.setLocal("pV", c.i32_add(get("pU"), bytes(get("half")))),
          c.setLocal("pW", get("tw")),
          c.setLocal("j", c.i32_const(0)),
          c.block(c.loop(
            c.br_if(1, c.i32_ge_u(get("j"), get("half"))),
            ...butterfly,
            c.setLocal("pU", c.i32_add(get("pU"), c.i32_const(FIELD29_BYTES))),
            c.setLocal("pV", c.i32_add(get("pV"), c.i32_const(FIELD29_BYTES))),
            c.setLocal("pW", c.i32_add(get("pW"), get("stride"))),
            c.setLocal("j", c.i32_add(get("j"), c.i32_const(1))),
            c.br(0),
          )),
          c.setLocal("i", c.i32_add(get("i"), get("len"))),
          c.br(0),
        )),
      ]),
    );
    module.exportFunction(name);
  }
  elementLoop(module, "zkm_fr29_batchMul", ["p", "table", "n"], (c, at) => [c.call("zkm_fr29_mul", at("p", FIELD29_BYTES), at("table", FIELD29_BYTES), at("p", FIELD29_BYTES))]);
  elementLoop(module, "zkm_fr29_batchFromMontgomery", ["from", "to", "n"], (c, at) => [c.call("zkm_fr29_fromMontgomery", at("from", 32), at("to", FIELD29_BYTES))]);
  const product = module.alloc(FIELD29_BYTES);
  elementLoop(module, "zkm_fr29_joinABC", ["a", "b", "c", "n", "out"], (c, at) => [
    c.call("zkm_fr29_mul", at("a", FIELD29_BYTES), at("b", FIELD29_BYTES), c.i32_const(product)),
    c.call("zkm_fr29_sub", c.i32_const(product), at("c", FIELD29_BYTES), c.i32_const(product)),
    c.call("zkm_fr29_toStandard", c.i32_const(product), at("out", 32)),
  ]);
}

/** name(params...) with a parameter n: the body once per element i < n, given at(pointer, size) = pointer + i size. */
function elementLoop(module: WasmModuleBuilder, name: string, params: readonly string[], body: (c: WasmCodeBuilder, at: (pointer: string, size: number) => number[]) => number[][]): void {
  const f = module.addFunction(name);
  for (const param of params) f.addParam(param, "i32");
  f.addLocal("i", "i32");
  const c = f.getCodeBuilder();
  const at = (pointer: string, size: number) => c.i32_add(c.getLocal(pointer), c.i32_mul(c.getLocal("i"), c.i32_const(size)));
  f.addCode(
    c.setLocal("i", c.i32_const(0)),
    c.block(c.loop(
      c.br_if(1, c.i32_ge_u(c.getLocal("i"), c.getLocal("n"))),
      ...body(c, at),
      c.setLocal("i", c.i32_add(c.getLocal("i"), c.i32_const(1))),
      c.br(0),
    )),
  );
  module.exportFunction(name);
}
