import { Artifacts } from "../artifacts/store.ts";
import { ZkMarginError, ZkMarginRefusal, shown } from "../core/errors.ts";
import { findRapidsnark, PROVING_BACKENDS, type ProvingBackend } from "../prover/rapidsnark.ts";
import { UsageError } from "./usage-error.ts";

/** Parsed option values of a command. */
export type Values = Record<string, string | boolean | string[] | undefined>;
/** The options a command takes (node:util parseArgs form). */
export type OptionSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;

/** One CLI command. */
export interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: OptionSpec;
  run(values: Values, positionals: string[]): Promise<number>;
}

/** The value of a required string option, or a usage error naming it. */
export function required(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

/** The value of an optional string option. */
export function optional(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/**
 * Joins `--option -1.5` into `--option=-1.5` for string options, so negative numbers (a fee rebate, a short
 * size) are values rather than unknown short options.
 */
export function joinNegativeValues(args: readonly string[], options: OptionSpec): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg.startsWith("--") && !arg.includes("=") ? arg.slice(2) : undefined;
    const next = args[i + 1];
    if (name && options[name]?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

const err = (text: string) => process.stderr.write(`${text}\n`);

/** The statement commands refuse with exit code 1 (the account does not meet what it is asked to prove). */
export function refuse(error: unknown): number {
  if (error instanceof ZkMarginRefusal) {
    err(`zkmargin: refused: ${error.message}; no proof written`);
    return 1;
  }
  throw error;
}

/** The options that name an artifacts location (prove, verify, export-verifier, export-artifacts, demo). */
export const ARTIFACTS_OPTIONS: OptionSpec = { artifacts: { type: "string" }, "artifacts-sha256": { type: "string" } };

/** Usage lines of {@link ARTIFACTS_OPTIONS}. */
export const ARTIFACTS_USAGE = `  --artifacts DIR|URL      where the circuits' artifacts are: a build folder, a bundle folder, or a bundle's
                           http(s):// URL (default: $ZKMARGIN_ARTIFACTS, else the build folder); every file is
                           checked against its sha256 (bundle index and manifest) before use
  --artifacts-sha256 HEX   refuse a bundle whose index.json has another sha256 (pin a release)`;

/** The artifacts location the options name (or the default one). */
export function artifactsFrom(values: Values): Artifacts {
  const pin = optional(values, "artifacts-sha256");
  return Artifacts.at(optional(values, "artifacts"), pin === undefined ? {} : { indexSha256: pin.toLowerCase().replace(/^0x/, "") });
}

/** The options that choose the proving backend (prove). */
export const BACKEND_OPTIONS: OptionSpec = { backend: { type: "string" }, rapidsnark: { type: "string" } };

/** Usage lines of {@link BACKEND_OPTIONS}. */
export const BACKEND_USAGE = `  --backend B              wasm (default: the proof is computed in this process) or rapidsnark (by a native
                           rapidsnark \`prover\` binary; the witness is still computed here, and the proof is
                           checked with the verification key and against the witness before it is written)
  --rapidsnark PATH        the rapidsnark binary (implies --backend rapidsnark; default $ZKMARGIN_RAPIDSNARK,
                           else a \`rapidsnark\` or \`prover\` executable on PATH)`;

/**
 * The backend the options ask for, with the rapidsnark binary resolved (so that a missing one is refused
 * before anything is proven; no fallback to wasm).
 *
 * @throws ZkMarginError naming --backend for an unknown backend, --rapidsnark for a binary given with
 *   --backend wasm, "rapidsnark" when no executable binary is found
 */
export function backendFrom(values: Values): { backend: ProvingBackend; rapidsnark?: string } {
  const asked = optional(values, "backend");
  const path = optional(values, "rapidsnark");
  if (asked !== undefined && !(PROVING_BACKENDS as readonly string[]).includes(asked)) throw new ZkMarginError("--backend", `must be ${PROVING_BACKENDS.join(" or ")}, got ${shown(asked)}`);
  const backend = (asked ?? (path === undefined ? "wasm" : "rapidsnark")) as ProvingBackend;
  if (backend === "wasm") {
    if (path !== undefined) throw new ZkMarginError("--rapidsnark", "is a binary of the rapidsnark backend: drop it, or use --backend rapidsnark");
    return { backend };
  }
  return { backend, rapidsnark: findRapidsnark(path) };
}
