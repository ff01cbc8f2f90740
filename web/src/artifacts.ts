/**
 * Fetching a circuit's Groth16 artifacts and checking them against the sha256 recorded in its build
 * manifest (WebCrypto), before anything uses them. Runs in the proving worker (or any browser context).
 */

/** What the browser needs of build/<circuit>/manifest.json. */
export interface BrowserManifest {
  readonly circuit: string;
  readonly constraints: number;
  readonly ceremony: { readonly insecure: boolean };
  readonly artifacts: { readonly wasm: string; readonly zkey: string; readonly verificationKey: string };
}

/** A circuit's artifacts, every one hash-checked. */
export interface CheckedArtifacts {
  readonly manifest: BrowserManifest;
  readonly wasm: Uint8Array;
  readonly zkey: Uint8Array;
  readonly verificationKey: object;
}

/** An artifact that is missing, unreadable or does not match its manifest. */
export class ArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArtifactError";
  }
}

/** Lower-case hex sha256 of `data` (WebCrypto). */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function fetchBytes(url: string, what: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
  } catch (error) {
    throw new ArtifactError(`${what} (${url}) could not be fetched: ${(error as Error).message}`);
  }
  if (!response.ok) throw new ArtifactError(`${what} (${url}) could not be fetched: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function parseManifest(bytes: Uint8Array, url: string): BrowserManifest {
  let manifest: Partial<BrowserManifest>;
  try {
    manifest = JSON.parse(new TextDecoder().decode(bytes)) as Partial<BrowserManifest>;
  } catch {
    throw new ArtifactError(`the manifest ${url} is not JSON`);
  }
  const hashes = manifest.artifacts;
  const isHash = (value: unknown) => typeof value === "string" && /^[0-9a-f]{64}$/.test(value);
  if (typeof manifest.circuit !== "string" || !hashes || !isHash(hashes.wasm) || !isHash(hashes.zkey) || !isHash(hashes.verificationKey)) {
    throw new ArtifactError(`the manifest ${url} lacks the sha256 of the wasm, zkey or verification key`);
  }
  return manifest as BrowserManifest;
}

/**
 * Fetches build/<circuit>/{manifest.json, main.wasm, main.zkey, verification_key.json} from `baseUrl` and
 * checks each file's sha256 against the manifest.
 *
 * @param circuitId the circuit, e.g. "cross_margin_m16" (the manifest must name it)
 * @param baseUrl the folder URL of its artifacts, ending in "/"
 * @throws ArtifactError naming the file that is missing or does not match
 */
export async function loadCheckedArtifacts(circuitId: string, baseUrl: string): Promise<CheckedArtifacts> {
  const manifestUrl = `${baseUrl}manifest.json`;
  const manifest = parseManifest(await fetchBytes(manifestUrl, `the manifest of ${circuitId}`), manifestUrl);
  if (manifest.circuit !== circuitId) throw new ArtifactError(`the manifest ${manifestUrl} is for ${manifest.circuit}, not ${circuitId}`);
  const checked = async (file: string, expected: string, what: string) => {
    const url = `${baseUrl}${file}`;
    const data = await fetchBytes(url, `the ${what} of ${circuitId}`);
    const actual = await sha256Hex(data);
    if (actual !== expected) {
      throw new ArtifactError(`${circuitId}/${file} does not match the sha256 in its manifest (expected ${expected.slice(0, 16)}..., got ${actual.slice(0, 16)}...): refusing to prove with it`);
    }
    return data;
  };
  const [wasm, zkey, vkeyBytes] = await Promise.all([
    checked("main.wasm", manifest.artifacts.wasm, "witness generator"),
    checked("main.zkey", manifest.artifacts.zkey, "proving key"),
    checked("verification_key.json", manifest.artifacts.verificationKey, "verification key"),
  ]);
  return { manifest, wasm, zkey, verificationKey: JSON.parse(new TextDecoder().decode(vkeyBytes)) as object };
}
