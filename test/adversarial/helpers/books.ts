import { accountCommitment, roundCommitments } from "../../../prover/src/commitment/commitments.ts";
import type { CircuitInput } from "../../../prover/src/circuit/inputs.ts";
import type { Account, OracleRound } from "../../../prover/src/model/types.ts";
import { adjustmentFor, liquidationInput, makeAccount, makeMarkets, makeRound, marginInput } from "../../helpers/fixtures.ts";

/**
 * The books the attacks are played on: cross margin over five markets (maintenance, initial in ppm), prices
 * and oracle confidences with 8 decimals, prices taken 2 confidence intervals against the trader (k = 2.00):
 *   M0 3000 +- 0.5 (3% / 5%), M1 100 +- 0.1 (5% / 10%), M2 0.00000001 (1% / 2%), M3 2 (1 ppm / 100%),
 *   M4 7 +- 0.01 (100% / 100%). Circuits with 16 markets see the last 11 as unlisted (all 0).
 */
export const markets = makeMarkets([[30_000n, 50_000n], [50_000n, 100_000n], [10_000n, 20_000n], [1n, 1_000_000n], [1_000_000n, 1_000_000n]], 200n);
const PRICES = [3_000n * 10n ** 8n, 100n * 10n ** 8n, 1n, 2n * 10n ** 8n, 7n * 10n ** 8n];
const CONFIDENCES = [5n * 10n ** 7n, 10n ** 7n, 0n, 0n, 10n ** 6n];
export const round = makeRound(PRICES, CONFIDENCES);
/** The same markets at a later round where M0 crashed to 500 (the round a liquidator would like to use). */
export const crashRound = makeRound([500n * 10n ** 8n, ...PRICES.slice(1)], CONFIDENCES, 8n);
/** A round where M0 rallied to 3500 (the round an insolvent trader would like to use). */
export const rallyRound = makeRound([3_500n * 10n ** 8n, ...PRICES.slice(1)], CONFIDENCES, 6n);

const UNIT = 10n ** 8n; // one unit of size
const QUOTE = 10n ** 16n; // one quote unit of equity (16 decimals)

/** An account over `positions` (market index, signed size) whose equity at `at` is exactly `equity` quote units. */
export function book(positions: readonly (readonly [number, bigint])[], equity: bigint, collateral = 100n * 10n ** 6n, at: OracleRound = round): Account {
  const account = makeAccount(markets, positions, collateral);
  return { ...account, adjustment: adjustmentFor(account, at, equity * QUOTE) };
}

/**
 * The trader's book for the margin attacks: long 2 M0, long 1 M1, short 5 M4; equity 160 against a
 * maintenance requirement of 180 + 5 + 35 = 220 (plus 2.3 of confidence): insolvent, no honest margin proof.
 */
export const insolventBook = book([[0, 2n * UNIT], [1, UNIT], [4, -5n * UNIT]], 160n);
/** The same positions with equity 10,000: a true margin statement, the attacker's honest starting point. */
export const solventBook = book([[0, 2n * UNIT], [1, UNIT], [4, -5n * UNIT]], 10_000n);
/**
 * A book with one position more than a circuit of `slots` holds: the first `slots` positions (long 2 M0,
 * long 1 M1, tiny fillers in M3) meet maintenance (equity 195 vs 187.2); the last one, short 5 M4, does not fit.
 */
export function overflowingBook(slots: number): Account {
  const fillers = Array.from({ length: slots - 2 }, () => [3, 1n] as const);
  return book([[0, 2n * UNIT], [1, UNIT], ...fillers, [4, -5n * UNIT]], 160n);
}

/**
 * The victim of the liquidation attacks: long 1 M0, short 1 M1, equity 1,000 against a maintenance
 * requirement of 90 + 5 = 95: healthy, so no honest liquidation proof exists.
 */
export const victimBook = book([[0, UNIT], [1, -UNIT]], 1_000n);
/** The same positions with equity 10: a true liquidation statement, the attacker's honest starting point. */
export const underwaterBook = book([[0, UNIT], [1, -UNIT]], 10n);

/** The witness input of a margin proof (maintenance, buffer 0, bound to 0xabc) over a circuit's shape. */
export const marginFor = (account: Account, slots: number, marketCount: number, at: OracleRound = round): CircuitInput => marginInput(account, at, markets, slots, marketCount);
/** The witness input of a liquidation proof (liquidator 0xdead) over a circuit's shape. */
export const liquidationFor = (account: Account, slots: number, marketCount: number, at: OracleRound = round): CircuitInput => liquidationInput(account, at, markets, slots, marketCount);

/** A circuit input as main-signal values ("main.size[0]" -> 3n), the form the forger takes. */
export function asSignals(input: CircuitInput): Record<string, bigint> {
  const signals: Record<string, bigint> = {};
  const add = (name: string, value: string | readonly (string | readonly string[])[]): void => {
    if (typeof value === "string") signals[name] = BigInt(value);
    else value.forEach((item, i) => add(`${name}[${i}]`, item));
  };
  for (const [name, value] of Object.entries(input)) add(`main.${name}`, value);
  return signals;
}

/** The public account commitment of a book (what the vault holds). */
export const commitmentOf = (account: Account): bigint => accountCommitment(account);
/** The public round commitment of a round over the attack markets. */
export const roundCommitmentOf = (at: OracleRound): bigint => roundCommitments(at, markets).roundCommitment;
