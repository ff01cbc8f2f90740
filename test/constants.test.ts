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
    ["SIZE_BITS", constants.SIZE_BITS], ["FUNDING_BITS", constants.FUNDING_BITS], ["FILL_SIZE_BITS", constants.FILL_SIZE_BITS],
    ["PRICE_BITS", constants.PRICE_BITS], ["CONFIDENCE_BITS", constants.CONFIDENCE_BITS], ["MULTIPLIER_BITS", constants.MULTIPLIER_BITS],
    ["FLOOR_BITS", constants.FLOOR_BITS], ["NOTIONAL_BITS", constants.NOTIONAL_BITS], ["RATE_BITS", constants.RATE_BITS], ["CASH_BITS", constants.CASH_BITS],
    ["FEE_BITS", constants.FEE_BITS], ["TOKEN_BITS", constants.TOKEN_BITS], ["BUFFER_BITS", constants.BUFFER_BITS], ["PENALTY_BITS", constants.PENALTY_BITS],
    ["BINDER_BITS", constants.BINDER_BITS], ["ID_BITS", constants.ID_BITS], ["BOOK_SPONGE_WIDTH", constants.BOOK_SPONGE_WIDTH],
    ["ROUND_SPONGE_WIDTH", constants.ROUND_SPONGE_WIDTH], ["RISK_SPONGE_WIDTH", constants.RISK_SPONGE_WIDTH], ["TIERS_PER_ELEMENT", constants.TIERS_PER_ELEMENT],
    ["TIER_FIELD_BITS", constants.TIER_FIELD_BITS], ["PRICES_TAG", constants.PRICES_TAG], ["CROSS_RISK_TAG", constants.CROSS_RISK_TAG],
    ["LENDING_RISK_TAG", constants.LENDING_RISK_TAG], ["TIERED_RISK_TAG", constants.TIERED_RISK_TAG], ["FEE_ACCOUNT_ID", constants.FEE_ACCOUNT_ID],
    ["MAX_MARKETS", constants.MAX_MARKETS], ["MAX_FILLS", constants.MAX_FILLS],
  ];
  for (const [name, value] of pairs) {
    it(`Should give ${name} the same value in both`, () => {
      expect(circom.get(name)).toBe(BigInt(value));
    });
  }

  it("Should keep every packed element below the field and the scales consistent", () => {
    expect(constants.PRICE_BITS + constants.CONFIDENCE_BITS + constants.FUNDING_BITS).toBeLessThan(253); // a quote
    expect(constants.TIERS_PER_ELEMENT * constants.TIER_FIELD_BITS).toBeLessThan(253);
    expect(constants.TIER_FIELD_BITS).toBe(constants.FLOOR_BITS + 2 * constants.RATE_BITS);
    expect(constants.BINDER_BITS + constants.BUFFER_BITS + 2).toBeLessThan(253); // margin statement
    expect(3 * constants.TOKEN_BITS + constants.PENALTY_BITS + 1).toBeLessThan(253); // takeover statement
    expect(constants.CASH_PER_TOKEN).toBe(10n ** 10n);
    expect(constants.CASH_DECIMALS).toBe(constants.SIZE_DECIMALS + constants.PRICE_DECIMALS);
  });

  it("Should list the vault's capacity in circuits.json: every statement at M = 16, apply-fills at K = 8", () => {
    const specs = JSON.parse(readFileSync(projectPath("circuits", "circuits.json"), "utf8")) as Record<string, { params?: number[]; setup?: boolean }>;
    const proving = Object.entries(specs).filter(([, spec]) => spec.setup);
    expect(proving.length).toBe(11);
    for (const [, spec] of proving) expect(spec.params![0]).toBe(constants.MARKETS);
    expect(specs.fills_m16_k8!.params![1]).toBe(constants.FILLS_PER_PROOF);
  });
});
