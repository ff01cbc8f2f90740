import { parseAccount, parseMarkets, parseRound } from "../model/parse.ts";
import { readJsonFile } from "../model/json.ts";
import { subaccount } from "../model/subaccounts.ts";
import type { ProofSubject } from "./prepare.ts";

/** Paths of the three input files of `check` and `prove`. */
export interface SubjectFiles {
  readonly account: string;
  readonly round: string;
  readonly markets: string;
}

/**
 * Reads and validates the markets, round and account files (in that order: each depends on the markets),
 * and picks one subaccount of the account ("cross" by default, or "isolated:<market>").
 */
export function loadSubject(files: SubjectFiles, subaccountName = "cross"): ProofSubject {
  const markets = parseMarkets(readJsonFile(files.markets, "markets"));
  const round = parseRound(readJsonFile(files.round, "round"), markets);
  const account = subaccount(parseAccount(readJsonFile(files.account, "account"), markets), subaccountName);
  return { account, round, markets };
}
