import { accountCommitment } from "../../../prover/src/commitment/account.ts";
import { roundCommitments } from "../../../prover/src/commitment/round.ts";
import type { CircuitSpec } from "../../../prover/src/circuit/registry.ts";
import { surplus, type MarginQuestion } from "../../../prover/src/engine/valuation.ts";
import type { AccountState, MarketSet, OracleRound, Profile } from "../../../prover/src/model/types.ts";
import { E16, E8, makeMarketSet, makeRound, makeState, testSpecs } from "../../helpers/fixtures.ts";

/**
 * The books the v2 attacks are played on, at the test capacity (M = 4 markets, K = 2 fills; circuits.json
 * test_*_m4): three listed markets, market 3 unlisted (price 0 in every round).
 *   M0 3,000 +- 1 (funding index 5), M1 60,000 +- 20 (funding -30), M2 100 (funding 0), k = 2.00.
 * Risk per profile, (first, second) in ppm:
 *   cross    M0 3% / 5%, M1 5% / 10%, M2 2% / 4%
 *   lending  M0 LT 83% / LTV 80.5%, M1 70% / 65%, M2 50% / 40%
 *   tiered   M0 [0: 3% / 5%, 100,000: 5% / 10%, 1,000,000: 10% / 20%], M1 5% / 10%, M2 2% / 4%
 */
export const CAPACITY = 4;
export const LISTED = 3;
export const UNIT = E8;
export const QUOTE = E16;
export const specs: CircuitSpec[] = testSpecs();

export const MARKETS: Record<Profile, MarketSet> = {
  cross: makeMarketSet("cross", [[{ floor: 0n, first: 30_000n, second: 50_000n }], [{ floor: 0n, first: 50_000n, second: 100_000n }], [{ floor: 0n, first: 20_000n, second: 40_000n }]], 200n),
  lending: makeMarketSet("lending", [[{ floor: 0n, first: 830_000n, second: 805_000n }], [{ floor: 0n, first: 700_000n, second: 650_000n }], [{ floor: 0n, first: 500_000n, second: 400_000n }]], 200n),
  tiered: makeMarketSet("tiered", [
    [{ floor: 0n, first: 30_000n, second: 50_000n }, { floor: 100_000n, first: 50_000n, second: 100_000n }, { floor: 1_000_000n, first: 100_000n, second: 200_000n }],
    [{ floor: 0n, first: 50_000n, second: 100_000n }],
    [{ floor: 0n, first: 20_000n, second: 40_000n }],
  ], 200n),
};

export const ROUND: OracleRound = makeRound([3_000n * UNIT, 60_000n * UNIT, 100n * UNIT], { confidences: [UNIT, 20n * UNIT, 0n], fundingIndexes: [5n * UNIT, -30n * UNIT, 0n] });
/** The same markets at a later round where M0 crashed to 2,000 (the round a liquidator would like to use). */
export const CRASH_ROUND: OracleRound = makeRound([2_000n * UNIT, 60_000n * UNIT, 100n * UNIT], { confidences: [UNIT, 20n * UNIT, 0n], fundingIndexes: [5n * UNIT, -30n * UNIT, 0n], round: 8n });
/** A round where M0 rallied to 4,000 (the round an insolvent trader would like to use). */
export const RALLY_ROUND: OracleRound = makeRound([4_000n * UNIT, 60_000n * UNIT, 100n * UNIT], { confidences: [UNIT, 20n * UNIT, 0n], fundingIndexes: [5n * UNIT, -30n * UNIT, 0n], round: 6n });

/** The trader (account 2) and its counterparty (account 3), the liquidator (account 9). */
export const TRADER = 2n;
export const COUNTERPARTY = 3n;
export const LIQUIDATOR = 9n;
export const LIQUIDATOR_OWNER = 0x3c44cdddb6a900fa2b585dd299e03d12fa4293bcn;

/** Positions of the margin books: long 10 M0 (settled at index 4: 10 of funding owed), short 0.5 M1, long 30 M2. */
export const POSITIONS = [[0, 10n * UNIT, 4n * UNIT], [1, -UNIT / 2n, -30n * UNIT], [2, 30n * UNIT, 0n]] as const;

/** The cash weight of a profile's surplus (26 decimals: 10^10, lending 28: 10^12). */
const cashWeight = (profile: Profile) => (profile === "lending" ? 10n ** 12n : 10n ** 10n);

/**
 * The book over `positions` whose cash is the smallest at which `question` holds at `round` (surplus is
 * affine in cash): the boundary, so one unit (10^-16) less cash fails.
 */
export function boundaryBook(markets: MarketSet, question: MarginQuestion, positions: readonly (readonly [number, bigint, bigint?])[] = POSITIONS, round: OracleRound = ROUND, overrides: Partial<AccountState> = {}): AccountState {
  const state = makeState(CAPACITY, 0n, positions, { accountId: TRADER, ...overrides });
  const needed = -surplus(state, round, markets, question);
  const weight = cashWeight(markets.profile);
  const cash = needed >= 0n ? (needed + weight - 1n) / weight : -(-needed / weight);
  return { ...state, cash };
}

/** The liquidator's account: 10^9 quote units of cash, a small long in M1. */
export function liquidatorState(overrides: Partial<AccountState> = {}): AccountState {
  return makeState(CAPACITY, 1_000_000_000n * QUOTE, [[1, UNIT / 10n, -31n * UNIT]], { accountId: LIQUIDATOR, owner: LIQUIDATOR_OWNER, ...overrides });
}

/** The public account commitment of a state (what the vault holds). */
export const commitmentOf = (state: AccountState): bigint => accountCommitment(state);
/** The public round commitment of a round over a market set at the test capacity. */
export const roundCommitmentOf = (round: OracleRound, markets: MarketSet): bigint => roundCommitments(round, markets, CAPACITY).roundCommitment;

export const MAINTENANCE: MarginQuestion = { requirement: "maintenance", side: "conservative", bufferBps: 0n };
export const INITIAL: MarginQuestion = { requirement: "initial", side: "conservative", bufferBps: 0n };
export const ANSWER: MarginQuestion = { requirement: "maintenance", side: "favourable", bufferBps: 0n };

/** The signed range limits of sizes and funding indexes, and the v1 slot alias of a size. */
export const LIMIT_63 = 1n << 63n;
/** v1 packed a slot as size + 2^64 isShort + 2^65 market: (s, long, m) and (s + 2^64 + 2^65 m, ...) collided. */
export const v1Alias = (size: bigint, market: number): bigint => size + (1n << 64n) + (1n << 65n) * BigInt(market);
