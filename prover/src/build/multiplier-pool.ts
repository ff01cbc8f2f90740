import { FixedBaseMultiplier } from "../prover/fixed-base.ts";
import type { FixedBaseRequest } from "../prover/fixed-base-worker.ts";
import { TsWorker, workerEntry } from "../prover/ts-worker.ts";

/** Scalars per request: small enough that progress moves every fraction of a second, large enough to amortise the message. */
const CHUNK_SCALARS = 4096;

/** k_i G for batches of scalars, spread over worker threads: what the known-tau ptau and zkey are made of. */
export interface MultiplierPool {
  /**
   * The products k_i G as affine points (Montgomery form, little endian: the layout of snarkjs' files).
   *
   * @param scalars n scalars of 32 bytes, standard form, little endian, each below the group order
   * @param onProgress called with the number of products finished after each chunk
   */
  multiply(group: "g1" | "g2", scalars: Uint8Array, onProgress?: (done: number) => void): Promise<Uint8Array>;
  /** Builds every thread's tables of both groups now (for example while the caller computes the scalars). */
  warmUp(): Promise<void>;
  /** Ends the worker threads (and with them the scalars they were sent). */
  close(): Promise<void>;
}

/**
 * Starts a pool of `threads` fixed-base multipliers (see {@link FixedBaseMultiplier}); with one thread it
 * multiplies in this thread, chunk by chunk, yielding to the event loop between chunks so that progress
 * timers still fire.
 *
 * @param module the compiled bn128 module (see bn128Module)
 */
export function startMultiplierPool(module: WebAssembly.Module, threads: number): MultiplierPool {
  const chunks = (scalars: Uint8Array) => {
    const out: Uint8Array[] = [];
    for (let offset = 0; offset < scalars.byteLength; offset += CHUNK_SCALARS * 32) out.push(scalars.subarray(offset, offset + CHUNK_SCALARS * 32));
    return out;
  };
  if (threads <= 1) {
    const multiplier = new FixedBaseMultiplier(module);
    return {
      async multiply(group, scalars, onProgress) {
        const results: Uint8Array[] = [];
        let done = 0;
        for (const chunk of chunks(scalars)) {
          results.push(multiplier.multiply(group, chunk));
          done += chunk.byteLength / 32;
          onProgress?.(done);
          await new Promise((resolve) => setImmediate(resolve));
        }
        return concat(results);
      },
      // One thread: the tables are made on first use (making them now would block the caller).
      warmUp: async () => undefined,
      close: async () => undefined,
    };
  }
  const workers = Array.from({ length: threads }, () => ({
    worker: new TsWorker<FixedBaseRequest, Uint8Array>(workerEntry("../prover/fixed-base-worker", import.meta.url), module, [], true),
    queued: 0,
  }));
  return {
    async multiply(group, scalars, onProgress) {
      let done = 0;
      const results = await Promise.all(
        chunks(scalars).map(async (chunk) => {
          // To the worker with the least work queued (a G2 product costs about 3.5 G1 ones), so that no
          // thread idles at the end of a batch while another still has two chunks to go.
          const cost = (chunk.byteLength / 32) * (group === "g2" ? 3.5 : 1);
          const target = workers.reduce((best, candidate) => (candidate.queued < best.queued ? candidate : best));
          target.queued += cost;
          try {
            return await target.worker.call({ group, scalars: chunk.slice() });
          } finally {
            target.queued -= cost;
            done += chunk.byteLength / 32;
            onProgress?.(done);
          }
        }),
      );
      return concat(results);
    },
    async warmUp() {
      const zero = () => new Uint8Array(32);
      await Promise.all(workers.flatMap(({ worker }) => [worker.call({ group: "g1", scalars: zero() }), worker.call({ group: "g2", scalars: zero() })]));
    },
    close: async () => void (await Promise.all(workers.map(({ worker }) => worker.terminate()))),
  };
}

/** The parts one after the other in one buffer (the part itself when there is one). */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
