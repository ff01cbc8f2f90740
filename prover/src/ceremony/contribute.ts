import { randomBytes } from "node:crypto";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { hashFile, produceAtomic } from "../build/files.ts";
import { ZkMarginError } from "../core/errors.ts";
import { ceremonyDir, checkedLatestKey, keyFileName, latestStep, readTranscript, withCeremonyLock, writeTranscript, type CeremonyStep } from "./transcript.ts";

const silent: snarkjs.Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A contributor name as snarkjs stores it (at most 64 bytes of UTF-8), refused when empty or too long. */
export function contributorName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === "" || Buffer.byteLength(trimmed, "utf8") > 64 || /[\r\n]/.test(trimmed)) throw new ZkMarginError("--name", "must be 1 to 64 bytes on one line");
  return trimmed;
}

/**
 * Adds one phase-2 contribution to the circuit's ceremony: the next key is the current one with a fresh
 * secret mixed in (snarkjs draws system randomness and hashes `entropy` into it; the secret is never stored).
 * Refused after the beacon or after finalisation, and when the current key is not the one the transcript
 * records.
 *
 * @param circuitId the circuit whose ceremony to extend
 * @param name the contributor, recorded in the key and the transcript
 * @param entropy extra entropy from the contributor (default: 64 random bytes)
 * @returns the new step, with the contribution hash the contributor announces
 */
export async function contribute(circuitId: string, name: string, entropy?: string): Promise<CeremonyStep> {
  const who = contributorName(name);
  return withCeremonyLock(circuitId, async () => {
    const transcript = readTranscript(circuitId);
    if (transcript.finalized) throw new ZkMarginError(`ceremony ${circuitId}`, "is finalised: no more contributions");
    if (latestStep(transcript).kind === "beacon") throw new ZkMarginError(`ceremony ${circuitId}`, "the beacon has been applied: it must be the last step");
    const previous = await checkedLatestKey(transcript);
    const index = transcript.steps.length;
    const file = keyFileName(circuitId, index);
    const path = join(ceremonyDir(circuitId), file);
    const secret = entropy !== undefined && entropy !== "" ? entropy : randomBytes(64).toString("hex");
    const hash = await produceAtomic(path, async (temporary) => {
      const result: unknown = await snarkjs.zKey.contribute(previous, temporary, who, secret, silent);
      if (!(result instanceof Uint8Array)) throw new ZkMarginError(`ceremony ${circuitId}`, "snarkjs refused the contribution");
      return result;
    });
    const step: CeremonyStep = { index, kind: "contribution", file, sha256: await hashFile(path), name: who, hash: Buffer.from(hash).toString("hex"), at: new Date().toISOString() };
    writeTranscript({ ...transcript, steps: [...transcript.steps, step] });
    return step;
  });
}
