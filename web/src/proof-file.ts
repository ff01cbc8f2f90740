import type { Groth16Proof } from "snarkjs";
import type { PreparedProof } from "../../prover/src/statements/prepare.ts";
import { assembleProofFile, type ProofFile } from "../../prover/src/statements/proof-file-shape.ts";

/**
 * The v2 proof file exactly as `zkmargin prove attest|answer` writes it (the SDK's pure assembleProofFile), so
 * that `npx zkmargin verify` accepts the download.
 *
 * @param prepared the prepared margin statement
 * @param proof the worker's proof: circuit id, Groth16 proof, public signals
 * @param verificationKeySha256 sha256 of the circuit's verification key (from its hash-checked manifest)
 * @param insecureSetup the manifest's ceremony.insecure
 */
export function browserProofFile(prepared: PreparedProof, proof: { circuitId: string; proof: Groth16Proof; publicSignals: readonly string[] }, verificationKeySha256: string, insecureSetup: boolean): ProofFile {
  return assembleProofFile(prepared, { circuit: proof.circuitId, proof: proof.proof, publicSignals: proof.publicSignals }, verificationKeySha256, insecureSetup);
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
