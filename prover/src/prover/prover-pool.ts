import { availableParallelism } from "node:os";
import type { CircuitInput } from "../circuit/inputs.ts";
import { ZkMarginError } from "../core/errors.ts";
import type { PoolRequest, PoolReply, PoolWorkerData } from "./pool-worker.ts";
import { TsWorker, workerEntry } from "./ts-worker.ts";
import { Artifacts, type ArtifactsLocation } from "../artifacts/store.ts";
import type { ProofBundle, ProofTimings } from "./warm-prover.ts";

/** Options of {@link ProverPool.load}. */
export interface ProverPoolOptions {
  /** Worker threads, each with its own warm prover (default: the machine's available parallelism). */
  readonly workers?: number;
  /** Threads of each worker's prover (default 1: each proof runs in its worker's thread). */
  readonly threadsPerWorker?: number;
  /** Where the circuit's artifacts are (default: $ZKMARGIN_ARTIFACTS, else the build folder). */
  readonly artifacts?: ArtifactsLocation | Artifacts;
}

interface Slot {
  readonly worker: TsWorker<PoolRequest, PoolReply>;
  busy: number;
}

/**
 * Proves many accounts of one circuit in parallel: a set of worker threads, each holding a warm prover of the
 * circuit (artifacts checked against the build manifest, proving key parsed once). For protocols that
 * attest many accounts per round; a single proof is no faster than with a WarmProver, the throughput is.
 * Close it when done.
 *
 * @example
 * const pool = await ProverPool.load("margin_n16_m16", { workers: 2 });
 * const bundles = await pool.proveAll(inputs);
 * await pool.close();
 */
export class ProverPool {
  /** Timings of the most recent proof of each worker. */
  readonly lastTimings: ProofTimings[];
  private readonly slots: Slot[];
  private closed = false;
  readonly circuit: string;

  private constructor(circuit: string, slots: Slot[]) {
    this.circuit = circuit;
    this.slots = slots;
    this.lastTimings = slots.map(() => ({ witnessMs: 0, proveMs: 0 }));
  }

  /**
   * Starts the workers and loads the circuit in each.
   *
   * @param circuitId a proving circuit built by `zkmargin build`
   * @throws ZkMarginError when the circuit is not built or its artifacts do not match the manifest
   */
  static async load(circuitId: string, options: ProverPoolOptions = {}): Promise<ProverPool> {
    const count = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
    const artifacts = Artifacts.at(options.artifacts);
    // Checked here once, so that a missing or tampered artifact is reported as such rather than as a worker failure.
    await artifacts.manifest(circuitId);
    const data: PoolWorkerData = { circuitId, threads: Math.max(1, Math.floor(options.threadsPerWorker ?? 1)), artifacts: artifacts.location, indexSha256: artifacts.indexSha256 };
    const entry = workerEntry("./pool-worker", import.meta.url);
    const slots = Array.from({ length: count }, () => ({ worker: new TsWorker<PoolRequest, PoolReply>(entry, data), busy: 0 }));
    try {
      await Promise.all(slots.map((slot) => slot.worker.started()));
    } catch (error) {
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
      throw error instanceof ZkMarginError ? error : new ZkMarginError(`circuit ${circuitId}`, `prover pool failed to start: ${error instanceof Error ? error.message : String(error)}`);
    }
    return new ProverPool(circuitId, slots);
  }

  /** Number of workers. */
  get size(): number {
    return this.slots.length;
  }

  /**
   * Proves one input on the least busy worker.
   *
   * @throws ZkMarginError when the input does not satisfy the circuit
   */
  async prove(input: CircuitInput): Promise<ProofBundle> {
    if (this.closed) throw new ZkMarginError(`circuit ${this.circuit}`, "prover pool is closed");
    let chosen = 0;
    for (let i = 1; i < this.slots.length; i++) if (this.slots[i]!.busy < this.slots[chosen]!.busy) chosen = i;
    const slot = this.slots[chosen]!;
    slot.busy++;
    try {
      const reply = await slot.worker.call({ input });
      this.lastTimings[chosen] = reply.timings;
      return reply.bundle;
    } finally {
      slot.busy--;
    }
  }

  /** Proves every input, spread over the workers; the bundles come back in the order of the inputs. */
  proveAll(inputs: readonly CircuitInput[]): Promise<ProofBundle[]> {
    return Promise.all(inputs.map((input) => this.prove(input)));
  }

  /** Ends the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
