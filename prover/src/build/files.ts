import { createHash } from "node:crypto";
import { createReadStream, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Hashes a file with `algorithm` (sha256 or blake2b512), streaming, as lower-case hex. */
export async function hashFile(path: string, algorithm: "sha256" | "blake2b512" = "sha256"): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** sha256 of bytes or text, as hex. */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** A temporary sibling name for atomic writes: same folder, so the final rename never crosses devices. */
export function temporaryPath(path: string): string {
  return `${path}.tmp-${process.pid}-${Date.now().toString(36)}`;
}

/** Writes a file atomically: to a temporary name first, then renamed, so no reader ever sees half a file. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = temporaryPath(path);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Runs `produce(temporaryPath)` and renames its output to `path` only when it succeeded, so a failed or
 * interrupted step (a setup, a ceremony contribution) never leaves a partial artifact under the final name.
 */
export async function produceAtomic<T>(path: string, produce: (temporary: string) => Promise<T>): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = temporaryPath(path);
  try {
    const result = await produce(temporary);
    renameSync(temporary, path);
    return result;
  } finally {
    rmSync(temporary, { force: true });
  }
}
