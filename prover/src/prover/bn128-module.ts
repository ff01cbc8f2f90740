import { buildBn128, type WasmModuleBuilder } from "ffjavascript";
import { addFft29Kernels } from "./fft29-kernels.ts";
import { addField29Kernels } from "./field29-kernels.ts";

let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * The BN254 arithmetic of ffjavascript (wasmcurves' bn128 module: Montgomery field ops, curve ops,
 * multi-exponentiations, FFTs, QAP helpers) plus zkmargin's batch-affine addition kernels (see
 * {@link addBatchAffineKernels}), compiled once per process. A WebAssembly.Module can be posted to worker
 * threads, which then instantiate it without recompiling. (Kept apart from bn128-wasm.ts: worker threads
 * must not import ffjavascript, whose web-worker dependency takes over any worker thread that loads it.)
 */
export function bn128Module(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const curve = await buildBn128(true, (builder) => {
      addBatchAffineKernels(builder);
      addField29Kernels(builder);
      addFft29Kernels(builder);
    });
    return WebAssembly.compile(curve.tm.code);
  })();
  return compiled;
}

/**
 * Adds `zkm_g1_batchAddAffine` and `zkm_g2_batchAddAffine(pTriples, n, pScratch)`: for each of n triples of
 * pointers (a, b, out) (i32 each), out = a + b for affine points a, b with different x coordinates, sharing
 * one field inversion among all n additions (Montgomery's trick): about 6 multiplications per addition
 * against 11 for a mixed projective addition. `pScratch` holds n field elements. The caller keeps the
 * inputs apart from the outputs and handles x(a) = x(b) itself.
 */
export function addBatchAffineKernels(module: WasmModuleBuilder): void {
  for (const [group, field, n8] of [["g1", "f1m", 32], ["g2", "f2m", 64]] as const) {
    const name = `zkm_${group}_batchAddAffine`;
    const f = module.addFunction(name);
    f.addParam("pTriples", "i32");
    f.addParam("n", "i32");
    f.addParam("pScratch", "i32");
    f.addLocal("i", "i32");
    f.addLocal("pA", "i32");
    f.addLocal("pB", "i32");
    f.addLocal("pOut", "i32");
    f.addLocal("pPrefix", "i32");
    const c = f.getCodeBuilder();
    const product = c.i32_const(module.alloc(n8));
    const dx = c.i32_const(module.alloc(n8));
    const inverse = c.i32_const(module.alloc(n8));
    const lambda = c.i32_const(module.alloc(n8));
    const x3 = c.i32_const(module.alloc(n8));
    const t = c.i32_const(module.alloc(n8));
    const triple = (what: number) => c.i32_load(c.i32_add(c.getLocal("pTriples"), c.i32_mul(c.getLocal("i"), c.i32_const(12))), what * 4);
    const load = [c.setLocal("pA", triple(0)), c.setLocal("pB", triple(1)), c.setLocal("pOut", triple(2)), c.setLocal("pPrefix", c.i32_add(c.getLocal("pScratch"), c.i32_mul(c.getLocal("i"), c.i32_const(n8))))];
    const yA = c.i32_add(c.getLocal("pA"), c.i32_const(n8));
    const yB = c.i32_add(c.getLocal("pB"), c.i32_const(n8));
    f.addCode(
      // Pass 1: scratch[i] = dx_0 ... dx_(i-1); product = dx_0 ... dx_(n-1).
      c.call(`${field}_one`, product),
      c.setLocal("i", c.i32_const(0)),
      c.block(c.loop(
        c.br_if(1, c.i32_eq(c.getLocal("i"), c.getLocal("n"))),
        ...load,
        c.call(`${field}_copy`, product, c.getLocal("pPrefix")),
        c.call(`${field}_sub`, c.getLocal("pB"), c.getLocal("pA"), dx),
        c.call(`${field}_mul`, product, dx, product),
        c.setLocal("i", c.i32_add(c.getLocal("i"), c.i32_const(1))),
        c.br(0),
      )),
      c.call(`${field}_inverse`, product, product),
      // Pass 2, backwards: 1/dx_i = product * scratch[i], then product *= dx_i (now 1/(dx_0 ... dx_(i-1))).
      c.setLocal("i", c.getLocal("n")),
      c.block(c.loop(
        c.br_if(1, c.i32_eq(c.getLocal("i"), c.i32_const(0))),
        c.setLocal("i", c.i32_sub(c.getLocal("i"), c.i32_const(1))),
        ...load,
        c.call(`${field}_sub`, c.getLocal("pB"), c.getLocal("pA"), dx),
        c.call(`${field}_mul`, product, c.getLocal("pPrefix"), inverse),
        c.call(`${field}_mul`, product, dx, product),
        // lambda = (yB - yA) / dx; x3 = lambda^2 - xA - xB; y3 = lambda (xA - x3) - yA
        c.call(`${field}_sub`, yB, yA, t),
        c.call(`${field}_mul`, t, inverse, lambda),
        c.call(`${field}_square`, lambda, x3),
        c.call(`${field}_sub`, x3, c.getLocal("pA"), x3),
        c.call(`${field}_sub`, x3, c.getLocal("pB"), x3),
        c.call(`${field}_sub`, c.getLocal("pA"), x3, t),
        c.call(`${field}_mul`, lambda, t, t),
        c.call(`${field}_sub`, t, yA, c.i32_add(c.getLocal("pOut"), c.i32_const(n8))),
        c.call(`${field}_copy`, x3, c.getLocal("pOut")),
        c.br(0),
      )),
    );
    module.exportFunction(name);
  }
}
