import { readFileSync } from "node:fs";
import type { CircuitManifest } from "../artifacts/manifest.ts";
import { Artifacts, type ArtifactsLocation } from "../artifacts/store.ts";
import type { Groth16Proof } from "../prover/proof-types.ts";
import { sha256 } from "../build/files.ts";
import { readManifest } from "../artifacts/manifest-file.ts";
import { loadCircuitSpecs } from "../circuit/load-specs.ts";
import type { CircuitSpec } from "../circuit/registry.ts";
import { poseidonPair } from "../commitment/poseidon-pair.ts";
import { FIELD_MODULUS } from "../core/constants.ts";
import { ZkMarginError } from "../core/errors.ts";
import { toHex32 } from "../core/field.ts";
import { toSolidityCalldata } from "../prover/calldata.ts";
import { Groth16Checker, type Groth16VerificationKey } from "../prover/groth16-checker.ts";
import type { ProofBundle } from "../prover/warm-prover.ts";
import type { PreparedProof } from "./prepare.ts";
import { PROOF_FILE_TAG, assembleProofFile, decodeStatement, type ProofFile } from "./proof-file-shape.ts";

export type { ProofFile };

/**
 * Assembles the proof file of a prepared proof and its bundle, with the setup's label and key hash from the
 * circuit's manifest: the one given (a WarmProver's `manifest`), else the local build's. (ProverSet's
 * `proveFile` does both steps with the manifest of the artifacts it proved with.)
 */
export function toProofFile(prepared: PreparedProof, bundle: ProofBundle, manifest: CircuitManifest | undefined = readManifest(bundle.circuit)): ProofFile {
  if (manifest && manifest.circuit !== bundle.circuit) throw new ZkMarginError("manifest", `is for circuit ${manifest.circuit}, the proof for ${bundle.circuit}`);
  return assembleProofFile(prepared, bundle, manifest?.artifacts.verificationKey ?? "", manifest?.ceremony.insecure ?? true);
}

/** The outcome of verifying a proof file. */
export interface VerifyOutcome {
  readonly valid: boolean;
  /** Why it is invalid, or what it proves. */
  readonly message: string;
}

/**
 * Where `verifyProofFile` takes the verification key from: a key file, or an artifacts location (default:
 * $ZKMARGIN_ARTIFACTS, else the build folder), whose manifest also gives the setup's label.
 */
export interface VerifyOptions {
  /** A verification key file (snarkjs JSON); the setup label is then not checked. */
  readonly verificationKeyPath?: string;
  /** A folder (build folder or bundle), a bundle URL or an Artifacts. */
  readonly artifacts?: ArtifactsLocation | Artifacts;
  /** Circuit specs (default circuits/circuits.json). */
  readonly specs?: readonly CircuitSpec[];
}

const FIELDS = ["zkmargin", "circuit", "statement", "publicInputs", "round", "publicSignals", "proof", "calldata", "verificationKey", "insecureSetup"];

/**
 * Verifies a proof file field by field: the Groth16 proof against the circuit's verification key (the build's,
 * hash-checked, or the one given), and that every other field says exactly what the public signals say: the
 * named public inputs, the decoded statement, the calldata, the round's commitments (Poseidon2 of them is the
 * public round commitment), the verification key hash and the setup label. Unknown fields are refused.
 */
export async function verifyProofFile(json: unknown, options: VerifyOptions = {}): Promise<VerifyOutcome> {
  const invalid = (message: string): VerifyOutcome => ({ valid: false, message });
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ZkMarginError("proof file", "is not a JSON object");
  const file = json as Partial<ProofFile> & Record<string, unknown>;
  for (const key of Object.keys(file)) if (!FIELDS.includes(key)) return invalid(`unknown field ${key}`);
  if (file.zkmargin !== PROOF_FILE_TAG) throw new ZkMarginError("proof file.zkmargin", `expected "${PROOF_FILE_TAG}", got ${JSON.stringify(file.zkmargin)}`);
  const spec = (options.specs ?? loadCircuitSpecs()).find((candidate) => candidate.id === file.circuit);
  if (!spec?.kind) throw new ZkMarginError("proof file.circuit", `unknown circuit ${JSON.stringify(file.circuit)}`);
  let key: object;
  let keyHash: string;
  let insecure: boolean | undefined;
  if (options.verificationKeyPath) {
    const bytes = readFileSync(options.verificationKeyPath);
    keyHash = sha256(bytes);
    key = JSON.parse(bytes.toString()) as object;
  } else {
    const artifacts = Artifacts.at(options.artifacts);
    let manifest: CircuitManifest;
    try {
      manifest = await artifacts.manifest(spec.id);
    } catch (error) {
      if (error instanceof ZkMarginError && /is not (built|in the bundle)/.test(error.message)) {
        throw new ZkMarginError("proof file.circuit", `${spec.id} has no artifacts at ${artifacts.location}: pass its verification key (--vkey FILE) or an artifacts location (--artifacts DIR|URL), or build it`);
      }
      throw error;
    }
    key = await artifacts.verificationKey(spec.id);
    keyHash = manifest.artifacts.verificationKey;
    insecure = manifest.ceremony.insecure;
  }
  if (file.verificationKey !== keyHash) return invalid("the proof file names another verification key than the one used to verify");
  if (insecure !== undefined && file.insecureSetup !== insecure) return invalid(`insecureSetup says ${String(file.insecureSetup)} but the circuit's setup is ${insecure ? "insecure" : "not marked insecure"}`);
  if (typeof file.insecureSetup !== "boolean") return invalid("insecureSetup is missing");
  const signals = Array.isArray(file.publicSignals) ? file.publicSignals.map(String) : [];
  if (signals.length !== spec.pubs.length || !signals.every((signal) => /^\d+$/.test(signal) && BigInt(signal) < FIELD_MODULUS)) return invalid(`public signals are malformed (expected ${spec.pubs.length} field elements)`);
  // The check of snarkjs' groth16.verify without loading snarkjs: what a one-shot `zkmargin verify` saves.
  if (!(await Groth16Checker.create(key as Groth16VerificationKey)).check(file.proof as Groth16Proof, signals)) return invalid("the proof does not verify against its public signals");
  const named = Object.fromEntries(spec.pubs.map((name, i) => [name, BigInt(signals[i]!)]));
  const expectedInputs = Object.fromEntries(spec.pubs.map((name) => [name, toHex32(named[name]!)]));
  if (JSON.stringify(file.publicInputs) !== JSON.stringify(expectedInputs)) return invalid("publicInputs do not match the public signals");
  const statement = decodeStatement(spec.kind, named);
  if (JSON.stringify(file.statement) !== JSON.stringify(statement)) return invalid("the statement written in the file does not match the public signals");
  if (JSON.stringify(file.calldata) !== JSON.stringify(toSolidityCalldata(file.proof as Groth16Proof, signals))) return invalid("the calldata does not match the proof and its public signals");
  if (named.roundCommitment !== undefined) {
    const round = file.round;
    if (!round || typeof round.pricesCommitment !== "string" || typeof round.riskCommitment !== "string") return invalid("round commitments are missing");
    let combined: bigint;
    try {
      combined = poseidonPair(BigInt(round.pricesCommitment), BigInt(round.riskCommitment), "round");
    } catch {
      return invalid("round commitments are malformed");
    }
    if (combined !== named.roundCommitment) return invalid("the round's prices and risk commitments do not hash to the public round commitment");
  } else if (file.round !== undefined) {
    return invalid("a round is given for a statement that reads none");
  }
  return { valid: true, message: describe(statement, spec) };
}

function describe(statement: ReturnType<typeof decodeStatement>, spec: CircuitSpec): string {
  switch (statement.kind) {
    case "deposit":
      return `a deposit of ${statement.amount} into the committed account (${spec.id})`;
    case "withdraw":
      return `a withdrawal of ${statement.amount} that leaves the account meeting its ${spec.profile} initial requirement (${spec.id})`;
    case "fills":
      return `${statement.count} fill(s) applied in chain order over ${statement.listedMarkets} listed markets, new head ${statement.newHead.slice(0, 18)}... (${spec.id})`;
    case "margin": {
      const buffer = statement.bufferBps > 0 ? ` with a ${(statement.bufferBps / 100).toFixed(2)}% buffer` : "";
      const what = statement.side === "favourable" ? "is not liquidatable (a challenge answer)" : `meets its ${spec.profile} ${statement.requirement} requirement${buffer}`;
      return `the committed account ${what}, bound to ${statement.binder} (${spec.id})`;
    }
    case "takeover":
      return `a takeover${statement.defaulted ? " of a defaulted account" : " of an account below maintenance"}: owner gets ${statement.ownerPayout}, penalty ${statement.penalty} (${statement.penaltyBps} bps cap), bad debt ${statement.badDebt} (${spec.id})`;
  }
}
