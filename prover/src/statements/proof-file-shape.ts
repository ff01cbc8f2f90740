import type { Groth16Proof } from "../prover/proof-types.ts";
import { toAddress, toHex32 } from "../core/field.ts";
import { formatScaled } from "../core/decimal.ts";
import { unpackMarginStatement, unpackTakeoverStatement } from "../commitment/statement.ts";
import type { StatementKind } from "../circuit/registry.ts";
import { toSolidityCalldata, type SolidityCalldata } from "../prover/calldata.ts";
import type { PreparedProof } from "./prepare.ts";


/** Public inputs of a statement as named strings (0x-hex), in circuit order. */
export function namedPublicInputs(proof: Pick<PreparedProof, "circuit" | "publicInputs">): Record<string, string> {
  return Object.fromEntries(proof.circuit.pubs.map((name, i) => [name, toHex32(proof.publicInputs[i]!)]));
}

/** The tag of a proof file. */
export const PROOF_FILE_TAG = "zkmargin proof v2";

/** What a proof's public inputs state, decoded (every field follows from the public signals alone). */
export type DecodedStatement =
  | { readonly kind: "deposit"; readonly amount: string }
  | { readonly kind: "fills"; readonly count: number; readonly listedMarkets: number; readonly newHead: string }
  | { readonly kind: "withdraw"; readonly amount: string }
  | { readonly kind: "margin"; readonly requirement: string; readonly side: string; readonly bufferBps: number; readonly binder: string }
  | { readonly kind: "takeover"; readonly ownerPayout: string; readonly penalty: string; readonly badDebt: string; readonly penaltyBps: number; readonly defaulted: boolean };

/** The JSON file `zkmargin prove` (and the browser app) writes and `zkmargin verify` checks field by field. */
export interface ProofFile {
  readonly zkmargin: typeof PROOF_FILE_TAG;
  readonly circuit: string;
  readonly statement: DecodedStatement;
  /** The public inputs by name (0x-hex), in circuit order. */
  readonly publicInputs: Readonly<Record<string, string>>;
  /** The round's two commitments behind its public round commitment (statements that read a round). */
  readonly round?: { readonly pricesCommitment: string; readonly riskCommitment: string };
  readonly publicSignals: readonly string[];
  readonly proof: Groth16Proof;
  readonly calldata: SolidityCalldata;
  /** sha256 of the verification key the proof was made for. */
  readonly verificationKey: string;
  /** True when the circuit's keys come from a development (single-party) setup. */
  readonly insecureSetup: boolean;
}

const amount = (value: bigint) => formatScaled(value, 6);

/**
 * Decodes the statement a proof's public signals carry (names as in circuits.json `pubs`). Pure.
 *
 * @param kind the circuit's statement kind
 * @param signals the public inputs by name
 */
export function decodeStatement(kind: StatementKind, signals: Readonly<Record<string, bigint>>): DecodedStatement {
  if (kind === "deposit" || kind === "withdraw") return { kind, amount: amount(signals.amount!) };
  if (kind === "fills") {
    const statement = signals.statement!;
    return { kind, count: Number(statement & 0xffffn), listedMarkets: Number(statement >> 16n), newHead: toHex32(signals.newHead!) };
  }
  if (kind === "margin") {
    const fields = unpackMarginStatement(signals.statement!);
    return { kind, requirement: fields.requirement, side: fields.side, bufferBps: Number(fields.bufferBps), binder: toAddress(fields.binder) };
  }
  const fields = unpackTakeoverStatement(signals.statement!);
  return { kind, ownerPayout: amount(fields.ownerPayout), penalty: amount(fields.penalty), badDebt: amount(fields.badDebt), penaltyBps: Number(fields.penaltyBps), defaulted: fields.defaulted };
}

/**
 * Assembles a proof file from a prepared statement and its proof. Pure (no file access), so the Node CLI and
 * the browser app write the same file.
 *
 * @param prepared the prepared statement (prepare*)
 * @param proof the circuit id, Groth16 proof and public signals
 * @param verificationKey sha256 of the circuit's verification key (its manifest records it)
 * @param insecureSetup the circuit manifest's ceremony.insecure
 */
export function assembleProofFile(prepared: PreparedProof, proof: { circuit: string; proof: Groth16Proof; publicSignals: readonly string[] }, verificationKey: string, insecureSetup: boolean): ProofFile {
  const named = Object.fromEntries(prepared.circuit.pubs.map((name, i) => [name, prepared.publicInputs[i]!]));
  return {
    zkmargin: PROOF_FILE_TAG,
    circuit: proof.circuit,
    statement: decodeStatement(prepared.kind, named),
    publicInputs: namedPublicInputs(prepared),
    ...(prepared.round ? { round: { pricesCommitment: toHex32(prepared.round.pricesCommitment), riskCommitment: toHex32(prepared.round.riskCommitment) } } : {}),
    publicSignals: [...proof.publicSignals],
    proof: proof.proof,
    calldata: toSolidityCalldata(proof.proof, proof.publicSignals),
    verificationKey,
    insecureSetup,
  };
}
