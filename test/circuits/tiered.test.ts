import { beforeAll, describe, expect, it } from "vitest";
import { ADJUSTMENT_BITS, bound } from "../../prover/src/core/constants.ts";
import { tierRequirement } from "../../prover/src/engine/statement-values.ts";
import { CircuitTester } from "../helpers/circuit-tester.ts";
import { liquidationInput, makeAccount, makeMarketSet, makeRound, marginInput } from "../helpers/fixtures.ts";

// The tier of each slot is named by the prover; the bracket check must make any other tier fail, both for
// an honest prover's wasm (a lower tier claimed on purpose) and for a forged witness.
const tiers = [
  { floor: 0n, maintenanceRate: 4_000n, initialRate: 8_000n },
  { floor: 50_000n, maintenanceRate: 5_000n, initialRate: 10_000n },
  { floor: 250_000n, maintenanceRate: 10_000n, initialRate: 20_000n },
  { floor: 1_000_000n, maintenanceRate: 25_000n, initialRate: 50_000n },
];
const markets = makeMarketSet("tiered", [0, 1, 2, 3, 4].map(() => ({ profile: "tiered" as const, tiers })));
const round = makeRound([3_000n * 10n ** 8n, 100n * 10n ** 8n, 10n ** 8n, 10n ** 8n, 10n ** 8n]);
// 100 units at 3,000: notional 300,000, the third bracket (index 2).
const account = makeAccount(markets, [[0, -100n * 10n ** 8n]], 10n ** 12n, bound(ADJUSTMENT_BITS) - 1n);

describe("TieredMarginProof: the tier is checked", () => {
  let circuit: CircuitTester;
  let liquidation: CircuitTester;
  beforeAll(async () => {
    [circuit, liquidation] = await Promise.all([CircuitTester.load("test_tiered_margin_n3_m5"), CircuitTester.load("test_tiered_liquidation_n3_m5")]);
  });

  it("Should accept the notional's tier and refuse every other one", async () => {
    expect(tierRequirement(account.positions[0]!, round, "maintenance").tier).toBe(2);
    const input = marginInput(account, round, markets, 3, 5);
    expect(await circuit.accepts(input)).toBe(true);
    for (const tier of ["0", "1", "3"]) {
      expect(await circuit.accepts({ ...input, tier: [tier, "0", "0"] })).toBe(false);
    }
  });

  it("Should break a constraint when a lower tier is forged into the witness", async () => {
    const witness = await circuit.witness(marginInput(account, round, markets, 3, 5));
    expect(circuit.satisfies(witness)).toBe(true);
    expect(circuit.satisfies(circuit.edit(witness, { "main.tier[0]": 1n }))).toBe(false);
  });

  it("Should check the bracket in liquidation proofs too, not only rely on the tiers being convex", async () => {
    // Equity 1,600 below the third bracket's requirement (300,000 x 1% - 1,300 = 1,700): liquidatable in its tier.
    const thin = { ...account, collateral: 0n, adjustment: 300_000n * 10n ** 16n + 1_600n * 10n ** 16n };
    const input = liquidationInput(thin, round, markets, 3, 5);
    expect(await liquidation.accepts(input)).toBe(true);
    for (const tier of ["0", "1", "3"]) expect(await liquidation.accepts({ ...input, tier: [tier, "0", "0"] })).toBe(false);
  });
});
