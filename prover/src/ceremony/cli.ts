import { relative } from "node:path";
import { PROJECT_ROOT } from "../build/paths.ts";
import { ZkMarginError } from "../core/errors.ts";
import { applyBeacon } from "./beacon.ts";
import { contribute } from "./contribute.ts";
import { finalizeCeremony } from "./finalize.ts";
import { initCeremony } from "./init.ts";
import { ceremonyDir, type CeremonyStep } from "./transcript.ts";
import { verifyCeremony, type CeremonyVerification } from "./verify.ts";

/** Parsed option values, as the CLI passes them. */
export type CeremonyValues = Record<string, string | boolean | string[] | undefined>;

/** Where the command writes: results to `out` (stdout), progress and notes to `err` (stderr). */
export interface CeremonyIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const STEPS = ["init", "contribute", "verify", "beacon", "finalize"] as const;

function text(values: CeremonyValues, name: string, required: boolean): string | undefined {
  const value = values[name];
  if (typeof value === "string" && value !== "") return value;
  if (required) throw new ZkMarginError(`--${name}`, "is required");
  return undefined;
}

function wholeNumber(values: CeremonyValues, name: string): number {
  const raw = text(values, name, true)!;
  if (!/^\d+$/.test(raw.trim())) throw new ZkMarginError(`--${name}`, `must be a whole number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** A 64-byte hash as four lines of four 8-digit words, as snarkjs prints it (easy to compare aloud). */
export function formatContributionHash(hex: string): string {
  const words = hex.match(/.{1,8}/g) ?? [];
  return Array.from({ length: Math.ceil(words.length / 4) }, (_, line) => `    ${words.slice(line * 4, line * 4 + 4).join(" ")}`).join("\n");
}

/** A path relative to the project when it is inside it, else absolute. */
function shown(path: string): string {
  const inside = relative(PROJECT_ROOT, path);
  return inside === "" || inside.startsWith("..") ? path : inside;
}

/** The Powers of Tau's description, with the INSECURE label once. */
function describePtau(ptau: CeremonyVerification["ptau"]): string {
  return `${ptau.source}, power ${ptau.power}, blake2b ${ptau.blake2b.slice(0, 16)}...${ptau.trust === "hermez" || ptau.source.includes("INSECURE") ? "" : " (INSECURE development file)"}`;
}

function describeStep(step: CeremonyStep): string {
  const what = step.kind === "beacon" ? `beacon ${step.beacon?.hash} (2^${step.beacon?.iterationsExp} iterations)` : `contribution #${step.index} by ${step.name}`;
  return `${what}: ${step.file}\ncontribution hash (announce it):\n${formatContributionHash(step.hash ?? "")}`;
}

function describeVerification(result: CeremonyVerification): string {
  const lines = [`ceremony ${result.circuit}: ${shown(result.key)}`, `Powers of Tau: ${describePtau(result.ptau)}`];
  if (result.circuitHash) lines.push(`circuit hash: ${result.circuitHash.slice(0, 32)}...`);
  for (const contribution of result.contributions) {
    const label = contribution.kind === "beacon" ? `beacon ${contribution.beacon?.hash.slice(0, 16)}... 2^${contribution.beacon?.iterationsExp}` : contribution.name;
    const check = contribution.hash === undefined ? "(not verified)" : contribution.announced === contribution.hash ? "(as announced)" : "(NOT as announced)";
    lines.push(`  #${contribution.index} ${contribution.kind.padEnd(12)} ${label.padEnd(24)} ${(contribution.hash ?? "").slice(0, 32)}... ${check}`);
  }
  lines.push(result.valid
    ? `valid: ${result.contributionCount} contribution(s)${result.hasBeacon ? " and the beacon" : ", no beacon yet"}`
    : `INVALID: ${result.problems.join("; ")}`);
  return lines.join("\n");
}

/**
 * Runs `zkmargin ceremony <step>`: a multi-party Groth16 phase 2 over one circuit (see README "Ceremony").
 *
 * @returns the exit code: 0 done or valid, 1 `verify` found the ceremony invalid
 * @throws ZkMarginError for bad options or a refused step (the CLI prints one line, exit 2)
 */
export async function runCeremony(values: CeremonyValues, positionals: readonly string[], io: CeremonyIo): Promise<number> {
  const step = positionals[0];
  if (!STEPS.includes(step as (typeof STEPS)[number])) throw new ZkMarginError("ceremony", `expected a step (${STEPS.join(", ")}), got ${step === undefined ? "none" : JSON.stringify(step)}`);
  const circuit = text(values, "circuit", true)!;
  const ptau = text(values, "ptau", false);
  try {
    switch (step) {
      case "init": {
        const transcript = await initCeremony(circuit, { ...(ptau ? { userFile: ptau } : {}), allowUnverified: values["allow-unverified-ptau"] === true, log: io.err });
        io.out(`ceremony ${circuit}: initial key ${transcript.steps[0]!.file} in ${shown(ceremonyDir(circuit))} (${transcript.r1cs.constraints} constraints, no contribution yet)`);
        io.out(`Powers of Tau: ${describePtau(transcript.ptau)}`);
        if (transcript.ptau.trust !== "hermez") io.err("WARNING: development Powers of Tau: keys from this ceremony are INSECURE whatever the phase 2 (use --ptau with a published Hermez file)");
        io.err(`next: each participant runs \`zkmargin ceremony contribute --circuit ${circuit} --name NAME\` in turn, then the coordinator applies a beacon`);
        return 0;
      }
      case "contribute": {
        const made = await contribute(circuit, text(values, "name", true)!, text(values, "entropy", false));
        io.out(values.json ? JSON.stringify(made) : describeStep(made));
        return 0;
      }
      case "beacon": {
        const made = await applyBeacon(circuit, text(values, "hash", true)!, wholeNumber(values, "iterations"));
        io.out(values.json ? JSON.stringify(made) : describeStep(made));
        return 0;
      }
      case "verify": {
        const result = await verifyCeremony(circuit, ptau ? { ptau } : {});
        if (values.json) io.out(JSON.stringify(result));
        else if (result.valid) io.out(describeVerification(result));
        else io.err(describeVerification(result));
        return result.valid ? 0 : 1;
      }
      default: {
        const { manifest } = await finalizeCeremony(circuit, wholeNumber(values, "min-contributions"), ptau ? { ptau } : {});
        io.out(`ceremony ${circuit} finalised: ${manifest.ceremony.contributions.length} contribution(s) and the beacon; exported build/${circuit}/main.zkey, verification_key.json, verifier.sol (${manifest.verifierContract}), manifest.json`);
        if (manifest.ceremony.insecure) io.err(`note: ${manifest.ceremony.note}`);
        return 0;
      }
    }
  } finally {
    const { releaseCurve } = await import("../prover/warm-prover.ts");
    await releaseCurve();
  }
}
