import { poseidon2 } from "poseidon-lite";
import { ZkMarginError } from "../core/errors.ts";
import type { Account, Subaccount } from "./types.ts";

/** The subaccount name of an isolated position in `marketId`. */
export const isolatedName = (marketId: string) => `isolated:${marketId}`;

/**
 * Splits a parsed account into its committed subaccounts: "cross" (the account's collateral and its cross
 * positions) and one "isolated:<market>" per isolated position (its dedicated collateral, that position alone,
 * its own entry cost, and a salt derived from the account's: Poseidon(salt, 1 + market index)). Each
 * subaccount has its own commitment and is proven, attested and liquidated on its own: every isolated position
 * must pass its own check, and one can fail without touching the others.
 */
export function splitSubaccounts(account: Account): Subaccount[] {
  const cross: Account = { ...account, positions: account.positions.filter((position) => position.isolatedMargin === undefined) };
  const isolated = account.positions
    .filter((position) => position.isolatedMargin !== undefined)
    .map((position): Subaccount => ({
      name: isolatedName(position.market.id),
      account: {
        owner: account.owner,
        salt: poseidon2([account.salt, BigInt(1 + position.market.index)]),
        nonce: account.nonce,
        collateral: position.isolatedMargin!,
        positions: [{ market: position.market, size: position.size, entryPrice: position.entryPrice }],
        adjustment: -position.size * position.entryPrice,
      },
    }));
  return [{ name: "cross", account: cross }, ...isolated];
}

/** The subaccount called `name` ("cross" or "isolated:<market>"). */
export function subaccount(account: Account, name: string): Account {
  const subaccounts = splitSubaccounts(account);
  const found = subaccounts.find((candidate) => candidate.name === name);
  if (!found) throw new ZkMarginError("--subaccount", `no subaccount ${name} (the account has ${subaccounts.map((candidate) => candidate.name).join(", ")})`);
  return found.account;
}
