import { paddedTiers, ratePair, tieredRisk, toSlot } from "../commitment/commitments.ts";
import { TIER_COUNT } from "../core/constants.ts";
import { ZkMarginError } from "../core/errors.ts";
import { toField } from "../core/field.ts";
import { tierRequirement } from "../engine/statement-values.ts";
import type { Account, MarketSet, OracleRound } from "../model/types.ts";

/** The witness input of an entry circuit: every value a decimal string (arrays for per-slot / per-market values). */
export type CircuitInput = Record<string, string | string[] | string[][]>;

/** The public inputs of a proof, before they are laid out in the witness input. */
export interface PublicInputs {
  readonly accountCommitment: bigint;
  readonly roundCommitment: bigint;
  readonly statement: bigint;
}

/**
 * Lays out an account, a round and the risk parameters as the witness input of a circuit of the markets'
 * profile with `slots` position slots and `marketCount` markets: positions fill the first slots, the rest are
 * empty (size 0); markets beyond the list have price, confidence and parameters 0.
 */
export function circuitInput(account: Account, round: OracleRound, markets: MarketSet, slots: number, marketCount: number, publics: PublicInputs): CircuitInput {
  if (account.positions.length > slots) throw new ZkMarginError("account.positions", `${account.positions.length} positions do not fit ${slots} slots`);
  if (markets.markets.length > marketCount) throw new ZkMarginError("markets.markets", `${markets.markets.length} markets do not fit a circuit of ${marketCount}`);
  const slotList = account.positions.map(toSlot);
  const pad = <T>(list: readonly T[], length: number, empty: T): T[] => [...list, ...new Array<T>(length - list.length).fill(empty)];
  const text = (values: readonly (bigint | number)[]) => values.map((value) => value.toString());
  const perMarket = (values: readonly bigint[]) => text(pad(values, marketCount, 0n));
  const input: CircuitInput = {
    accountCommitment: publics.accountCommitment.toString(),
    roundCommitment: publics.roundCommitment.toString(),
    statement: publics.statement.toString(),
    salt: account.salt.toString(),
    owner: account.owner.toString(),
    nonce: account.nonce.toString(),
    adjustment: toField(account.adjustment).toString(),
    market: text(pad(slotList.map((slot) => slot.market), slots, 0)),
    isShort: text(pad(slotList.map((slot) => slot.isShort), slots, 0)),
    size: text(pad(slotList.map((slot) => slot.size), slots, 0n)),
    roundId: round.round.toString(),
    timestamp: round.timestamp.toString(),
    price: perMarket(round.prices),
    confidence: perMarket(round.confidences),
    multiplier: markets.confidenceMultiplier.toString(),
  };
  if (markets.profile === "tiered") {
    const tiers = pad(markets.markets.map((market) => paddedTiers(tieredRisk(market).tiers)), marketCount, new Array(TIER_COUNT).fill({ floor: 0n, maintenanceRate: 0n, initialRate: 0n }));
    input.floor = tiers.map((list) => text(list.map((tier) => tier.floor)));
    input.maintenanceRate = tiers.map((list) => text(list.map((tier) => tier.maintenanceRate)));
    input.initialRate = tiers.map((list) => text(list.map((tier) => tier.initialRate)));
    // The circuit checks the tier of each notional; the prover names it. Empty slots sit in tier 0.
    input.tier = text(pad(account.positions.map((position) => tierRequirement(position, round, "maintenance").tier), slots, 0));
  } else {
    const pairs = markets.markets.map(ratePair);
    const [first, second] = markets.profile === "lending" ? ["liquidationThreshold", "loanToValue"] : ["maintenanceRate", "initialRate"];
    input[first!] = perMarket(pairs.map((pair) => pair[0]));
    input[second!] = perMarket(pairs.map((pair) => pair[1]));
  }
  return input;
}
