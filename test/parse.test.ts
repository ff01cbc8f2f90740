import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatScaled, parseScaled } from "../prover/src/core/decimal.ts";
import { ZkMarginError } from "../prover/src/core/errors.ts";
import { parseAccount, parseMarkets, parseRound } from "../prover/src/model/parse.ts";

const markets = parseMarkets({ markets: [{ id: "ETH-USD", maintenanceMargin: "0.03", initialMargin: "0.05" }, { id: "BTC-USD", maintenanceMargin: "0.025", initialMargin: "0.04" }] });
const account = { owner: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", salt: "42", nonce: 0, collateral: "10000", positions: [{ market: "ETH-USD", size: "-1.5", entryPrice: "3000" }] };
const round = { round: 7, timestamp: 1763700000, prices: { "ETH-USD": "3150.25", "BTC-USD": "97000" } };

/** Expects a ZkMarginError whose message names `field` and matches `problem`. */
function expectError(run: () => unknown, field: string, problem: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ZkMarginError);
    expect((error as ZkMarginError).field).toBe(field);
    expect((error as Error).message).toMatch(problem);
    return;
  }
  throw new Error(`expected an error naming ${field}`);
}

describe("parseScaled / formatScaled", () => {
  it("Should round-trip every scaled integer exactly", () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.integer({ min: 0, max: 22 }), (value, decimals) => {
      expect(parseScaled(formatScaled(value, decimals), "x", decimals, { signed: true })).toBe(value);
    }));
  });

  it("Should refuse values that would lose precision, and accept trailing zeros", () => {
    expect(parseScaled("1.50000000000", "x", 8)).toBe(150_000_000n);
    expectError(() => parseScaled("0.123456789", "x", 8), "x", /more than 8 decimals/);
  });

  it("Should refuse malformed numbers, exponents and wrong types with the field named", () => {
    expectError(() => parseScaled("1e5", "a.b", 8), "a.b", /not a decimal number/);
    expectError(() => parseScaled("12abc", "a.b", 8), "a.b", /not a decimal number/);
    expectError(() => parseScaled(1e21, "a.b", 8), "a.b", /expected a decimal number/);
    expectError(() => parseScaled(null, "a.b", 8), "a.b", /got null/);
    expectError(() => parseScaled(undefined, "a.b", 8), "a.b", /missing/);
    expectError(() => parseScaled("-1", "a.b", 8), "a.b", /must not be negative/);
  });
});

describe("parseMarkets", () => {
  it("Should refuse duplicate markets, rates above 100% and initial below maintenance", () => {
    expectError(() => parseMarkets({ markets: [{ id: "A", maintenanceMargin: "0.1", initialMargin: "0.2" }, { id: "A", maintenanceMargin: "0.1", initialMargin: "0.2" }] }), "markets.markets[1].id", /listed twice/);
    expectError(() => parseMarkets({ markets: [{ id: "A", maintenanceMargin: "1.5", initialMargin: "2" }] }), "markets.markets[0].maintenanceMargin", /too large/);
    expectError(() => parseMarkets({ markets: [{ id: "A", maintenanceMargin: "0.1", initialMargin: "0.05" }] }), "markets.markets[0].initialMargin", /at least the maintenance/);
    expectError(() => parseMarkets({ markets: [] }), "markets.markets", /no market/);
    expectError(() => parseMarkets({ markets: [{ id: "A", maintenanceMargin: "0.1", initialMargin: "0.2", lt: "1" }] }), "markets.markets[0].lt", /unknown field/);
  });
});

describe("parseRound", () => {
  it("Should refuse unknown markets, missing prices, zero and oversized prices", () => {
    expectError(() => parseRound({ ...round, prices: { ...round.prices, "DOGE-USD": "1" } }, markets), "round.prices.DOGE-USD", /unknown market/);
    expectError(() => parseRound({ ...round, prices: { "ETH-USD": "1" } }, markets), "round.prices.BTC-USD", /missing/);
    expectError(() => parseRound({ ...round, prices: { ...round.prices, "ETH-USD": "0" } }, markets), "round.prices.ETH-USD", /below the minimum/);
    expectError(() => parseRound({ ...round, prices: { ...round.prices, "ETH-USD": "800000000" } }, markets), "round.prices.ETH-USD", /too large/);
    expectError(() => parseRound({ ...round, round: -1 }, markets), "round.round", /must not be negative|whole number/);
  });
});

describe("parseAccount", () => {
  it("Should fold entry prices into the quote adjustment and drop empty positions", () => {
    const parsed = parseAccount({ ...account, positions: [...account.positions, { market: "BTC-USD", size: "0" }] }, markets);
    expect(parsed.positions).toHaveLength(1);
    expect(parsed.adjustment).toBe(15n * 10n ** 7n * 3000n * 10n ** 8n); // -(-1.5 * 3000) at 16 decimals
    expect(parsed.collateral).toBe(10_000n * 10n ** 6n);
  });

  it("Should refuse unknown markets, a market twice, oversized sizes and bad owners with the field named", () => {
    expectError(() => parseAccount({ ...account, positions: [{ market: "DOGE-USD", size: "1" }] }, markets), "account.positions[0].market", /unknown market DOGE-USD/);
    expectError(() => parseAccount({ ...account, positions: [{ market: "ETH-USD", size: "1" }, { market: "ETH-USD", size: "2" }] }, markets), "account.positions[1].market", /appears twice/);
    expectError(() => parseAccount({ ...account, positions: [{ market: "ETH-USD", size: "200000000000" }] }, markets), "account.positions[0].size", /too large/);
    expectError(() => parseAccount({ ...account, positions: [{ market: "ETH-USD", size: "1.000000001" }] }, markets), "account.positions[0].size", /more than 8 decimals/);
    expectError(() => parseAccount({ ...account, collateral: "-5" }, markets), "account.collateral", /must not be negative/);
    expectError(() => parseAccount({ ...account, salt: "0x" + "f".repeat(64) }, markets), "account.salt", /field modulus/);
    expectError(() => parseAccount({ ...account, owner: true }, markets), "account.owner", /expected a non-negative integer/);
  });
});
