/**
 * Worker thread of the fast Groth16 prover: holds one shard of a proving key's base points (see MsmShard)
 * and answers multi-exponentiation requests. Started by groth16-prover.ts through TsWorker.
 */
import { parentPort, workerData } from "node:worker_threads";
import { MsmShard, type MsmName, type MsmPart, type MsmReply, type WindowShare } from "./msm-shard.ts";
import { serveRequests, workerPayload } from "./ts-worker.ts";

/** What the prover passes as workerData. */
export interface MsmWorkerData {
  readonly module: WebAssembly.Module;
  readonly parts: readonly MsmPart[];
}

/** One request: these multi-exponentiations over these scalars. */
export interface MsmRequest {
  readonly names: readonly MsmName[];
  readonly scalars: Uint8Array;
  readonly share: WindowShare;
}

if (parentPort) {
  const data = workerPayload(workerData) as MsmWorkerData;
  const shard = new MsmShard(data.module, data.parts);
  await serveRequests<MsmRequest, MsmReply>(parentPort, async (request) => {
    const value = shard.multiexp(request.names, request.scalars, request.share);
    return { value, transfer: value.points.map((point) => point.buffer as ArrayBuffer) };
  });
}
