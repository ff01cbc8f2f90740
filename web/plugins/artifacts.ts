import { existsSync, readFileSync, readdirSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { Plugin } from "vite";
import { artifactPaths, projectPath } from "../../prover/src/build/paths.ts";
import { parseCircuitSpecs, type StatementKind } from "../../prover/src/circuit/registry.ts";

/** The files of one circuit the browser prover fetches, by URL name (under artifacts/<circuit>/). */
const ARTIFACT_FILES = ["manifest.json", "main.wasm", "main.zkey", "verification_key.json"] as const;
type ArtifactFile = (typeof ARTIFACT_FILES)[number];

const CONTENT_TYPES: Record<string, string> = { ".json": "application/json", ".wasm": "application/wasm", ".zkey": "application/octet-stream" };

/** Options of {@link zkmarginArtifacts}. */
export interface ArtifactPluginOptions {
  /**
   * Statement kinds whose circuits the app serves (default: margin only, what the page proves: attest and
   * challenge answer). Only built circuits are listed; at the vault's capacity there is one per profile.
   */
  readonly kinds?: readonly StatementKind[];
}

/** Where a served artifact lives on disk (build/<circuit>/..., honouring ZKMARGIN_BUILD_DIR). */
function artifactSource(circuitId: string, file: ArtifactFile): string {
  const paths = artifactPaths(circuitId);
  return { "manifest.json": paths.manifest, "main.wasm": paths.wasm, "main.zkey": paths.zkey, "verification_key.json": paths.vkey }[file];
}

/**
 * The proving circuits of `kinds` (circuits/circuits.json entries with "setup": true) whose artifacts are all
 * built, as a circuits.json-shaped object: what the app may offer. Re-read on every call, so a circuit built
 * while the dev server runs appears without a restart.
 */
export function availableCircuits(kinds: readonly StatementKind[]): Record<string, unknown> {
  const raw = JSON.parse(readFileSync(projectPath("circuits", "circuits.json"), "utf8")) as Record<string, unknown>;
  const ids = parseCircuitSpecs(raw)
    .filter((spec) => spec.setup && spec.kind !== undefined && kinds.includes(spec.kind))
    .filter((spec) => ARTIFACT_FILES.every((file) => existsSync(artifactSource(spec.id, file))))
    .map((spec) => spec.id);
  return Object.fromEntries(ids.map((id) => [id, raw[id]]));
}

/** The example folders served with the app: examples/ and one per profile under examples/profiles/. */
const EXAMPLE_DIRS = ["", "profiles/cross/", "profiles/lending/", "profiles/tiered/"] as const;

/** The example files, as paths under examples/ ("account.json", "profiles/lending/round.json"). */
function exampleFiles(): string[] {
  return EXAMPLE_DIRS.flatMap((dir) => {
    const folder = projectPath("examples", dir);
    return existsSync(folder) ? readdirSync(folder).filter((name) => /^[\w-]+\.json$/.test(name)).map((name) => `${dir}${name}`) : [];
  });
}

/**
 * Serves the Groth16 artifacts from build/ and the example inputs from examples/ (dev server), and copies
 * them into the bundle (vite build), under fixed URLs:
 *
 * - artifacts/circuits.json: the built proving circuits (see {@link availableCircuits});
 * - artifacts/<circuit>/{manifest.json, main.wasm, main.zkey, verification_key.json};
 * - examples/<name>.json and examples/profiles/<profile>/<name>.json (public sample inputs).
 *
 * Only listed circuits and these file names are served (no path from the URL reaches the file system). The
 * browser checks every artifact against the sha256 in its manifest before use.
 */
export function zkmarginArtifacts(options: ArtifactPluginOptions = {}): Plugin {
  const kinds = options.kinds ?? ["margin"];
  let base = "/";

  /** The file (or JSON text) a URL path names, or undefined. */
  function resolve(pathname: string): { body: Buffer | string; type: string } | undefined {
    if (!pathname.startsWith(base)) return undefined;
    const path = pathname.slice(base.length);
    if (path === "artifacts/circuits.json") return { body: JSON.stringify(availableCircuits(kinds), null, 2), type: CONTENT_TYPES[".json"]! };
    const artifact = /^artifacts\/([a-z0-9_]+)\/([a-z_]+\.(?:json|wasm|zkey))$/.exec(path);
    if (artifact) {
      const [, id, file] = artifact as unknown as [string, string, ArtifactFile];
      if (!ARTIFACT_FILES.includes(file) || !(id in availableCircuits(kinds))) return undefined;
      return { body: readFileSync(artifactSource(id, file)), type: CONTENT_TYPES[file.slice(file.lastIndexOf("."))]! };
    }
    const example = /^examples\/((?:profiles\/[a-z]+\/)?[\w-]+\.json)$/.exec(path);
    if (example && exampleFiles().includes(example[1]!)) return { body: readFileSync(projectPath("examples", example[1]!)), type: CONTENT_TYPES[".json"]! };
    return undefined;
  }

  function middleware(request: IncomingMessage, response: ServerResponse, next: () => void): void {
    const found = request.method === "GET" || request.method === "HEAD" ? resolve(new URL(request.url ?? "/", "http://localhost").pathname) : undefined;
    if (!found) return next();
    response.setHeader("Content-Type", found.type);
    response.setHeader("Cache-Control", "no-cache");
    response.end(request.method === "HEAD" ? undefined : found.body);
  }

  return {
    name: "zkmargin-artifacts",
    configResolved(config) {
      // A relative base ("./", for static hosting in any folder) is served from "/" by the dev server.
      base = config.base.startsWith("/") ? (config.base.endsWith("/") ? config.base : `${config.base}/`) : "/";
    },
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    buildStart() {
      const circuits = Object.keys(availableCircuits(kinds));
      if (circuits.length === 0) this.warn("no built margin circuit in build/: run `npx zkmargin build --circuit cross_margin_m16` first; the page will not be able to prove");
    },
    generateBundle() {
      const circuits = availableCircuits(kinds);
      this.emitFile({ type: "asset", fileName: "artifacts/circuits.json", source: JSON.stringify(circuits, null, 2) });
      for (const id of Object.keys(circuits)) {
        for (const file of ARTIFACT_FILES) this.emitFile({ type: "asset", fileName: `artifacts/${id}/${file}`, source: readFileSync(artifactSource(id, file)) });
      }
      for (const name of exampleFiles()) this.emitFile({ type: "asset", fileName: `examples/${name}`, source: readFileSync(join(projectPath("examples"), name)) });
    },
  };
}
