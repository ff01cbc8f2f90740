// The manifest of one circuit's artifacts (build/<id>/manifest.json, and the same file in an artifact
// bundle): what was built from what, how the key was made, and the sha256 of every file. Pure (no Node
// imports): the browser reads the same file.

import { ZkMarginError } from "../core/errors.ts";

/** What build/<id>/manifest.json records about a circuit's artifacts; the prover checks it before proving. */
export interface CircuitManifest {
  readonly circuit: string;
  readonly template: string;
  readonly params: readonly number[];
  readonly publicInputs: readonly string[];
  readonly constraints: number;
  readonly wires: number;
  readonly compiler: string;
  readonly sourceHash: string;
  /** The Powers of Tau the key was made from; a known-tau key has none (blake2b null, source saying so). */
  readonly ptau: ManifestPtau;
  readonly ceremony: CeremonyRecord;
  /** sha256 of each artifact (the verifier's since this field exists: older manifests lack it). */
  readonly artifacts: { readonly r1cs: string; readonly wasm: string; readonly zkey: string; readonly verificationKey: string; readonly verifier?: string };
  readonly verifierContract: string;
  readonly builtAt: string;
}

/** What a manifest records about the Powers of Tau of a key. */
export interface ManifestPtau {
  readonly power: number;
  /** blake2b-512 of the file; null when no file was used (known-tau keys). */
  readonly blake2b: string | null;
  readonly trust: string;
  readonly source: string;
}

/** How a circuit's proving key was made: its phase-2 contributions and final beacon. */
export interface CeremonyRecord {
  /** "development": made by `zkmargin build` alone; "multi-party": `zkmargin ceremony finalize`. */
  readonly kind?: "development" | "multi-party";
  /**
   * How a development key was made: "known-tau", computed from secrets tau, alpha, beta, delta that the
   * build drew and discarded (no Powers of Tau, no contribution, no beacon); "single-contribution",
   * snarkjs' phase 2 on a Powers of Tau with one contribution and a beacon. Absent in older manifests
   * (which were "single-contribution") and in multi-party ones.
   */
  readonly method?: "known-tau" | "single-contribution";
  /** The phase-2 contributions in the key, in order (none for a known-tau key). */
  readonly contributions: readonly { readonly name: string; readonly hash: string }[];
  /** The final beacon (absent for a known-tau key, which has none). */
  readonly beacon?: { readonly hash: string; readonly iterationsExp: number };
  /** True when the key must not secure real funds (single-party development setup or Powers of Tau). */
  readonly insecure: boolean;
  readonly note: string;
  /** The ceremony transcript the key comes from (multi-party) and its sha256. */
  readonly transcript?: { readonly path: string; readonly sha256: string };
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Checks the parts of a manifest the SDK relies on (circuit id, public inputs, every artifact's sha256, the
 * ceremony's insecure flag) and returns it typed.
 *
 * @param json the parsed manifest.json
 * @param circuitId the circuit it must be for
 * @param where the file or URL, named in errors
 * @throws ZkMarginError naming the field that is missing or malformed
 */
export function checkManifest(json: unknown, circuitId: string, where: string): CircuitManifest {
  const fail = (problem: string): never => {
    throw new ZkMarginError(`manifest ${where}`, problem);
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) return fail("is not a JSON object");
  const manifest = json as Partial<CircuitManifest>;
  if (manifest.circuit !== circuitId) fail(`is for circuit ${JSON.stringify(manifest.circuit)}, not ${circuitId}`);
  if (!Array.isArray(manifest.publicInputs) || !manifest.publicInputs.every((name) => typeof name === "string")) fail("has no publicInputs list");
  const hashes = manifest.artifacts;
  if (typeof hashes !== "object" || hashes === null) return fail("has no artifacts hashes");
  for (const name of ["wasm", "zkey", "verificationKey"] as const) {
    if (typeof hashes[name] !== "string" || !SHA256.test(hashes[name])) fail(`artifacts.${name} is not a sha256 (64 lower-case hex digits)`);
  }
  if (hashes.verifier !== undefined && !SHA256.test(String(hashes.verifier))) fail("artifacts.verifier is not a sha256");
  if (typeof manifest.ceremony !== "object" || manifest.ceremony === null || typeof manifest.ceremony.insecure !== "boolean") fail("has no ceremony.insecure flag");
  if (typeof manifest.verifierContract !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(manifest.verifierContract)) fail("has no verifierContract name");
  return manifest as CircuitManifest;
}
