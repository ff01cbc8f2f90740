import { buildBn128 } from "ffjavascript";

let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * The BN254 arithmetic of ffjavascript (wasmcurves' bn128 module: Montgomery field ops, curve ops,
 * multi-exponentiations, FFTs, QAP helpers) compiled once per process. A WebAssembly.Module can be posted
 * to worker threads, which then instantiate it without recompiling. (Kept apart from bn128-wasm.ts: worker
 * threads must not import ffjavascript, whose web-worker dependency takes over any worker thread that
 * loads it.)
 */
export function bn128Module(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const curve = await buildBn128(true);
    return WebAssembly.compile(curve.tm.code);
  })();
  return compiled;
}
