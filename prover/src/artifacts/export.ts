import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sha256, writeFileAtomic } from "../build/files.ts";
import { projectPath } from "../build/paths.ts";
import { ZkMarginError } from "../core/errors.ts";
import { ARTIFACTS_INDEX_TAG, artifactFile, type ArtifactEntry, type ArtifactIndex, type ArtifactKind, type BundleCircuit } from "./bundle.ts";
import type { CircuitManifest } from "./manifest.ts";
import { Artifacts } from "./store.ts";

/** What a bundle holds of each circuit, in this order (the transcript only for keys from a ceremony). */
const EXPORTED: readonly ArtifactKind[] = ["manifest", "wasm", "zkey", "verificationKey", "verifier", "transcript"];

/** The zkmargin version of this package. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(projectPath("package.json"), "utf8")) as { version: string }).version;
}

/** How a manifest's key was made, in a few words. */
export function setupSummary(manifest: CircuitManifest): string {
  const ceremony = manifest.ceremony;
  if (ceremony.kind === "multi-party") return `multi-party (${ceremony.contributions.length} contribution${ceremony.contributions.length === 1 ? "" : "s"}${ceremony.beacon ? " and a beacon" : ""})${ceremony.insecure ? ", INSECURE" : ""}`;
  return `development (${ceremony.method ?? "single-contribution"}), INSECURE`;
}

/**
 * Writes a self-contained artifact bundle (see bundle.ts) of `circuitIds` from `source`: every file read
 * through the source's checks, written atomically, then index.json with each file's sha256 and size (last,
 * so a folder with an index is complete).
 *
 * @param source where the artifacts are (a build folder or another bundle)
 * @param out the bundle folder to write
 * @param circuitIds the circuits (default: every one the source holds)
 * @throws ZkMarginError before writing anything when a circuit is missing or a file does not check out
 */
export async function exportArtifacts(source: Artifacts, out: string, circuitIds?: readonly string[]): Promise<ArtifactIndex> {
  const ids = circuitIds ?? (await source.circuits());
  if (ids.length === 0) throw new ZkMarginError("artifacts", `${source.location} holds no built circuit: run \`npx zkmargin build\``);
  // Read (and check) everything before writing anything.
  const files = new Map<string, { manifest: CircuitManifest; contents: Map<ArtifactKind, Uint8Array> }>();
  for (const id of ids) {
    const manifest = await source.manifest(id);
    const contents = new Map<ArtifactKind, Uint8Array>();
    for (const kind of EXPORTED) {
      if (kind === "transcript" && !manifest.ceremony.transcript) continue;
      contents.set(kind, await source.file(id, kind));
    }
    files.set(id, { manifest, contents });
  }
  mkdirSync(out, { recursive: true });
  const circuits: Record<string, BundleCircuit> = {};
  for (const [id, { manifest, contents }] of files) {
    const entries: Partial<Record<ArtifactKind, ArtifactEntry>> = {};
    for (const [kind, bytes] of contents) {
      const path = artifactFile(id, kind);
      writeFileAtomic(join(out, path), bytes);
      entries[kind] = { path, sha256: sha256(bytes), bytes: bytes.byteLength };
    }
    circuits[id] = { verifierContract: manifest.verifierContract, publicInputs: manifest.publicInputs, constraints: manifest.constraints, insecure: manifest.ceremony.insecure, setup: setupSummary(manifest), files: entries };
  }
  const index: ArtifactIndex = { zkmargin: ARTIFACTS_INDEX_TAG, createdBy: `zkmargin ${packageVersion()}`, createdAt: new Date().toISOString(), circuits };
  writeFileAtomic(join(out, "index.json"), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}
