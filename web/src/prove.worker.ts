/// <reference lib="webworker" />
/**
 * The proving worker: holds each circuit's hash-checked artifacts and compiled witness generator (warm), and
 * computes witness, Groth16 proof and verification off the page's main thread. It receives the witness
 * input by postMessage and sends nothing anywhere but back to the page; its only network requests fetch
 * artifacts, the same set for every account of a profile.
 */
import { WitnessCalculatorBuilder, type WitnessCalculator } from "circom_runtime";
import * as snarkjs from "snarkjs";
import { loadCheckedArtifacts, type BrowserManifest } from "./artifacts.ts";
import type { CircuitRef, ProofStage, WorkerRequest, WorkerResponse } from "./protocol.ts";

declare const self: DedicatedWorkerGlobalScope;

interface WarmCircuit {
  readonly manifest: BrowserManifest;
  readonly witnessCalculator: WitnessCalculator;
  readonly zkey: Uint8Array;
  readonly verificationKey: object;
}

const warm = new Map<string, Promise<WarmCircuit>>();
const silent: snarkjs.Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function load(ref: CircuitRef): Promise<WarmCircuit> {
  let circuit = warm.get(ref.id);
  if (!circuit) {
    circuit = (async () => {
      const artifacts = await loadCheckedArtifacts(ref.id, ref.baseUrl);
      const witnessCalculator = await WitnessCalculatorBuilder(artifacts.wasm);
      return { manifest: artifacts.manifest, witnessCalculator, zkey: artifacts.zkey, verificationKey: artifacts.verificationKey };
    })();
    circuit.catch(() => warm.delete(ref.id));
    warm.set(ref.id, circuit);
  }
  return circuit;
}

function post(message: WorkerResponse): void {
  self.postMessage(message);
}

async function prove(request: Extract<WorkerRequest, { type: "prove" }>): Promise<void> {
  const { requestId } = request;
  const progress = (stage: ProofStage, message: string) => post({ type: "progress", requestId, stage, message });
  const started = performance.now();
  const cold = request.circuits.filter((ref) => !warm.has(ref.id)).map((ref) => ref.id);
  progress("artifacts", cold.length > 0 ? `Loading artifacts and checking their sha256 (${cold.join(", ")})` : "Artifacts already loaded and checked");
  // Every listed circuit is loaded, whichever this proof needs: the requests are the same for every account.
  const circuits = await Promise.all(request.circuits.map(load));
  const circuit = circuits[request.circuits.findIndex((ref) => ref.id === request.circuitId)];
  if (!circuit) throw new Error(`circuit ${request.circuitId} is not among the loaded circuits`);
  const loaded = performance.now();

  progress("witness", `Computing the witness (${request.circuitId}, ${circuit.manifest.constraints} constraints)`);
  let witness: Uint8Array;
  try {
    witness = await circuit.witnessCalculator.calculateWTNSBin(request.input, true);
  } catch (error) {
    throw new Error(`the input does not satisfy the circuit ${request.circuitId} (${(error as Error).message.split("\n")[0]})`);
  }
  const witnessDone = performance.now();

  progress("proving", "Proving (Groth16)");
  const { proof, publicSignals } = await snarkjs.groth16.prove({ type: "mem", data: circuit.zkey }, { type: "mem", data: witness }, silent);
  const proved = performance.now();

  progress("verifying", "Verifying the proof");
  const valid = await snarkjs.groth16.verify(circuit.verificationKey, publicSignals, proof, silent);
  const verified = performance.now();
  post({
    type: "proved",
    requestId,
    circuitId: request.circuitId,
    proof,
    publicSignals,
    valid,
    insecureSetup: circuit.manifest.ceremony.insecure,
    verificationKeySha256: circuit.manifest.artifacts.verificationKey,
    timings: { loadMs: loaded - started, witnessMs: witnessDone - loaded, proveMs: proved - witnessDone, verifyMs: verified - proved },
  });
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  prove(request).catch((error: unknown) => post({ type: "failed", requestId: request.requestId, message: error instanceof Error ? error.message : String(error) }));
};
