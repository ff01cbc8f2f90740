/**
 * The native proving backend: a rapidsnark `prover` binary (iden3/rapidsnark) run on the circuit's zkey and a
 * witness file. WarmProver computes the witness, runs the binary through {@link RapidsnarkBackend} and checks
 * the proof it reads back with the verification key before returning it.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { ZkMarginError, shown } from "../core/errors.ts";
import type { Groth16Proof } from "./proof-types.ts";

/** The proving backends of WarmProver: "wasm" (zkmargin's own prover, in this process) or a rapidsnark binary. */
export type ProvingBackend = "wasm" | "rapidsnark";

/** The backends, as flags and options accept them. */
export const PROVING_BACKENDS: readonly ProvingBackend[] = ["wasm", "rapidsnark"];

/** The names a rapidsnark binary is looked up by on PATH, in this order. */
export const RAPIDSNARK_NAMES: readonly string[] = ["rapidsnark", "prover"];

const HOW_TO_GIVE = "give its path (--rapidsnark PATH, or the rapidsnark option) or set ZKMARGIN_RAPIDSNARK";

/** True when `path` is a regular file this process may execute. */
function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The rapidsnark binary to prove with: `path` when given, else $ZKMARGIN_RAPIDSNARK, else the first
 * `rapidsnark` or `prover` executable on PATH.
 *
 * @param path a binary given explicitly (--rapidsnark, the rapidsnark option)
 * @returns the absolute path of an executable file
 * @throws ZkMarginError naming "rapidsnark" when the given binary is not an executable file, or none is found
 */
export function findRapidsnark(path?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (path !== undefined) {
    const absolute = resolve(path);
    if (!isExecutableFile(absolute)) throw new ZkMarginError("rapidsnark", `${shown(absolute)} (given with --rapidsnark / the rapidsnark option) is not an executable file`);
    return absolute;
  }
  const fromEnv = env.ZKMARGIN_RAPIDSNARK;
  if (fromEnv) {
    const absolute = resolve(fromEnv);
    if (!isExecutableFile(absolute)) throw new ZkMarginError("rapidsnark", `${shown(absolute)} (from ZKMARGIN_RAPIDSNARK) is not an executable file`);
    return absolute;
  }
  const suffixes = process.platform === "win32" ? [".exe", ""] : [""];
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    for (const name of RAPIDSNARK_NAMES) {
      for (const suffix of suffixes) {
        const candidate = resolve(dir, `${name}${suffix}`);
        if (isExecutableFile(candidate)) return candidate;
      }
    }
  }
  throw new ZkMarginError("rapidsnark", `no rapidsnark binary found (no \`rapidsnark\` or \`prover\` executable on PATH): ${HOW_TO_GIVE}, or use --backend wasm`);
}

/** Keeps the last `limit` characters of a stream's output. */
class Tail {
  private text = "";
  constructor(private readonly limit = 16_384) {}
  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }
  lines(count: number): string {
    return this.text.trim().split(/\r?\n/).slice(-count).map((line) => line.trim()).filter(Boolean).join(" / ");
  }
}

const isDecimal = (value: unknown): value is string => typeof value === "string" && /^\d{1,80}$/.test(value);
const decimals = (value: unknown, length: number): value is string[] => Array.isArray(value) && value.length === length && value.every(isDecimal);

/** The proof.json a binary wrote, as a Groth16Proof of decimal strings (only the fields a proof has). */
function parseProof(value: unknown, where: string): Groth16Proof {
  const proof = value as Partial<Record<"pi_a" | "pi_b" | "pi_c" | "protocol" | "curve", unknown>> | null;
  const ok = typeof proof === "object" && proof !== null && decimals(proof.pi_a, 3) && decimals(proof.pi_c, 3)
    && Array.isArray(proof.pi_b) && proof.pi_b.length === 3 && proof.pi_b.every((pair) => decimals(pair, 2))
    && (proof.protocol === undefined || proof.protocol === "groth16") && (proof.curve === undefined || proof.curve === "bn128");
  if (!ok) throw new ZkMarginError("rapidsnark", `${where} is not a Groth16 proof over bn128 (pi_a, pi_b, pi_c as decimal strings)`);
  const checked = proof as { pi_a: string[]; pi_b: string[][]; pi_c: string[] };
  return { pi_a: [...checked.pi_a], pi_b: checked.pi_b.map((pair) => [...pair]), pi_c: [...checked.pi_c], protocol: "groth16", curve: "bn128" };
}

function readJson(path: string, what: string, binary: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new ZkMarginError("rapidsnark", `${shown(binary)} exited 0 but wrote no ${what}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ZkMarginError("rapidsnark", `the ${what} ${shown(binary)} wrote is not JSON`);
  }
}

/**
 * One rapidsnark binary and one circuit's proving key, written once to a private temporary folder (mode 0700,
 * the key 0600): each proof writes only its witness there, runs the binary (no shell) and reads the proof and
 * public signals back. The result is not checked here: WarmProver verifies it before returning it.
 */
export class RapidsnarkBackend {
  /** The binary's absolute path. */
  readonly binary: string;
  private readonly dir: string;
  private readonly zkeyPath: string;
  private next = 0;
  private closed = false;

  private constructor(binary: string, dir: string, zkeyPath: string) {
    this.binary = binary;
    this.dir = dir;
    this.zkeyPath = zkeyPath;
  }

  /**
   * Writes the proving key to a private temporary file for `binary` to read.
   *
   * @param binary an executable (see findRapidsnark)
   * @param zkey the proving key's bytes, as checked against the manifest
   */
  static create(binary: string, zkey: Uint8Array): RapidsnarkBackend {
    const dir = mkdtempSync(join(tmpdir(), "zkmargin-rapidsnark-"));
    try {
      const zkeyPath = join(dir, "circuit.zkey");
      writeFileSync(zkeyPath, zkey, { mode: 0o600 });
      return new RapidsnarkBackend(binary, dir, zkeyPath);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Runs the binary on one witness (a .wtns file's bytes).
   *
   * @returns the proof and public signals it wrote (unverified)
   * @throws ZkMarginError naming "rapidsnark" when it cannot start, exits non-zero (with its last stderr lines)
   *   or writes something that is not a proof
   */
  async prove(wtns: Uint8Array): Promise<{ proof: Groth16Proof; publicSignals: string[] }> {
    if (this.closed) throw new ZkMarginError("rapidsnark", "the backend is closed");
    const base = join(this.dir, String(this.next++));
    const files = { wtns: `${base}.wtns`, proof: `${base}.proof.json`, public: `${base}.public.json` };
    try {
      writeFileSync(files.wtns, wtns, { mode: 0o600 });
      await this.run([this.zkeyPath, files.wtns, files.proof, files.public]);
      const proof = parseProof(readJson(files.proof, "proof.json", this.binary), `the proof.json ${shown(this.binary)} wrote`);
      const publicSignals = readJson(files.public, "public.json", this.binary);
      if (!Array.isArray(publicSignals) || !publicSignals.every(isDecimal)) throw new ZkMarginError("rapidsnark", `the public.json ${shown(this.binary)} wrote is not a list of decimal strings`);
      return { proof, publicSignals: [...publicSignals] };
    } finally {
      for (const file of Object.values(files)) rmSync(file, { force: true });
    }
  }

  /** Removes the temporary folder (the key copy and any witness left). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(args: readonly string[]): Promise<void> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(this.binary, args, { stdio: ["ignore", "pipe", "pipe"], shell: false });
      const stderr = new Tail();
      const stdout = new Tail();
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk));
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => stdout.push(chunk));
      child.on("error", (error: NodeJS.ErrnoException) => reject(new ZkMarginError("rapidsnark", `${shown(this.binary)} cannot be started (${error.code ?? error.message})`)));
      child.on("close", (code, signal) => {
        if (code === 0) return resolvePromise();
        const output = stderr.lines(3) || stdout.lines(3);
        const how = signal ? `was killed by ${signal}` : `failed with exit code ${code}`;
        reject(new ZkMarginError("rapidsnark", `${shown(this.binary)} ${how}${output ? `: ${shown(output)}` : " (no output)"}`));
      });
    });
  }
}
