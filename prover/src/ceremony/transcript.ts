import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ZkMarginError } from "../core/errors.ts";
import { hashFile, writeFileAtomic } from "../build/files.ts";
import { buildDir } from "../build/paths.ts";
import type { PtauChoice } from "../build/ptau.ts";

/** One step of a phase-2 ceremony: the initial key, a contribution or the final beacon. */
export interface CeremonyStep {
  /** 0 for the initial key, then 1, 2, ... */
  readonly index: number;
  readonly kind: "init" | "contribution" | "beacon";
  /** The key this step produced, relative to the ceremony folder. */
  readonly file: string;
  /** sha256 of that key. */
  readonly sha256: string;
  /** The contributor's name (contributions) or "beacon". */
  readonly name?: string;
  /** The contribution hash snarkjs computes (128 hex digits): what the contributor announces. */
  readonly hash?: string;
  readonly beacon?: { readonly hash: string; readonly iterationsExp: number };
  readonly at: string;
}

/** build/ceremony/<circuit>/transcript.json: what was done, in order, with every key's hash. */
export interface Transcript {
  readonly zkmargin: 1;
  readonly circuit: string;
  readonly template: string;
  readonly params: readonly number[];
  /** The circuit the keys are for, copied into the ceremony folder. */
  readonly r1cs: { readonly file: string; readonly sha256: string; readonly constraints: number };
  readonly ptau: Pick<PtauChoice, "path" | "power" | "blake2b" | "trust" | "source">;
  readonly steps: readonly CeremonyStep[];
  readonly finalized?: { readonly at: string; readonly sha256: string; readonly minContributions: number; readonly contributions: number };
}

/** The folder of a circuit's ceremony: <build>/ceremony/<circuit>. */
export function ceremonyDir(circuitId: string): string {
  return join(buildDir(), "ceremony", circuitId);
}

/** The transcript's path. */
export function transcriptPath(circuitId: string): string {
  return join(ceremonyDir(circuitId), "transcript.json");
}

/** The file name of step `index`'s key, e.g. margin_n4_m16_0002.zkey. */
export function keyFileName(circuitId: string, index: number): string {
  return `${circuitId}_${String(index).padStart(4, "0")}.zkey`;
}

/** Reads a circuit's transcript; refuses a missing or unreadable one with a clear error. */
export function readTranscript(circuitId: string): Transcript {
  const path = transcriptPath(circuitId);
  if (!existsSync(path)) throw new ZkMarginError("--circuit", `no ceremony for ${circuitId} in ${ceremonyDir(circuitId)}: start one with \`zkmargin ceremony init --circuit ${circuitId}\``);
  try {
    const transcript = JSON.parse(readFileSync(path, "utf8")) as Transcript;
    if (transcript.zkmargin !== 1 || transcript.circuit !== circuitId || !Array.isArray(transcript.steps) || transcript.steps.length === 0) throw new Error("not a zkmargin ceremony transcript");
    return transcript;
  } catch (error) {
    throw new ZkMarginError(`ceremony transcript ${path}`, `cannot be read (${(error as Error).message.split("\n")[0]})`);
  }
}

/** Writes the transcript atomically. */
export function writeTranscript(transcript: Transcript): void {
  writeFileAtomic(transcriptPath(transcript.circuit), `${JSON.stringify(transcript, null, 2)}\n`);
}

/** The last step (the current key). */
export function latestStep(transcript: Transcript): CeremonyStep {
  return transcript.steps[transcript.steps.length - 1]!;
}

/**
 * Checks that the latest key on disk is the one the transcript records (nobody swapped it between steps)
 * and returns its path.
 */
export async function checkedLatestKey(transcript: Transcript): Promise<string> {
  const step = latestStep(transcript);
  const path = join(ceremonyDir(transcript.circuit), step.file);
  if (!existsSync(path)) throw new ZkMarginError(`ceremony ${transcript.circuit}`, `the current key ${path} is missing`);
  if ((await hashFile(path)) !== step.sha256) throw new ZkMarginError(`ceremony ${transcript.circuit}`, `the current key ${path} is not the one the transcript records (sha256 differs)`);
  return path;
}

/**
 * Runs `task` holding the ceremony's lock (a file created exclusively), so two commands never extend the
 * same transcript at once.
 */
export async function withCeremonyLock<T>(circuitId: string, task: () => Promise<T>): Promise<T> {
  const lock = join(ceremonyDir(circuitId), ".lock");
  let fd: number;
  try {
    fd = openSync(lock, "wx");
  } catch {
    throw new ZkMarginError(`ceremony ${circuitId}`, `another ceremony command holds ${lock} (remove it if no command is running)`);
  }
  try {
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return await task();
  } finally {
    rmSync(lock, { force: true });
  }
}
