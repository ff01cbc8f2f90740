import { WarmProver, type ProofBundle } from "../prover/warm-prover.ts";
import type { PreparedProof } from "./prepare.ts";

/**
 * Keeps one warm prover per circuit, loaded on first use: the SDK's entry point for proving many accounts.
 * Close it when done so the process can exit.
 */
export class ProverSet {
  private readonly provers = new Map<string, Promise<WarmProver>>();

  /** The warm prover of a circuit, loading it once. */
  get(circuitId: string): Promise<WarmProver> {
    let prover = this.provers.get(circuitId);
    if (!prover) {
      prover = WarmProver.load(circuitId);
      prover.catch(() => this.provers.delete(circuitId));
      this.provers.set(circuitId, prover);
    }
    return prover;
  }

  /** Proves a prepared statement with the warm prover of its circuit. */
  async prove(prepared: PreparedProof): Promise<ProofBundle> {
    return (await this.get(prepared.circuit.id)).prove(prepared.input);
  }

  /** Closes every prover. */
  async close(): Promise<void> {
    const provers = await Promise.allSettled(this.provers.values());
    this.provers.clear();
    for (const result of provers) if (result.status === "fulfilled") await result.value.close();
  }
}
