import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { packLiquidationStatement } from "../../prover/src/commitment/statement.ts";
import { ADJUSTMENT_BITS, bound } from "../../prover/src/core/constants.ts";
import { marginNumbers } from "../../prover/src/engine/margin.ts";
import { isLiquidatable } from "../../prover/src/engine/statement-values.ts";
import { CircuitTester } from "../helpers/circuit-tester.ts";
import { adjustmentFor, liquidationInput, makeAccount, makeMarkets, makeRound, scenarioArbitrary } from "../helpers/fixtures.ts";

// LiquidationProof(3, 5): maintenance > 0 and equity < maintenance.
const SLOTS = 3;
const MARKETS = 5;
const markets = makeMarkets([[30_000n, 50_000n], [50_000n, 100_000n], [10_000n, 20_000n], [1n, 1_000_000n], [1_000_000n, 1_000_000n]]);
const round = makeRound([3_000n * 10n ** 8n, 100n * 10n ** 8n, 1n, 2n * 10n ** 8n, 7n * 10n ** 8n]);

/** An account whose equity is `delta` (16-decimal units) away from its maintenance requirement. */
function aroundMaintenance(delta: bigint) {
  const base = makeAccount(markets, [[0, 2n * 10n ** 8n], [1, -3n * 10n ** 8n]], 500n * 10n ** 6n);
  const maintenance = marginNumbers(base, round, markets).maintenance;
  expect(maintenance % 10n ** 6n).toBe(0n);
  return { ...base, adjustment: adjustmentFor(base, round, maintenance / 10n ** 6n + delta) };
}

describe("LiquidationProof", () => {
  let circuit: CircuitTester;
  beforeAll(async () => {
    circuit = await CircuitTester.load("test_liquidation_n3_m5");
  });

  it("Should accept equity one unit below maintenance and refuse equity exactly at it", async () => {
    await expect(circuit.accepts(liquidationInput(aroundMaintenance(-1n), round, markets, SLOTS, MARKETS))).resolves.toBe(true);
    await expect(circuit.accepts(liquidationInput(aroundMaintenance(0n), round, markets, SLOTS, MARKETS))).resolves.toBe(false);
  });

  it("Should refuse an account without positions even with negative equity (nothing to liquidate)", async () => {
    const empty = makeAccount(markets, [], 0n, -(10n ** 20n));
    await expect(circuit.accepts(liquidationInput(empty, round, markets, SLOTS, MARKETS))).resolves.toBe(false);
  });

  it("Should agree with the engine on random accounts near the boundary", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(MARKETS, SLOTS), fc.bigInt({ min: -3n, max: 3n }), async (scenario, delta) => {
        const maintenance = marginNumbers(scenario.account, scenario.round, scenario.markets).maintenance;
        const account = { ...scenario.account, adjustment: adjustmentFor(scenario.account, scenario.round, maintenance / 10n ** 6n + delta) };
        if (account.adjustment < -bound(ADJUSTMENT_BITS) || account.adjustment >= bound(ADJUSTMENT_BITS)) return;
        const expected = isLiquidatable(account, scenario.round, scenario.markets);
        await expect(circuit.accepts(liquidationInput(account, scenario.round, scenario.markets, SLOTS, MARKETS))).resolves.toBe(expected);
      }),
      { numRuns: 120 },
    );
  });

  describe("# forged witnesses", () => {
    let witness: bigint[];
    beforeAll(async () => {
      witness = await circuit.witness(liquidationInput(aroundMaintenance(-1n), round, markets, SLOTS, MARKETS, 0xbeefn));
      expect(circuit.satisfies(witness)).toBe(true);
    });

    const forgeries: [string, (w: bigint[]) => Record<string, bigint>][] = [
      ["rebinding the proof to another liquidator", (w) => ({ "main.statement": w[circuit.indexOf("main.statement")!]! + 1n })],
      ["claiming another collateral", (w) => ({ "main.statement": w[circuit.indexOf("main.statement")!]! - (1n << 160n) })],
      ["flipping a position's sign bit", () => ({ "main.isShort[1]": 0n })],
      ["raising a size", (w) => ({ "main.size[0]": w[circuit.indexOf("main.size[0]")!]! + 1n })],
      ["raising a price", (w) => ({ "main.price[1]": w[circuit.indexOf("main.price[1]")!]! + 1n })],
      ["lowering the quote adjustment", (w) => ({ "main.adjustment": w[circuit.indexOf("main.adjustment")!]! - 1n })],
    ];
    for (const [what, change] of forgeries) {
      it(`Should break a constraint when ${what} without recomputing the rest`, () => {
        expect(circuit.satisfies(circuit.edit(witness, change(witness)))).toBe(false);
      });
    }

    it("Should break a constraint when the has-a-position witness is forged", () => {
      const name = circuit.signalNames().find((signal) => /^main\.empty\.out$/.test(signal));
      if (name === undefined) {
        // circom folded IsZero's output into the `=== 0` check; its inverse witness must then be pinned.
        const inverse = circuit.signalNames().find((signal) => /^main\.empty\.inv$/.test(signal));
        expect(inverse).toBeDefined();
        expect(circuit.satisfies(circuit.edit(witness, { [inverse!]: 0n }))).toBe(false);
      } else {
        expect(circuit.satisfies(circuit.edit(witness, { [name]: 1n }))).toBe(false);
      }
    });
  });

  it("Should refuse a healthy account whatever liquidator it names", async () => {
    const healthy = aroundMaintenance(10n ** 18n);
    const input = liquidationInput(healthy, round, markets, SLOTS, MARKETS);
    await expect(circuit.accepts(input)).resolves.toBe(false);
    const other = packLiquidationStatement({ liquidator: 0x1234n, collateral: healthy.collateral });
    await expect(circuit.accepts({ ...input, statement: other.toString() })).resolves.toBe(false);
  });
});
