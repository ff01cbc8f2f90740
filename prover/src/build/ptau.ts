import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { basename, join, resolve } from "node:path";
import * as snarkjs from "snarkjs";
import { ZkMarginError } from "../core/errors.ts";
import { Bn128Arena } from "../prover/kernels/bn128-wasm.ts";
import { bn128Module } from "../prover/kernels/bn128-module.ts";
import { BN254_Q, BN254_R, bigIntToLittleEndian, littleEndianToBigInt } from "../prover/zkey.ts";
import { hashFile, produceAtomic, writeFileAtomic } from "./files.ts";
import { startMultiplierPool } from "./multiplier-pool.ts";
import { PROJECT_ROOT, buildDir } from "./paths.ts";
import { silentProgress, snarkjsLogger, startProgress, type Progress } from "./progress.ts";

/**
 * blake2b-512 of the Perpetual Powers of Tau files prepared for phase 2 by the Hermez ceremony, by power,
 * as published in snarkjs' README (powersOfTau28_hez_final_XX.ptau; power 28 is powersOfTau28_hez_final.ptau).
 */
export const HERMEZ_PTAU_BLAKE2B: Readonly<Record<number, string>> = {
  8: "d6a8fb3a04feb600096c3b791f936a578c4e664d262e4aa24beed1b7a9a96aa5eb72864d628db247e9293384b74b36ffb52ca8d148d6e1b8b51e279fdf57b583",
  9: "94f108a80e81b5d932d8e8c9e8fd7f46cf32457e31462deeeef37af1b71c2c1b3c71fb0d9b59c654ec266b042735f50311f9fd1d4cadce47ab234ad163157cb5",
  10: "6cfeb8cda92453099d20120bdd0e8a5c4e7706c2da9a8f09ccc157ed2464d921fd0437fb70db42104769efd7d6f3c1f964bcf448c455eab6f6c7d863e88a5849",
  11: "47c282116b892e5ac92ca238578006e31a47e7c7e70f0baa8b687f0a5203e28ea07bbbec765a98dcd654bad618475d4661bfaec3bd9ad2ed12e7abc251d94d33",
  12: "ded2694169b7b08e898f736d5de95af87c3f1a64594013351b1a796dbee393bd825f88f9468c84505ddd11eb0b1465ac9b43b9064aa8ec97f2b73e04758b8a4a",
  13: "58efc8bf2834d04768a3d7ffcd8e1e23d461561729beaac4e3e7a47829a1c9066d5320241e124a1a8e8aa6c75be0ba66f65bc8239a0542ed38e11276f6fdb4d9",
  14: "eeefbcf7c3803b523c94112023c7ff89558f9b8e0cf5d6cdcba3ade60f168af4a181c9c21774b94fbae6c90411995f7d854d02ebd93fb66043dbb06f17a831c1",
  15: "982372c867d229c236091f767e703253249a9b432c1710b4f326306bfa2428a17b06240359606cfe4d580b10a5a1f63fbed499527069c18ae17060472969ae6e",
  16: "6a6277a2f74e1073601b4f9fed6e1e55226917efb0f0db8a07d98ab01df1ccf43eb0e8c3159432acd4960e2f29fe84a4198501fa54c8dad9e43297453efec125",
  17: "6247a3433948b35fbfae414fa5a9355bfb45f56efa7ab4929e669264a0258976741dfbe3288bfb49828e5df02c2e633df38d2245e30162ae7e3bcca5b8b49345",
  18: "7e6a9c2e5f05179ddfc923f38f917c9e6831d16922a902b0b4758b8e79c2ab8a81bb5f29952e16ee6c5067ed044d7857b5de120a90704c1d3b637fd94b95b13e",
  19: "bca9d8b04242f175189872c42ceaa21e2951e0f0f272a0cc54fc37193ff6648600eaf1c555c70cdedfaf9fb74927de7aa1d33dc1e2a7f1a50619484989da0887",
  20: "89a66eb5590a1c94e3f1ee0e72acf49b1669e050bb5f93c73b066b564dca4e0c7556a52b323178269d64af325d8fdddb33da3a27c34409b821de82aa2bf1a27b",
  21: "9aef0573cef4ded9c4a75f148709056bf989f80dad96876aadeb6f1c6d062391f07a394a9e756d16f7eb233198d5b69407cca44594c763ab4a5b67ae73254678",
  22: "0d64f63dba1a6f11139df765cb690da69d9b2f469a1ddd0de5e4aa628abb28f787f04c6a5fb84a235ec5ea7f41d0548746653ecab0559add658a83502d1cb21b",
  23: "3063a0bd81d68711197c8820a92466d51aeac93e915f5136d74f63c394ee6d88c5e8016231ea6580bec02e25d491f319d92e77f5c7f46a9caa8f3b53c0ea544f",
  24: "fa404d140d5819d39984833ca5ec3632cd4995f81e82db402371a4de7c2eae8687c62bc632a95b0c6aadba3fb02680a94e09174b7233ccd26d78baca2647c733",
  25: "0377d860cdb09a8a31ea1b0b8c04335614c8206357181573bf294c25d5ca7dff72387224fbd868897e6769f7805b3dab02854aec6d69d7492883b5e4e5f35eeb",
  26: "418dee4a74b9592198bd8fd02ad1aea76f9cf3085f206dfd7d594c9e264ae919611b1459a1cc920c2f143417744ba9edd7b8d51e44be9452344a225ff7eead19",
  27: "10ffd99837c512ef99752436a54b9810d1ac8878d368fb4b806267bdd664b4abf276c9cd3c4b9039a1fa4315a0c326c0e8e9e8fe0eb588ffd4f9021bf7eae1a1",
  28: "55c77ce8562366c91e7cda394cf7b7c15a06c12d8c905e8b36ba9cf5e13eb37d1a429c589e8eaba4c591bc4b88a0e2828745a53e170eac300236f5c1a326f41a",
};

/** A Powers of Tau file chosen for a setup, and why it may be trusted (or not). */
export interface PtauChoice {
  readonly path: string;
  readonly power: number;
  readonly blake2b: string;
  /** "hermez": a published ceremony file; "development": a single-party file, INSECURE. */
  readonly trust: "hermez" | "development";
  /** Where it came from, for the manifest. */
  readonly source: string;
}

/** Reads the power of a ptau file from its header section (snarkjs' binary layout). */
export function readPtauPower(path: string): number {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(12);
    readSync(fd, head, 0, 12, 0);
    if (head.toString("latin1", 0, 4) !== "ptau") throw new ZkMarginError(`ptau ${path}`, "is not a Powers of Tau file");
    const sections = head.readUInt32LE(8);
    let offset = 12;
    for (let i = 0; i < sections; i++) {
      const sectionHead = Buffer.alloc(12);
      readSync(fd, sectionHead, 0, 12, offset);
      const type = sectionHead.readUInt32LE(0);
      const size = Number(sectionHead.readBigUInt64LE(4));
      if (type === 1) {
        const n8Buffer = Buffer.alloc(4);
        readSync(fd, n8Buffer, 0, 4, offset + 12);
        const n8 = n8Buffer.readUInt32LE(0);
        const powerBuffer = Buffer.alloc(4);
        readSync(fd, powerBuffer, 0, 4, offset + 12 + 4 + n8);
        return powerBuffer.readUInt32LE(0);
      }
      offset += 12 + size;
    }
    throw new ZkMarginError(`ptau ${path}`, "has no header section");
  } finally {
    closeSync(fd);
  }
}

/** The development file shipped beside the repository (../shared/ptau), with its hash from the README there. */
function sharedDevelopmentFiles(): { path: string; blake2b: string }[] {
  const dir = process.env.ZKMARGIN_SHARED_PTAU_DIR ?? resolve(PROJECT_ROOT, "..", "shared", "ptau");
  const readme = join(dir, "README.md");
  if (!existsSync(readme)) return [];
  const text = readFileSync(readme, "utf8");
  return readdirSync(dir)
    .filter((name) => name.endsWith(".ptau"))
    .flatMap((name) => {
      // The README names the file, then gives its blake2b-512 (128 hex digits) after it.
      const at = text.indexOf(name);
      const match = at >= 0 ? /[0-9a-f]{128}/.exec(text.slice(at)) : null;
      return match ? [{ path: join(dir, name), blake2b: match[0] }] : [];
    });
}

interface CacheRecord {
  file: string;
  power: number;
  blake2b: string;
  trust: "hermez" | "development";
  source: string;
  /** How a development file was made: "known-tau" (computed from a random tau, alpha, beta the machine knew) or "ceremony" (snarkjs new, contribute, beacon, prepare phase 2). */
  method?: "known-tau" | "ceremony";
  /** Always true for development files: whoever made the file could forge proofs for keys made from it. */
  insecure?: boolean;
}

function cacheDir(): string {
  return join(buildDir(), "ptau");
}

function readCache(): CacheRecord[] {
  const index = join(cacheDir(), "index.json");
  return existsSync(index) ? (JSON.parse(readFileSync(index, "utf8")) as CacheRecord[]) : [];
}

function writeCache(records: CacheRecord[]): void {
  writeFileAtomic(join(cacheDir(), "index.json"), `${JSON.stringify(records, null, 2)}\n`);
}

/** Options of {@link resolvePtau}. */
export interface PtauOptions {
  /** A Powers of Tau file the user passes (--ptau / ZKMARGIN_PTAU); must be a published Hermez file. */
  readonly userFile?: string;
  /** Accept a user file that is not in the published table (development only). */
  readonly allowUnverified?: boolean;
  /** Progress messages. */
  readonly log?: (message: string) => void;
}

/**
 * Finds a phase-2-ready Powers of Tau file of at least `power`:
 * 1. the user's file, whose blake2b must match the published Hermez table for its power;
 * 2. a cached file under build/ptau (hash re-checked);
 * 3. the development file in ../shared/ptau (hash checked against its README), used in place;
 * 4. otherwise a new development file, made once and cached: by default computed from a random tau (and
 *    alpha, beta) that this machine knows (about 20 s for power 16 on 2 cores), or with ZKMARGIN_DEV_PTAU=ceremony
 *    by snarkjs' single-party ceremony (half an hour at power 16); INSECURE either way.
 */
export function resolvePtau(power: number, options: PtauOptions = {}): Promise<PtauChoice> {
  // One at a time: the build sets circuits up side by side, and a file made for one must be found by the next.
  const choice = resolving.then(() => resolvePtauNow(power, options));
  resolving = choice.catch(() => undefined);
  return choice;
}

let resolving: Promise<unknown> = Promise.resolve();

async function resolvePtauNow(power: number, options: PtauOptions): Promise<PtauChoice> {
  const log = options.log ?? (() => undefined);
  const userFile = options.userFile ?? process.env.ZKMARGIN_PTAU;
  if (userFile) {
    const path = resolve(userFile);
    if (!existsSync(path)) throw new ZkMarginError("--ptau", `${path} not found`);
    const filePower = readPtauPower(path);
    if (filePower < power) throw new ZkMarginError("--ptau", `${basename(path)} has power ${filePower}; this circuit needs ${power}`);
    const blake2b = await hashFile(path, "blake2b512");
    const published = Object.entries(HERMEZ_PTAU_BLAKE2B).find(([, hash]) => hash === blake2b);
    if (published) return { path, power: filePower, blake2b, trust: "hermez", source: `user file (Hermez power ${published[0]})` };
    if (!options.allowUnverified) {
      throw new ZkMarginError("--ptau", `${basename(path)} (blake2b ${blake2b.slice(0, 16)}...) is not a published Hermez Powers of Tau file; pass --allow-unverified-ptau to use it for development`);
    }
    log(`WARNING: using unverified Powers of Tau ${path}: development only`);
    return { path, power: filePower, blake2b, trust: "development", source: "user file (unverified)" };
  }

  for (const record of readCache().filter((entry) => entry.power >= power).sort((a, b) => a.power - b.power)) {
    const path = join(cacheDir(), record.file);
    if (existsSync(path) && (await hashFile(path, "blake2b512")) === record.blake2b) {
      return { path, power: record.power, blake2b: record.blake2b, trust: record.trust, source: record.source };
    }
  }

  for (const shared of sharedDevelopmentFiles()) {
    const filePower = readPtauPower(shared.path);
    if (filePower < power) continue;
    const blake2b = await hashFile(shared.path, "blake2b512");
    if (blake2b !== shared.blake2b) {
      log(`ignoring ${shared.path}: its blake2b does not match its README`);
      continue;
    }
    return { path: shared.path, power: filePower, blake2b, trust: "development", source: `shared development file ${shared.path} (INSECURE)` };
  }

  const generatePower = Math.max(power, 8);
  return process.env.ZKMARGIN_DEV_PTAU === "ceremony" ? generateDevelopmentPtau(generatePower, log) : generateKnownTauPtau(generatePower, log);
}

/**
 * Makes a development Powers of Tau of `power` from a random tau (and alpha, beta) known to this machine and
 * caches it under build/ptau, labelled INSECURE (method "known-tau") in the cache index.
 */
export async function generateKnownTauPtau(power: number, log: (message: string) => void): Promise<PtauChoice> {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const file = `dev_known_tau_bn128_${power}.ptau`;
  const path = join(dir, file);
  log(`making a development Powers of Tau of power ${power} from a random tau known to this machine (INSECURE; cached in ${dir})`);
  const started = performance.now();
  const progress = startProgress(log, `ptau power ${power}`);
  try {
    await produceAtomic(path, (temporary) => writeKnownTauPtau(power, temporary, { progress }));
  } finally {
    progress.stop();
  }
  log(`made ${file} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const blake2b = await hashFile(path, "blake2b512");
  const record: CacheRecord = {
    file, power, blake2b, trust: "development", method: "known-tau", insecure: true,
    source: `generated development file (INSECURE: tau was known to this machine; power ${power})`,
  };
  writeCache([...readCache().filter((entry) => entry.file !== file), record]);
  return { path, power, blake2b, trust: "development", source: record.source };
}

/** Options of {@link writeKnownTauPtau}. */
export interface KnownTauOptions {
  /** Threads for the group multiplications (default: the machine's available parallelism). */
  readonly threads?: number;
  /** The secrets to use instead of random ones (tests: compare with snarkjs on a known tau). */
  readonly secrets?: { readonly tau: bigint; readonly alpha: bigint; readonly beta: bigint };
  /** Where the writer reports the section it is on and how far along. */
  readonly progress?: Progress;
}

/**
 * Writes a phase-2-ready Powers of Tau file (snarkjs' ptau format, version 1: header, tau powers in G1 and G2,
 * alpha and beta tau powers, beta G2, zero contributions, and the Lagrange-basis sections 12 to 15 that
 * `snarkjs powersoftau prepare phase2` adds) computed directly from field elements: every point is a known
 * scalar times a generator, so it costs one fixed-base multiplication per point instead of the ceremony's
 * group FFTs. The Lagrange scalars L_i(tau) of each domain size come from an inverse FFT over the tau
 * powers, the same transform snarkjs applies to the points (with the last power of the 2^(power+1) domain
 * left out, as snarkjs does). INSECURE: the process knew tau, so keys made from the file can be forged.
 *
 * @param power 2^power constraints fit (at most 27)
 */
export async function writeKnownTauPtau(power: number, path: string, options: KnownTauOptions = {}): Promise<void> {
  if (!Number.isInteger(power) || power < 1 || power > 27) throw new ZkMarginError("ptau power", `must be a whole number from 1 to 27, got ${power}`);
  const progress = options.progress ?? silentProgress;
  const random = () => (littleEndianToBigInt(randomBytes(64)) % (BN254_R - 1n)) + 1n;
  const secrets = options.secrets ?? { tau: random(), alpha: random(), beta: random() };
  const module = await bn128Module();
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const pool = startMultiplierPool(module, threads);
  const arena = new Bn128Arena(module);
  const n = 2 ** power;
  const montgomery = (value: bigint) => bigIntToLittleEndian(((value % BN254_R) << 256n) % BN254_R);
  const one = arena.allocSet(montgomery(1n));
  const constant = (value: bigint) => arena.allocSet(montgomery(value));
  // tau^i for i < 2^(power+1) - 1, Montgomery form
  const powersCount = 2 * n - 1;
  const powers = arena.alloc(2 * n * 32);
  const ones = new Uint8Array(powersCount * 32);
  const oneBytes = arena.get(one, 32);
  for (let i = 0; i < powersCount; i++) ones.set(oneBytes, i * 32);
  arena.set(powers, ones);
  arena.fn("frm_batchApplyKey")(powers, powersCount, one, constant(secrets.tau), powers);
  const scratch = arena.alloc(2 * n * 32);
  /** Standard-form scalars: the vector at `pointer` (Montgomery) times `factor`. */
  const scaled = (pointer: number, count: number, factor: bigint) => {
    arena.fn("frm_batchApplyKey")(pointer, count, constant(factor), one, scratch);
    arena.fn("frm_batchFromMontgomery")(scratch, count, scratch);
    return arena.get(scratch, count * 32);
  };
  /** Standard-form L_i(tau) over the domain of size 2^p (for p = power + 1, without the last tau power). */
  const lagrange = (p: number) => {
    const m = 2 ** p;
    const buffer = arena.alloc(m * 32);
    arena.bytes().copyWithin(buffer, powers, powers + Math.min(m, powersCount) * 32);
    if (m > powersCount) arena.bytes().fill(0, buffer + powersCount * 32, buffer + m * 32);
    arena.fn("frm_ifft")(buffer, m);
    return buffer;
  };

  const fd = openSync(path, "w");
  try {
    const write = (bytes: Uint8Array) => writeSync(fd, bytes);
    const u32 = (value: number) => {
      const bytes = new Uint8Array(4);
      new DataView(bytes.buffer).setUint32(0, value, true);
      return bytes;
    };
    const sectionHead = (type: number, size: number) => {
      const bytes = new Uint8Array(12);
      const view = new DataView(bytes.buffer);
      view.setUint32(0, type, true);
      view.setBigUint64(4, BigInt(size), true);
      return bytes;
    };
    write(new TextEncoder().encode("ptau"));
    write(u32(1));
    write(u32(11));
    write(sectionHead(1, 4 + 32 + 4 + 4));
    write(u32(32));
    write(bigIntToLittleEndian(BN254_Q));
    write(u32(power));
    write(u32(power));
    const section = async (type: number, parts: readonly { group: "g1" | "g2"; scalars: Uint8Array }[], label: string) => {
      const size = parts.reduce((sum, part) => sum + (part.scalars.byteLength / 32) * (part.group === "g1" ? 64 : 128), 0);
      write(sectionHead(type, size));
      progress.stage(label, parts.reduce((sum, part) => sum + part.scalars.byteLength / 32, 0));
      let before = 0;
      for (const part of parts) {
        write(await pool.multiply(part.group, part.scalars, (done) => progress.done(before + done)));
        before += part.scalars.byteLength / 32;
      }
    };
    await section(2, [{ group: "g1", scalars: scaled(powers, powersCount, 1n) }], "tau powers in G1");
    await section(3, [{ group: "g2", scalars: scaled(powers, n, 1n) }], "tau powers in G2");
    await section(4, [{ group: "g1", scalars: scaled(powers, n, secrets.alpha) }], "alpha tau powers");
    await section(5, [{ group: "g1", scalars: scaled(powers, n, secrets.beta) }], "beta tau powers");
    await section(6, [{ group: "g2", scalars: bigIntToLittleEndian(secrets.beta % BN254_R) }], "beta G2");
    write(sectionHead(7, 4));
    write(u32(0));
    const lagrangeSection = async (type: number, group: "g1" | "g2", factor: bigint, topPower: number, label: string) => {
      const mark = arena.free;
      const parts = [];
      for (let p = 0; p <= topPower; p++) parts.push({ group, scalars: scaled(lagrange(p), 2 ** p, factor) });
      arena.release(mark);
      await section(type, parts, label);
    };
    await lagrangeSection(12, "g1", 1n, power + 1, "Lagrange basis in G1");
    await lagrangeSection(13, "g2", 1n, power, "Lagrange basis in G2");
    await lagrangeSection(14, "g1", secrets.alpha, power, "alpha Lagrange basis");
    await lagrangeSection(15, "g1", secrets.beta, power, "beta Lagrange basis");
  } finally {
    closeSync(fd);
    await pool.close();
  }
}

/**
 * Makes a single-party Powers of Tau with snarkjs (new, one random contribution, a beacon, prepare phase 2)
 * and caches it under build/ptau: slow (about half an hour at power 16; prepare phase 2 dominates).
 * INSECURE: whoever ran it could keep the toxic waste. {@link generateKnownTauPtau} makes an equally
 * insecure file in about a minute.
 */
export async function generateDevelopmentPtau(power: number, log: (message: string) => void): Promise<PtauChoice> {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const file = `dev_bn128_${power}.ptau`;
  const path = join(dir, file);
  log(`making a development Powers of Tau of power ${power} (INSECURE, made once and cached in ${dir}; this takes minutes)`);
  const curve = await snarkjs.curves.getCurveFromName("bn128");
  const stage = (name: string) => join(dir, `${file}.${name}`);
  const progress = startProgress(log, `ptau power ${power}`);
  try {
    await snarkjs.powersOfTau.newAccumulator(curve, power, stage("0"), snarkjsLogger(progress, "new"));
    await snarkjs.powersOfTau.contribute(stage("0"), stage("1"), "zkmargin development contribution", randomBytes(32).toString("hex"), snarkjsLogger(progress, "contribute"));
    await snarkjs.powersOfTau.beacon(stage("1"), stage("2"), "zkmargin development beacon", randomBytes(32).toString("hex"), 10, snarkjsLogger(progress, "beacon"));
    log("preparing phase 2 (the slow step)");
    await produceAtomic(path, (temporary) => snarkjs.powersOfTau.preparePhase2(stage("2"), temporary, snarkjsLogger(progress, "prepare phase 2")));
  } finally {
    progress.stop();
    for (const name of ["0", "1", "2"]) rmSync(stage(name), { force: true });
  }
  const blake2b = await hashFile(path, "blake2b512");
  const record: CacheRecord = { file, power, blake2b, trust: "development", method: "ceremony", insecure: true, source: `generated development file (single-party ceremony, INSECURE, power ${power})` };
  writeCache([...readCache().filter((entry) => entry.file !== file), record]);
  return { path, ...record };
}
