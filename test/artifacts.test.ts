import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS_INDEX_TAG, checkArtifactIndex } from "../prover/src/artifacts/bundle.ts";
import { exportArtifacts } from "../prover/src/artifacts/export.ts";
import { checkManifest } from "../prover/src/artifacts/manifest.ts";
import { Artifacts } from "../prover/src/artifacts/store.ts";
import { sha256 } from "../prover/src/build/files.ts";
import { buildDir } from "../prover/src/build/paths.ts";
import { loadCircuitSpecs } from "../prover/src/circuit/load-specs.ts";
import { genesisState } from "../prover/src/commitment/account.ts";
import { WarmProver } from "../prover/src/prover/warm-prover.ts";
import { prepareDeposit } from "../prover/src/statements/prepare.ts";
import { verifyProofFile } from "../prover/src/statements/proof-file.ts";
import { ProverSet } from "../prover/src/statements/prover-set.ts";
import { DOMAIN, OWNER } from "./helpers/fixtures.ts";

// Artifacts locations (prover/src/artifacts/): a build folder, an exported bundle, the same bundle over
// HTTP; every file checked against the index and the manifest before anything proves with it.
const CIRCUIT = "deposit_m16";
const specs = loadCircuitSpecs();
const deposit = () => prepareDeposit(genesisState(DOMAIN, 2n, OWNER), 5_000_000_000n, specs);

describe("# artifact bundles", () => {
  let dir: string;
  let bundle: string;
  let indexSha: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "zkmargin-artifacts-"));
    bundle = join(dir, "bundle");
    await exportArtifacts(Artifacts.at(buildDir()), bundle, [CIRCUIT]);
    indexSha = sha256(readFileSync(join(bundle, "index.json")));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("Should export every file of a circuit with its sha256 in index.json, the manifest byte for byte", async () => {
    const index = checkArtifactIndex(JSON.parse(readFileSync(join(bundle, "index.json"), "utf8")), "index.json");
    expect(index.zkmargin).toBe(ARTIFACTS_INDEX_TAG);
    const files = index.circuits[CIRCUIT]!.files;
    expect(Object.keys(files).sort()).toEqual(["manifest", "verificationKey", "verifier", "wasm", "zkey"]);
    for (const entry of Object.values(files)) expect(sha256(readFileSync(join(bundle, entry!.path)))).toBe(entry!.sha256);
    expect(readFileSync(join(bundle, CIRCUIT, "manifest.json"))).toEqual(readFileSync(join(buildDir(), CIRCUIT, "manifest.json")));
    expect(index.circuits[CIRCUIT]).toMatchObject({ verifierContract: "DepositM16Verifier", insecure: true, publicInputs: ["oldCommitment", "newCommitment", "amount"] });
  });

  it("Should prove from a bundle and verify the proof file with the bundle's key", async () => {
    const provers = new ProverSet({ artifacts: bundle });
    try {
      const file = await provers.proveFile(deposit());
      expect(file.verificationKey).toBe((await Artifacts.at(bundle).manifest(CIRCUIT)).artifacts.verificationKey);
      await expect(verifyProofFile(file, { artifacts: bundle })).resolves.toMatchObject({ valid: true });
      await expect(verifyProofFile(file, { artifacts: Artifacts.at(bundle, { indexSha256: indexSha }) })).resolves.toMatchObject({ valid: true });
    } finally {
      await provers.close();
    }
  });

  it("Should refuse a file that differs from the index, a manifest that differs from the index, and another index than the pinned one", async () => {
    const copy = join(dir, "tampered");
    cpSync(bundle, copy, { recursive: true });
    const zkey = join(copy, CIRCUIT, "main.zkey");
    const bytes = readFileSync(zkey);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(zkey, bytes);
    await expect(WarmProver.load(CIRCUIT, { artifacts: copy })).rejects.toThrow(/proving key \S+main\.zkey does not match the sha256 in the bundle's index\.json/);
    // A manifest rewritten to the tampered key's hash: the index still pins the original manifest.
    const manifestPath = join(copy, CIRCUIT, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { artifacts: Record<string, string> };
    manifest.artifacts.zkey = sha256(bytes);
    writeFileSync(manifestPath, JSON.stringify(manifest));
    await expect(WarmProver.load(CIRCUIT, { artifacts: copy })).rejects.toThrow(/manifest \S+ does not match the sha256 in the bundle's index\.json/);
    await expect(Artifacts.at(bundle, { indexSha256: "0".repeat(64) }).manifest(CIRCUIT)).rejects.toThrow(/is not the expected bundle/);
    await expect(Artifacts.at(bundle).manifest("cross_margin_m16")).rejects.toThrow(/circuit cross_margin_m16: is not in the bundle at .* \(it has deposit_m16\)/);
  });

  it("Should fetch a bundle over HTTP, checking each file, and refuse a URL without an index", async () => {
    let served = readFileSync(join(bundle, CIRCUIT, "verification_key.json"));
    const server: Server = createServer((request, response) => {
      const path = new URL(request.url ?? "/", "http://localhost").pathname;
      if (path === `/v1/${CIRCUIT}/verification_key.json`) {
        response.end(served);
        return;
      }
      try {
        if (!path.startsWith("/v1/")) throw new Error("not found");
        response.end(readFileSync(join(bundle, path.slice(4))));
      } catch {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const remote = Artifacts.at(`${base}/v1`, { indexSha256: indexSha });
      expect(remote.remote).toBe(true);
      const key = await remote.verificationKey(CIRCUIT);
      expect(key).toEqual(JSON.parse(readFileSync(join(buildDir(), CIRCUIT, "verification_key.json"), "utf8")));
      served = Buffer.concat([served, Buffer.from(" ")]);
      await expect(Artifacts.at(`${base}/v1/`).verificationKey(CIRCUIT)).rejects.toThrow(/verification key http:\S+ does not match the sha256 in the bundle's index\.json: refusing to use it/);
      await expect(Artifacts.at(`${base}/nothing/`).manifest(CIRCUIT)).rejects.toThrow(/index\.json was not found: a URL location must be a bundle/);
    } finally {
      server.close();
    }
  });

  it("Should refuse an index whose paths leave the circuit's folder or whose hashes are malformed", () => {
    const entry = { path: `${CIRCUIT}/main.zkey`, sha256: "a".repeat(64), bytes: 1 };
    const index = (files: Record<string, unknown>) => ({ zkmargin: ARTIFACTS_INDEX_TAG, createdBy: "test", createdAt: "now", circuits: { [CIRCUIT]: { files: { manifest: { path: `${CIRCUIT}/manifest.json`, sha256: "b".repeat(64), bytes: 1 }, ...files } } } });
    expect(() => checkArtifactIndex(index({ zkey: entry }), "x")).not.toThrow();
    expect(() => checkArtifactIndex(index({ zkey: { ...entry, path: "../../etc/passwd" } }), "x")).toThrow(/files\.zkey\.path: must be deposit_m16\/main\.zkey/);
    expect(() => checkArtifactIndex(index({ zkey: { ...entry, sha256: "A".repeat(64) } }), "x")).toThrow(/files\.zkey\.sha256: is not a sha256/);
    expect(() => checkArtifactIndex({ ...index({}), zkmargin: "zkmargin artifacts v0" }, "x")).toThrow(/expected "zkmargin artifacts v1"/);
    expect(() => checkArtifactIndex({ zkmargin: ARTIFACTS_INDEX_TAG, circuits: { "../x": { files: {} } } }, "x")).toThrow(/is not a circuit id/);
  });

  it("Should refuse a manifest for another circuit or without the artifacts' hashes", () => {
    const manifest = JSON.parse(readFileSync(join(buildDir(), CIRCUIT, "manifest.json"), "utf8")) as Record<string, unknown>;
    expect(checkManifest(manifest, CIRCUIT, "m").artifacts.verifier).toMatch(/^[0-9a-f]{64}$/);
    expect(() => checkManifest(manifest, "cross_margin_m16", "m")).toThrow(/is for circuit "deposit_m16", not cross_margin_m16/);
    expect(() => checkManifest({ ...manifest, artifacts: { wasm: "x" } }, CIRCUIT, "m")).toThrow(/artifacts\.wasm is not a sha256/);
  });

  it("Should refuse artifacts of another circuit shape than the one this SDK proves", async () => {
    const copy = join(dir, "other-version");
    cpSync(join(buildDir(), CIRCUIT), join(copy, CIRCUIT), { recursive: true });
    const manifestPath = join(copy, CIRCUIT, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { params: number[] };
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, params: [4] }));
    const provers = new ProverSet({ artifacts: copy });
    try {
      await expect(provers.prove(deposit())).rejects.toThrow(/the artifacts at .* are DepositProof\(4\) .* not the DepositProof\(16\) this zkmargin proves/);
    } finally {
      await provers.close();
    }
  });
});
