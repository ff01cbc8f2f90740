import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import * as snarkjs from "snarkjs";
import { hashFile } from "../build/files.ts";
import { captureConsole } from "../prover/capture-console.ts";
import { ceremonyDir, latestStep, readTranscript, type Transcript } from "./transcript.ts";
import { readZkeyHistory } from "./zkey-contributions.ts";

/** One contribution as the verification found it in the key. */
export interface VerifiedContribution {
  /** 1-based position in the key. */
  readonly index: number;
  readonly kind: "contribution" | "beacon";
  readonly name: string;
  /** The contribution hash snarkjs recomputes from the key (hex), when the key could be verified. */
  readonly hash?: string;
  /** The hash the transcript recorded when the contribution was made (what its contributor announced). */
  readonly announced?: string;
  readonly beacon?: { readonly hash: string; readonly iterationsExp: number };
}

/** The outcome of {@link verifyCeremony}. */
export interface CeremonyVerification {
  readonly circuit: string;
  readonly valid: boolean;
  /** Why it is not valid (empty when valid). */
  readonly problems: readonly string[];
  readonly key: string;
  readonly circuitHash: string | undefined;
  readonly contributions: readonly VerifiedContribution[];
  /** Contributions proper (the beacon not counted): snarkjs accepts a key with none, zkmargin does not. */
  readonly contributionCount: number;
  readonly hasBeacon: boolean;
  readonly ptau: Transcript["ptau"];
}

/** Pulls "contribution #N name:" followed by four lines of hex words out of snarkjs' verification log. */
function loggedHashes(lines: readonly string[]): Map<number, string> {
  const hashes = new Map<number, string>();
  lines.forEach((line, i) => {
    const match = /^contribution #(\d+)\b/.exec(line.trim());
    if (match) hashes.set(Number(match[1]), lines.slice(i + 1, i + 5).join("").replace(/\s+/g, ""));
  });
  return hashes;
}

/**
 * Verifies a circuit's ceremony from scratch: the key on disk is the one the transcript records, the r1cs and
 * the Powers of Tau are the ones it started from (sha256 / blake2b), snarkjs' `verifyFromR1cs` accepts the
 * key (it recomputes the initial key and checks every contribution's proof of knowledge and the beacon), and
 * the contributions in the key are, in order, those the transcript recorded, with the hashes their
 * contributors announced. Lists them; counts contributions itself (snarkjs accepts a key with none).
 *
 * @param circuitId the circuit whose ceremony to verify
 * @param options.ptau the Powers of Tau file if it moved since `init` (its blake2b must match)
 */
export async function verifyCeremony(circuitId: string, options: { ptau?: string } = {}): Promise<CeremonyVerification> {
  const transcript = readTranscript(circuitId);
  const dir = ceremonyDir(circuitId);
  const step = latestStep(transcript);
  const key = join(dir, step.file);
  const r1cs = join(dir, transcript.r1cs.file);
  const ptau = options.ptau ? resolve(options.ptau) : transcript.ptau.path;
  const problems: string[] = [];

  if (!existsSync(r1cs) || (await hashFile(r1cs)) !== transcript.r1cs.sha256) problems.push(`${r1cs} is missing or is not the circuit the ceremony started from`);
  if (!existsSync(ptau) || (await hashFile(ptau, "blake2b512")) !== transcript.ptau.blake2b) problems.push(`Powers of Tau ${ptau} is missing or is not the file the ceremony started from (blake2b ${transcript.ptau.blake2b.slice(0, 16)}...)`);
  if (!existsSync(key)) {
    problems.push(`the current key ${key} is missing`);
    return { circuit: circuitId, valid: false, problems, key, circuitHash: undefined, contributions: [], contributionCount: 0, hasBeacon: false, ptau: transcript.ptau };
  }
  if ((await hashFile(key)) !== step.sha256) problems.push(`${key} is not the key the transcript records (sha256 differs)`);

  // What the key itself says, compared with what the transcript recorded at each step.
  const history = readZkeyHistory(key);
  const recorded = transcript.steps.filter((entry) => entry.kind !== "init");
  if (history.contributions.length !== recorded.length) problems.push(`the key holds ${history.contributions.length} contribution(s), the transcript records ${recorded.length}`);

  let hashes = new Map<number, string>();
  if (problems.length === 0) {
    const lines: string[] = [];
    const logger: snarkjs.Logger = { debug: () => undefined, info: (message) => lines.push(...message.split("\n")), warn: (message) => lines.push(message), error: (message) => lines.push(message) };
    const outcome = await captureConsole(() => snarkjs.zKey.verifyFromR1cs(r1cs, ptau, key, logger));
    if (outcome.result !== true) {
      const reason = [outcome.output, ...lines.filter((line) => /INVALID|not identical|does not match|Different/i.test(line)), outcome.error instanceof Error ? outcome.error.message : ""].join(" ").replace(/\s+/g, " ").trim();
      problems.push(`snarkjs rejects the key: ${reason || "verification failed"}`);
    }
    hashes = loggedHashes(lines);
  }

  const contributions = history.contributions.map((contribution, i): VerifiedContribution => {
    const entry = recorded[i];
    const hash = hashes.get(i + 1);
    if (entry && (entry.kind !== contribution.kind || (entry.name ?? "") !== contribution.name)) problems.push(`contribution #${i + 1} is "${contribution.name}" (${contribution.kind}) in the key but "${entry.name ?? ""}" (${entry.kind}) in the transcript`);
    if (entry?.hash && hash && entry.hash !== hash) problems.push(`contribution #${i + 1} (${contribution.name}) has hash ${hash.slice(0, 16)}... in the key but ${entry.hash.slice(0, 16)}... was announced`);
    if (contribution.kind === "beacon" && entry?.beacon && (entry.beacon.hash !== contribution.beaconHash || entry.beacon.iterationsExp !== contribution.iterationsExp)) problems.push(`the beacon in the key is not the one the transcript records`);
    if (contribution.kind === "beacon" && i !== history.contributions.length - 1) problems.push(`the beacon is contribution #${i + 1}, not the last one`);
    return {
      index: i + 1,
      kind: contribution.kind,
      name: contribution.name,
      ...(hash === undefined ? {} : { hash }),
      ...(entry?.hash === undefined ? {} : { announced: entry.hash }),
      ...(contribution.kind === "beacon" && contribution.beaconHash !== undefined ? { beacon: { hash: contribution.beaconHash, iterationsExp: contribution.iterationsExp ?? 0 } } : {}),
    };
  });
  return {
    circuit: circuitId,
    valid: problems.length === 0,
    problems,
    key,
    circuitHash: history.circuitHash,
    contributions,
    contributionCount: history.contributions.filter((contribution) => contribution.kind === "contribution").length,
    hasBeacon: history.contributions.at(-1)?.kind === "beacon",
    ptau: transcript.ptau,
  };
}
