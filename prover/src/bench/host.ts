/**
 * A benchmark child process: holds one warm prover and times proofs when the benchmark asks, so that its
 * peak memory is the prover's own (process.resourceUsage().maxRSS). Started by BenchHost (host-client.ts).
 */
import type * as snarkjs from "snarkjs";
import type { CircuitInput } from "../circuit/inputs.ts";
import { ZkMarginError } from "../core/errors.ts";
import { WarmProver } from "../prover/warm-prover.ts";
import type { Groth16Timings } from "../prover/groth16-prover.ts";

/** Requests a host answers, one at a time. */
export type HostRequest =
  | { readonly type: "load"; readonly circuitId: string; readonly buildDir: string; readonly engine: "fast" | "snarkjs"; readonly threads?: number; readonly rapidsnark?: string }
  | { readonly type: "prove"; readonly input: CircuitInput }
  | { readonly type: "verify"; readonly proof: snarkjs.Groth16Proof; readonly publicSignals: readonly string[] }
  | { readonly type: "stats" };

/** Replies, by request type. */
export interface HostReplies {
  readonly load: { readonly loadMs: number };
  readonly prove: { readonly witnessMs: number; readonly proveMs: number; readonly engine?: Groth16Timings; readonly totalMs: number; readonly proof: snarkjs.Groth16Proof; readonly publicSignals: string[] };
  readonly verify: { readonly verifyMs: number; readonly valid: boolean };
  readonly stats: { readonly maxRssBytes: number };
}

let prover: WarmProver | undefined;

async function handle(request: HostRequest): Promise<HostReplies[keyof HostReplies]> {
  switch (request.type) {
    case "load": {
      process.env.ZKMARGIN_BUILD_DIR = request.buildDir;
      const started = performance.now();
      // With a rapidsnark binary: the SDK's rapidsnark backend (witness here, proof by the binary, checked here).
      prover = await WarmProver.load(request.circuitId, request.rapidsnark
        ? { backend: "rapidsnark", rapidsnark: request.rapidsnark }
        : { engine: request.engine, ...(request.threads ? { threads: request.threads } : {}) });
      return { loadMs: performance.now() - started };
    }
    case "prove": {
      if (!prover) throw new ZkMarginError("benchmark host", "has no prover loaded");
      const started = performance.now();
      const bundle = await prover.prove(request.input);
      const totalMs = performance.now() - started;
      return { ...prover.lastTimings, totalMs, proof: bundle.proof, publicSignals: [...bundle.publicSignals] };
    }
    case "verify": {
      if (!prover) throw new ZkMarginError("benchmark host", "has no prover loaded");
      const started = performance.now();
      const valid = await prover.verify(request.proof, request.publicSignals);
      return { verifyMs: performance.now() - started, valid };
    }
    case "stats":
      return { maxRssBytes: process.resourceUsage().maxRSS * 1024 };
  }
}

process.on("message", (message: HostRequest) => {
  handle(message).then(
    (value) => process.send?.({ ok: true, value }),
    (error: unknown) => process.send?.({ ok: false, message: error instanceof Error ? error.message : String(error) }),
  );
});
process.on("disconnect", () => {
  void prover?.close().finally(() => process.exit(0));
  if (!prover) process.exit(0);
});
process.send?.({ ready: true });
