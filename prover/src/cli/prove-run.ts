// `zkmargin prove`: the statement's preparation and proof, loaded by prove-command.ts when the command runs.
import { resolve } from "node:path";
import { writeFileAtomic } from "../build/files.ts";
import { loadCircuitSpecs } from "../circuit/load-specs.ts";
import { formatScaled, parseInteger, parseScaled } from "../core/decimal.ts";
import { ZkMarginError } from "../core/errors.ts";
import { parseAddress, toHex32 } from "../core/field.ts";
import { MARKETS, TOKEN_DECIMALS, bound } from "../core/constants.ts";
import { accountToJson, parseBufferBps } from "../model/parse.ts";
import type { MarketSet } from "../model/types.ts";
import { loadAccount, loadFills, loadMarkets, loadRound } from "../statements/load.ts";
import { prepareApplyFills, prepareDeposit, prepareMargin, prepareTakeover, prepareWithdraw, type PreparedProof } from "../statements/prepare.ts";
import { ProverSet } from "../statements/prover-set.ts";
import { artifactsFrom, backendFrom, optional, refuse, required, type Values } from "./options.ts";
import { STATEMENTS, type Statement } from "./prove-command.ts";
import { UsageError } from "./usage-error.ts";

const err = (text: string) => process.stderr.write(`${text}\n`);
const out = (text: string) => process.stdout.write(`${text}\n`);

const amountOf = (values: Values) => parseScaled(required(values, "amount"), "--amount", TOKEN_DECIMALS, { min: 1n, maxExclusive: bound(64), limitText: "2^64 / 10^6" });

function prepare(statement: Statement, values: Values, markets: MarketSet): PreparedProof {
  const specs = loadCircuitSpecs();
  if (statement === "takeover") {
    const victim = loadAccount(required(values, "victim"), markets, "victim");
    const liquidator = loadAccount(required(values, "liquidator"), markets, "liquidator");
    const round = loadRound(required(values, "round"), markets);
    const penaltyBps = parseInteger(required(values, "penalty-bps"), "--penalty-bps", 10_001n);
    return prepareTakeover(victim, liquidator, round, markets, { penaltyBps, defaulted: values.defaulted === true }, specs);
  }
  const account = loadAccount(required(values, "account"), markets);
  if (statement === "deposit") return prepareDeposit(account, amountOf(values), specs);
  if (statement === "fills") {
    const fills = loadFills(required(values, "fills"), markets);
    const listed = Number(parseInteger(required(values, "listed"), "--listed", BigInt(MARKETS) + 1n));
    if (listed === 0) throw new ZkMarginError("--listed", "at least one market is listed");
    const count = optional(values, "count") === undefined ? Math.min(fills.length, specs.find((spec) => spec.kind === "fills" && spec.setup)?.fills ?? fills.length) : Number(parseInteger(values.count, "--count", BigInt(fills.length) + 1n));
    if (count < fills.length) err(`applying the first ${count} of ${fills.length} fills (one proof takes at most ${count}); prove the rest from the next state`);
    return prepareApplyFills(account, fills.slice(0, count), listed, specs);
  }
  const round = loadRound(required(values, "round"), markets);
  if (statement === "withdraw") return prepareWithdraw(account, amountOf(values), round, markets, specs);
  const binder = parseAddress(required(values, "bind"), "--bind");
  if (statement === "answer") return prepareMargin(account, round, markets, { binder, requirement: "maintenance", side: "favourable", bufferBps: 0n }, specs);
  const requirement = optional(values, "requirement") ?? "maintenance";
  if (requirement !== "maintenance" && requirement !== "initial") throw new ZkMarginError("--requirement", `must be maintenance or initial, got ${requirement}`);
  const bufferBps = values["buffer-bps"] === undefined ? 0n : parseBufferBps(values["buffer-bps"], "--buffer-bps");
  return prepareMargin(account, round, markets, { binder, requirement, side: "conservative", bufferBps }, specs);
}

/** The work of `zkmargin prove <statement>` (see proveCommand): checks with the engine, proves, writes the proof file and the next state. */
export async function runProve(values: Values, positionals: string[]): Promise<number> {
  const statement = positionals[0] as Statement | undefined;
  if (!statement || !STATEMENTS.includes(statement)) throw new UsageError(`name the statement to prove: ${STATEMENTS.join(", ")}`);
  const outPath = resolve(required(values, "out"));
  const transition = statement === "deposit" || statement === "fills" || statement === "withdraw" || statement === "takeover";
  const nextPath = transition ? resolve(required(values, "next")) : undefined;
  const backend = backendFrom(values);
  const markets = loadMarkets(required(values, "markets"));
  let prepared: PreparedProof;
  try {
    prepared = prepare(statement, values, markets);
  } catch (error) {
    return refuse(error);
  }
  const provers = new ProverSet({ artifacts: artifactsFrom(values), ...backend });
  try {
    err(`proving ${statement} with ${prepared.circuit.id}${backend.rapidsnark ? ` (rapidsnark: ${backend.rapidsnark})` : ""}...`);
    const started = performance.now();
    const file = await provers.proveFile(prepared);
    // The next state first: a proof file never exists without the state it leads to.
    if (nextPath && prepared.next) writeFileAtomic(nextPath, `${JSON.stringify(accountToJson(prepared.next, markets), null, 2)}\n`);
    writeFileAtomic(outPath, `${JSON.stringify(file, null, 2)}\n`);
    err(`proof written to ${outPath} in ${((performance.now() - started) / 1000).toFixed(2)} s${file.insecureSetup ? " (development setup: INSECURE keys)" : ""}`);
    if (prepared.takeover) err(`takeover: owner gets ${formatScaled(prepared.takeover.ownerPayout, 6)}, penalty ${formatScaled(prepared.takeover.penalty, 6)}, bad debt ${formatScaled(prepared.takeover.badDebt, 6)}`);
    out(JSON.stringify({ out: outPath, ...(nextPath ? { next: nextPath, nextCommitment: toHex32(prepared.publicInputs[prepared.circuit.pubs.indexOf(statement === "takeover" ? "liquidatorNewCommitment" : "newCommitment")]!) } : {}), circuit: file.circuit, statement: file.statement }));
    return 0;
  } finally {
    await provers.close();
  }
}
