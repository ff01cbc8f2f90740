import { BOOK_SPONGE_WIDTH, CASH_BITS, FIELD_MODULUS, FUNDING_BITS, ID_BITS, MARKETS, MAX_MARKETS, SIZE_BITS } from "../core/constants.ts";
import { ZkMarginError } from "../core/errors.ts";
import { toField } from "../core/field.ts";
import { checkSigned, checkUnsigned } from "../core/range.ts";
import type { AccountState, Slot, VaultDomain } from "../model/types.ts";
import { poseidonHash, sponge } from "./sponge.ts";

/** domain = vault + 2^160 chainId: binds a commitment to one vault on one chain. */
export function domainElement(domain: VaultDomain): bigint {
  checkUnsigned(domain.vault, 160, "domain.vault");
  checkUnsigned(domain.chainId, 64, "domain.chainId");
  return domain.vault + (domain.chainId << 160n);
}

/** The slots of an empty account of `markets` markets. */
export function emptySlots(markets: number = MARKETS): Slot[] {
  return Array.from({ length: markets }, () => ({ size: 0n, fundingIndex: 0n }));
}

/**
 * The book hash: Sponge(16, [salt, nonce, cash, head, sizes..., funding indexes...]) with signed values as
 * field elements (circuits/lib/account_state.circom). Range-checks every field first, so no caller can
 * commit a value the circuits would read differently (the aliasing the v1 slot packing allowed).
 */
export function bookHash(state: Pick<AccountState, "salt" | "nonce" | "cash" | "head" | "slots">): bigint {
  const slots = state.slots;
  if (slots.length < 2 || slots.length > MAX_MARKETS) throw new ZkMarginError("account.slots", `must hold 2 to ${MAX_MARKETS} markets, got ${slots.length}`);
  if (state.salt < 0n || state.salt >= FIELD_MODULUS) throw new ZkMarginError("account.salt", "must be a field element");
  checkUnsigned(state.nonce, 64, "account.nonce");
  checkSigned(state.cash, CASH_BITS, "account.cash");
  if (state.head < 0n || state.head >= FIELD_MODULUS) throw new ZkMarginError("account.head", "must be a field element");
  slots.forEach((slot, j) => {
    checkSigned(slot.size, SIZE_BITS, `account.slots[${j}].size`);
    checkSigned(slot.fundingIndex, FUNDING_BITS, `account.slots[${j}].fundingIndex`);
  });
  return sponge(BOOK_SPONGE_WIDTH, [state.salt, state.nonce, toField(state.cash), state.head, ...slots.map((slot) => toField(slot.size)), ...slots.map((slot) => toField(slot.fundingIndex))], "account.book");
}

/** The book hash of the genesis state (every field 0): the vault's EMPTY_BOOK constant. */
export function emptyBook(markets: number = MARKETS): bigint {
  return bookHash({ salt: 0n, nonce: 0n, cash: 0n, head: 0n, slots: emptySlots(markets) });
}

/** commitment = Poseidon4(domain, accountId, owner, book) (circuits/README.md, "Account commitment"). */
export function accountCommitment(state: AccountState): bigint {
  checkUnsigned(state.accountId, ID_BITS, "account.accountId");
  checkUnsigned(state.owner, 160, "account.owner");
  return poseidonHash([domainElement(state.domain), state.accountId, state.owner, bookHash(state)], "account");
}

/** The state the vault opens an account in (salt 0, nonce 0, cash 0, no fills, empty slots). */
export function genesisState(domain: VaultDomain, accountId: bigint, owner: bigint, markets: number = MARKETS): AccountState {
  return { domain, accountId, owner, salt: 0n, nonce: 0n, cash: 0n, head: 0n, fillsApplied: 0n, slots: emptySlots(markets) };
}
