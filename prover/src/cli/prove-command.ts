import { ARTIFACTS_OPTIONS, ARTIFACTS_USAGE, BACKEND_OPTIONS, BACKEND_USAGE, type Command } from "./options.ts";

/** The statements `zkmargin prove` takes. */
export const STATEMENTS = ["deposit", "fills", "withdraw", "attest", "answer", "takeover"] as const;
export type Statement = (typeof STATEMENTS)[number];

const USAGE = `Usage: zkmargin prove <statement> [options] --out proof.json

  deposit   --account A.json --markets M.json --amount TOKENS --next A2.json
  fills     --account A.json --markets M.json --fills F.json --listed L [--count N] --next A2.json
  withdraw  --account A.json --round R.json --markets M.json --amount TOKENS --next A2.json
  attest    --account A.json --round R.json --markets M.json --bind 0xSENDER [--buffer-bps B] [--requirement maintenance|initial]
  answer    --account A.json --round R.json --markets M.json --bind 0xSENDER
  takeover  --victim V.json --liquidator L.json --round R.json --markets M.json --penalty-bps P [--defaulted] --next L2.json

Transitions (deposit, fills, withdraw, takeover) also write the account's next state to --next (the
liquidator's for a takeover): keep it once the vault has accepted the proof. Amounts are in tokens (6
decimals). --bind is the address that will send the transaction (the vault binds margin proofs to it).
An account that does not meet what it is asked to prove is refused (exit 1) and nothing is written.

${ARTIFACTS_USAGE}
${BACKEND_USAGE}`;

/** `zkmargin prove <statement>`: checks with the engine, proves with a warm prover, writes the proof file and the next state. */
export const proveCommand: Command = {
  summary: "prove a statement: deposit, fills, withdraw, attest, answer, takeover",
  usage: USAGE,
  options: {
    account: { type: "string" }, victim: { type: "string" }, liquidator: { type: "string" }, round: { type: "string" }, markets: { type: "string" },
    fills: { type: "string" }, listed: { type: "string" }, count: { type: "string" }, amount: { type: "string" }, bind: { type: "string" },
    "buffer-bps": { type: "string" }, requirement: { type: "string" }, "penalty-bps": { type: "string" }, defaulted: { type: "boolean" },
    out: { type: "string" }, next: { type: "string" }, ...ARTIFACTS_OPTIONS, ...BACKEND_OPTIONS,
  },
  async run(values, positionals) {
    // The engine, the commitments and the prover load only when a proof is asked for (`--help` needs none).
    const { runProve } = await import("./prove-run.ts");
    return runProve(values, positionals);
  },
};
