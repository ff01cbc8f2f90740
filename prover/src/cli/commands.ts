import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildCircuits } from "../build/pipeline.ts";
import { writeFileAtomic } from "../build/files.ts";
import { artifactPaths } from "../build/paths.ts";
import { readManifest } from "../build/setup.ts";
import { accountCommitment, roundCommitments } from "../commitment/commitments.ts";
import type { RequirementKind } from "../commitment/statement.ts";
import { loadCircuitSpecs } from "../circuit/load-specs.ts";
import { ZkMarginError } from "../core/errors.ts";
import { parseAddress, toHex32 } from "../core/field.ts";
import { marginReport } from "../engine/margin.ts";
import { readJsonFile } from "../model/json.ts";
import { parseAccount, parseBufferBps, parseMarkets, parseRound } from "../model/parse.ts";
import { splitSubaccounts, subaccount } from "../model/subaccounts.ts";
import type { Account } from "../model/types.ts";
import { prepareLiquidationProof, prepareMarginProof, type PreparedProof } from "../statements/prepare.ts";
import { toProofFile, verifyProofFile } from "../statements/proof-file.ts";
import { loadSubject } from "../statements/load.ts";
import { ProverSet } from "../statements/prover-set.ts";
import { BENCH_OPTIONS, BENCH_USAGE, runBenchCommand } from "../bench/command.ts";
import { CEREMONY_OPTIONS, CEREMONY_USAGE } from "../ceremony/usage.ts";
import { formatReport } from "./format.ts";
import { UsageError } from "./usage-error.ts";

type Values = Record<string, string | boolean | string[] | undefined>;
type OptionSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;

/** One CLI command. */
export interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: OptionSpec;
  run(values: Values, positionals: string[]): Promise<number>;
}

const subjectOptions: OptionSpec = { account: { type: "string" }, round: { type: "string" }, markets: { type: "string" }, subaccount: { type: "string" } };

function required(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

function subjectFrom(values: Values) {
  return loadSubject({ account: required(values, "account"), round: required(values, "round"), markets: required(values, "markets") }, typeof values.subaccount === "string" ? values.subaccount : "cross");
}

const err = (text: string) => process.stderr.write(`${text}\n`);
const out = (text: string) => process.stdout.write(`${text}\n`);

async function proveAndWrite(prepared: PreparedProof, round: bigint, outPath: string): Promise<number> {
  const provers = new ProverSet();
  try {
    err(`proving with ${prepared.circuit.id} (${prepared.circuit.slots} slots, ${prepared.circuit.markets} markets)...`);
    const started = performance.now();
    const bundle = await provers.prove(prepared);
    const file = toProofFile(prepared, bundle, round);
    writeFileAtomic(resolve(outPath), `${JSON.stringify(file, null, 2)}\n`);
    err(`proof written to ${outPath} in ${((performance.now() - started) / 1000).toFixed(2)} s${file.insecureSetup ? " (development setup: INSECURE keys)" : ""}`);
    out(JSON.stringify({ out: outPath, circuit: file.circuit, publicInputs: file.publicInputs }));
    return 0;
  } finally {
    await provers.close();
  }
}

/** The statement commands refuse with exit code 1 (the account does not meet what it is asked to prove). */
function refuse(error: unknown): number {
  if (error instanceof ZkMarginError && error.field === "account") {
    err(`zkmargin: refused: account ${error.message.replace(/^account: /, "")}; no proof written`);
    return 1;
  }
  throw error;
}

export const commands: Record<string, Command> = {
  build: {
    summary: "compile the circuits and run their Groth16 setup (cached)",
    usage: "Usage: zkmargin build [--circuit ID ...] [--force] [--ptau FILE [--allow-unverified-ptau]] [--quiet]",
    options: { circuit: { type: "string", multiple: true }, force: { type: "boolean" }, ptau: { type: "string" }, "allow-unverified-ptau": { type: "boolean" }, quiet: { type: "boolean" } },
    async run(values) {
      const log = values.quiet ? () => undefined : err;
      const only = values.circuit as string[] | undefined;
      const started = performance.now();
      const steps = await buildCircuits({
        ...(only ? { only } : {}),
        force: values.force === true,
        ...(typeof values.ptau === "string" ? { userFile: values.ptau } : {}),
        allowUnverified: values["allow-unverified-ptau"] === true,
        log,
      });
      const insecure = steps.some((step) => step.manifest?.ceremony.insecure);
      if (values.quiet) {
        const count = (test: (step: (typeof steps)[number]) => boolean) => steps.filter(test).length;
        out(`zkmargin build: ${steps.length} circuit${steps.length === 1 ? "" : "s"}, ${count((step) => step.compiled)} compiled, ${count((step) => step.setUp)} set up, ${count((step) => !step.compiled && !step.setUp)} up to date, in ${((performance.now() - started) / 1000).toFixed(1)} s${insecure ? " (development keys: INSECURE)" : ""}`);
      } else {
        for (const step of steps) out(`${step.circuit.padEnd(22)} ${step.constraints !== undefined ? `${step.constraints} constraints` : "compiled (no setup)"}${step.compiled || step.setUp ? "" : " (up to date)"}`);
        const knownTau = steps.some((step) => step.manifest?.ceremony.method === "known-tau");
        const singleParty = steps.some((step) => step.manifest?.ceremony.insecure && step.manifest.ceremony.method !== "known-tau");
        if (knownTau) err("note: development setup (known tau: the build drew the secrets and discarded them): the keys are INSECURE, never use them for real funds");
        if (singleParty) err("note: development setup (single contribution on this machine, or a development Powers of Tau): the keys are INSECURE, never use them for real funds");
      }
      const { releaseCurve } = await import("../prover/warm-prover.ts");
      await releaseCurve();
      return 0;
    },
  },

  check: {
    summary: "print the margin report of an account at a round",
    usage: "Usage: zkmargin check --account A.json --round R.json --markets M.json [--subaccount cross|isolated:MARKET] [--json]\n(without --subaccount: the cross subaccount, with each isolated position's report under \"isolated\")",
    options: { ...subjectOptions, json: { type: "boolean" } },
    async run(values) {
      const markets = parseMarkets(readJsonFile(required(values, "markets"), "markets"));
      const round = parseRound(readJsonFile(required(values, "round"), "round"), markets);
      const account = parseAccount(readJsonFile(required(values, "account"), "account"), markets);
      const roundCommitment = toHex32(roundCommitments(round, markets).roundCommitment);
      const reportOf = (part: Account) => ({ accountCommitment: toHex32(accountCommitment(part)), round: round.round.toString(), roundCommitment, ...marginReport(part, round, markets) });
      const wanted = typeof values.subaccount === "string" ? values.subaccount : undefined;
      const subaccounts = splitSubaccounts(account);
      const main = reportOf(subaccount(account, wanted ?? "cross"));
      const isolated = wanted ? [] : subaccounts.slice(1).map((part) => ({ subaccount: part.name, ...reportOf(part.account) }));
      if (values.json) out(JSON.stringify(isolated.length > 0 ? { ...main, isolated } : main, null, 2));
      else out([formatReport(main), ...isolated.map((part) => `\n--- subaccount ${part.subaccount} ---\n${formatReport(part)}`)].join("\n"));
      return 0;
    },
  },

  commitments: {
    summary: "print the account, prices, risk and round commitments (what the oracle and vault post)",
    usage: "Usage: zkmargin commitments --round R.json --markets M.json [--account A.json]",
    options: subjectOptions,
    async run(values) {
      const markets = parseMarkets(readJsonFile(required(values, "markets"), "markets"));
      const round = parseRound(readJsonFile(required(values, "round"), "round"), markets);
      const commitments = roundCommitments(round, markets);
      const result: Record<string, string> = {
        pricesCommitment: toHex32(commitments.pricesCommitment),
        riskCommitment: toHex32(commitments.riskCommitment),
        roundCommitment: toHex32(commitments.roundCommitment),
      };
      if (typeof values.account === "string") {
        for (const part of splitSubaccounts(parseAccount(readJsonFile(values.account, "account"), markets))) {
          result[part.name === "cross" ? "accountCommitment" : `accountCommitment (${part.name})`] = toHex32(accountCommitment(part.account));
        }
      }
      out(JSON.stringify(result, null, 2));
      return 0;
    },
  },

  prove: {
    summary: "prove that an account meets its margin (maintenance or initial, with a buffer)",
    usage: "Usage: zkmargin prove --account A.json --round R.json --markets M.json --out proof.json [--requirement maintenance|initial] [--buffer-bps B] [--bind 0xADDRESS] [--subaccount cross|isolated:MARKET]",
    options: { ...subjectOptions, out: { type: "string" }, requirement: { type: "string" }, "buffer-bps": { type: "string" }, bind: { type: "string" } },
    async run(values) {
      const outPath = required(values, "out");
      const requirement = (values.requirement ?? "maintenance") as string;
      if (requirement !== "maintenance" && requirement !== "initial") throw new ZkMarginError("--requirement", `must be maintenance or initial, got ${requirement}`);
      const bufferBps = values["buffer-bps"] === undefined ? 0n : parseBufferBps(values["buffer-bps"], "--buffer-bps");
      const binder = values.bind === undefined ? 0n : parseAddress(values.bind, "--bind");
      const subject = subjectFrom(values);
      let prepared: PreparedProof;
      try {
        prepared = prepareMarginProof({ ...subject, requirement: requirement as RequirementKind, bufferBps, binder }, loadCircuitSpecs());
      } catch (error) {
        return refuse(error);
      }
      return proveAndWrite(prepared, subject.round.round, outPath);
    },
  },

  "prove-liquidation": {
    summary: "prove that an account is below its maintenance margin, bound to a liquidator",
    usage: "Usage: zkmargin prove-liquidation --account A.json --round R.json --markets M.json --bind 0xLIQUIDATOR --out proof.json [--subaccount cross|isolated:MARKET]",
    options: { ...subjectOptions, out: { type: "string" }, bind: { type: "string" } },
    async run(values) {
      const outPath = required(values, "out");
      const liquidator = parseAddress(required(values, "bind"), "--bind");
      const subject = subjectFrom(values);
      let prepared: PreparedProof;
      try {
        prepared = prepareLiquidationProof({ ...subject, liquidator }, loadCircuitSpecs());
      } catch (error) {
        return refuse(error);
      }
      return proveAndWrite(prepared, subject.round.round, outPath);
    },
  },

  verify: {
    summary: "verify a proof file (exit 0 valid, 1 invalid)",
    usage: "Usage: zkmargin verify proof.json [--json]",
    options: { json: { type: "boolean" } },
    async run(values, positionals) {
      const path = positionals[0];
      if (!path) throw new UsageError("give the proof file to verify");
      const outcome = await verifyProofFile(readJsonFile(path, "proof"));
      const { releaseCurve } = await import("../prover/warm-prover.ts");
      await releaseCurve();
      if (values.json) out(JSON.stringify(outcome));
      else if (outcome.valid) out(`valid: ${outcome.message}`);
      else err(`INVALID: ${outcome.message}`);
      return outcome.valid ? 0 : 1;
    },
  },

  bench: {
    summary: "the reference benchmark: proving time, constraints, memory, gas per N and M (writes bench/)",
    usage: BENCH_USAGE,
    options: BENCH_OPTIONS,
    async run(values) {
      return runBenchCommand(values, err, out);
    },
  },

  demo: {
    summary: "run the private-liquidation story on an in-process Hardhat chain (npm start)",
    usage: "Usage: zkmargin demo [--json]",
    options: { json: { type: "boolean" } },
    async run(values) {
      const { formatStory, runStory } = await import("../demo/story.ts");
      const result = await runStory({ log: values.json ? () => undefined : (message) => err(`  ${message}`) });
      out(values.json ? JSON.stringify(result, null, 2) : formatStory(result));
      return result.balanced ? 0 : 1;
    },
  },

  ceremony: {
    summary: "multi-party trusted setup (phase 2): init, contribute, verify, beacon, finalize",
    usage: CEREMONY_USAGE,
    options: CEREMONY_OPTIONS,
    async run(values, positionals) {
      const { runCeremony } = await import("../ceremony/cli.ts");
      return runCeremony(values, positionals, { out, err });
    },
  },

  "export-verifier": {
    summary: "copy the generated Solidity verifiers and verification keys to a folder",
    usage: "Usage: zkmargin export-verifier --out DIR [--circuit ID ...]",
    options: { out: { type: "string" }, circuit: { type: "string", multiple: true } },
    async run(values) {
      const dir = resolve(required(values, "out"));
      const specs = loadCircuitSpecs().filter((spec) => spec.setup);
      const wanted = (values.circuit as string[] | undefined) ?? specs.map((spec) => spec.id);
      for (const id of wanted) {
        const manifest = readManifest(id);
        if (!manifest) throw new ZkMarginError(`circuit ${id}`, "is not built: run `npx zkmargin build`");
        const paths = artifactPaths(id);
        writeFileAtomic(resolve(dir, `${manifest.verifierContract}.sol`), readFileSync(paths.verifier));
        writeFileAtomic(resolve(dir, `${id}.vkey.json`), readFileSync(paths.vkey));
        out(`${id}: ${manifest.verifierContract}.sol, ${id}.vkey.json${manifest.ceremony.insecure ? " (development keys: INSECURE)" : ""}`);
      }
      return 0;
    },
  },
};
