import fc from "fast-check";
import { accountCommitment, emptySlots } from "../../prover/src/commitment/account.ts";
import { roundCommitments } from "../../prover/src/commitment/round.ts";
import { packMarginStatement, packTakeoverStatement, type RequirementKind, type ValuationSide } from "../../prover/src/commitment/statement.ts";
import { roundInputs, stateInputs, tierInputs, type CircuitInput } from "../../prover/src/circuit/inputs.ts";
import { loadCircuitSpecs } from "../../prover/src/circuit/load-specs.ts";
import type { CircuitSpec } from "../../prover/src/circuit/registry.ts";
import { FEE_ACCOUNT_ID, TIER_COUNT } from "../../prover/src/core/constants.ts";
import { randomSalt } from "../../prover/src/engine/transitions.ts";
import type { AccountState, Fill, Market, MarketSet, OracleRound, Profile, Slot, Tier, VaultDomain } from "../../prover/src/model/types.ts";

/** The test vault: Hardhat's first deployment address on chain 31337. */
export const DOMAIN: VaultDomain = { chainId: 31_337n, vault: 0x5fbdb2315678afecb367f032d93f642f64180aa3n };
export const OWNER = 0x70997970c51812dc3a010c7d01b50e0d17dc79c8n;
export const E8 = 10n ** 8n;
export const E16 = 10n ** 16n;

/** The small test instances of every statement (M = 4, K = 2), usable with prepare*() as if set up. */
export function testSpecs(): CircuitSpec[] {
  return loadCircuitSpecs().filter((spec) => spec.id.startsWith("test_")).map((spec) => ({ ...spec, setup: true }));
}

/** A market set from per-market tier lists (floor in quote units, first and second rates in ppm); ids M0, M1, ... */
export function makeMarketSet(profile: Profile, tiers: readonly (readonly Tier[])[], confidenceMultiplier = 0n): MarketSet {
  const markets: Market[] = tiers.map((list, index) => ({ id: `M${index}`, index, tiers: list }));
  return { profile, confidenceMultiplier, markets, byId: new Map(markets.map((market) => [market.id, market])) };
}

/** A cross (or lending) market set from (first, second) rate pairs in ppm. */
export function makeMarkets(rates: readonly (readonly [bigint, bigint])[], confidenceMultiplier = 0n, profile: Profile = "cross"): MarketSet {
  return makeMarketSet(profile, rates.map(([first, second]) => [{ floor: 0n, first, second }]), confidenceMultiplier);
}

/** A round over the given prices (8 decimals), confidences and funding indexes (default 0). */
export function makeRound(prices: readonly bigint[], options: { confidences?: readonly bigint[]; fundingIndexes?: readonly bigint[]; round?: bigint; timestamp?: bigint } = {}): OracleRound {
  return {
    round: options.round ?? 7n,
    timestamp: options.timestamp ?? 1_763_700_000n,
    prices,
    confidences: options.confidences ?? prices.map(() => 0n),
    fundingIndexes: options.fundingIndexes ?? prices.map(() => 0n),
  };
}

/** An account state of `capacity` markets from (market, size, funding index) triples. */
export function makeState(capacity: number, cash: bigint, positions: readonly (readonly [number, bigint, bigint?])[] = [], overrides: Partial<AccountState> = {}): AccountState {
  const slots: Slot[] = emptySlots(capacity);
  for (const [market, size, fundingIndex] of positions) slots[market] = { size, fundingIndex: fundingIndex ?? 0n };
  return { domain: DOMAIN, accountId: 7n, owner: OWNER, salt: 0x1234_5678_9abc_def0_1234_5678_9abc_def0_1234n, nonce: 3n, cash, head: 0n, fillsApplied: 0n, slots, ...overrides };
}

/** A fill between two accounts with a fresh blinding. */
export function makeFill(fields: Partial<Fill> & Pick<Fill, "market" | "size" | "price" | "buyerId" | "sellerId">): Fill {
  return { fillId: 1n, fundingIndex: 0n, buyerFee: 0n, sellerFee: 0n, blinding: randomSalt(), ...fields };
}

/** The witness input of a margin proof, built without the engine's check (so failing statements can be fed to the circuit). */
export function marginInput(state: AccountState, round: OracleRound, markets: MarketSet, question: { requirement?: RequirementKind; side?: ValuationSide; bufferBps?: bigint; binder?: bigint } = {}): CircuitInput {
  const requirement = question.requirement ?? "maintenance";
  const statement = packMarginStatement({ binder: question.binder ?? 0xabcn, bufferBps: question.bufferBps ?? 0n, requirement, side: question.side ?? "conservative" });
  return {
    ...stateInputs(state),
    ...roundInputs(round, markets, state.slots.length),
    tier: tierInputs(state, round, markets, requirement),
    accountCommitment: accountCommitment(state).toString(),
    roundCommitment: roundCommitments(round, markets, state.slots.length).roundCommitment.toString(),
    statement: statement.toString(),
  };
}

/** The witness input of a takeover with chosen public amounts and new liquidator state (no engine check). */
export function takeoverInput(victim: AccountState, liquidator: AccountState, next: AccountState, round: OracleRound, markets: MarketSet, amounts: { ownerPayout: bigint; penalty: bigint; badDebt: bigint; penaltyBps: bigint; defaulted: boolean }): CircuitInput {
  return {
    ...stateInputs(victim, "victim"),
    victimTier: tierInputs(victim, round, markets, "maintenance"),
    ...stateInputs(liquidator, "liquidator", false),
    liquidatorNewSalt: next.salt.toString(),
    liquidatorTier: tierInputs(next, round, markets, "initial"),
    ...roundInputs(round, markets, victim.slots.length),
    victimCommitment: accountCommitment(victim).toString(),
    liquidatorCommitment: accountCommitment(liquidator).toString(),
    liquidatorNewCommitment: accountCommitment(next).toString(),
    roundCommitment: roundCommitments(round, markets, victim.slots.length).roundCommitment.toString(),
    statement: packTakeoverStatement(amounts).toString(),
  };
}

/** A random scenario over `capacity` markets: parameters of one profile, a round with confidence and funding, a book. */
export interface Scenario {
  readonly markets: MarketSet;
  readonly round: OracleRound;
  readonly state: AccountState;
}

const rate = fc.bigInt({ min: 1n, max: 300_000n });

/** A tier list: floors increasing from 0, rates non-decreasing, initial >= maintenance. */
const tierList = fc.array(fc.tuple(fc.bigInt({ min: 1n, max: 2_000_000n }), rate, fc.bigInt({ min: 0n, max: 200_000n })), { minLength: 1, maxLength: TIER_COUNT }).map((raw) => {
  let floor = 0n;
  let first = 0n;
  return raw.map(([step, increase, extra], t): Tier => {
    if (t > 0) floor += step;
    first += t === 0 ? increase : increase / 4n;
    return { floor, first, second: first + extra };
  });
});

/** fast-check arbitrary of a scenario with every value in range and the book around its requirement. */
export function scenarioArbitrary(profile: Profile, capacity: number, listed = capacity): fc.Arbitrary<Scenario> {
  const tiers = profile === "tiered"
    ? fc.array(tierList, { minLength: listed, maxLength: listed })
    : fc.array(fc.tuple(rate, fc.bigInt({ min: 0n, max: 200_000n })).map(([first, extra]) => [profile === "lending" ? { floor: 0n, first: 1_000_000n - first, second: 1_000_000n - first - (extra < 1_000_000n - first ? extra : 0n) } : { floor: 0n, first, second: first + extra }]), { minLength: listed, maxLength: listed });
  return fc.record({
    tiers,
    multiplier: fc.bigInt({ min: 0n, max: 300n }),
    prices: fc.array(fc.bigInt({ min: 1n * E8, max: 100_000n * E8 }), { minLength: listed, maxLength: listed }),
    confidenceBps: fc.array(fc.bigInt({ min: 0n, max: 50n }), { minLength: listed, maxLength: listed }),
    fundings: fc.array(fc.bigInt({ min: -1_000n * E8, max: 1_000n * E8 }), { minLength: listed, maxLength: listed }),
    sizes: fc.array(fc.bigInt({ min: -1_000n * E8, max: 1_000n * E8 }), { minLength: listed, maxLength: listed }),
    lasts: fc.array(fc.bigInt({ min: -1_000n * E8, max: 1_000n * E8 }), { minLength: listed, maxLength: listed }),
    held: fc.array(fc.boolean(), { minLength: listed, maxLength: listed }),
    cash: fc.bigInt({ min: -50_000_000n * E16, max: 50_000_000n * E16 }),
  }).map(({ tiers: table, multiplier, prices, confidenceBps, fundings, sizes, lasts, held, cash }) => {
    const markets = makeMarketSet(profile, table, multiplier);
    const round = makeRound(prices, { confidences: prices.map((price, j) => (price * confidenceBps[j]!) / 10_000n), fundingIndexes: fundings });
    const positions = sizes.map((size, j) => [j, held[j] ? size : 0n, lasts[j]] as const);
    return { markets, round, state: makeState(capacity, cash, positions) };
  });
}

/** The fee account's state (id 1) in the test vault. */
export function feeAccountState(capacity: number, cash = 0n): AccountState {
  return makeState(capacity, cash, [], { accountId: FEE_ACCOUNT_ID });
}
