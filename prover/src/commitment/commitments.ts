import {
  ACCOUNT_TAG, ADJUSTMENT_BITS, COLLATERAL_BITS, PRICE_BITS, PRICES_PER_ELEMENT, PRICES_TAG, RATE_BITS,
  RATE_PAIRS_PER_ELEMENT, RISK_TAG, SIZE_BITS, SLOT_BITS, SLOTS_PER_ELEMENT, bound,
} from "../core/constants.ts";
import { ZkMarginError } from "../core/errors.ts";
import type { Account, Market, MarketSet, OracleRound, Position } from "../model/types.ts";
import { poseidonChain, poseidonPair } from "./poseidon-chain.ts";

/** A position slot as the circuits see it: market index, sign bit and magnitude. */
export interface Slot {
  readonly market: number;
  readonly isShort: 0 | 1;
  readonly size: bigint;
}

/** The circuit slot of a position. */
export function toSlot(position: Position): Slot {
  return { market: position.market.index, isShort: position.size < 0n ? 1 : 0, size: position.size < 0n ? -position.size : position.size };
}

/** slot = size + 2^64 * isShort + 2^65 * market (position_slot.circom). */
export function packSlot(slot: Slot): bigint {
  return slot.size + (BigInt(slot.isShort) << BigInt(SIZE_BITS)) + (BigInt(slot.market) << BigInt(SIZE_BITS + 1));
}

/** The element of the account preimage that carries collateral and adjustment (account_commitment.circom). */
export function balanceElement(account: Pick<Account, "collateral" | "adjustment">): bigint {
  const offset = bound(ADJUSTMENT_BITS);
  return account.adjustment + offset + (account.collateral << BigInt(ADJUSTMENT_BITS + 1)) + (ACCOUNT_TAG << BigInt(ADJUSTMENT_BITS + 1 + COLLATERAL_BITS));
}

/**
 * The account commitment: PoseidonChain([salt, owner, nonce, balance element, slots packed three per
 * element]), positions in the order of the account (account_commitment.circom). Independent of capacity.
 */
export function accountCommitment(account: Account): bigint {
  const elements = [account.salt, account.owner, account.nonce, balanceElement(account)];
  const slots = account.positions.map((position) => packSlot(toSlot(position)));
  for (let start = 0; start < slots.length; start += SLOTS_PER_ELEMENT) {
    elements.push(slots.slice(start, start + SLOTS_PER_ELEMENT).reduce((sum, slot, j) => sum + (slot << BigInt(j * SLOT_BITS)), 0n));
  }
  return poseidonChain(elements, "account");
}

/** The oracle's prices commitment for a round: PoseidonChain([round, timestamp, prices packed 4 per element]). */
export function pricesCommitment(round: OracleRound): bigint {
  const elements = [round.round, round.timestamp];
  for (let start = 0; start < round.prices.length; start += PRICES_PER_ELEMENT) {
    let element = start === 0 ? PRICES_TAG << BigInt(PRICES_PER_ELEMENT * PRICE_BITS) : 0n;
    round.prices.slice(start, start + PRICES_PER_ELEMENT).forEach((price, k) => {
      element += price << BigInt(k * PRICE_BITS);
    });
    elements.push(element);
  }
  return poseidonChain(elements, "round.prices");
}

/** Governance's risk commitment: PoseidonChain(rate pairs packed 6 per element). */
export function riskCommitment(markets: MarketSet): bigint {
  const pairBits = 2 * RATE_BITS;
  const elements: bigint[] = [];
  for (let start = 0; start < markets.markets.length; start += RATE_PAIRS_PER_ELEMENT) {
    let element = start === 0 ? RISK_TAG << BigInt(RATE_PAIRS_PER_ELEMENT * pairBits) : 0n;
    markets.markets.slice(start, start + RATE_PAIRS_PER_ELEMENT).forEach((market: Market, k) => {
      element += (market.maintenanceRate + (market.initialRate << BigInt(RATE_BITS))) << BigInt(k * pairBits);
    });
    elements.push(element);
  }
  return poseidonChain(elements, "markets");
}

/** The three commitments of a round, as the registry stores them. */
export interface RoundCommitments {
  readonly pricesCommitment: bigint;
  readonly riskCommitment: bigint;
  /** poseidon2(prices, risk): the proofs' public round input. */
  readonly roundCommitment: bigint;
}

/**
 * Computes a round's commitments and checks them against the values the files declare, so that a round
 * whose prices do not match what the oracle posted is refused before any proving.
 */
export function roundCommitments(round: OracleRound, markets: MarketSet): RoundCommitments {
  const prices = pricesCommitment(round);
  const risk = riskCommitment(markets);
  if (round.declaredPricesCommitment !== undefined && round.declaredPricesCommitment !== prices) {
    throw new ZkMarginError("round.pricesCommitment", `does not match the round's prices (computed 0x${prices.toString(16)})`);
  }
  if (markets.declaredRiskCommitment !== undefined && markets.declaredRiskCommitment !== risk) {
    throw new ZkMarginError("markets.riskCommitment", `does not match the markets' parameters (computed 0x${risk.toString(16)})`);
  }
  return { pricesCommitment: prices, riskCommitment: risk, roundCommitment: poseidonPair(prices, risk) };
}
