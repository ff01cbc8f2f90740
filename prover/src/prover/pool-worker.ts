/**
 * Worker thread of a ProverPool: one warm prover of one circuit, proving the inputs it is sent.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { CircuitInput } from "../circuit/inputs.ts";
import { serveRequests, workerPayload } from "./ts-worker.ts";
import type { ProofBundle, ProofTimings } from "./warm-prover.ts";

/** What the pool passes to each worker. */
export interface PoolWorkerData {
  readonly circuitId: string;
  readonly threads: number;
  /** The pool's artifacts location (a folder or bundle URL) and its pinned index sha256. */
  readonly artifacts: string;
  readonly indexSha256: string | undefined;
}

/** One proof to make. */
export interface PoolRequest {
  readonly input: CircuitInput;
}

/** A proof and its timings. */
export interface PoolReply {
  readonly bundle: ProofBundle;
  readonly timings: ProofTimings;
}

if (parentPort) {
  const data = workerPayload(workerData) as PoolWorkerData;
  const { WarmProver } = await import("./warm-prover.ts");
  const { Artifacts } = await import("../artifacts/store.ts");
  const artifacts = Artifacts.at(data.artifacts, data.indexSha256 === undefined ? {} : { indexSha256: data.indexSha256 });
  const prover = await WarmProver.load(data.circuitId, { threads: data.threads, artifacts });
  await serveRequests<PoolRequest, PoolReply>(parentPort, async (request) => {
    const bundle = await prover.prove(request.input);
    return { value: { bundle, timings: prover.lastTimings } };
  });
}
