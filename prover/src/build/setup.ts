import { existsSync, readFileSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as snarkjs from "snarkjs";
import { ZkMarginError } from "../core/errors.ts";
import type { CircuitSpec } from "../circuit/registry.ts";
import { hashFile, produceAtomic, writeFileAtomic } from "./files.ts";
import { hasBatchVerifier, publishBatchVerifier } from "./batch-verifier.ts";
import { writeKnownTauZkey } from "./known-tau-zkey.ts";
import { INSTALLED, artifactPaths, projectPath } from "./paths.ts";
import { silentProgress, snarkjsLogger, type Progress } from "./progress.ts";
import { resolvePtau, type PtauChoice, type PtauOptions } from "./ptau.ts";
import type { CeremonyRecord, CircuitManifest, ManifestPtau } from "../artifacts/manifest.ts";
import { readManifest } from "../artifacts/manifest-file.ts";

export { readManifest };

const require = createRequire(import.meta.url);

export type { CeremonyRecord, CircuitManifest, ManifestPtau } from "../artifacts/manifest.ts";

/**
 * Whether a setup copies the circuit's verifier to contracts/generated/: for proving circuits, in the
 * repository only (an installed package's contracts are never rewritten; `zkmargin export-verifier` copies
 * a build's verifiers where a project wants them).
 */
export function publishesContracts(spec: CircuitSpec): boolean {
  return spec.setup && !INSTALLED;
}

/**
 * Records the verifier's sha256 in a manifest written before the manifest held it (the verifier was
 * generated from the same key at the same time). Returns the manifest, updated or not.
 */
export async function recordVerifierHash(circuitId: string): Promise<CircuitManifest | undefined> {
  const manifest = readManifest(circuitId);
  const paths = artifactPaths(circuitId);
  if (!manifest || manifest.artifacts.verifier !== undefined || !existsSync(paths.verifier)) return manifest;
  const updated: CircuitManifest = { ...manifest, artifacts: { ...manifest.artifacts, verifier: await hashFile(paths.verifier) } };
  writeFileAtomic(paths.manifest, `${JSON.stringify(updated, null, 2)}\n`);
  return updated;
}

/** The Solidity contract name of a circuit's verifier: margin_n4_m16 -> MarginN4M16Verifier. */
export function verifierContractName(circuitId: string): string {
  return `${circuitId.split("_").map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join("")}Verifier`;
}

/** Whether the circuit's setup is current for compiled sources `sourceHash` (and the zkey is intact). */
export async function setupIsCurrent(spec: CircuitSpec, sourceHash: string): Promise<boolean> {
  const manifest = readManifest(spec.id);
  const paths = artifactPaths(spec.id);
  if (!manifest || manifest.sourceHash !== sourceHash || !existsSync(paths.zkey) || !existsSync(paths.verifier)) return false;
  return (await hashFile(paths.zkey)) === manifest.artifacts.zkey;
}

/**
 * Groth16 setup of a compiled circuit: phase-2 key from the Powers of Tau, one random contribution, a
 * random beacon; then the verification key, the Solidity verifier (renamed per circuit, also copied to
 * contracts/generated/) and the manifest with every artifact's hash. Each file appears only when complete.
 *
 * @param options.publishContract copy the verifier to contracts/generated/ (default: for proving circuits);
 *   the benchmark's generated circuits keep theirs in their build folder only, so Hardhat never compiles them.
 */
export async function setupCircuit(spec: CircuitSpec, sourceHash: string, compiler: string, ptau: PtauChoice, options: SetupOptions = {}): Promise<CircuitManifest> {
  const progress = options.progress ?? silentProgress;
  const paths = artifactPaths(spec.id);
  const initial = `${paths.zkey}.init`;
  const contributed = `${paths.zkey}.contributed`;
  const contributionName = "zkmargin development contribution";
  const beaconHash = randomBytes(32).toString("hex");
  const beaconIterations = 10;
  let contributionHash: Uint8Array;
  try {
    progress.stage("snarkjs zkey new");
    await produceAtomic(initial, (temporary) => snarkjs.zKey.newZKey(paths.r1cs, ptau.path, temporary, snarkjsLogger(progress, "snarkjs zkey new")));
    progress.stage("snarkjs zkey contribute");
    contributionHash = await produceAtomic(contributed, (temporary) => snarkjs.zKey.contribute(initial, temporary, contributionName, randomBytes(32).toString("hex"), snarkjsLogger(progress, "snarkjs zkey contribute")));
    progress.stage("snarkjs zkey beacon");
    await produceAtomic(paths.zkey, (temporary) => snarkjs.zKey.beacon(contributed, temporary, "zkmargin development beacon", beaconHash, beaconIterations, snarkjsLogger(progress, "snarkjs zkey beacon")));
  } finally {
    for (const path of [initial, contributed]) rmSync(path, { force: true });
  }
  progress.stage("exporting the verification key and verifier");
  return exportKeyArtifacts(spec, {
    publishContract: options.publishContract ?? publishesContracts(spec),
    sourceHash,
    compiler,
    ptau,
    ceremony: {
      kind: "development",
      method: "single-contribution",
      contributions: [{ name: contributionName, hash: Buffer.from(contributionHash).toString("hex") }],
      beacon: { hash: beaconHash, iterationsExp: beaconIterations },
      insecure: true,
      note: "Development setup: one contribution made on this machine and a random beacon. INSECURE: whoever ran it could forge proofs. Use a multi-party ceremony for anything of value.",
    },
  });
}

/** Options of the setup functions. */
export interface SetupOptions {
  /** Copy the verifier to contracts/generated/ (default: for proving circuits). */
  readonly publishContract?: boolean;
  /** Where the setup reports how far along it is. */
  readonly progress?: Progress;
}

/** The note of a known-tau key, in its manifest (and, shortened, in its verifier contract). */
export const KNOWN_TAU_NOTE =
  "Development setup (known tau): zkmargin build drew tau, alpha, beta and delta at random, computed the key from them and discarded them; there is no Powers of Tau, contribution or beacon. INSECURE: the process that made it knew the secrets and could have kept them, so proofs could be forged. Use a multi-party ceremony for anything of value.";

/**
 * Development Groth16 setup in seconds: the proving key computed directly from the r1cs and random
 * secrets that are discarded afterwards (see {@link writeKnownTauZkey}), then the same exports as
 * {@link setupCircuit}. The manifest says so: ceremony kind "development", method "known-tau", no
 * contributions, no beacon, INSECURE; its `ptau` names no file.
 */
export async function setupCircuitKnownTau(spec: CircuitSpec, sourceHash: string, compiler: string, options: SetupOptions = {}): Promise<CircuitManifest> {
  const paths = artifactPaths(spec.id);
  const progress = options.progress ?? silentProgress;
  const key = await produceAtomic(paths.zkey, (temporary) => writeKnownTauZkey(paths.r1cs, temporary, { progress }));
  progress.stage("exporting the verification key and verifier");
  return exportKeyArtifacts(spec, {
    publishContract: options.publishContract ?? publishesContracts(spec),
    sourceHash,
    compiler,
    ptau: { power: key.power, blake2b: null, trust: "development", source: "none: known-tau setup (phase 1 and phase 2 computed together from secrets drawn by zkmargin build and discarded; INSECURE)" },
    ceremony: { kind: "development", method: "known-tau", contributions: [], insecure: true, note: KNOWN_TAU_NOTE },
  });
}

/** The development setups `zkmargin build` can run when no Powers of Tau file is given. */
export type DevelopmentSetup = "known-tau" | "snarkjs";

/**
 * The development setup chosen by ZKMARGIN_DEV_SETUP: "known-tau" (the default) or "snarkjs" (the old
 * path: snarkjs zkey new on a development Powers of Tau, a contribution and a beacon; for comparison).
 *
 * @throws ZkMarginError for any other value
 */
export function developmentSetup(): DevelopmentSetup {
  const value = process.env.ZKMARGIN_DEV_SETUP;
  if (value === undefined || value === "" || value === "known-tau") return "known-tau";
  if (value === "snarkjs") return "snarkjs";
  throw new ZkMarginError("ZKMARGIN_DEV_SETUP", `must be "known-tau" (the default) or "snarkjs", got ${JSON.stringify(value)}`);
}

/**
 * The setup `zkmargin build` runs for one circuit: with a Powers of Tau file (--ptau or ZKMARGIN_PTAU),
 * snarkjs' phase 2 on it with a contribution and a beacon ({@link setupCircuit}); without one, the
 * development setup of {@link developmentSetup}: the known-tau key ({@link setupCircuitKnownTau}) unless
 * ZKMARGIN_DEV_SETUP=snarkjs asks for snarkjs' phase 2 on a development Powers of Tau.
 */
export async function setupForBuild(spec: CircuitSpec, sourceHash: string, compiler: string, options: PtauOptions & SetupOptions = {}): Promise<CircuitManifest> {
  const progress = options.progress ?? silentProgress;
  const userFile = options.userFile ?? process.env.ZKMARGIN_PTAU;
  if (!userFile && developmentSetup() === "known-tau") {
    options.log?.(`setting up ${spec.id}: known-tau development key (INSECURE)`);
    return setupCircuitKnownTau(spec, sourceHash, compiler, options);
  }
  progress.stage("finding a Powers of Tau file");
  const ptau = await resolvePtau(await requiredPower(spec), options);
  options.log?.(`setting up ${spec.id} with ${ptau.source}`);
  return setupCircuit(spec, sourceHash, compiler, ptau, options);
}

/** What {@link exportKeyArtifacts} records in the manifest besides the artifacts' hashes. */
export interface KeyOrigin {
  readonly sourceHash: string;
  readonly compiler: string;
  readonly ptau: ManifestPtau;
  readonly ceremony: CeremonyRecord;
  /** Copy the verifier to contracts/generated/ (default: for proving circuits). */
  readonly publishContract?: boolean;
}

/**
 * Exports what the final proving key build/<id>/main.zkey implies, and only from it: the verification key,
 * the Solidity verifier (renamed per circuit; copied to contracts/generated/ for proving circuits) and the
 * manifest with every artifact's hash. Used by the development setup and by `zkmargin ceremony finalize`.
 */
export async function exportKeyArtifacts(spec: CircuitSpec, origin: KeyOrigin): Promise<CircuitManifest> {
  const paths = artifactPaths(spec.id);
  const info = await snarkjs.r1cs.info(paths.r1cs);
  const verificationKey = await snarkjs.zKey.exportVerificationKey(paths.zkey);
  writeFileAtomic(paths.vkey, `${JSON.stringify(verificationKey, null, 2)}\n`);

  const contractName = verifierContractName(spec.id);
  const template = readFileSync(join(dirname(require.resolve("snarkjs")), "..", "templates", "verifier_groth16.sol.ejs"), "utf8");
  const keyNote = origin.ceremony.insecure
    ? `${origin.ceremony.kind === "multi-party" ? "Multi-party phase 2 on a development Powers of Tau" : origin.ceremony.method === "known-tau" ? "DEVELOPMENT KEY (known-tau setup: secrets drawn by zkmargin build and discarded)" : "DEVELOPMENT KEY (single-party setup)"}: INSECURE, never secure real funds with it.`
    : origin.ceremony.kind === "multi-party"
      ? `Key from a multi-party phase 2 (${origin.ceremony.contributions.length} contributions and a beacon) on a published Powers of Tau; check the transcript before trusting it.`
      : "Key from a published Powers of Tau; check the phase-2 transcript before trusting it.";
  const solidity = (await snarkjs.zKey.exportSolidityVerifier(paths.zkey, { groth16: template }))
    .replace(/contract Groth16Verifier\b/, `/// @notice Groth16 verifier of zkmargin circuit ${spec.id} (${spec.template}(${spec.params.join(", ")})); generated by zkmargin build.\n/// @dev ${keyNote}\ncontract ${contractName}`);
  writeFileAtomic(paths.verifier, solidity);
  if (origin.publishContract ?? publishesContracts(spec)) {
    writeFileAtomic(projectPath("contracts", "generated", `${contractName}.sol`), solidity);
    // The batch verifier of a bulk statement, from the same verification key.
    if (hasBatchVerifier(spec)) publishBatchVerifier(spec, origin.ceremony.insecure);
  }

  const manifest: CircuitManifest = {
    circuit: spec.id,
    template: spec.template,
    params: spec.params,
    publicInputs: spec.pubs,
    constraints: info.nConstraints,
    wires: info.nVars,
    compiler: origin.compiler,
    sourceHash: origin.sourceHash,
    ptau: { power: origin.ptau.power, blake2b: origin.ptau.blake2b, trust: origin.ptau.trust, source: origin.ptau.source },
    ceremony: origin.ceremony,
    artifacts: {
      r1cs: await hashFile(paths.r1cs),
      wasm: await hashFile(paths.wasm),
      zkey: await hashFile(paths.zkey),
      verificationKey: await hashFile(paths.vkey),
      verifier: await hashFile(paths.verifier),
    },
    verifierContract: contractName,
    builtAt: new Date().toISOString(),
  };
  writeFileAtomic(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * Keeps a circuit's keys when its sources changed but its constraint system did not (a comment, a
 * declarative `_ <== x`): a Groth16 key depends on the r1cs alone. Records the new source fingerprint and
 * witness generator in the manifest. Returns undefined (a new setup is needed) unless the r1cs, the proving
 * key and the verification key are exactly those the manifest recorded.
 */
export async function reuseKeys(spec: CircuitSpec, sourceHash: string, compiler: string): Promise<CircuitManifest | undefined> {
  const manifest = readManifest(spec.id);
  const paths = artifactPaths(spec.id);
  if (!manifest || ![paths.r1cs, paths.wasm, paths.zkey, paths.vkey, paths.verifier].every((path) => existsSync(path))) return undefined;
  if ((await hashFile(paths.r1cs)) !== manifest.artifacts.r1cs || (await hashFile(paths.zkey)) !== manifest.artifacts.zkey || (await hashFile(paths.vkey)) !== manifest.artifacts.verificationKey) return undefined;
  const kept: CircuitManifest = { ...manifest, sourceHash, compiler, artifacts: { ...manifest.artifacts, wasm: await hashFile(paths.wasm), verifier: manifest.artifacts.verifier ?? (await hashFile(paths.verifier)) } };
  writeFileAtomic(paths.manifest, `${JSON.stringify(kept, null, 2)}\n`);
  return kept;
}

/** The smallest Powers of Tau power that fits a circuit (snarkjs needs 2^power > constraints + public inputs). */
export async function requiredPower(spec: CircuitSpec): Promise<number> {
  const info = await snarkjs.r1cs.info(artifactPaths(spec.id).r1cs);
  const size = info.nConstraints + info.nPubInputs + info.nOutputs + 1;
  return Math.max(8, Math.ceil(Math.log2(size)));
}
