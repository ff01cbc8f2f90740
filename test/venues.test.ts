import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { marginNumbers, marginReport, positionRequirement } from "../prover/src/engine/margin.ts";
import { isLiquidatable, marginSurplus, tierRequirement } from "../prover/src/engine/statement-values.ts";
import { parseAccount, parseMarkets, parseRound } from "../prover/src/model/parse.ts";
import type { Account, Position } from "../prover/src/model/types.ts";
import { makeAccount, makeRound, scenarioArbitrary } from "./helpers/fixtures.ts";

// Worked examples from each venue's public documentation, through the TS engine (which the circuits match
// exactly: test/circuits/profiles.test.ts), and the monotonicity properties a margin system must have.
const usd = (value: bigint, decimals: number) => Number(value) / 10 ** decimals;
const single = (markets: ReturnType<typeof parseMarkets>, market: string, size: string, price: string, collateral = "0") => {
  const account = parseAccount({ owner: "1", salt: "1", collateral, positions: [{ market, size }] }, markets);
  const round = parseRound({ round: 1, timestamp: 1, prices: Object.fromEntries(markets.markets.map((m) => [m.id, m.id === market ? price : "1"])) }, markets);
  return { account, round, position: account.positions[0] as Position };
};

describe("tiered margin", () => {
  // Binance USDⓈ-M BTCUSDT leverage brackets (first four): maintenance rate 0.4% / 0.5% / 1% / 2.5% from a
  // notional of 0 / 50,000 / 250,000 / 1,000,000, maintenance amount 0 / 50 / 1,300 / 16,300.
  const binance = parseMarkets({ profile: "tiered", markets: [{ id: "BTCUSDT", tiers: [
    { notionalFloor: "0", maintenanceMargin: "0.004", initialMargin: "0.008" },
    { notionalFloor: "50000", maintenanceMargin: "0.005", initialMargin: "0.01" },
    { notionalFloor: "250000", maintenanceMargin: "0.01", initialMargin: "0.02" },
    { notionalFloor: "1000000", maintenanceMargin: "0.025", initialMargin: "0.05" },
  ] }] });
  it("Should reproduce Binance's maintenance amounts (deductions 50, 1,300, 16,300)", () => {
    for (const [notional, tier, maintenance] of [["40000", 0, 160], ["300000", 2, 1_700], ["2000000", 3, 33_700], ["1000000", 3, 8_700]] as const) {
      const { round, position } = single(binance, "BTCUSDT", "1", notional);
      const result = tierRequirement(position, round, "maintenance");
      expect(result.tier).toBe(tier);
      expect(usd(result.requirement, 22)).toBe(maintenance);
    }
  });

  // Hyperliquid margin tiers (docs, "Margin tiers"): BTC 40x up to 150M notional, 20x above; maintenance
  // margin is half the initial margin at max leverage, minus the deduction that keeps it continuous.
  const hyperliquid = parseMarkets({ profile: "tiered", markets: [{ id: "BTC", tiers: [
    { notionalFloor: "0", maintenanceMargin: "0.0125", initialMargin: "0.025" },
    { notionalFloor: "150000000", maintenanceMargin: "0.025", initialMargin: "0.05" },
  ] }] });
  it("Should reproduce Hyperliquid's BTC tiers and stay continuous at the 150M bound", () => {
    expect(usd(tierRequirement(single(hyperliquid, "BTC", "2000", "100000").position, single(hyperliquid, "BTC", "2000", "100000").round, "maintenance").requirement, 22)).toBe(3_125_000);
    const below = single(hyperliquid, "BTC", "1", "149999999.99999999");
    const at = single(hyperliquid, "BTC", "1", "150000000");
    const belowRequirement = tierRequirement(below.position, below.round, "maintenance");
    const atRequirement = tierRequirement(at.position, at.round, "maintenance");
    expect([belowRequirement.tier, atRequirement.tier]).toEqual([0, 1]);
    expect(usd(atRequirement.requirement, 22)).toBe(1_875_000);
    // 10^-8 of price below the bound (10^8 units of notional at 16 decimals) costs exactly that times the
    // lower rate less: no jump at the bound.
    expect(atRequirement.requirement - belowRequirement.requirement).toBe(10n ** 8n * 12_500n);
  });

  it("Should keep the requirement continuous and non-decreasing in the notional for any valid tiers", () => {
    fc.assert(fc.property(scenarioArbitrary(2, 1, "tiered"), fc.bigInt({ min: 1n, max: 10n ** 20n }), (scenario, size) => {
      const market = scenario.markets.markets[0]!;
      const tiers = market.risk.profile === "tiered" ? market.risk.tiers : [];
      const at = (notionalPrice: bigint) => tierRequirement({ market, size: 1n, entryPrice: 0n }, makeRound([notionalPrice, 1n]), "maintenance").requirement;
      for (const tier of tiers.slice(1)) {
        const floor = tier.floor * 10n ** 16n;
        // size 1 (10^-8 units) at price p has notional p: step across the floor by one unit of price.
        const jump = at(floor) - at(floor - 1n);
        expect(jump >= 0n && jump <= tier.maintenanceRate).toBe(true);
      }
      expect(at(size + 1n) >= at(size)).toBe(true);
    }));
  });
});

describe("lending health factor", () => {
  // Aave v3 (docs, "Health Factor"): HF = sum collateral x price x liquidation threshold / total debt, liquidatable
  // below 1. 10 WETH at 2,000 with LT 82.5% against 10,000 USDC of debt: HF = 20,000 x 0.825 / 10,000 = 1.65.
  const aave = parseMarkets({ profile: "lending", markets: [{ id: "WETH", liquidationThreshold: "0.825", loanToValue: "0.8" }, { id: "USDC", liquidationThreshold: "0.78", loanToValue: "0.75" }] });
  const account = parseAccount({ owner: "1", salt: "1", collateral: "0", positions: [{ market: "WETH", size: "10" }, { market: "USDC", size: "-10000" }] }, aave);
  const at = (weth: string) => parseRound({ round: 1, timestamp: 1, prices: { WETH: weth, USDC: "1" } }, aave);

  it("Should compute Aave's health factor and liquidate exactly below 1", () => {
    expect(marginReport(account, at("2000"), aave).healthFactor).toBe("1.65");
    // HF = 1 at WETH = 10,000 / (10 x 0.825) = 1,212.12121212...: liquidatable just below, not at 1,212.13.
    expect(isLiquidatable(account, at("1212.12"), aave)).toBe(true);
    expect(isLiquidatable(account, at("1212.13"), aave)).toBe(false);
    expect(marginReport(account, at("2000"), aave).positions[0]!.liquidationPrice).toBe("1212.12121212");
  });

  it("Should cap borrowing at the loan-to-value ratio (initial proofs)", () => {
    // Borrowing power at 2,000: 20,000 x 0.8 = 16,000 >= 10,000; at 1,250: 10,000 exactly.
    expect(marginSurplus(account, at("1250"), aave, "initial", 0n) >= 0n).toBe(true);
    expect(marginSurplus(account, at("1249.99"), aave, "initial", 0n) >= 0n).toBe(false);
  });
});

describe("cross margin", () => {
  // dYdX v4 (docs, "Margining"): liquidatable when total account value < total maintenance margin requirement,
  // TAV = Q + sum S P, MMR = sum |S| P MMF. 1,000 USDC, long 0.1 BTC entered at 50,000, MMF 3%: liquidation at
  // 1,000 + 0.1 (P - 50,000) = 0.003 P, i.e. P = 4,000 / 0.097 = 41,237.11...
  const dydx = parseMarkets({ markets: [{ id: "BTC-USD", maintenanceMargin: "0.03", initialMargin: "0.05" }] });
  const account = parseAccount({ owner: "1", salt: "1", collateral: "1000", positions: [{ market: "BTC-USD", size: "0.1", entryPrice: "50000" }] }, dydx);
  it("Should put dYdX's liquidation price where TAV meets MMR", () => {
    const round = parseRound({ round: 1, timestamp: 1, prices: { "BTC-USD": "50000" } }, dydx);
    expect(marginReport(account, round, dydx).positions[0]!.liquidationPrice).toBe("41237.11340206");
    expect(isLiquidatable(account, parseRound({ round: 1, timestamp: 1, prices: { "BTC-USD": "41237.11" } }, dydx), dydx)).toBe(true);
    expect(isLiquidatable(account, parseRound({ round: 1, timestamp: 1, prices: { "BTC-USD": "41237.12" } }, dydx), dydx)).toBe(false);
  });

  // Pyth (docs, "Confidence intervals"): value assets at price - k conf and liabilities at price + k conf. A margin
  // proof of 1 ETH long at 3,000 +- 10 with k = 2 values it at 2,980; a liquidation proof at 3,020.
  it("Should value positions across the confidence interval against the prover", () => {
    const pyth = parseMarkets({ confidenceMultiplier: "2", markets: [{ id: "ETH", maintenanceMargin: "0.05", initialMargin: "0.1" }] });
    const eth = parseAccount({ owner: "1", salt: "1", collateral: "0", positions: [{ market: "ETH", size: "1" }] }, pyth);
    const round = parseRound({ round: 1, timestamp: 1, prices: { ETH: "3000" }, confidence: { ETH: "10" } }, pyth);
    expect(marginReport(eth, round, pyth).confidencePenalty).toBe("20");
    // Equity with the ETH financed by 2,830.01 of debt: 169.99 - 20 < 150 = requirement: no margin proof,
    // yet 169.99 + 20 >= 150: no liquidation proof either (the band protects both sides).
    const financed = { ...eth, adjustment: -283_001n * 10n ** 14n };
    expect(marginSurplus(financed, round, pyth, "maintenance", 0n) < 0n).toBe(true);
    expect(isLiquidatable(financed, round, pyth)).toBe(false);
  });
});

describe("distance to liquidation", () => {
  it("Should report the largest buffer a maintenance proof can certify, exactly", () => {
    fc.assert(fc.property(fc.constantFrom("cross" as const, "lending" as const, "tiered" as const).chain((profile) => scenarioArbitrary(4, 3, profile)), (scenario) => {
      const { account, round, markets } = scenario;
      const buffer = marginReport(account, round, markets).maxBufferBps;
      if (buffer === null) {
        expect(marginSurplus(account, round, markets, "maintenance", 0n) < 0n).toBe(true);
        return;
      }
      expect(marginSurplus(account, round, markets, "maintenance", BigInt(buffer)) >= 0n).toBe(true);
      if (buffer < 65_535) expect(marginSurplus(account, round, markets, "maintenance", BigInt(buffer) + 1n) < 0n).toBe(true);
    }), { numRuns: 60 });
  });
});

describe("monotonicity (every profile)", () => {
  const withCollateral = (account: Account, extra: bigint): Account => ({ ...account, collateral: account.collateral + extra });
  for (const profile of ["cross", "lending", "tiered"] as const) {
    it(`Should never make a ${profile} account liquidatable by adding collateral, nor lower a requirement by growing a position`, () => {
      fc.assert(fc.property(scenarioArbitrary(4, 3, profile), fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.bigInt({ min: 1n, max: 10n ** 10n }), (scenario, extra, growth) => {
        const { account, round, markets } = scenario;
        if (account.collateral + extra >= 2n ** 64n) return;
        if (!isLiquidatable(account, round, markets)) expect(isLiquidatable(withCollateral(account, extra), round, markets)).toBe(false);
        for (const position of account.positions) {
          const grown = { ...position, size: position.size + (position.size > 0n ? growth : -growth) };
          if (grown.size >= 2n ** 64n || grown.size <= -(2n ** 64n)) continue;
          for (const kind of ["maintenance", "initial"] as const) {
            expect(positionRequirement(grown, round, markets.profile, kind) >= positionRequirement(position, round, markets.profile, kind)).toBe(true);
          }
        }
      }));
    });
  }

  it("Should report maintenance <= initial in every profile", () => {
    fc.assert(fc.property(fc.constantFrom("cross" as const, "lending" as const, "tiered" as const).chain((profile) => scenarioArbitrary(4, 3, profile)), (scenario) => {
      const numbers = marginNumbers(scenario.account, scenario.round, scenario.markets);
      expect(numbers.maintenance <= numbers.initial).toBe(true);
    }));
  });
  void makeAccount;
});
