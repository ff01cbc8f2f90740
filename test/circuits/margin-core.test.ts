import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { accountCommitment, roundCommitments } from "../../prover/src/commitment/commitments.ts";
import { circuitInput } from "../../prover/src/circuit/inputs.ts";
import { toField } from "../../prover/src/core/field.ts";
import { marginNumbers } from "../../prover/src/engine/margin.ts";
import { CircuitTester } from "../helpers/circuit-tester.ts";
import { scenarioArbitrary, type Scenario } from "../helpers/fixtures.ts";

// MarginCore(4, 5) exposes equity and requirement, so the circuit's arithmetic can be compared with the
// TypeScript engine value for value, not only through accept/reject.
const SLOTS = 4;
const MARKETS = 5;

function coreInput(scenario: Scenario, useInitial: 0 | 1) {
  const { account, round, markets } = scenario;
  const input = circuitInput(account, round, markets, SLOTS, MARKETS, {
    accountCommitment: accountCommitment(account),
    roundCommitment: roundCommitments(round, markets).roundCommitment,
  });
  const coreFields: Record<string, string> = { useInitial: String(useInitial), collateral: account.collateral.toString() };
  return { ...input, ...coreFields };
}

describe("MarginCore: circuit vs TypeScript engine", () => {
  let core: CircuitTester;
  beforeAll(async () => {
    core = await CircuitTester.load("test_core_n4_m5");
  });

  it("Should compute exactly the engine's equity and requirements on random accounts", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(MARKETS, SLOTS), fc.constantFrom<0 | 1>(0, 1), async (scenario, useInitial) => {
        const witness = await core.witness(coreInput(scenario, useInitial));
        expect(core.satisfies(witness)).toBe(true);
        const numbers = marginNumbers(scenario.account, scenario.round);
        const [equity, requirement] = core.outputs(witness);
        expect(equity).toBe(toField(numbers.equity));
        expect(requirement).toBe(useInitial === 1 ? numbers.initial : numbers.maintenance);
      }),
      { numRuns: 150 },
    );
  });

  it("Should reject an account that does not open the public account commitment", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(MARKETS, SLOTS), async (scenario) => {
        const input = coreInput(scenario, 0);
        const other = { ...input, nonce: (BigInt(input.nonce as string) + 1n).toString() };
        await expect(core.accepts(other)).resolves.toBe(false);
      }),
      { numRuns: 20 },
    );
  });

  it("Should reject prices that do not open the public round commitment", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(MARKETS, SLOTS), fc.integer({ min: 0, max: MARKETS - 1 }), async (scenario, market) => {
        const input = coreInput(scenario, 0);
        const price = [...(input.price as string[])];
        price[market] = (BigInt(price[market]!) ^ 1n).toString();
        await expect(core.accepts({ ...input, price })).resolves.toBe(false);
      }),
      { numRuns: 20 },
    );
  });
});
