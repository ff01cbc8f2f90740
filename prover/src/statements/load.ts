import { readJsonFile } from "../model/json.ts";
import { parseAccount, parseFills, parseMarkets, parseRound } from "../model/parse.ts";
import type { AccountState, Fill, MarketSet, OracleRound } from "../model/types.ts";

/** Reads and validates a markets file. */
export function loadMarkets(path: string): MarketSet {
  return parseMarkets(readJsonFile(path, "markets"));
}

/** Reads and validates a round file against the markets. */
export function loadRound(path: string, markets: MarketSet): OracleRound {
  return parseRound(readJsonFile(path, "round"), markets);
}

/** Reads and validates an account state file against the markets. */
export function loadAccount(path: string, markets: MarketSet, role = "account"): AccountState {
  return parseAccount(readJsonFile(path, role), markets, role);
}

/** Reads and validates a fills file against the markets. */
export function loadFills(path: string, markets: MarketSet): Fill[] {
  return parseFills(readJsonFile(path, "fills"), markets);
}
