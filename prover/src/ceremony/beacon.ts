import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { hashFile, produceAtomic } from "../build/files.ts";
import { ZkMarginError } from "../core/errors.ts";
import { ceremonyDir, checkedLatestKey, keyFileName, latestStep, readTranscript, withCeremonyLock, writeTranscript, type CeremonyStep } from "./transcript.ts";

const silent: snarkjs.Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Smallest and largest exponent of the beacon's hash iterations snarkjs accepts (2^10 .. 2^63). */
export const BEACON_ITERATIONS = { min: 10, max: 63 } as const;

/** Checks a beacon value: 32 to 255 bytes of hex (an optional 0x prefix is dropped). */
export function beaconHashHex(text: string): string {
  const hex = text.trim().replace(/^0x/i, "");
  if (!/^([0-9a-fA-F]{2}){32,255}$/.test(hex)) throw new ZkMarginError("--hash", "must be 32 to 255 bytes of hex (e.g. a future block hash announced in advance)");
  return hex.toLowerCase();
}

/**
 * Applies the final random beacon: a public value nobody controls when the last contribution is made (a
 * block hash or drand round announced in advance), hashed 2^iterationsExp times. It must be the last step and
 * needs at least one contribution before it.
 *
 * @param circuitId the circuit whose ceremony to close
 * @param hash the beacon value, hex
 * @param iterationsExp the exponent of the number of hash iterations (10 to 63)
 */
export async function applyBeacon(circuitId: string, hash: string, iterationsExp: number): Promise<CeremonyStep> {
  const beaconHash = beaconHashHex(hash);
  if (!Number.isInteger(iterationsExp) || iterationsExp < BEACON_ITERATIONS.min || iterationsExp > BEACON_ITERATIONS.max) {
    throw new ZkMarginError("--iterations", `must be a whole number from ${BEACON_ITERATIONS.min} to ${BEACON_ITERATIONS.max} (2^N hash iterations)`);
  }
  return withCeremonyLock(circuitId, async () => {
    const transcript = readTranscript(circuitId);
    if (transcript.finalized) throw new ZkMarginError(`ceremony ${circuitId}`, "is finalised");
    if (transcript.steps.some((step) => step.kind === "beacon")) throw new ZkMarginError(`ceremony ${circuitId}`, "already has its beacon");
    if (!transcript.steps.some((step) => step.kind === "contribution")) throw new ZkMarginError(`ceremony ${circuitId}`, "has no contribution yet: the beacon comes after the last contribution");
    const previous = await checkedLatestKey(transcript);
    const index = latestStep(transcript).index + 1;
    const file = keyFileName(circuitId, index);
    const path = join(ceremonyDir(circuitId), file);
    const digest = await produceAtomic(path, async (temporary) => {
      const result: unknown = await snarkjs.zKey.beacon(previous, temporary, "beacon", beaconHash, iterationsExp, silent);
      if (!(result instanceof Uint8Array)) throw new ZkMarginError(`ceremony ${circuitId}`, "snarkjs refused the beacon");
      return result;
    });
    const step: CeremonyStep = { index, kind: "beacon", file, sha256: await hashFile(path), name: "beacon", hash: Buffer.from(digest).toString("hex"), beacon: { hash: beaconHash, iterationsExp }, at: new Date().toISOString() };
    writeTranscript({ ...transcript, steps: [...transcript.steps, step] });
    return step;
  });
}
