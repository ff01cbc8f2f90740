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
  /** The pool's ZKMARGIN_BUILD_DIR (the environment of worker threads is a copy taken at start). */
  readonly buildDir: string | undefined;
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
  if (data.buildDir !== undefined) process.env.ZKMARGIN_BUILD_DIR = data.buildDir;
  const { WarmProver } = await import("./warm-prover.ts");
  const prover = await WarmProver.load(data.circuitId, { threads: data.threads });
  await serveRequests<PoolRequest, PoolReply>(parentPort, async (request) => {
    const bundle = await prover.prove(request.input);
    return { value: { bundle, timings: prover.lastTimings } };
  });
}
