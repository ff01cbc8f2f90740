import { readFileSync } from "node:fs";
import { WitnessCalculatorBuilder, type WitnessCalculator } from "circom_runtime";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import type { CircuitManifest } from "../artifacts/manifest.ts";
import { Artifacts, type ArtifactsLocation } from "../artifacts/store.ts";
import type { CircuitInput } from "../circuit/inputs.ts";
import { sha256 } from "../build/files.ts";
import { artifactPaths } from "../build/paths.ts";
import { readManifest } from "../build/setup.ts";
import { ZkMarginError } from "../core/errors.ts";
import { toSolidityCalldata, type SolidityCalldata } from "./calldata.ts";
import type { Groth16Proof } from "./proof-types.ts";
import { captureConsole } from "./capture-console.ts";
import { Groth16Prover } from "./groth16-prover.ts";
import { wtnsWitness } from "./zkey.ts";

/** A Groth16 proof with its public signals (decimal strings) and the calldata a verifier contract takes. */
export interface ProofBundle {
  readonly circuit: string;
  readonly proof: Groth16Proof;
  readonly publicSignals: readonly string[];
  readonly calldata: SolidityCalldata;
}

/** Timings of the last proof, in milliseconds. */
export interface ProofTimings {
  readonly witnessMs: number;
  readonly proveMs: number;
}

/** Options of {@link WarmProver.load}. */
export interface WarmProverOptions {
  /**
   * "fast" (default): zkmargin's Groth16 prover, the key parsed once and its points resident in worker
   * threads (see Groth16Prover). "snarkjs": snarkjs' groth16.prove on the in-memory key, per call (the
   * reference the benchmark compares with).
   */
  readonly engine?: "fast" | "snarkjs";
  /** Threads of the fast engine (default: all cores; 1 proves in the calling thread). */
  readonly threads?: number;
  /**
   * Where the circuit's artifacts are: a folder (a build folder or a bundle), a bundle URL, or an
   * {@link Artifacts} (default: $ZKMARGIN_ARTIFACTS, else the build folder).
   */
  readonly artifacts?: ArtifactsLocation | Artifacts;
}

// snarkjs keeps one bn128 curve (with its worker threads) per process in globalThis.curve_bn128; it is
// released when the last open prover closes.
let openProvers = 0;

/** Releases snarkjs' shared curve and its worker threads, so the process can exit. */
export async function releaseCurve(): Promise<void> {
  const holder = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  await holder.curve_bn128?.terminate();
  holder.curve_bn128 = null;
}

/**
 * A prover that loads a circuit's artifacts once (witness generator compiled, proving key parsed and its
 * points resident in worker threads, verification key in memory, hashes checked against the build
 * manifest) and then proves many times. Call `close()` when done so that the worker threads end and the
 * process can exit.
 *
 * @example
 * const prover = await WarmProver.load("margin_n4_m16");
 * const bundle = await prover.prove(input);
 * await prover.close();
 */
export class WarmProver {
  /** Timings of the most recent `prove`. */
  lastTimings: ProofTimings = { witnessMs: 0, proveMs: 0 };
  private closed = false;

  readonly circuit: string;
  readonly manifest: CircuitManifest;
  private readonly witnessCalculator: WitnessCalculator;
  private readonly zkey: Uint8Array;
  private readonly verificationKey: object;
  private readonly engine: Groth16Prover | undefined;

  private constructor(circuit: string, manifest: CircuitManifest, witnessCalculator: WitnessCalculator, zkey: Uint8Array, verificationKey: object, engine: Groth16Prover | undefined) {
    this.circuit = circuit;
    this.manifest = manifest;
    this.witnessCalculator = witnessCalculator;
    this.zkey = zkey;
    this.verificationKey = verificationKey;
    this.engine = engine;
  }

  /**
   * Loads a built circuit from its artifacts. Refuses artifacts whose sha256 differs from the manifest (and,
   * in a bundle, from its index): a tampered or stale zkey, a wasm from another circuit; and circuits that
   * were never set up.
   *
   * @param circuitId id from circuits/circuits.json, e.g. "cross_margin_m16"
   * @param options the artifacts location, the proving engine and its threads
   */
  static async load(circuitId: string, options: WarmProverOptions = {}): Promise<WarmProver> {
    const artifacts = Artifacts.at(options.artifacts);
    const manifest = await artifacts.manifest(circuitId);
    const wasm = await artifacts.file(circuitId, "wasm");
    const zkey = await artifacts.file(circuitId, "zkey");
    const verificationKey = await artifacts.verificationKey(circuitId);
    const witnessCalculator = await WitnessCalculatorBuilder(wasm);
    const engine = options.engine === "snarkjs" ? undefined : await Groth16Prover.create(zkey, options.threads === undefined ? {} : { threads: options.threads });
    openProvers++;
    return new WarmProver(circuitId, manifest, witnessCalculator, zkey, verificationKey, engine);
  }

  /**
   * Computes the witness and a Groth16 proof.
   *
   * @param input the circuit input (see circuitInput)
   * @throws ZkMarginError when the input does not satisfy the circuit
   */
  async prove(input: CircuitInput): Promise<ProofBundle> {
    this.assertOpen();
    const started = performance.now();
    const computed = await captureConsole(() => this.witnessCalculator.calculateWTNSBin(input, true));
    if (computed.result === undefined) {
      const where = /Error in template \S+ line: \d+/.exec(computed.output)?.[0] ?? firstLine(computed.error);
      throw new ZkMarginError(`circuit ${this.circuit}`, `the input does not satisfy the circuit (${where})`);
    }
    const witness = computed.result;
    const witnessDone = performance.now();
    const { proof, publicSignals } = this.engine
      ? await this.engine.prove(wtnsWitness(witness))
      : await snarkjs.groth16.prove({ type: "mem", data: this.zkey }, { type: "mem", data: witness });
    this.lastTimings = { witnessMs: witnessDone - started, proveMs: performance.now() - witnessDone };
    return { circuit: this.circuit, proof, publicSignals, calldata: toSolidityCalldata(proof, publicSignals) };
  }

  /** Verifies a proof against this circuit's verification key. */
  async verify(proof: Groth16Proof, publicSignals: readonly string[]): Promise<boolean> {
    this.assertOpen();
    return verifyWithKey(this.verificationKey, proof, publicSignals);
  }

  /** Releases the prover (its threads end); snarkjs' shared curve is terminated when the last prover closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.engine?.close();
    openProvers--;
    if (openProvers === 0) await releaseCurve();
  }

  private assertOpen(): void {
    if (this.closed) throw new ZkMarginError(`circuit ${this.circuit}`, "prover is closed");
  }
}

// Verification needs no worker threads: unless snarkjs' shared curve already exists (a prover or a build in
// this process made it), verifyWithKey lends snarkjs a single-threaded curve of its own for the call, so a
// process that only verifies exits by itself (snarkjs' own curve keeps worker threads alive).
let verifyCurve: Promise<unknown> | undefined;
let lentCurves = 0;

/** Verifies a Groth16 proof with snarkjs, treating malformed proofs as invalid rather than crashing. */
export async function verifyWithKey(verificationKey: object, proof: Groth16Proof, publicSignals: readonly string[]): Promise<boolean> {
  const holder = globalThis as { curve_bn128?: unknown };
  let lent = false;
  if (!holder.curve_bn128 || lentCurves > 0) {
    verifyCurve ??= buildBn128(true);
    const curve = await verifyCurve;
    if (!holder.curve_bn128 || lentCurves > 0) {
      holder.curve_bn128 = curve;
      lentCurves++;
      lent = true;
    }
  }
  try {
    return await snarkjs.groth16.verify(verificationKey, [...publicSignals], proof, silentLogger);
  } catch {
    return false;
  } finally {
    if (lent && --lentCurves === 0 && holder.curve_bn128 === (await verifyCurve)) holder.curve_bn128 = null;
  }
}

/**
 * Loads a circuit's verification key from the local build folder, checked against the manifest
 * (synchronous; for any artifacts location, `Artifacts.at(location).verificationKey(id)`).
 */
export function loadVerificationKey(circuitId: string): object {
  const manifest = readManifest(circuitId);
  if (!manifest) throw new ZkMarginError(`circuit ${circuitId}`, "is not built: run `npx zkmargin build`");
  const path = artifactPaths(circuitId).vkey;
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch {
    throw new ZkMarginError(`circuit ${circuitId}`, `verification key ${path} is missing: run \`npx zkmargin build\``);
  }
  if (sha256(data) !== manifest.artifacts.verificationKey) throw new ZkMarginError(`circuit ${circuitId}`, `verification key ${path} does not match the hash recorded at build time: rebuild with \`npx zkmargin build --force\``);
  return JSON.parse(data.toString()) as object;
}

const silentLogger: snarkjs.Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!.trim();
}
