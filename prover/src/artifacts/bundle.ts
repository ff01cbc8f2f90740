// The artifact bundle: a folder (or the same folder served over HTTP) holding, per circuit, what proving
// and verifying need, and an index.json with the sha256 of every file. Its per-circuit layout is the build
// folder's, so `zkmargin build`'s build/ is itself an artifacts location (without an index: its manifests
// are the root of trust); `zkmargin export-artifacts --out DIR` writes a self-contained bundle with an
// index. Pure (no Node imports): a browser reads the same index.
//
//   index.json                      this file's ArtifactIndex
//   <id>/manifest.json              what was built from what, the setup's provenance, the sha256 of each artifact
//   <id>/main_js/main.wasm          witness generator
//   <id>/main.zkey                  Groth16 proving key
//   <id>/verification_key.json      Groth16 verification key (snarkjs JSON)
//   <id>/verifier.sol               the Solidity verifier generated from the key (GPL-3.0: snarkjs' template)
//   <id>/transcript.json            the ceremony transcript, for keys from `zkmargin ceremony finalize`

import { ZkMarginError } from "../core/errors.ts";

/** The tag of an artifact bundle's index.json. */
export const ARTIFACTS_INDEX_TAG = "zkmargin artifacts v1";

/** The files a bundle can hold per circuit. */
export const ARTIFACT_KINDS = ["manifest", "wasm", "zkey", "verificationKey", "verifier", "transcript"] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

/** Where each file of a circuit lives, relative to the bundle root (the build folder's layout). */
export function artifactFile(circuitId: string, kind: ArtifactKind): string {
  const names: Record<ArtifactKind, string> = {
    manifest: "manifest.json",
    wasm: "main_js/main.wasm",
    zkey: "main.zkey",
    verificationKey: "verification_key.json",
    verifier: "verifier.sol",
    transcript: "transcript.json",
  };
  return `${circuitId}/${names[kind]}`;
}

/** One file of a bundle. */
export interface ArtifactEntry {
  /** Relative to the bundle root, "/"-separated. */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** One circuit of a bundle: its files and a summary of its setup (the manifest has the whole record). */
export interface BundleCircuit {
  readonly verifierContract: string;
  readonly publicInputs: readonly string[];
  readonly constraints: number;
  /** The manifest's ceremony.insecure: true for development keys (never for real funds). */
  readonly insecure: boolean;
  /** e.g. "development (known-tau)", "multi-party (3 contributions and a beacon)". */
  readonly setup: string;
  readonly files: Readonly<Partial<Record<ArtifactKind, ArtifactEntry>>>;
}

/** index.json of an artifact bundle. */
export interface ArtifactIndex {
  readonly zkmargin: typeof ARTIFACTS_INDEX_TAG;
  /** The zkmargin version that wrote it. */
  readonly createdBy: string;
  readonly createdAt: string;
  readonly circuits: Readonly<Record<string, BundleCircuit>>;
}

const SHA256 = /^[0-9a-f]{64}$/;
const CIRCUIT_ID = /^[a-z0-9_]+$/;

/**
 * Checks an index.json: its tag, every circuit's id and every file's path (inside the circuit's folder,
 * where the layout puts it) and sha256.
 *
 * @param json the parsed index.json
 * @param where the file or URL, named in errors
 * @throws ZkMarginError naming what is wrong
 */
export function checkArtifactIndex(json: unknown, where: string): ArtifactIndex {
  const fail = (field: string, problem: string): never => {
    throw new ZkMarginError(`artifact index ${where}${field ? ` ${field}` : ""}`, problem);
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) return fail("", "is not a JSON object");
  const index = json as Partial<ArtifactIndex>;
  if (index.zkmargin !== ARTIFACTS_INDEX_TAG) fail("zkmargin", `expected "${ARTIFACTS_INDEX_TAG}", got ${JSON.stringify(index.zkmargin)}`);
  if (typeof index.circuits !== "object" || index.circuits === null) return fail("circuits", "is missing");
  for (const [id, circuit] of Object.entries(index.circuits)) {
    if (!CIRCUIT_ID.test(id)) fail(`circuits.${id}`, "is not a circuit id");
    if (typeof circuit !== "object" || circuit === null || typeof circuit.files !== "object" || circuit.files === null) return fail(`circuits.${id}.files`, "is missing");
    if (!circuit.files.manifest) fail(`circuits.${id}.files.manifest`, "is missing");
    for (const [kind, entry] of Object.entries(circuit.files)) {
      if (!(ARTIFACT_KINDS as readonly string[]).includes(kind)) fail(`circuits.${id}.files.${kind}`, "is not an artifact kind");
      if (!entry || entry.path !== artifactFile(id, kind as ArtifactKind)) fail(`circuits.${id}.files.${kind}.path`, `must be ${artifactFile(id, kind as ArtifactKind)}`);
      if (typeof entry?.sha256 !== "string" || !SHA256.test(entry.sha256)) fail(`circuits.${id}.files.${kind}.sha256`, "is not a sha256 (64 lower-case hex digits)");
      if (!Number.isSafeInteger(entry?.bytes) || entry!.bytes < 0) fail(`circuits.${id}.files.${kind}.bytes`, "is not a byte count");
    }
  }
  return index as ArtifactIndex;
}
