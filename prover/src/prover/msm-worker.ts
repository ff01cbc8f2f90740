/**
 * Worker thread of the fast Groth16 prover: holds one shard of a proving key's base points (see MsmShard)
 * and answers multi-exponentiation requests. Started by groth16-prover.ts through TsWorker.
 */
import { parentPort, workerData } from "node:worker_threads";
import { MsmShard, type MsmName, type MsmPart, type WindowShare } from "./msm-shard.ts";
import { serveRequests, workerPayload } from "./ts-worker.ts";

/** What the prover passes as workerData. */
export interface MsmWorkerData {
  readonly module: WebAssembly.Module;
  readonly parts: readonly MsmPart[];
  readonly share: WindowShare;
}

/** One request: these multi-exponentiations over these scalars. */
export interface MsmRequest {
  readonly names: readonly MsmName[];
  readonly scalars: Uint8Array;
}

/** The reply: one projective point per name, and the milliseconds each took in this worker. */
export interface MsmReply {
  readonly points: Uint8Array[];
  readonly ms: number[];
}

if (parentPort) {
  const data = workerPayload(workerData) as MsmWorkerData;
  const shard = new MsmShard(data.module, data.parts, data.share);
  await serveRequests<MsmRequest, MsmReply>(parentPort, async (request) => {
    const points = shard.multiexp(request.names, request.scalars);
    return { value: { points, ms: shard.lastMs }, transfer: points.map((point) => point.buffer as ArrayBuffer) };
  });
}
