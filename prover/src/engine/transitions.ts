import { CASH_BITS, CASH_PER_TOKEN, FEE_ACCOUNT_ID, SIZE_BITS, TOKEN_BITS, bound, pow10 } from "../core/constants.ts";
import { formatScaled } from "../core/decimal.ts";
import { ZkMarginError, ZkMarginRefusal } from "../core/errors.ts";
import { checkSigned, checkUnsigned } from "../core/range.ts";
import { checkFill, extendChain, fillCommitment } from "../commitment/fill.ts";
import { paddedRound } from "../commitment/round.ts";
import type { AccountState, Fill, FillRole, MarketSet, OracleRound, Slot } from "../model/types.ts";
import { INITIAL_QUESTION, equityAtMark, isLiquidatable, notionalAtMark, splitTokens, surplus, surplusDecimals, unpricedHolding } from "./valuation.ts";

// The account transitions of circuits/README.md, in plain TypeScript: what the transition circuits prove
// and what a trader (or the venue, which sees every fill) computes to keep its copy of a book. Each returns
// a new state and never mutates its input.

/** Smallest salt the SDK accepts: below 2^128 a salt could be guessed and the book searched. */
export const MIN_SALT = 1n << 128n;

/** A fresh random salt in [2^128, 2^248) from the platform's CSPRNG (Node and browsers). */
export function randomSalt(): bigint {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(31));
    const value = bytes.reduce((sum, byte) => (sum << 8n) + BigInt(byte), 0n);
    if (value >= MIN_SALT) return value;
  }
}

/** Refuses a salt (or blinding) below 2^128, naming the field. */
export function checkSalt(salt: bigint, field = "account.salt"): void {
  if (salt < MIN_SALT) throw new ZkMarginError(field, "is too short to hide anything: use at least 128 random bits (randomSalt() draws one)");
}

/**
 * The salt of the next state: the given one, else the current one, else (at genesis, salt 0) a fresh one.
 */
function nextSalt(state: AccountState, salt?: bigint): bigint {
  const chosen = salt ?? (state.salt === 0n ? randomSalt() : state.salt);
  checkSalt(chosen, salt === undefined ? "account.salt" : "salt");
  return chosen;
}

/** The account's role in a fill, or an error if it is not exactly one of buyer, seller, fee account. */
export function fillRole(accountId: bigint, fill: Fill, field = "fill"): FillRole {
  const roles: FillRole[] = [];
  if (accountId === fill.buyerId) roles.push("buyer");
  if (accountId === fill.sellerId) roles.push("seller");
  if (accountId === FEE_ACCOUNT_ID) roles.push("fee");
  if (roles.length !== 1) {
    throw new ZkMarginError(field, roles.length === 0 ? `names neither account ${accountId} (buyer ${fill.buyerId}, seller ${fill.sellerId}) nor is it the fee account's` : `gives account ${accountId} ${roles.join(" and ")} at once`);
  }
  return roles[0]!;
}

/** Applies one fill to a state's book (no nonce change): circuits/README.md ApplyFillsProof 5. */
function applyOne(state: AccountState, fill: Fill, field: string): AccountState {
  checkFill(fill, field, state.slots.length);
  const role = fillRole(state.accountId, fill, field);
  const head = extendChain(state.head, fillCommitment(fill));
  if (role === "fee") return { ...state, cash: state.cash + fill.buyerFee + fill.sellerFee, head, fillsApplied: state.fillsApplied + 1n };
  const slot = state.slots[fill.market]!;
  const traded = role === "buyer" ? fill.size : -fill.size;
  const settled = slot.size * (fill.fundingIndex - slot.fundingIndex);
  const size = slot.size + traded;
  checkSigned(size, SIZE_BITS, `${field}: the new size of market ${fill.market}`);
  const slots = state.slots.map((old, j): Slot => (j === fill.market ? { size, fundingIndex: fill.fundingIndex } : old));
  const cash = state.cash - settled - traded * fill.price - (role === "buyer" ? fill.buyerFee : fill.sellerFee);
  return { ...state, cash, head, fillsApplied: state.fillsApplied + 1n, slots };
}

/** Options of every transition: the salt of the new state (default: keep it; drawn at the first transition). */
export interface TransitionOptions {
  readonly salt?: bigint;
}

/**
 * Applies fills in chain order (one apply-fills transition: nonce + 1). The fills must be the next ones of
 * the account's chain; the resulting head is what the vault checks.
 *
 * @throws ZkMarginError naming the fill that does not apply (another account's, a size out of range, ...)
 */
export function applyFills(state: AccountState, fills: readonly Fill[], options: TransitionOptions = {}): AccountState {
  if (fills.length === 0) throw new ZkMarginError("fills", "nothing to apply");
  let next = state;
  fills.forEach((fill, i) => {
    next = applyOne(next, fill, `fills[${i}]`);
  });
  checkSigned(next.cash, CASH_BITS, "account.cash after the fills");
  return { ...next, nonce: state.nonce + 1n, salt: nextSalt(state, options.salt) };
}

function checkAmount(amount: bigint, field: string): void {
  checkUnsigned(amount, TOKEN_BITS, field);
  if (amount === 0n) throw new ZkMarginError(field, "must be positive");
}

/** A deposit of `amount` tokens (6 decimals): cash + 10^10 amount, nonce + 1. */
export function deposit(state: AccountState, amount: bigint, options: TransitionOptions = {}): AccountState {
  checkAmount(amount, "amount");
  const cash = state.cash + amount * CASH_PER_TOKEN;
  checkSigned(cash, CASH_BITS, "account.cash after the deposit");
  return { ...state, cash, nonce: state.nonce + 1n, salt: nextSalt(state, options.salt) };
}

/**
 * A withdrawal of `amount` tokens: cash - 10^10 amount, nonce + 1, refused unless the new state meets the
 * initial requirement (conservative valuation) at the round, with the shortfall named.
 */
export function withdraw(state: AccountState, amount: bigint, round: OracleRound, markets: MarketSet, options: TransitionOptions = {}): AccountState {
  checkAmount(amount, "amount");
  const cash = state.cash - amount * CASH_PER_TOKEN;
  checkSigned(cash, CASH_BITS, "account.cash after the withdrawal");
  const next = { ...state, cash, nonce: state.nonce + 1n, salt: nextSalt(state, options.salt) };
  requireInitial(next, round, markets, `withdrawing ${formatScaled(amount, 6)}`);
  return next;
}

function requireInitial(state: AccountState, round: OracleRound, markets: MarketSet, what: string): void {
  const unpriced = unpricedHolding(state, round);
  if (unpriced !== undefined) throw new ZkMarginRefusal("account", `holds market ${unpriced}, which round ${round.round} does not price`);
  const value = surplus(state, round, markets, INITIAL_QUESTION);
  if (value < 0n) {
    throw new ZkMarginRefusal("account", `does not meet the initial requirement after ${what} at round ${round.round}: short by ${formatScaled(-value, surplusDecimals(markets), 6, "up")} (quote units)`);
  }
}

/** The public amounts and the liquidator's new state of a takeover. */
export interface TakeoverResult {
  /** Tokens credited to the victim's owner. */
  readonly ownerPayout: bigint;
  /** Tokens of penalty (the vault splits them between liquidator, insurance and a challenger). */
  readonly penalty: bigint;
  /** Tokens the insurance fund pays for the victim's negative equity. */
  readonly badDebt: bigint;
  /** The victim's equity at mark, 16 decimals. */
  readonly victimEquity: bigint;
  /** The liquidator account after absorbing the victim's positions. */
  readonly liquidator: AccountState;
}

/** Options of {@link takeover}. */
export interface TakeoverOptions extends TransitionOptions {
  /** Penalty, basis points of the victim's notional at mark (the vault's parameter). */
  readonly penaltyBps: bigint;
  /** The victim's challenge went unanswered: no below-maintenance condition. */
  readonly defaulted?: boolean;
}

/**
 * Takeover liquidation (circuits/README.md, TakeoverProof): the liquidator absorbs every victim position at
 * the round's prices (its slots settled at the round's funding indexes); the victim's equity at mark pays the
 * penalty min(equity, notional x penaltyBps), the owner gets the rest, a negative equity is bad debt; the
 * sub-token remainder goes to the liquidator's cash. The liquidator's new book must meet the initial
 * requirement.
 *
 * @throws ZkMarginError if the victim is not liquidatable (and not defaulted) or the liquidator would not meet initial margin
 */
export function takeover(victim: AccountState, liquidatorState: AccountState, round: OracleRound, markets: MarketSet, options: TakeoverOptions): TakeoverResult {
  checkUnsigned(options.penaltyBps, 16, "penaltyBps");
  if (victim.slots.length !== liquidatorState.slots.length) throw new ZkMarginError("liquidator", "has another capacity than the victim");
  if (victim.accountId === liquidatorState.accountId) throw new ZkMarginError("liquidator", "cannot take over its own account");
  if (victim.domain.chainId !== liquidatorState.domain.chainId || victim.domain.vault !== liquidatorState.domain.vault) throw new ZkMarginError("liquidator", "lives in another vault than the victim");
  const unpriced = unpricedHolding(victim, round);
  if (unpriced !== undefined) throw new ZkMarginRefusal("victim", `holds market ${unpriced}, which round ${round.round} does not price`);
  if (!options.defaulted && !isLiquidatable(victim, round, markets)) {
    const margin = surplus(victim, round, markets, { requirement: "maintenance", side: "favourable", bufferBps: 0n });
    throw new ZkMarginRefusal("victim", `is not liquidatable at round ${round.round}: it is ${formatScaled(margin, surplusDecimals(markets), 6, "down")} (quote units) above maintenance, valued in its favour`);
  }
  const victimEquity = equityAtMark(victim, round);
  const { tokens, dust } = splitTokens(victimEquity);
  const cap = (notionalAtMark(victim, round) * options.penaltyBps) / pow10(14);
  const penalty = tokens <= 0n ? 0n : tokens < cap ? tokens : cap;
  const ownerPayout = tokens <= 0n ? 0n : tokens - penalty;
  const badDebt = tokens < 0n ? -tokens : 0n;
  for (const [name, value] of [["ownerPayout", ownerPayout], ["penalty", penalty], ["badDebt", badDebt]] as const) {
    if (value >= bound(TOKEN_BITS)) throw new ZkMarginError(name, "exceeds 2^64 token units");
  }

  const { prices, fundingIndexes } = paddedRound(round, victim.slots.length);
  let cash = liquidatorState.cash + dust;
  const slots = liquidatorState.slots.map((slot, j): Slot => {
    cash -= slot.size * (fundingIndexes[j]! - slot.fundingIndex) + victim.slots[j]!.size * prices[j]!;
    const size = slot.size + victim.slots[j]!.size;
    checkSigned(size, SIZE_BITS, `liquidator: the new size of market ${j}`);
    return { size, fundingIndex: fundingIndexes[j]! };
  });
  checkSigned(cash, CASH_BITS, "liquidator.cash after the takeover");
  const liquidator: AccountState = { ...liquidatorState, cash, slots, nonce: liquidatorState.nonce + 1n, salt: nextSalt(liquidatorState, options.salt) };
  requireInitial(liquidator, round, markets, "the takeover");
  return { ownerPayout, penalty, badDebt, victimEquity, liquidator };
}
