import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ADJUSTMENT_BITS, bound } from "../../prover/src/core/constants.ts";
import { isLiquidatable, liquidationDeficit, marginSurplus } from "../../prover/src/engine/statement-values.ts";
import type { Account, Profile } from "../../prover/src/model/types.ts";
import { CircuitTester } from "../helpers/circuit-tester.ts";
import { liquidationInput, marginInput, scenarioArbitrary } from "../helpers/fixtures.ts";

// Every profile's circuits against the TS engine at the exact boundary of their statement: the surplus (or
// deficit) is affine in the quote adjustment, so the adjustment that puts an account right at the line is
// solved for, then moved by a few units either way. Any difference between the circuit's arithmetic and the
// engine's (a weight, a scale, a confidence term, a tier's deduction) flips some of these cases.
const SLOTS = 3;
const MARKETS = 5;
const PROFILES: Profile[] = ["cross", "lending", "tiered"];
const CIRCUITS: Record<Profile, { margin: string; liquidation: string; surplusScale: bigint; deficitScale: bigint }> = {
  cross: { margin: "test_margin_n3_m5", liquidation: "test_liquidation_n3_m5", surplusScale: 10n ** 10n, deficitScale: 10n ** 6n },
  lending: { margin: "test_lending_health_n3_m5", liquidation: "test_lending_liquidation_n3_m5", surplusScale: 10n ** 12n, deficitScale: 10n ** 8n },
  tiered: { margin: "test_tiered_margin_n3_m5", liquidation: "test_tiered_liquidation_n3_m5", surplusScale: 10n ** 10n, deficitScale: 10n ** 6n },
};

const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));
const inRange = (account: Account) => account.adjustment >= -bound(ADJUSTMENT_BITS) && account.adjustment < bound(ADJUSTMENT_BITS);

describe.each(PROFILES)("%s profile: circuits vs TS engine at the boundary", (profile) => {
  let margin: CircuitTester;
  let liquidation: CircuitTester;
  beforeAll(async () => {
    [margin, liquidation] = await Promise.all([CircuitTester.load(CIRCUITS[profile].margin), CircuitTester.load(CIRCUITS[profile].liquidation)]);
  });

  it("Should accept a margin statement exactly when the engine's surplus is non-negative", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(MARKETS, SLOTS, profile), fc.constantFrom("maintenance" as const, "initial" as const), fc.bigInt({ min: 0n, max: 65_535n }), fc.bigInt({ min: -2n, max: 2n }), async (scenario, requirement, bufferBps, delta) => {
        const base = { ...scenario.account, adjustment: 0n };
        const rest = marginSurplus(base, scenario.round, scenario.markets, requirement, bufferBps);
        const scale = CIRCUITS[profile].surplusScale;
        const account = { ...base, adjustment: -floorDiv(rest, scale) + delta };
        if (!inRange(account)) return;
        const expected = marginSurplus(account, scenario.round, scenario.markets, requirement, bufferBps) >= 0n;
        expect(expected).toBe(delta >= 0n);
        await expect(margin.accepts(marginInput(account, scenario.round, scenario.markets, SLOTS, MARKETS, { requirement, bufferBps }))).resolves.toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  it("Should accept a liquidation statement exactly when the engine says liquidatable", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(MARKETS, SLOTS, profile), fc.bigInt({ min: -2n, max: 2n }), async (scenario, delta) => {
        const base = { ...scenario.account, adjustment: 0n };
        const rest = liquidationDeficit(base, scenario.round, scenario.markets);
        const scale = CIRCUITS[profile].deficitScale;
        const account = { ...base, adjustment: floorDiv(rest - 1n, scale) + delta };
        if (!inRange(account)) return;
        const expected = isLiquidatable(account, scenario.round, scenario.markets);
        if (account.positions.length > 0) expect(expected).toBe(delta <= 0n);
        await expect(liquidation.accepts(liquidationInput(account, scenario.round, scenario.markets, SLOTS, MARKETS))).resolves.toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  it("Should refuse the other profile's risk commitment (the profile tag is bound)", async () => {
    const [scenario] = fc.sample(scenarioArbitrary(MARKETS, SLOTS, profile), { numRuns: 1, seed: 7 });
    const input = marginInput({ ...scenario!.account, adjustment: bound(ADJUSTMENT_BITS) - 1n }, scenario!.round, scenario!.markets, SLOTS, MARKETS);
    expect(await margin.accepts(input)).toBe(true);
    // Same parameters, another profile's tag: the round commitment no longer opens.
    const other = profile === "cross" ? "lending" : "cross";
    if (profile !== "tiered") {
      const { roundCommitments } = await import("../../prover/src/commitment/commitments.ts");
      const forged = roundCommitments(scenario!.round, { ...scenario!.markets, profile: other }).roundCommitment;
      expect(await margin.accepts({ ...input, roundCommitment: forged.toString() })).toBe(false);
    }
  });
});

describe("SidedValuation", () => {
  it("Should sum size x the weight of each slot's market and side", async () => {
    const sided = await CircuitTester.load("test_sided_n4_m5");
    const longWeight = [5n, -7n, 11n, 0n, 13n];
    const shortWeight = [-2n, 3n, -17n, 19n, 23n];
    const slots: [number, 0 | 1, bigint][] = [[0, 0, 10n], [2, 1, 3n], [4, 1, 1n], [1, 0, 2n]];
    const bits = (market: number) => [market & 1, (market >> 1) & 1, (market >> 2) & 1].map(String);
    const witness = await sided.witness({
      marketBits: slots.map(([market]) => bits(market)),
      isShort: slots.map(([, short]) => String(short)),
      size: slots.map(([, , size]) => size.toString()),
      longWeight: longWeight.map(String),
      shortWeight: shortWeight.map((value) => ((value % 21888242871839275222246405745257275088548364400416034343698204186575808495617n) + 21888242871839275222246405745257275088548364400416034343698204186575808495617n).toString()),
    });
    const expected = 10n * 5n + 3n * -17n + 1n * 23n + 2n * -7n;
    const [total] = sided.outputs(witness);
    expect(total).toBe((expected + 21888242871839275222246405745257275088548364400416034343698204186575808495617n) % 21888242871839275222246405745257275088548364400416034343698204186575808495617n);
  });
});
