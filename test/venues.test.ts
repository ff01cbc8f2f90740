import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { riskTable } from "../prover/src/commitment/round.ts";
import { MARKETS } from "../prover/src/core/constants.ts";
import { marginReport } from "../prover/src/engine/report.ts";
import { INITIAL_QUESTION, LIQUIDATION_QUESTION, isLiquidatable, slotRequirement, surplus, tierRequirement } from "../prover/src/engine/valuation.ts";
import { parseAccount, parseMarkets, parseRound } from "../prover/src/model/parse.ts";
import type { AccountState, MarketSet } from "../prover/src/model/types.ts";
import { E16, E8, makeRound, makeState, scenarioArbitrary } from "./helpers/fixtures.ts";

// Worked examples from each venue's public documentation, through the TS engine (which the circuits match
// exactly: test/circuits/*.test.ts), and the monotonicity properties a margin system must have.
const usd = (value: bigint, decimals: number) => Number(value) / 10 ** decimals;
const ATTEST = { requirement: "maintenance", side: "conservative", bufferBps: 0n } as const;

/** An account state file holding one position; cash in quote units (the v1 "collateral - entry cost"). */
function account(markets: MarketSet, positions: readonly { market: string; size: string; fundingIndex?: string }[], cash: string): AccountState {
  return parseAccount({
    zkmargin: "zkmargin account v2", vault: { chainId: "1", address: "0x0000000000000000000000000000000000000001" }, accountId: "2",
    owner: "0x0000000000000000000000000000000000000002", salt: `0x${"ab".repeat(31)}`, nonce: "1", cash, positions,
  }, markets);
}
const round = (markets: MarketSet, prices: Record<string, string>, extra: Record<string, unknown> = {}) =>
  parseRound({ round: 1, timestamp: 1, prices: Object.fromEntries(markets.markets.map((m) => [m.id, prices[m.id] ?? "1"])), ...extra }, markets);

describe("tiered margin", () => {
  // Binance USDⓈ-M BTCUSDT leverage brackets (first four): maintenance rate 0.4% / 0.5% / 1% / 2.5% from a
  // notional of 0 / 50,000 / 250,000 / 1,000,000, maintenance amount 0 / 50 / 1,300 / 16,300.
  const binance = parseMarkets({ profile: "tiered", markets: [{ id: "BTCUSDT", tiers: [
    { notionalFloor: "0", maintenanceMargin: "0.004", initialMargin: "0.008" },
    { notionalFloor: "50000", maintenanceMargin: "0.005", initialMargin: "0.01" },
    { notionalFloor: "250000", maintenanceMargin: "0.01", initialMargin: "0.02" },
    { notionalFloor: "1000000", maintenanceMargin: "0.025", initialMargin: "0.05" },
  ] }] });
  const tiers = riskTable(binance, MARKETS)[0]!;
  it("Should reproduce Binance's maintenance amounts (deductions 50, 1,300, 16,300)", () => {
    for (const [notional, tier, maintenance] of [[40_000n, 0, 160], [300_000n, 2, 1_700], [2_000_000n, 3, 33_700], [1_000_000n, 3, 8_700]] as const) {
      const result = tierRequirement(tiers, notional * E16, "maintenance");
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
  const btc = riskTable(hyperliquid, MARKETS)[0]!;
  it("Should reproduce Hyperliquid's BTC tiers and stay continuous at the 150M bound", () => {
    expect(usd(tierRequirement(btc, 200_000_000n * E16, "maintenance").requirement, 22)).toBe(3_125_000);
    const below = tierRequirement(btc, 150_000_000n * E16 - 1n, "maintenance");
    const at = tierRequirement(btc, 150_000_000n * E16, "maintenance");
    expect([below.tier, at.tier]).toEqual([0, 1]);
    expect(usd(at.requirement, 22)).toBe(1_875_000);
    // One unit of notional (10^-16) below the bound costs exactly the lower rate less: no jump at the bound.
    expect(at.requirement - below.requirement).toBe(12_500n);
  });

  it("Should keep the requirement continuous and non-decreasing in the notional for any valid tiers", () => {
    fc.assert(fc.property(scenarioArbitrary("tiered", 4, 1), fc.bigInt({ min: 1n, max: 10n ** 30n }), (scenario, notional) => {
      const table = riskTable(scenario.markets, 4)[0]!;
      for (const tier of table.slice(1)) {
        const floor = tier.floor * E16;
        const jump = tierRequirement(table, floor, "maintenance").requirement - tierRequirement(table, floor - 1n, "maintenance").requirement;
        expect(jump >= 0n && jump <= tier.first).toBe(true);
      }
      expect(tierRequirement(table, notional + 1n, "maintenance").requirement >= tierRequirement(table, notional, "maintenance").requirement).toBe(true);
    }));
  });
});

describe("lending health factor", () => {
  // Aave v3 (docs, "Health Factor"): HF = sum collateral x price x liquidation threshold / total debt, liquidatable
  // below 1. 10 WETH at 2,000 with LT 82.5% against 10,000 USDC of debt: HF = 20,000 x 0.825 / 10,000 = 1.65.
  const aave = parseMarkets({ profile: "lending", markets: [{ id: "WETH", liquidationThreshold: "0.825", loanToValue: "0.8" }, { id: "USDC", liquidationThreshold: "0.78", loanToValue: "0.75" }] });
  const book = account(aave, [{ market: "WETH", size: "10" }, { market: "USDC", size: "-10000" }], "0");
  const at = (weth: string) => round(aave, { WETH: weth, USDC: "1" });

  it("Should compute Aave's health factor and liquidate exactly below 1", () => {
    expect(marginReport(book, at("2000"), aave).healthFactor).toBe("1.65");
    // HF = 1 at WETH = 10,000 / (10 x 0.825) = 1,212.12121212...: liquidatable just below, not at 1,212.13.
    expect(isLiquidatable(book, at("1212.12"), aave)).toBe(true);
    expect(isLiquidatable(book, at("1212.13"), aave)).toBe(false);
    expect(marginReport(book, at("2000"), aave).positions[0]!.liquidationPrice).toBe("1212.12121212");
  });

  it("Should cap borrowing at the loan-to-value ratio (withdrawals and liquidators' books)", () => {
    // Borrowing power at 2,000: 20,000 x 0.8 = 16,000 >= 10,000; at 1,250: 10,000 exactly.
    expect(surplus(book, at("1250"), aave, INITIAL_QUESTION) >= 0n).toBe(true);
    expect(surplus(book, at("1249.99"), aave, INITIAL_QUESTION) >= 0n).toBe(false);
  });

  it("Should accrue interest on a debt through its funding index", () => {
    // The USDC debt's index rose by 0.02 per unit since it was last settled: 10,000 x 0.02 = 200 of interest owed.
    const accrued = round(aave, { WETH: "2000", USDC: "1" }, { funding: { USDC: "-0.02" } });
    expect(marginReport(book, accrued, aave).unsettledFunding).toBe("200");
  });
});

describe("cross margin", () => {
  // dYdX v4 (docs, "Margining"): liquidatable when total account value < total maintenance margin requirement,
  // TAV = Q + sum S P, MMR = sum |S| P MMF. 1,000 USDC, long 0.1 BTC bought at 50,000 (Q = -4,000), MMF 3%:
  // liquidation at -4,000 + 0.1 P = 0.003 P, i.e. P = 4,000 / 0.097 = 41,237.11...
  const dydx = parseMarkets({ markets: [{ id: "BTC-USD", maintenanceMargin: "0.03", initialMargin: "0.05" }] });
  const book = account(dydx, [{ market: "BTC-USD", size: "0.1" }], "-4000");
  it("Should put dYdX's liquidation price where TAV meets MMR", () => {
    expect(marginReport(book, round(dydx, { "BTC-USD": "50000" }), dydx).positions[0]!.liquidationPrice).toBe("41237.11340206");
    expect(isLiquidatable(book, round(dydx, { "BTC-USD": "41237.11" }), dydx)).toBe(true);
    expect(isLiquidatable(book, round(dydx, { "BTC-USD": "41237.12" }), dydx)).toBe(false);
    // Already liquidatable: the same line is reported (not the current mark), 3.09% above it.
    const under = marginReport(book, round(dydx, { "BTC-USD": "40000" }), dydx);
    expect(under.liquidatable).toBe(true);
    expect(under.positions[0]!.liquidationPrice).toBe("41237.11340206");
    expect(under.positions[0]!.priceMovePercent).toBe("3.09");
  });

  // Pyth (docs, "Confidence intervals"): value assets at price - k conf and liabilities at price + k conf. A margin
  // certificate of 1 ETH long at 3,000 +- 10 with k = 2 values it at 2,980; the liquidation condition at 3,020.
  it("Should value positions across the confidence interval, and answer exactly where liquidation fails", () => {
    const pyth = parseMarkets({ confidenceMultiplier: "2", markets: [{ id: "ETH", maintenanceMargin: "0.05", initialMargin: "0.1" }] });
    const at = round(pyth, { ETH: "3000" }, { confidence: { ETH: "10" } });
    // Equity 169.99 with the ETH financed by 2,830.01: 169.99 - 20 < 150 (no attest), 169.99 + 20 >= 150 (not
    // liquidatable): the owner can answer a challenge.
    const financed = account(pyth, [{ market: "ETH", size: "1" }], "-2830.01");
    expect(marginReport(financed, at, pyth).confidencePenalty).toBe("20");
    expect(surplus(financed, at, pyth, ATTEST) < 0n).toBe(true);
    expect(isLiquidatable(financed, at, pyth)).toBe(false);
    expect(marginReport(financed, at, pyth).canAnswer).toBe(true);
  });

  it("Should charge funding to longs when the index rises (Hyperliquid, dYdX: payment = size x index change)", () => {
    const perp = parseMarkets({ markets: [{ id: "BTC", maintenanceMargin: "0.03", initialMargin: "0.05" }] });
    const long = account(perp, [{ market: "BTC", size: "2", fundingIndex: "100" }], "-190000");
    const report = marginReport(long, round(perp, { BTC: "100000" }, { funding: { BTC: "112.5" } }), perp);
    expect([report.unsettledFunding, report.equity]).toEqual(["25", "9975"]);
  });
});

describe("distance to liquidation", () => {
  it("Should report the largest buffer an attest proof can certify, exactly", () => {
    fc.assert(fc.property(fc.constantFrom("cross" as const, "lending" as const, "tiered" as const).chain((profile) => scenarioArbitrary(profile, 4, 3)), (scenario) => {
      const { state, round: at, markets } = scenario;
      const buffer = marginReport(state, at, markets).maxBufferBps;
      if (buffer === null) {
        expect(surplus(state, at, markets, ATTEST) < 0n).toBe(true);
        return;
      }
      expect(surplus(state, at, markets, { ...ATTEST, bufferBps: BigInt(buffer) }) >= 0n).toBe(true);
      if (buffer < 65_535) expect(surplus(state, at, markets, { ...ATTEST, bufferBps: BigInt(buffer) + 1n }) < 0n).toBe(true);
    }), { numRuns: 60 });
  });

  it("Should report a withdrawable amount that the withdrawal rule accepts and one token unit more that it refuses", () => {
    fc.assert(fc.property(fc.constantFrom("cross" as const, "lending" as const, "tiered" as const).chain((profile) => scenarioArbitrary(profile, 4, 3)), (scenario) => {
      const { state, round: at, markets } = scenario;
      const scaled = (() => {
        const [whole, fraction = ""] = marginReport(state, at, markets).withdrawable.split(".");
        return BigInt(whole!) * 10n ** 6n + BigInt(fraction.padEnd(6, "0"));
      })();
      const after = (amount: bigint) => surplus({ ...state, cash: state.cash - amount * 10n ** 10n }, at, markets, INITIAL_QUESTION);
      if (surplus(state, at, markets, INITIAL_QUESTION) < 0n) expect(scaled).toBe(0n);
      else {
        expect(after(scaled) >= 0n).toBe(true);
        expect(after(scaled + 1n) < 0n).toBe(true);
      }
    }), { numRuns: 60 });
  });
});

describe("monotonicity (every profile)", () => {
  for (const profile of ["cross", "lending", "tiered"] as const) {
    it(`Should never make a ${profile} account liquidatable by adding cash, nor lower a requirement by growing a position`, () => {
      fc.assert(fc.property(scenarioArbitrary(profile, 4, 3), fc.bigInt({ min: 1n, max: 10n ** 28n }), fc.bigInt({ min: 1n, max: 10n ** 10n }), (scenario, extra, growth) => {
        const { state, round: at, markets } = scenario;
        if (!isLiquidatable(state, at, markets)) expect(isLiquidatable({ ...state, cash: state.cash + extra }, at, markets)).toBe(false);
        const table = riskTable(markets, 4);
        state.slots.forEach((slot, j) => {
          if (slot.size === 0n || j >= 3) return;
          const grown = slot.size + (slot.size > 0n ? growth : -growth);
          for (const kind of ["maintenance", "initial"] as const) {
            expect(slotRequirement(markets, table[j]!, grown, at.prices[j]!, kind) >= slotRequirement(markets, table[j]!, slot.size, at.prices[j]!, kind)).toBe(true);
          }
        });
      }));
    });
  }

  it("Should make the challenge answer the exact negation of the liquidation condition, and initial imply it", () => {
    fc.assert(fc.property(fc.constantFrom("cross" as const, "lending" as const, "tiered" as const).chain((profile) => scenarioArbitrary(profile, 4, 3)), (scenario) => {
      const { state, round: at, markets } = scenario;
      const liquidatable = surplus(state, at, markets, LIQUIDATION_QUESTION) < 0n;
      expect(marginReport(state, at, markets).canAnswer).toBe(!liquidatable);
      if (surplus(state, at, markets, INITIAL_QUESTION) >= 0n) expect(liquidatable).toBe(false);
      if (surplus(state, at, markets, ATTEST) >= 0n) expect(liquidatable).toBe(false);
    }), { numRuns: 200 });
  });

  it("Should not hide a loss in an unlisted market: held markets need a price", () => {
    const markets = parseMarkets({ markets: [{ id: "A", maintenanceMargin: "0.05", initialMargin: "0.1" }] });
    const state = makeState(4, 10n ** 6n * E16, [[2, -E8]]);
    expect(() => surplus(state, makeRound([100n * E8]), markets, ATTEST)).not.toThrow();
    expect(marginReport(state, makeRound([100n * E8]), markets).positions[0]!.markPrice).toBe("0");
  });
});
