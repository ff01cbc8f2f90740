import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as constants from "../prover/src/core/constants.ts";
import { projectPath } from "../prover/src/build/paths.ts";

// The circuits and the TypeScript engine must agree on every scale, width and tag; a drift here would
// make honest proofs fail or, worse, commitments disagree.
describe("constants: circuits/lib/constants.circom vs prover/src/core/constants.ts", () => {
  const source = readFileSync(projectPath("circuits", "lib", "constants.circom"), "utf8");
  const circom = new Map([...source.matchAll(/function (\w+)\(\) \{ return (\d+); \}/g)].map((match) => [match[1]!, BigInt(match[2]!)]));

  const pairs: [string, bigint | number][] = [
    ["SIZE_BITS", constants.SIZE_BITS], ["PRICE_BITS", constants.PRICE_BITS], ["RATE_BITS", constants.RATE_BITS],
    ["COLLATERAL_BITS", constants.COLLATERAL_BITS], ["ADJUSTMENT_BITS", constants.ADJUSTMENT_BITS], ["BUFFER_BITS", constants.BUFFER_BITS],
    ["BINDER_BITS", constants.BINDER_BITS], ["MARKET_FIELD_BITS", constants.MARKET_FIELD_BITS], ["SLOT_BITS", constants.SLOT_BITS],
    ["SLOTS_PER_ELEMENT", constants.SLOTS_PER_ELEMENT], ["QUOTES_PER_ELEMENT", constants.QUOTES_PER_ELEMENT], ["TIERS_PER_ELEMENT", constants.TIERS_PER_ELEMENT],
    ["CONFIDENCE_BITS", constants.CONFIDENCE_BITS], ["MULTIPLIER_BITS", constants.MULTIPLIER_BITS], ["FLOOR_BITS", constants.FLOOR_BITS], ["NOTIONAL_BITS", constants.NOTIONAL_BITS],
    ["RATE_PAIRS_PER_ELEMENT", constants.RATE_PAIRS_PER_ELEMENT], ["ACCOUNT_TAG", constants.ACCOUNT_TAG], ["PRICES_TAG", constants.PRICES_TAG],
    ["CROSS_RISK_TAG", constants.CROSS_RISK_TAG], ["LENDING_RISK_TAG", constants.LENDING_RISK_TAG], ["TIERED_RISK_TAG", constants.TIERED_RISK_TAG], ["MAX_SLOTS", constants.MAX_SLOTS], ["MAX_MARKETS", constants.MAX_MARKETS],
  ];
  for (const [name, value] of pairs) {
    it(`Should give ${name} the same value in both`, () => {
      expect(circom.get(name)).toBe(BigInt(value));
    });
  }

  it("Should keep every packed element below the field", () => {
    expect(constants.SLOT_BITS).toBe(constants.SIZE_BITS + 1 + constants.MARKET_FIELD_BITS);
    expect(constants.SLOTS_PER_ELEMENT * constants.SLOT_BITS).toBeLessThan(250);
    expect(constants.QUOTES_PER_ELEMENT * (constants.PRICE_BITS + constants.CONFIDENCE_BITS) + 2).toBeLessThan(253);
    expect(constants.TIERS_PER_ELEMENT * (constants.FLOOR_BITS + 2 * constants.RATE_BITS)).toBeLessThan(253);
    expect(constants.RATE_PAIRS_PER_ELEMENT * 2 * constants.RATE_BITS + 2).toBeLessThan(253);
    expect(constants.ADJUSTMENT_BITS + 1 + constants.COLLATERAL_BITS + 1).toBeLessThan(253);
    expect(constants.BINDER_BITS + constants.BUFFER_BITS + 1 + constants.COLLATERAL_BITS).toBeLessThan(253);
  });
});
