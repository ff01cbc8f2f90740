import type { Groth16Proof } from "snarkjs";
import { toHex32 } from "../../prover/src/core/field.ts";
import { toSolidityCalldata } from "../../prover/src/prover/calldata.ts";
import type { PreparedProof } from "../../prover/src/statements/prepare.ts";
import type { ProofFile } from "../../prover/src/statements/proof-file.ts";

/**
 * Assembles the proof file exactly as `zkmargin prove` writes it (prover/src/statements/proof-file.ts's
 * toProofFile, whose module reads the manifest from disk and so cannot run here), so that
 * `npx zkmargin verify` accepts the download.
 *
 * @param prepared the prepared statement (prepareMarginProof)
 * @param proof the Groth16 proof and public signals from the worker
 * @param round the oracle round id
 * @param insecureSetup the manifest's ceremony.insecure
 */
export function browserProofFile(prepared: PreparedProof, proof: { circuitId: string; proof: Groth16Proof; publicSignals: readonly string[] }, round: bigint, insecureSetup: boolean): ProofFile {
  return {
    zkmargin: 1,
    circuit: proof.circuitId,
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

/** Offers `text` as a file download (a blob URL: nothing is sent anywhere). */
export function downloadText(fileName: string, text: string, type = "application/json"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
