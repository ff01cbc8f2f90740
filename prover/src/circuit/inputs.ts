import { toSlot } from "../commitment/commitments.ts";
import { ZkMarginError } from "../core/errors.ts";
import { toField } from "../core/field.ts";
import type { Account, MarketSet, OracleRound } from "../model/types.ts";

/** The witness input of MarginProof / LiquidationProof / MarginCore: every value a decimal string. */
export type CircuitInput = Record<string, string | string[]>;

/** What the public inputs of a proof are, before packing into the witness input. */
export interface PublicInputs {
  readonly accountCommitment: bigint;
  readonly roundCommitment: bigint;
  /** The packed statement; omitted for MarginCore (which takes useInitial and collateral instead). */
  readonly statement?: bigint;
}

/**
 * Lays out an account, a round and the risk parameters as the witness input of a circuit with `slots`
 * position slots and `marketCount` markets: positions fill the first slots, the rest are empty (size 0),
 * markets beyond the list have price and rates 0.
 */
export function circuitInput(account: Account, round: OracleRound, markets: MarketSet, slots: number, marketCount: number, publics: PublicInputs): CircuitInput {
  if (account.positions.length > slots) throw new ZkMarginError("account.positions", `${account.positions.length} positions do not fit ${slots} slots`);
  if (markets.markets.length > marketCount) throw new ZkMarginError("markets.markets", `${markets.markets.length} markets do not fit a circuit of ${marketCount}`);
  const slotList = account.positions.map(toSlot);
  const pad = <T>(list: T[], length: number, empty: T): T[] => [...list, ...new Array<T>(length - list.length).fill(empty)];
  const text = (values: readonly (bigint | number)[]) => values.map((value) => value.toString());
  const input: CircuitInput = {
    accountCommitment: publics.accountCommitment.toString(),
    roundCommitment: publics.roundCommitment.toString(),
    salt: account.salt.toString(),
    owner: account.owner.toString(),
    nonce: account.nonce.toString(),
    adjustment: toField(account.adjustment).toString(),
    market: text(pad(slotList.map((slot) => slot.market), slots, 0)),
    isShort: text(pad(slotList.map((slot) => slot.isShort), slots, 0)),
    size: text(pad(slotList.map((slot) => slot.size), slots, 0n)),
    roundId: round.round.toString(),
    timestamp: round.timestamp.toString(),
    price: text(pad([...round.prices], marketCount, 0n)),
    maintenanceRate: text(pad(markets.markets.map((market) => market.maintenanceRate), marketCount, 0n)),
    initialRate: text(pad(markets.markets.map((market) => market.initialRate), marketCount, 0n)),
  };
  if (publics.statement !== undefined) input.statement = publics.statement.toString();
  return input;
}
