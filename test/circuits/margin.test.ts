import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ValuationSide, RequirementKind } from "../../prover/src/commitment/statement.ts";
import { surplus, type MarginQuestion } from "../../prover/src/engine/valuation.ts";
import type { AccountState, Profile } from "../../prover/src/model/types.ts";
import { CircuitTester } from "../helpers/circuit-tester.ts";
import { E8, E16, makeMarkets, makeRound, makeState, marginInput, scenarioArbitrary, type Scenario } from "../helpers/fixtures.ts";

// circuits/README.md MarginProof (1)-(2) and "Valuation": the circuit accepts exactly when the engine's surplus
// is >= 0, for every profile, side, requirement and buffer, at random books and at the exact boundary.

const PROFILES: readonly Profile[] = ["cross", "lending", "tiered"];
const QUESTIONS: readonly MarginQuestion[] = [
  { requirement: "maintenance", side: "conservative", bufferBps: 0n },
  { requirement: "maintenance", side: "conservative", bufferBps: 750n },
  { requirement: "initial", side: "conservative", bufferBps: 0n },
  { requirement: "maintenance", side: "favourable", bufferBps: 0n },
];
const CASH_WEIGHT: Record<Profile, bigint> = { cross: 10n ** 10n, tiered: 10n ** 10n, lending: 10n ** 12n };

/** The smallest cash at which the statement holds (surplus is cash-linear with weight CASH_WEIGHT). */
function boundaryCash(state: AccountState, scenario: Scenario, question: MarginQuestion): bigint {
  const atZero = surplus({ ...state, cash: 0n }, scenario.round, scenario.markets, question);
  const weight = CASH_WEIGHT[scenario.markets.profile];
  const needed = -atZero;
  return needed >= 0n ? (needed + weight - 1n) / weight : -(-needed / weight);
}

describe.each(PROFILES)("MarginProof (%s) against the engine", (profile) => {
  let tester: CircuitTester;
  beforeAll(async () => {
    tester = await CircuitTester.load(`test_${profile}_margin_m4`);
  });
  afterAll(() => undefined);

  it("Should accept exactly the statements the engine says hold, on random books", async () => {
    await fc.assert(fc.asyncProperty(scenarioArbitrary(profile, 4, 3), fc.constantFrom(...QUESTIONS), async (scenario, question) => {
      const holds = surplus(scenario.state, scenario.round, scenario.markets, question) >= 0n;
      expect(await tester.accepts(marginInput(scenario.state, scenario.round, scenario.markets, question))).toBe(holds);
    }), { numRuns: 24 });
  });

  it("Should accept at the exact boundary cash and refuse one unit (10^-16) below it", async () => {
    await fc.assert(fc.asyncProperty(scenarioArbitrary(profile, 4), fc.constantFrom(...QUESTIONS), async (scenario, question) => {
      const cash = boundaryCash(scenario.state, scenario, question);
      const at = { ...scenario.state, cash };
      const below = { ...scenario.state, cash: cash - 1n };
      expect(surplus(at, scenario.round, scenario.markets, question) >= 0n).toBe(true);
      expect(surplus(below, scenario.round, scenario.markets, question) < 0n).toBe(true);
      expect(await tester.accepts(marginInput(at, scenario.round, scenario.markets, question))).toBe(true);
      expect(await tester.accepts(marginInput(below, scenario.round, scenario.markets, question))).toBe(false);
    }), { numRuns: 8 });
  });
});

describe("MarginProof (cross): what the statement means", () => {
  let tester: CircuitTester;
  const markets = makeMarkets([[30_000n, 50_000n], [50_000n, 100_000n], [20_000n, 40_000n]], 200n);
  beforeAll(async () => {
    tester = await CircuitTester.load("test_cross_margin_m4");
  });
  const at = (state: AccountState, side: ValuationSide, requirement: RequirementKind = "maintenance", round = makeRound([3_000n * E8, 60_000n * E8, 100n * E8], { confidences: [E8, 20n * E8, 0n] })) =>
    tester.accepts(marginInput(state, round, markets, { side, requirement }));

  it("Should count unsettled funding against a long when the index rose", async () => {
    // Long 10 at 3,000: requirement 900; cash 0 and price value 30,000 => equity 30,000 before funding.
    const book = makeState(4, -29_000n * E16, [[0, 10n * E8, 0n]]);
    const round = (funding: bigint) => makeRound([3_000n * E8, 60_000n * E8, 100n * E8], { fundingIndexes: [funding, 0n, 0n] });
    expect(await tester.accepts(marginInput(book, round(0n), markets))).toBe(true); // equity 1,000 >= 900
    expect(await tester.accepts(marginInput(book, round(11n * E8), markets))).toBe(false); // 1,000 - 110 < 900
  });

  it("Should refuse a held market that the round does not price (S != 0 => P != 0)", async () => {
    const book = makeState(4, 1_000_000n * E16, [[3, E8, 0n]]); // market 3 is unlisted: price 0
    expect(await at(book, "conservative")).toBe(false);
    expect(await at(makeState(4, 1_000_000n * E16, [[0, E8, 0n]]), "conservative")).toBe(true);
  });

  it("Should make the favourable answer the exact negation of the liquidation condition", async () => {
    // Between the two sides of the confidence band: the conservative certificate fails, the answer holds.
    const book = makeState(4, -57_000n * E16, [[1, E8, 0n]]); // long 1 at 60,000 +- 2 x 20: equity 3,000 = requirement
    const round = makeRound([3_000n * E8, 60_000n * E8, 100n * E8], { confidences: [E8, 20n * E8, 0n] });
    const conservative = surplus(book, round, markets, { requirement: "maintenance", side: "conservative", bufferBps: 0n });
    const favourable = surplus(book, round, markets, { requirement: "maintenance", side: "favourable", bufferBps: 0n });
    expect(conservative < 0n && favourable >= 0n).toBe(true);
    expect(await at(book, "conservative")).toBe(false);
    expect(await at(book, "favourable")).toBe(true);
  });
});
