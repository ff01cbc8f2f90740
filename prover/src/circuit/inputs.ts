import { FIELD_MODULUS } from "../core/constants.ts";
import { ZkMarginError } from "../core/errors.ts";
import { toField } from "../core/field.ts";
import { domainElement } from "../commitment/account.ts";
import { packQuote, paddedRound, riskTable, roundHeader, tiersPerMarket } from "../commitment/round.ts";
import type { RequirementKind } from "../commitment/statement.ts";
import { tierRequirement } from "../engine/valuation.ts";
import type { AccountState, Fill, MarketSet, OracleRound } from "../model/types.ts";

/** The witness input of an entry circuit: every value a decimal string (arrays for per-market values). */
export type CircuitInput = Record<string, string | string[] | string[][]>;

const text = (value: bigint | number) => toField(BigInt(value)).toString();

/** An account state as the circuits' private inputs, names prefixed (e.g. "victim": victimCash). */
export function stateInputs(state: AccountState, prefix = "", withDomain = true): CircuitInput {
  const name = (field: string) => (prefix === "" ? field : `${prefix}${field.charAt(0).toUpperCase()}${field.slice(1)}`);
  return {
    ...(withDomain ? { domain: text(domainElement(state.domain)) } : {}),
    [name("accountId")]: text(state.accountId),
    [name("owner")]: text(state.owner),
    [name("salt")]: text(state.salt),
    [name("nonce")]: text(state.nonce),
    [name("cash")]: text(state.cash),
    [name("head")]: text(state.head),
    [name("size")]: state.slots.map((slot) => text(slot.size)),
    [name("fundingIndex")]: state.slots.map((slot) => text(slot.fundingIndex)),
  };
}

/** A round and the risk table as the circuits' private inputs (header, quotes, multiplier, table). */
export function roundInputs(round: OracleRound, markets: MarketSet, capacity: number): CircuitInput {
  const padded = paddedRound(round, capacity);
  const table = riskTable(markets, capacity);
  return {
    header: text(roundHeader(round)),
    quote: padded.prices.map((price, j) => text(packQuote(price, padded.confidences[j]!, padded.fundingIndexes[j]!, `round.markets[${j}]`))),
    multiplier: text(markets.confidenceMultiplier),
    floor: table.map((tiers) => tiers.map((tier) => text(tier.floor))),
    first: table.map((tiers) => tiers.map((tier) => text(tier.first))),
    second: table.map((tiers) => tiers.map((tier) => text(tier.second))),
  };
}

/**
 * The tier of each market's notional under `kind` (tiered profile; 0 elsewhere): the prover names it, the
 * circuit checks its bracket.
 */
export function tierInputs(state: AccountState, round: OracleRound, markets: MarketSet, kind: RequirementKind): string[] {
  if (tiersPerMarket(markets.profile) === 1) return state.slots.map(() => "0");
  const { prices } = paddedRound(round, state.slots.length);
  const table = riskTable(markets, state.slots.length);
  return state.slots.map((slot, j) => String(tierRequirement(table[j]!, (slot.size < 0n ? -slot.size : slot.size) * prices[j]!, kind).tier));
}

/** A dummy fill for the unused positions of an apply-fills proof: zeros (no account has id 0). */
const EMPTY_FILL: Fill = { fillId: 0n, market: 0, size: 0n, price: 0n, fundingIndex: 0n, buyerId: 0n, sellerId: 0n, buyerFee: 0n, sellerFee: 0n, blinding: 0n };

/** Up to `positions` fills as the apply-fills circuit's inputs, padded with dummy fills. */
export function fillInputs(fills: readonly Fill[], positions: number): CircuitInput {
  if (fills.length > positions) throw new ZkMarginError("fills", `${fills.length} fills do not fit a proof of ${positions}`);
  const padded = [...fills, ...new Array<Fill>(positions - fills.length).fill(EMPTY_FILL)];
  return {
    fillId: padded.map((fill) => text(fill.fillId)),
    fillMarket: padded.map((fill) => text(fill.market)),
    fillSize: padded.map((fill) => text(fill.size)),
    fillPrice: padded.map((fill) => text(fill.price)),
    fillFundingIndex: padded.map((fill) => text(fill.fundingIndex)),
    fillBuyerId: padded.map((fill) => text(fill.buyerId)),
    fillSellerId: padded.map((fill) => text(fill.sellerId)),
    fillBuyerFee: padded.map((fill) => text(fill.buyerFee)),
    fillSellerFee: padded.map((fill) => text(fill.sellerFee)),
    fillBlinding: padded.map((fill) => text(fill.blinding)),
  };
}

/** Public inputs as decimal strings, below the field. */
export function publicText(values: readonly bigint[]): string[] {
  return values.map((value) => {
    if (value < 0n || value >= FIELD_MODULUS) throw new ZkMarginError("public input", `${value} is not a field element`);
    return value.toString();
  });
}
