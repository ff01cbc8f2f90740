import { unpackLiquidationStatement, unpackMarginStatement } from "../commitment/statement.ts";
import { formatScaled } from "../core/decimal.ts";
import { ZkMarginError } from "../core/errors.ts";
import { toAddress, toHex32 } from "../core/field.ts";
import { loadVerificationKey, verifyWithKey, type ProofBundle } from "../prover/warm-prover.ts";
import { readManifest } from "../build/setup.ts";
import { loadCircuitSpecs } from "../circuit/load-specs.ts";
import type { Groth16Proof } from "snarkjs";
import type { PreparedProof, StatementSummary } from "./prepare.ts";
import { assembleProofFile, type ProofFile } from "./proof-file-shape.ts";

export type { ProofFile };

/** Assembles the proof file of a prepared proof and its bundle, with the setup's security label from the manifest. */
export function toProofFile(prepared: PreparedProof, bundle: ProofBundle, round: bigint): ProofFile {
  return assembleProofFile(prepared, bundle, round, readManifest(bundle.circuit)?.ceremony.insecure ?? true);
}

/** The outcome of verifying a proof file. */
export interface VerifyOutcome {
  readonly valid: boolean;
  /** Why it is invalid, or what it proves. */
  readonly message: string;
}

/**
 * Verifies a proof file: the Groth16 proof against the circuit's verification key (hash-checked), and
 * that the readable statement and public inputs in the file say the same as the public signals.
 */
export async function verifyProofFile(json: unknown): Promise<VerifyOutcome> {
  const file = json as Partial<ProofFile>;
  if (typeof file !== "object" || file === null || typeof file.circuit !== "string" || !Array.isArray(file.publicSignals) || typeof file.proof !== "object") {
    throw new ZkMarginError("proof file", "is not a zkmargin proof (expected circuit, publicSignals and proof)");
  }
  if (!readManifest(file.circuit)) throw new ZkMarginError("proof file.circuit", `unknown or unbuilt circuit ${file.circuit}`);
  const signals = file.publicSignals.map(String);
  if (signals.length !== 3 || !signals.every((signal) => /^\d+$/.test(signal))) return { valid: false, message: "public signals are malformed" };
  const valid = await verifyWithKey(loadVerificationKey(file.circuit), file.proof as Groth16Proof, signals);
  if (!valid) return { valid: false, message: "the proof does not verify against its public signals" };
  const [account, round, statement] = signals.map(BigInt) as [bigint, bigint, bigint];
  if (file.publicInputs && (file.publicInputs.accountCommitment !== toHex32(account) || file.publicInputs.roundCommitment !== toHex32(round) || file.publicInputs.statement !== toHex32(statement))) {
    return { valid: false, message: "publicInputs do not match the public signals" };
  }
  const described = describeStatement(file.circuit, statement);
  if (file.statement && JSON.stringify(file.statement) !== JSON.stringify(described.summary)) {
    return { valid: false, message: "the statement written in the file does not match the public signals" };
  }
  return { valid: true, message: `account ${toHex32(account).slice(0, 18)}... ${described.text} at round commitment ${toHex32(round).slice(0, 18)}...` };
}

function describeStatement(circuit: string, statement: bigint): { summary: StatementSummary; text: string } {
  const spec = loadCircuitSpecs().find((candidate) => candidate.id === circuit);
  if (spec?.kind === "liquidation") {
    const fields = unpackLiquidationStatement(statement);
    const summary: StatementSummary = { kind: "liquidation", liquidator: toAddress(fields.liquidator), collateral: formatScaled(fields.collateral, 6) };
    return { summary, text: `is liquidatable under the ${spec.profile ?? "cross"} profile (collateral ${summary.collateral}), proof bound to liquidator ${summary.liquidator}` };
  }
  const fields = unpackMarginStatement(statement);
  const summary: StatementSummary = { kind: "margin", requirement: fields.requirement, bufferBps: Number(fields.bufferBps), binder: toAddress(fields.binder), collateral: formatScaled(fields.collateral, 6) };
  const buffer = fields.bufferBps > 0n ? ` with a ${formatScaled(fields.bufferBps, 2)}% buffer` : "";
  const what = spec?.profile === "lending" ? (fields.requirement === "initial" ? "loan-to-value limit" : "health factor of 1") : `${spec?.profile ?? "cross"} ${fields.requirement} margin`;
  return { summary, text: `meets the ${what}${buffer} (collateral ${summary.collateral}), proof bound to ${summary.binder}` };
}
