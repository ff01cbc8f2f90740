/**
 * Worker thread of the development Powers of Tau: multiplies the generators by batches of scalars with a
 * FixedBaseMultiplier. Started by prover/src/build/ptau.ts through TsWorker.
 */
import { parentPort, workerData } from "node:worker_threads";
import { FixedBaseMultiplier } from "./fixed-base.ts";
import { serveRequests, workerPayload } from "./ts-worker.ts";

/** One batch: k_i G for the scalars (32 bytes each, standard form, little endian). */
export interface FixedBaseRequest {
  readonly group: "g1" | "g2";
  readonly scalars: Uint8Array;
}

if (parentPort) {
  const multiplier = new FixedBaseMultiplier(workerPayload(workerData) as WebAssembly.Module);
  await serveRequests<FixedBaseRequest, Uint8Array>(parentPort, async (request) => {
    const value = multiplier.multiply(request.group, request.scalars);
    return { value, transfer: [value.buffer as ArrayBuffer] };
  });
}
