import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { packMarginStatement } from "../../prover/src/commitment/statement.ts";
import { ADJUSTMENT_BITS, PRICE_BITS, SIZE_BITS, bound } from "../../prover/src/core/constants.ts";
import { marginNumbers } from "../../prover/src/engine/margin.ts";
import { marginSurplus } from "../../prover/src/engine/statement-values.ts";
import { CircuitTester } from "../helpers/circuit-tester.ts";
import { adjustmentFor, makeAccount, makeMarkets, makeRound, marginInput, scenarioArbitrary } from "../helpers/fixtures.ts";

// MarginProof(3, 5): equity >= requirement * (1 + buffer). Requirement rates are chosen so that the exact
// boundary (10^10 * equity = (10^4 + buffer) * requirement) is reachable with integer values.
const SLOTS = 3;
const MARKETS = 5;
const markets = makeMarkets([[30_000n, 50_000n], [50_000n, 100_000n], [10_000n, 20_000n], [1n, 1_000_000n], [1_000_000n, 1_000_000n]]);
const round = makeRound([3_000n * 10n ** 8n, 100n * 10n ** 8n, 1n, 2n * 10n ** 8n, 7n * 10n ** 8n]);

/** An account whose equity sits `delta` (16-decimal units) above the buffered requirement boundary. */
function atBoundary(delta: bigint, requirement: "maintenance" | "initial", bufferBps: bigint) {
  const base = makeAccount(markets, [[0, -15n * 10n ** 7n], [1, 4n * 10n ** 8n]], 1_000n * 10n ** 6n);
  const numbers = marginNumbers(base, round, markets);
  const required = (10_000n + bufferBps) * (requirement === "initial" ? numbers.initial : numbers.maintenance);
  expect(required % 10n ** 10n).toBe(0n); // the boundary is an integer equity
  return { ...base, adjustment: adjustmentFor(base, round, required / 10n ** 10n + delta) };
}

describe("MarginProof", () => {
  let circuit: CircuitTester;
  beforeAll(async () => {
    circuit = await CircuitTester.load("test_margin_n3_m5");
  });

  describe("# boundaries", () => {
    for (const requirement of ["maintenance", "initial"] as const) {
      for (const bufferBps of [0n, 500n, 65_535n]) {
        it(`Should accept equity exactly at the ${requirement} requirement x (1 + ${bufferBps} bps) and refuse one unit less`, async () => {
          await expect(circuit.accepts(marginInput(atBoundary(0n, requirement, bufferBps), round, markets, SLOTS, MARKETS, { requirement, bufferBps }))).resolves.toBe(true);
          await expect(circuit.accepts(marginInput(atBoundary(-1n, requirement, bufferBps), round, markets, SLOTS, MARKETS, { requirement, bufferBps }))).resolves.toBe(false);
        });
      }
    }

    it("Should accept the largest sizes, prices and adjustment and refuse one beyond each", async () => {
      const maxSize = bound(SIZE_BITS) - 1n;
      const bigRound = makeRound([bound(PRICE_BITS) - 1n, 1n, 1n, 1n, 1n]);
      const big = makeAccount(markets, [[0, maxSize], [1, -maxSize], [2, maxSize]], 2n ** 64n - 1n, bound(ADJUSTMENT_BITS) - 1n);
      await expect(circuit.accepts(marginInput(big, bigRound, markets, SLOTS, MARKETS))).resolves.toBe(true);
      const input = marginInput(big, bigRound, markets, SLOTS, MARKETS);
      const oversize = { ...input, size: [(maxSize + 1n).toString(), ...(input.size as string[]).slice(1)] };
      await expect(circuit.accepts(oversize)).resolves.toBe(false);
      const overprice = { ...input, price: [bound(PRICE_BITS).toString(), ...(input.price as string[]).slice(1)] };
      await expect(circuit.accepts(overprice)).resolves.toBe(false);
      const tooRich = makeAccount(markets, [], 0n, bound(ADJUSTMENT_BITS));
      await expect(circuit.accepts(marginInput(tooRich, round, markets, SLOTS, MARKETS))).resolves.toBe(false);
    });

    it("Should handle a negative quote adjustment down to -2^128 and refuse below", async () => {
      const collateralOnly = makeAccount(markets, [], 2n ** 64n - 1n, -bound(ADJUSTMENT_BITS));
      expect(marginNumbers(collateralOnly, round, markets).equity < 0n).toBe(true);
      // No positions: requirement 0, equity negative: the margin statement is false.
      await expect(circuit.accepts(marginInput(collateralOnly, round, markets, SLOTS, MARKETS))).resolves.toBe(false);
      const solvent = makeAccount(markets, [[0, 10n ** 8n]], 10n ** 6n, -(10n ** 18n));
      expect(marginSurplus(solvent, round, markets, "maintenance", 0n) >= 0n).toBe(true);
      await expect(circuit.accepts(marginInput(solvent, round, markets, SLOTS, MARKETS))).resolves.toBe(true);
      const wrapped = marginInput(makeAccount(markets, [], 0n, -bound(ADJUSTMENT_BITS) - 1n), round, markets, SLOTS, MARKETS);
      await expect(circuit.accepts(wrapped)).resolves.toBe(false);
    });
  });

  describe("# statement", () => {
    it("Should agree with the engine on random accounts near the boundary, for both requirements and any buffer", async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArbitrary(MARKETS, SLOTS), fc.constantFrom("maintenance" as const, "initial" as const), fc.bigInt({ min: 0n, max: 65_535n }), fc.bigInt({ min: -3n, max: 3n }), async (scenario, requirement, bufferBps, delta) => {
          const numbers = marginNumbers(scenario.account, scenario.round, scenario.markets);
          const required = (10_000n + bufferBps) * (requirement === "initial" ? numbers.initial : numbers.maintenance);
          const target = required / 10n ** 10n + delta;
          const account = { ...scenario.account, adjustment: adjustmentFor(scenario.account, scenario.round, target) };
          if (account.adjustment < -bound(ADJUSTMENT_BITS) || account.adjustment >= bound(ADJUSTMENT_BITS)) return;
          const expected = marginSurplus(account, scenario.round, scenario.markets, requirement, bufferBps) >= 0n;
          const input = marginInput(account, scenario.round, scenario.markets, SLOTS, MARKETS, { requirement, bufferBps });
          await expect(circuit.accepts(input)).resolves.toBe(expected);
        }),
        { numRuns: 120 },
      );
    });

    it("Should refuse a statement above 241 bits (fields cannot be traded against each other)", async () => {
      const account = atBoundary(0n, "maintenance", 0n);
      const input = marginInput(account, round, markets, SLOTS, MARKETS);
      const tooWide = BigInt(input.statement as string) + (1n << 241n);
      await expect(circuit.accepts({ ...input, statement: tooWide.toString() })).resolves.toBe(false);
    });

    it("Should refuse a statement whose collateral differs from the committed one", async () => {
      const account = atBoundary(10n ** 20n, "maintenance", 0n);
      const input = marginInput(account, round, markets, SLOTS, MARKETS);
      const statement = packMarginStatement({ binder: 0xabcn, bufferBps: 0n, requirement: "maintenance", collateral: account.collateral + 1n });
      await expect(circuit.accepts({ ...input, statement: statement.toString() })).resolves.toBe(false);
    });

    it("Should bind the binder: the same witness with another binder proves another statement", async () => {
      const account = atBoundary(0n, "maintenance", 0n);
      const witness = await circuit.witness(marginInput(account, round, markets, SLOTS, MARKETS, { binder: 0xabcn }));
      expect(circuit.satisfies(witness)).toBe(true);
      const statement = packMarginStatement({ binder: 0xabdn, bufferBps: 0n, requirement: "maintenance", collateral: account.collateral });
      expect(circuit.satisfies(circuit.edit(witness, { "main.statement": statement }))).toBe(false);
    });
  });

  describe("# forged witnesses", () => {
    let witness: bigint[];
    beforeAll(async () => {
      witness = await circuit.witness(marginInput(atBoundary(0n, "maintenance", 0n), round, markets, SLOTS, MARKETS));
      expect(circuit.satisfies(witness)).toBe(true);
    });

    const forgeries: [string, (w: bigint[]) => Record<string, bigint>][] = [
      ["flipping a position's sign bit", () => ({ "main.isShort[0]": 0n })],
      ["a non-boolean sign bit", () => ({ "main.isShort[1]": 2n })],
      ["shrinking a size", (w) => ({ "main.size[0]": w[circuit.indexOf("main.size[0]")!]! - 1n })],
      ["a size that wraps the field", () => ({ "main.size[1]": -1n })],
      ["moving a position to another market", () => ({ "main.market[0]": 1n })],
      ["hiding a position in an empty slot", () => ({ "main.size[2]": 1n })],
      ["lowering a price", (w) => ({ "main.price[0]": w[circuit.indexOf("main.price[0]")!]! - 1n })],
      ["lowering a maintenance rate", () => ({ "main.maintenanceRate[0]": 29_999n })],
      ["raising the quote adjustment", (w) => ({ "main.adjustment": w[circuit.indexOf("main.adjustment")!]! + 1n })],
      ["raising the collateral in the statement", (w) => ({ "main.statement": w[circuit.indexOf("main.statement")!]! + (1n << 177n) })],
      ["changing the requirement kind in the statement", (w) => ({ "main.statement": w[circuit.indexOf("main.statement")!]! + (1n << 176n) })],
    ];
    for (const [what, change] of forgeries) {
      it(`Should break a constraint when ${what} without recomputing the rest`, () => {
        expect(circuit.satisfies(circuit.edit(witness, change(witness)))).toBe(false);
      });
    }

    it("Should break a constraint when the surplus bits are forged", () => {
      const bit = circuit.signalNames().find((name) => /^main\.surplus\.out\[0\]$/.test(name));
      expect(bit).toBeDefined();
      const value = witness[circuit.indexOf(bit!)!]!;
      expect(circuit.satisfies(circuit.edit(witness, { [bit!]: 1n - value }))).toBe(false);
    });
  });

  it("Should refuse a market index beyond the index bits", async () => {
    const account = atBoundary(10n ** 20n, "maintenance", 0n);
    const input = marginInput(account, round, markets, SLOTS, MARKETS);
    await expect(circuit.accepts({ ...input, market: ["8", ...(input.market as string[]).slice(1)] })).resolves.toBe(false);
  });
});
