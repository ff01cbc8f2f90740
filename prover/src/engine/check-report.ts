import { accountCommitment } from "../commitment/account.ts";
import { roundCommitments } from "../commitment/round.ts";
import { toHex32 } from "../core/field.ts";
import type { AccountState, MarketSet, OracleRound } from "../model/types.ts";
import { marginReport, type MarginReport } from "./report.ts";

/**
 * What `zkmargin check --json` prints: the account's and the round's commitments (0x-hex, 32 bytes), then
 * the margin report. The schema is stable: fields are only ever added. Amounts (cash, equity, requirements,
 * sizes, prices, ratios) are exact decimal strings in quote units ("9790.495", never a float); ids, nonces
 * and round numbers are decimal strings too (they go up to 2^64); small integers (maxBufferBps, tier) are
 * JSON numbers; flags are booleans; absent values are null.
 */
export type CheckReport = { readonly accountCommitment: string; readonly roundCommitment: string } & MarginReport;

/** The report `zkmargin check` prints, for an account state at a round. Pure. */
export function checkReport(account: AccountState, round: OracleRound, markets: MarketSet): CheckReport {
  return { accountCommitment: toHex32(accountCommitment(account)), roundCommitment: toHex32(roundCommitments(round, markets).roundCommitment), ...marginReport(account, round, markets) };
}
