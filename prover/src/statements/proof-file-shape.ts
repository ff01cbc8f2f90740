import type { Groth16Proof } from "snarkjs";
import { toHex32 } from "../core/field.ts";
import { toSolidityCalldata, type SolidityCalldata } from "../prover/calldata.ts";
import type { PreparedProof, StatementSummary } from "./prepare.ts";

/** The JSON file `zkmargin prove` (and the browser app) writes and `zkmargin verify` reads. */
export interface ProofFile {
  readonly zkmargin: 1;
  readonly circuit: string;
  readonly statement: StatementSummary;
  readonly round: string;
  readonly publicInputs: { readonly accountCommitment: string; readonly roundCommitment: string; readonly statement: string };
  readonly pricesCommitment: string;
  readonly riskCommitment: string;
  readonly publicSignals: readonly string[];
  readonly proof: Groth16Proof;
  readonly calldata: SolidityCalldata;
  /** True when the circuit's keys come from a development (single-party) setup. */
  readonly insecureSetup: boolean;
}

/**
 * Assembles a proof file from a prepared statement and its proof. Pure (no file access), so the Node CLI and
 * the browser app write the same file.
 *
 * @param prepared the prepared statement (prepareMarginProof / prepareLiquidationProof)
 * @param proof the circuit id, Groth16 proof and public signals
 * @param round the oracle round id
 * @param insecureSetup the circuit manifest's ceremony.insecure
 */
export function assembleProofFile(prepared: PreparedProof, proof: { circuit: string; proof: Groth16Proof; publicSignals: readonly string[] }, round: bigint, insecureSetup: boolean): ProofFile {
  return {
    zkmargin: 1,
    circuit: proof.circuit,
    statement: prepared.summary,
    round: round.toString(),
    publicInputs: {
      accountCommitment: toHex32(prepared.accountCommitment),
      roundCommitment: toHex32(prepared.roundCommitment),
      statement: toHex32(prepared.statement),
    },
    pricesCommitment: toHex32(prepared.pricesCommitment),
    riskCommitment: toHex32(prepared.riskCommitment),
    publicSignals: [...proof.publicSignals],
    proof: proof.proof,
    calldata: toSolidityCalldata(proof.proof, proof.publicSignals),
    insecureSetup,
  };
}
