import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sha256 } from "../build/files.ts";
import { buildDir } from "../build/paths.ts";
import { ZkMarginError } from "../core/errors.ts";
import { ARTIFACT_KINDS, artifactFile, checkArtifactIndex, type ArtifactIndex, type ArtifactKind } from "./bundle.ts";
import { checkManifest, type CircuitManifest } from "./manifest.ts";

/** Where a circuit's artifacts are: a folder (a build folder or a bundle), or a bundle's http(s):// or file:// URL. */
export type ArtifactsLocation = string | URL;

/** Options of {@link Artifacts.at}. */
export interface ArtifactsOptions {
  /**
   * The sha256 of the bundle's index.json, when you know which bundle you expect (a release note, a lock
   * file): refuses any other index, so the server that hosts the files cannot swap them all at once.
   */
  readonly indexSha256?: string;
}

/**
 * The default artifacts location: $ZKMARGIN_ARTIFACTS (a folder or URL), else the build folder (see
 * buildDir: $ZKMARGIN_BUILD_DIR, build/ in the repository, ./zkmargin-build where zkmargin is installed).
 */
export function defaultArtifactsLocation(): string {
  return process.env.ZKMARGIN_ARTIFACTS || buildDir();
}

const WHAT: Record<ArtifactKind, string> = {
  manifest: "manifest",
  wasm: "witness generator",
  zkey: "proving key",
  verificationKey: "verification key",
  verifier: "verifier contract",
  transcript: "ceremony transcript",
};

/** The sha256 a manifest records for one of its files (none for the manifest itself, nor in old manifests for the verifier). */
function recordedHash(manifest: CircuitManifest, kind: ArtifactKind): string | undefined {
  switch (kind) {
    case "wasm":
    case "zkey":
    case "verificationKey":
    case "verifier":
      return manifest.artifacts[kind];
    case "transcript":
      return manifest.ceremony.transcript?.sha256;
    case "manifest":
      return undefined;
  }
}

/**
 * A location of circuit artifacts, read with every file checked before use:
 * - a bundle (a folder or URL with an index.json, see bundle.ts): each file against the index's sha256, and
 *   the witness generator, keys and verifier also against the manifest's (the index pins the manifest);
 * - a build folder (no index.json): each file against its circuit's manifest.
 * A mismatch, a missing file or a circuit that is not there is a ZkMarginError naming the file. Files are
 * read when asked for (a verifier fetches only manifests and verification keys).
 *
 * @example
 * const artifacts = Artifacts.at("https://example.org/zkmargin-artifacts/0.1.0/");
 * const prover = await WarmProver.load("cross_margin_m16", { artifacts });
 */
export class Artifacts {
  /** The folder (absolute path) or URL, as messages name it. */
  readonly location: string;
  /** True for an http(s) URL. */
  readonly remote: boolean;
  /** The index sha256 this location is pinned to, when one was given. */
  get indexSha256(): string | undefined {
    return this.options.indexSha256;
  }
  private readonly options: ArtifactsOptions;
  private indexRead: Promise<ArtifactIndex | undefined> | undefined;
  private readonly manifests = new Map<string, Promise<{ manifest: CircuitManifest; bytes: Uint8Array }>>();

  private constructor(location: ArtifactsLocation, options: ArtifactsOptions) {
    const text = location instanceof URL ? location.href : location;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
      const url = new URL(text);
      if (url.protocol === "file:") {
        this.location = fileURLToPath(url);
        this.remote = false;
      } else if (url.protocol === "http:" || url.protocol === "https:") {
        this.location = url.href.endsWith("/") ? url.href : `${url.href}/`;
        this.remote = true;
      } else {
        throw new ZkMarginError("artifacts", `${text}: only folders, file:// and http(s):// URLs are artifact locations`);
      }
    } else {
      this.location = resolve(text);
      this.remote = false;
    }
    if (options.indexSha256 !== undefined && !/^[0-9a-f]{64}$/.test(options.indexSha256)) throw new ZkMarginError("artifacts indexSha256", "is not a sha256 (64 lower-case hex digits)");
    this.options = options;
  }

  /**
   * The artifacts at `location` (default {@link defaultArtifactsLocation}); an Artifacts is returned as it is.
   *
   * @param location a folder, or an http(s):// or file:// URL of a bundle
   */
  static at(location?: ArtifactsLocation | Artifacts, options: ArtifactsOptions = {}): Artifacts {
    if (location instanceof Artifacts) return location;
    return new Artifacts(location ?? defaultArtifactsLocation(), options);
  }

  /** The folder or URL of a file, for messages. */
  where(path: string): string {
    return this.remote ? new URL(path, this.location).href : join(this.location, path);
  }

  /** The bundle's index (checked, and pinned when indexSha256 was given), or undefined for a build folder. */
  index(): Promise<ArtifactIndex | undefined> {
    this.indexRead ??= (async () => {
      const bytes = await this.read("index.json");
      if (!bytes) {
        if (this.remote) throw new ZkMarginError("artifacts", `${this.where("index.json")} was not found: a URL location must be a bundle (zkmargin export-artifacts writes one)`);
        if (this.options.indexSha256) throw new ZkMarginError("artifacts", `${this.where("index.json")} was not found, and an index sha256 was given`);
        return undefined;
      }
      if (this.options.indexSha256 && sha256(bytes) !== this.options.indexSha256) {
        throw new ZkMarginError("artifacts", `${this.where("index.json")} is not the expected bundle (its sha256 is ${sha256(bytes)}, expected ${this.options.indexSha256})`);
      }
      return checkArtifactIndex(parseJson(bytes, this.where("index.json")), this.where("index.json"));
    })();
    return this.indexRead;
  }

  /** The circuits this location holds (a build folder: those with a manifest). */
  async circuits(): Promise<string[]> {
    const index = await this.index();
    if (index) return Object.keys(index.circuits);
    if (!existsSync(this.location)) return [];
    return readdirSync(this.location, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(this.location, entry.name, "manifest.json")))
      .map((entry) => entry.name)
      .sort();
  }

  /** A circuit's manifest, checked (against the index, in a bundle). */
  async manifest(circuitId: string): Promise<CircuitManifest> {
    return (await this.manifestFile(circuitId)).manifest;
  }

  /**
   * One file of a circuit, checked against the index and the manifest before it is returned.
   *
   * @throws ZkMarginError when the circuit is not there, the file is missing, or its sha256 differs
   */
  async file(circuitId: string, kind: ArtifactKind): Promise<Uint8Array> {
    if (!(ARTIFACT_KINDS as readonly string[]).includes(kind)) throw new ZkMarginError("artifact", `unknown kind ${kind}`);
    const { manifest, bytes: manifestBytes } = await this.manifestFile(circuitId);
    if (kind === "manifest") return manifestBytes;
    const index = await this.index();
    const indexed = index?.circuits[circuitId]?.files[kind];
    const path = indexed?.path ?? (kind === "transcript" ? `ceremony/${circuitId}/transcript.json` : artifactFile(circuitId, kind));
    const recorded = recordedHash(manifest, kind);
    const field = `circuit ${circuitId}`;
    if (index && !indexed) throw new ZkMarginError(field, `the bundle at ${this.location} has no ${WHAT[kind]}`);
    if (!indexed && !recorded) throw new ZkMarginError(field, `the manifest ${this.where(artifactFile(circuitId, "manifest"))} records no sha256 of the ${WHAT[kind]}: run \`npx zkmargin build\` (it records it)`);
    const bytes = await this.read(path);
    if (!bytes) throw new ZkMarginError(field, `${WHAT[kind]} ${this.where(path)} is missing${index ? "" : ": run `npx zkmargin build`"}`);
    const actual = sha256(bytes);
    if (indexed && actual !== indexed.sha256) throw new ZkMarginError(field, `${WHAT[kind]} ${this.where(path)} does not match the sha256 in the bundle's index.json: refusing to use it`);
    if (recorded && actual !== recorded) {
      throw new ZkMarginError(field, index
        ? `${WHAT[kind]} ${this.where(path)} does not match the sha256 in its manifest: refusing to use it`
        : `${WHAT[kind]} ${this.where(path)} does not match the hash recorded at build time: rebuild with \`npx zkmargin build --force\``);
    }
    return bytes;
  }

  /** A circuit's verification key (snarkjs JSON), checked. */
  async verificationKey(circuitId: string): Promise<object> {
    return parseJson(await this.file(circuitId, "verificationKey"), this.where(artifactFile(circuitId, "verificationKey"))) as object;
  }

  private manifestFile(circuitId: string): Promise<{ manifest: CircuitManifest; bytes: Uint8Array }> {
    let read = this.manifests.get(circuitId);
    if (!read) {
      read = (async () => {
        const index = await this.index();
        const field = `circuit ${circuitId}`;
        const entry = index?.circuits[circuitId]?.files.manifest;
        if (index && !entry) throw new ZkMarginError(field, `is not in the bundle at ${this.location} (it has ${Object.keys(index.circuits).join(", ") || "no circuit"})`);
        const path = entry?.path ?? artifactFile(circuitId, "manifest");
        const bytes = await this.read(path);
        if (!bytes) throw new ZkMarginError(field, index ? `manifest ${this.where(path)} is missing` : `is not built: run \`npx zkmargin build\`${this.location === resolve(buildDir()) ? "" : ` (no ${this.where(path)})`}`);
        if (entry && sha256(bytes) !== entry.sha256) throw new ZkMarginError(field, `manifest ${this.where(path)} does not match the sha256 in the bundle's index.json: refusing to use it`);
        let json: unknown;
        try {
          json = JSON.parse(new TextDecoder().decode(bytes));
        } catch (error) {
          throw new ZkMarginError(`manifest ${this.where(path)}`, `is not valid JSON (${(error as Error).message.replace(/\s+/g, " ")}): rebuild with \`npx zkmargin build --force\``);
        }
        return { manifest: checkManifest(json, circuitId, this.where(path)), bytes };
      })();
      read.catch(() => this.manifests.delete(circuitId));
      this.manifests.set(circuitId, read);
    }
    return read;
  }

  /** A file's bytes, or undefined when it does not exist. */
  private async read(path: string): Promise<Uint8Array | undefined> {
    if (!this.remote) {
      try {
        return readFileSync(join(this.location, path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new ZkMarginError("artifacts", `${join(this.location, path)} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
    }
    const url = this.where(path);
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new ZkMarginError("artifacts", `${url} could not be fetched (${(error as Error).message})`);
    }
    if (response.status === 404) return undefined;
    if (!response.ok) throw new ZkMarginError("artifacts", `${url} could not be fetched (HTTP ${response.status})`);
    return new Uint8Array(await response.arrayBuffer());
  }
}

function parseJson(bytes: Uint8Array, where: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new ZkMarginError(where, `is not valid JSON (${(error as Error).message.replace(/\s+/g, " ")})`);
  }
}
