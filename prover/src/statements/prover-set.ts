import { Artifacts, type ArtifactsLocation } from "../artifacts/store.ts";
import { ZkMarginError } from "../core/errors.ts";
import { WarmProver, type ProofBundle, type WarmProverOptions } from "../prover/warm-prover.ts";
import type { PreparedProof } from "./prepare.ts";
import { assembleProofFile, type ProofFile } from "./proof-file-shape.ts";

/**
 * Options of a {@link ProverSet}: where the artifacts are, and the backend (wasm, or a rapidsnark binary whose
 * proofs are checked before they are returned) and engine of every prover it loads.
 */
export interface ProverSetOptions extends Omit<WarmProverOptions, "artifacts"> {
  /**
   * Where the circuits' artifacts are: a folder (a build folder or a bundle), a bundle URL, or an Artifacts
   * (default: $ZKMARGIN_ARTIFACTS, else the build folder).
   */
  readonly artifacts?: ArtifactsLocation | Artifacts;
}

/**
 * Keeps one warm prover per circuit, loaded on first use from one artifacts location: the SDK's entry point
 * for proving many accounts. Close it when done so the process can exit.
 *
 * @example
 * const provers = new ProverSet({ artifacts: "./zkmargin-artifacts" });
 * const file = await provers.proveFile(prepareDeposit(state, 5_000_000_000n, loadCircuitSpecs()));
 * await provers.close();
 * // With a native prover: new ProverSet({ backend: "rapidsnark", rapidsnark: "/usr/local/bin/prover" })
 */
export class ProverSet {
  private readonly provers = new Map<string, Promise<WarmProver>>();
  /** Where the provers load their artifacts from. */
  readonly artifacts: Artifacts;
  private readonly options: Omit<WarmProverOptions, "artifacts">;

  constructor(options: ProverSetOptions = {}) {
    const { artifacts, ...rest } = options;
    this.artifacts = Artifacts.at(artifacts);
    this.options = rest;
  }

  /** The warm prover of a circuit, loading it once. */
  get(circuitId: string): Promise<WarmProver> {
    let prover = this.provers.get(circuitId);
    if (!prover) {
      prover = WarmProver.load(circuitId, { ...this.options, artifacts: this.artifacts });
      prover.catch(() => this.provers.delete(circuitId));
      this.provers.set(circuitId, prover);
    }
    return prover;
  }

  /** The warm prover of a prepared statement's circuit, whose artifacts must be for that very circuit. */
  private async proverFor(prepared: PreparedProof): Promise<WarmProver> {
    const prover = await this.get(prepared.circuit.id);
    const { manifest } = prover;
    const spec = prepared.circuit;
    if (manifest.template !== spec.template || JSON.stringify(manifest.params) !== JSON.stringify(spec.params) || JSON.stringify(manifest.publicInputs) !== JSON.stringify(spec.pubs)) {
      throw new ZkMarginError(`circuit ${spec.id}`, `the artifacts at ${this.artifacts.location} are ${manifest.template}(${manifest.params.join(", ")}) with public inputs [${manifest.publicInputs.join(", ")}], not the ${spec.template}(${spec.params.join(", ")}) this zkmargin proves: artifacts of another version`);
    }
    return prover;
  }

  /** Proves a prepared statement with the warm prover of its circuit. */
  async prove(prepared: PreparedProof): Promise<ProofBundle> {
    return (await this.proverFor(prepared)).prove(prepared.input);
  }

  /**
   * Proves a prepared statement and assembles its proof file (what `zkmargin prove` writes), with the
   * verification key's sha256 and the setup's label from the circuit's manifest.
   */
  async proveFile(prepared: PreparedProof): Promise<ProofFile> {
    const prover = await this.proverFor(prepared);
    const bundle = await prover.prove(prepared.input);
    return assembleProofFile(prepared, bundle, prover.manifest.artifacts.verificationKey, prover.manifest.ceremony.insecure);
  }

  /** Closes every prover. */
  async close(): Promise<void> {
    const provers = await Promise.allSettled(this.provers.values());
    this.provers.clear();
    for (const result of provers) if (result.status === "fulfilled") await result.value.close();
  }
}
