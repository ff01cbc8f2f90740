import { readFileSync } from "node:fs";
import { WitnessCalculatorBuilder, type WitnessCalculator } from "circom_runtime";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import type { CircuitManifest } from "../artifacts/manifest.ts";
import { Artifacts, type ArtifactsLocation } from "../artifacts/store.ts";
import type { CircuitInput } from "../circuit/inputs.ts";
import { sha256 } from "../build/files.ts";
import { artifactPaths } from "../build/paths.ts";
import { readManifest } from "../artifacts/manifest-file.ts";
import { ZkMarginError, shown } from "../core/errors.ts";
import { toSolidityCalldata, type SolidityCalldata } from "./calldata.ts";
import type { Groth16Proof } from "./proof-types.ts";
import { captureConsole } from "./capture-console.ts";
import { Groth16Checker, type Groth16VerificationKey } from "./groth16-checker.ts";
import { Groth16Prover, type Groth16Timings } from "./groth16-prover.ts";
import { findRapidsnark, PROVING_BACKENDS, RapidsnarkBackend, type ProvingBackend } from "./rapidsnark.ts";
import { littleEndianToBigInt, N8, wtnsWitness } from "./zkey.ts";

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
  /** The proof after the witness (with the rapidsnark backend: the binary's run and the check of its proof). */
  readonly proveMs: number;
  /** Where the proof's time went, with zkmargin's engine (the default); absent with snarkjs or rapidsnark. */
  readonly engine?: Groth16Timings;
}

/** Options of {@link WarmProver.load}. */
export interface WarmProverOptions {
  /**
   * "fast" (default): zkmargin's Groth16 prover, the key parsed once and its points resident in worker
   * threads (see Groth16Prover). "snarkjs": snarkjs' groth16.prove on the in-memory key, per call (the
   * reference the benchmark compares with). Engines of the "wasm" backend.
   */
  readonly engine?: "fast" | "snarkjs";
  /** Threads of the fast engine (default: all cores; 1 proves in the calling thread). */
  readonly threads?: number;
  /**
   * "wasm" (default): the proof is computed in this process by `engine`. "rapidsnark": by a native rapidsnark
   * `prover` binary (see `rapidsnark`), run per proof on the witness this prover computes; its proof is
   * verified with the verification key, and its public signals compared with the witness's, before `prove`
   * returns it. Giving `rapidsnark` alone selects this backend. No fallback: when the binary is missing or
   * fails, `load` or `prove` throws.
   */
  readonly backend?: ProvingBackend;
  /**
   * The rapidsnark binary of the "rapidsnark" backend (default: $ZKMARGIN_RAPIDSNARK, else a `rapidsnark` or
   * `prover` executable on PATH).
   */
  readonly rapidsnark?: string;
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
  private readonly native: RapidsnarkBackend | undefined;
  /** The native backend's proofs are checked with this. */
  private checker: Groth16Checker | undefined;

  /** The backend that computes the proofs. */
  get backend(): ProvingBackend {
    return this.native ? "rapidsnark" : "wasm";
  }

  /** The rapidsnark binary of the "rapidsnark" backend (undefined with "wasm"). */
  get rapidsnark(): string | undefined {
    return this.native?.binary;
  }

  private constructor(circuit: string, manifest: CircuitManifest, witnessCalculator: WitnessCalculator, zkey: Uint8Array, verificationKey: object, engine: Groth16Prover | undefined, native: RapidsnarkBackend | undefined) {
    this.circuit = circuit;
    this.manifest = manifest;
    this.witnessCalculator = witnessCalculator;
    this.zkey = zkey;
    this.verificationKey = verificationKey;
    this.engine = engine;
    this.native = native;
  }

  /**
   * Loads a built circuit from its artifacts. Refuses artifacts whose sha256 differs from the manifest (and,
   * in a bundle, from its index): a tampered or stale zkey, a wasm from another circuit; and circuits that
   * were never set up.
   *
   * @param circuitId id from circuits/circuits.json, e.g. "cross_margin_m16"
   * @param options the artifacts location, the backend, the proving engine and its threads
   * @throws ZkMarginError naming "rapidsnark" when the rapidsnark backend has no executable binary
   */
  static async load(circuitId: string, options: WarmProverOptions = {}): Promise<WarmProver> {
    const backend = backendOf(options);
    // The binary is looked up first: a missing one is refused before anything is read.
    const binary = backend === "rapidsnark" ? findRapidsnark(options.rapidsnark) : undefined;
    const artifacts = Artifacts.at(options.artifacts);
    const manifest = await artifacts.manifest(circuitId);
    const wasm = await artifacts.file(circuitId, "wasm");
    const zkey = await artifacts.file(circuitId, "zkey");
    const verificationKey = await artifacts.verificationKey(circuitId);
    const witnessCalculator = await WitnessCalculatorBuilder(wasm);
    // The binary reads a private copy of the very bytes whose sha256 was just checked, not the artifacts' file.
    const native = binary === undefined ? undefined : RapidsnarkBackend.create(binary, zkey);
    const engine = native || options.engine === "snarkjs" ? undefined : await Groth16Prover.create(zkey, options.threads === undefined ? {} : { threads: options.threads });
    const checker = native ? await Groth16Checker.create(verificationKey as Groth16VerificationKey) : undefined;
    openProvers++;
    const prover = new WarmProver(circuitId, manifest, witnessCalculator, zkey, verificationKey, engine, native);
    prover.checker = checker;
    return prover;
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
    const { proof, publicSignals } = this.native
      ? await this.proveNatively(this.native, witness)
      : this.engine
        ? await this.engine.prove(wtnsWitness(witness))
        : await snarkjs.groth16.prove({ type: "mem", data: this.zkey }, { type: "mem", data: witness });
    const proveMs = performance.now() - witnessDone;
    this.lastTimings = this.engine && !this.native ? { witnessMs: witnessDone - started, proveMs, engine: this.engine.lastTimings } : { witnessMs: witnessDone - started, proveMs };
    return { circuit: this.circuit, proof, publicSignals, calldata: toSolidityCalldata(proof, publicSignals) };
  }

  /** Verifies a proof against this circuit's verification key. */
  async verify(proof: Groth16Proof, publicSignals: readonly string[]): Promise<boolean> {
    this.assertOpen();
    return verifyWithKey(this.verificationKey, proof, publicSignals);
  }

  /**
   * Proves with the rapidsnark binary and accepts its proof only when it verifies with the verification key
   * and its public signals are the witness's (a valid proof of another statement is refused too).
   */
  private async proveNatively(native: RapidsnarkBackend, witness: Uint8Array): Promise<{ proof: Groth16Proof; publicSignals: string[] }> {
    const { proof, publicSignals } = await native.prove(witness);
    const binary = shown(native.binary);
    if (!this.checker?.check(proof, publicSignals)) {
      throw new ZkMarginError("rapidsnark", `the proof ${binary} returned for circuit ${this.circuit} does not verify with its verification key: refused`);
    }
    const key = this.verificationKey as { nPublic?: unknown; IC?: unknown };
    const count = typeof key.nPublic === "number" ? key.nPublic : Array.isArray(key.IC) ? key.IC.length - 1 : publicSignals.length;
    const expected = witnessPublicSignals(witness, count);
    if (publicSignals.length !== expected.length || publicSignals.some((signal, i) => signal !== expected[i])) {
      throw new ZkMarginError("rapidsnark", `the proof ${binary} returned for circuit ${this.circuit} is for public signals [${publicSignals.join(", ")}], not the witness's [${expected.join(", ")}]: refused`);
    }
    return { proof, publicSignals };
  }

  /**
   * Releases the prover (its threads end, the rapidsnark backend's temporary files are removed); snarkjs'
   * shared curve is terminated when the last prover closes.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.native?.close();
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

/** The backend the options ask for, checked. */
function backendOf(options: WarmProverOptions): ProvingBackend {
  const backend = options.backend ?? (options.rapidsnark === undefined ? "wasm" : "rapidsnark");
  if (!PROVING_BACKENDS.includes(backend)) throw new ZkMarginError("backend", `must be ${PROVING_BACKENDS.join(" or ")}, got ${shown(String(backend))}`);
  if (backend === "wasm" && options.rapidsnark !== undefined) throw new ZkMarginError("rapidsnark", "a rapidsnark binary was given with the wasm backend: ask for backend rapidsnark, or give no binary");
  if (backend === "rapidsnark" && options.engine === "snarkjs") throw new ZkMarginError("engine", "snarkjs is an engine of the wasm backend, not of rapidsnark");
  return backend;
}

/** The public signals (outputs, then public inputs) of a .wtns witness: wires 1 ... count, as decimal strings. */
function witnessPublicSignals(wtns: Uint8Array, count: number): string[] {
  const wires = wtnsWitness(wtns);
  return Array.from({ length: count }, (_, i) => littleEndianToBigInt(wires.subarray((i + 1) * N8, (i + 2) * N8)).toString());
}

const silentLogger: snarkjs.Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!.trim();
}
