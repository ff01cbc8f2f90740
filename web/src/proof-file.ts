import type { Groth16Proof } from "snarkjs";
import type { PreparedProof } from "../../prover/src/statements/prepare.ts";
import { assembleProofFile, type ProofFile } from "../../prover/src/statements/proof-file-shape.ts";

/**
 * The proof file exactly as `zkmargin prove` writes it (the SDK's pure assembleProofFile), so that
 * `npx zkmargin verify` accepts the download.
 */
export function browserProofFile(prepared: PreparedProof, proof: { circuitId: string; proof: Groth16Proof; publicSignals: readonly string[] }, round: bigint, insecureSetup: boolean): ProofFile {
  return assembleProofFile(prepared, { circuit: proof.circuitId, proof: proof.proof, publicSignals: proof.publicSignals }, round, insecureSetup);
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
