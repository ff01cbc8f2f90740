import type { CircuitInput } from "../../prover/src/circuit/inputs.ts";
import type { CircuitRef, ProofStage, WorkerRequest, WorkerResponse } from "./protocol.ts";

/** A finished proof from the worker. */
export type WorkerProof = Extract<WorkerResponse, { type: "proved" }>;

/**
 * The page's handle on the proving worker (a module Web Worker, created on first use and kept warm).
 */
export class BrowserProver {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(proof: WorkerProof): void; reject(error: Error): void; onProgress(stage: ProofStage, message: string): void }>();

  /**
   * Proves `input` with circuit `circuitId` in the worker, which first loads (once) every circuit of
   * `circuits`, each checked against its manifest's sha256.
   *
   * @param onProgress called with each stage: artifacts, witness, proving, verifying
   * @throws Error with the worker's message (an artifact mismatch, an unsatisfied circuit ...)
   */
  prove(circuits: readonly CircuitRef[], circuitId: string, input: CircuitInput, onProgress: (stage: ProofStage, message: string) => void): Promise<WorkerProof> {
    const worker = this.ensureWorker();
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject, onProgress });
      const request: WorkerRequest = { type: "prove", requestId, circuits, circuitId, input };
      worker.postMessage(request);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./prove.worker.ts", import.meta.url), { type: "module", name: "zkmargin-prover" });
    worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
      const message = event.data;
      const pending = this.pending.get(message.requestId);
      if (!pending) return;
      if (message.type === "progress") return pending.onProgress(message.stage, message.message);
      this.pending.delete(message.requestId);
      if (message.type === "proved") pending.resolve(message);
      else pending.reject(new Error(message.message));
    };
    worker.onerror = (event) => {
      // A worker that fails to start or crashes: fail everything pending and start afresh next time.
      for (const pending of this.pending.values()) pending.reject(new Error(`the proving worker failed: ${event.message || "unknown error"}`));
      this.pending.clear();
      worker.terminate();
      this.worker = undefined;
    };
    this.worker = worker;
    return worker;
  }
}
