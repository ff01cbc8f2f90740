import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatScaled, parseScaled } from "../prover/src/core/decimal.ts";
import { ZkMarginError } from "../prover/src/core/errors.ts";
import { accountToJson, fillsToJson, parseAccount, parseFills, parseMarkets, parseRound } from "../prover/src/model/parse.ts";
import { randomSalt } from "../prover/src/engine/transitions.ts";

const markets = parseMarkets({ markets: [{ id: "ETH-USD", maintenanceMargin: "0.03", initialMargin: "0.05" }, { id: "BTC-USD", maintenanceMargin: "0.025", initialMargin: "0.04" }] });
const salt = `0x${"5a".repeat(31)}`;
const account = {
  zkmargin: "zkmargin account v2", vault: { chainId: "31337", address: "0x5FbDB2315678afecb367f032d93F642f64180aa3" }, accountId: "2",
  owner: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", salt, nonce: "4", cash: "-1234.5",
  fills: { applied: "3", head: "0x1234" }, positions: [{ market: "ETH-USD", size: "-1.5", fundingIndex: "12.25" }],
};
const round = { round: 7, timestamp: 1763700000, prices: { "ETH-USD": "3150.25", "BTC-USD": "97000" }, funding: { "ETH-USD": "-3.5" } };
const fill = { fillId: "17", market: "ETH-USD", size: "1.5", price: "3150.25", fundingIndex: "12.5", buyer: "2", seller: "3", buyerFee: "2.36", sellerFee: "-0.47", blinding: salt };

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

  it("Should refuse values that would lose precision, exponents, JSON numbers and wrong types with the field named", () => {
    expect(parseScaled("1.50000000000", "x", 8)).toBe(150_000_000n);
    expectError(() => parseScaled("0.123456789", "x", 8), "x", /more than 8 decimals/);
    expectError(() => parseScaled("1e5", "a.b", 8), "a.b", /not a decimal number/);
    expectError(() => parseScaled(1.5, "a.b", 8), "a.b", /JSON number 1.5/);
    expectError(() => parseScaled(null, "a.b", 8), "a.b", /got null/);
    expectError(() => parseScaled(undefined, "a.b", 8), "a.b", /missing/);
    expectError(() => parseScaled("-1", "a.b", 8), "a.b", /must not be negative/);
  });

  it("Should hold a signed range exactly: [min, maxExclusive), both ends", () => {
    const range = { signed: true, min: -(2n ** 63n), maxExclusive: 2n ** 63n };
    expect(parseScaled((-(2n ** 63n)).toString(), "s", 0, range)).toBe(-(2n ** 63n));
    expectError(() => parseScaled((-(2n ** 63n) - 1n).toString(), "s", 0, range), "s", /below the minimum/);
    expectError(() => parseScaled((2n ** 63n).toString(), "s", 0, range), "s", /too large/);
  });
});

describe("parseMarkets", () => {
  it("Should refuse duplicate markets, rates above 100%, initial below maintenance and more than 16 markets", () => {
    expectError(() => parseMarkets({ markets: [{ id: "A", maintenanceMargin: "0.1", initialMargin: "0.2" }, { id: "A", maintenanceMargin: "0.1", initialMargin: "0.2" }] }), "markets.markets[1].id", /listed twice/);
    expectError(() => parseMarkets({ markets: [{ id: "A", maintenanceMargin: "1.5", initialMargin: "2" }] }), "markets.markets[0].maintenanceMargin", /too large/);
    expectError(() => parseMarkets({ markets: [{ id: "A", maintenanceMargin: "0.1", initialMargin: "0.01" }] }), "markets.markets[0].initialMargin", /at least the maintenance/);
    expectError(() => parseMarkets({ markets: [] }), "markets.markets", /no market/);
    expectError(() => parseMarkets({ markets: Array.from({ length: 17 }, (_, i) => ({ id: `M${i}`, maintenanceMargin: "0.1", initialMargin: "0.2" })) }), "markets.markets", /hold 16/);
    expectError(() => parseMarkets({ profile: "tiered", markets: [{ id: "A", tiers: [{ notionalFloor: "0", maintenanceMargin: "0.01", initialMargin: "0.02" }, { notionalFloor: "1000000", maintenanceMargin: "0.02", initialMargin: "0.04" }, { notionalFloor: "100000", maintenanceMargin: "0.03", initialMargin: "0.06" }] }] }), "markets.markets[0].tiers[2].notionalFloor", /must increase/);
  });
});

describe("parseRound", () => {
  it("Should read prices, confidences and signed funding indexes, and refuse what the circuits would", () => {
    const parsed = parseRound(round, markets);
    expect(parsed.fundingIndexes).toEqual([-350_000_000n, 0n]);
    expectError(() => parseRound({ ...round, prices: { ...round.prices, "DOGE-USD": "1" } }, markets), "round.prices.DOGE-USD", /unknown market/);
    expectError(() => parseRound({ ...round, prices: { "ETH-USD": "1" } }, markets), "round.prices.BTC-USD", /missing/);
    expectError(() => parseRound({ ...round, prices: { ...round.prices, "ETH-USD": "0" } }, markets), "round.prices.ETH-USD", /below the minimum/);
    expectError(() => parseRound({ ...round, funding: { "ETH-USD": "92233720368.54775808" } }, markets), "round.funding.ETH-USD", /too large/);
    expectError(() => parseRound({ ...round, round: -1 }, markets), "round.round", /whole number|must not be negative/);
  });
});

describe("parseAccount", () => {
  it("Should read an account state and write it back unchanged", () => {
    const parsed = parseAccount(account, markets);
    expect(parsed.cash).toBe(-12_345n * 10n ** 15n);
    expect(parsed.slots[0]).toEqual({ size: -150_000_000n, fundingIndex: 1_225_000_000n });
    expect(parsed.slots).toHaveLength(16);
    expect(parseAccount(accountToJson(parsed, markets), markets)).toEqual(parsed);
  });

  it("Should refuse a market twice, sizes outside [-2^63, 2^63), short salts and bad owners with the field named", () => {
    const at = (positions: unknown[]) => ({ ...account, positions });
    expectError(() => parseAccount(at([{ market: "DOGE-USD", size: "1" }]), markets), "account.positions[0].market", /unknown market DOGE-USD/);
    expectError(() => parseAccount(at([{ market: "ETH-USD", size: "1" }, { market: "ETH-USD", size: "2" }]), markets), "account.positions[1].market", /appears twice/);
    // v1 let exactly -2^64 base units through; v2's bound is the circuits': [-2^63, 2^63).
    expectError(() => parseAccount(at([{ market: "ETH-USD", size: "-184467440737.09551616" }]), markets), "account.positions[0].size", /below the minimum/);
    expect(parseAccount(at([{ market: "ETH-USD", size: "-92233720368.54775808" }]), markets).slots[0]!.size).toBe(-(2n ** 63n));
    expectError(() => parseAccount(at([{ market: "ETH-USD", size: "92233720368.54775808" }]), markets), "account.positions[0].size", /too large/);
    expectError(() => parseAccount({ ...account, salt: "7" }, markets), "account.salt", /too short/);
    expectError(() => parseAccount({ ...account, nonce: "0" }, markets), "account.salt", /genesis state/);
    expectError(() => parseAccount({ ...account, owner: "0x1234" }, markets), "account.owner", /40 hex digits/);
    expectError(() => parseAccount({ ...account, owner: "0x70997970c51812dc3A010C7d01b50e0d17dc79C8" }, markets), "account.owner", /EIP-55/);
    expectError(() => parseAccount({ ...account, zkmargin: undefined }, markets), "account.zkmargin", /account state file/);
    expectError(() => parseAccount({ ...account, fills: { applied: "0", head: "0x12" } }, markets), "account.fills.head", /before any fill/);
  });
});

describe("parseFills", () => {
  it("Should read a fills file, check its commitments and write it back unchanged", () => {
    const fills = parseFills({ zkmargin: "zkmargin fills v2", fills: [fill] }, markets);
    expect(fills[0]).toMatchObject({ market: 0, size: 150_000_000n, buyerFee: 236n * 10n ** 14n, sellerFee: -47n * 10n ** 14n });
    const written = fillsToJson(fills, markets);
    expect(parseFills(written, markets)).toEqual(fills);
    const tampered = { ...(written.fills as Record<string, unknown>[])[0], price: "3150.26" };
    expectError(() => parseFills({ zkmargin: "zkmargin fills v2", fills: [tampered] }, markets), "fills.fills[0].commitment", /does not match/);
  });

  it("Should refuse self-trades, fees summing below zero, a zero size and short blindings", () => {
    const file = (override: Record<string, unknown>) => ({ zkmargin: "zkmargin fills v2", fills: [{ ...fill, ...override }] });
    expectError(() => parseFills(file({ seller: "2" }), markets), "fills.fills[0].sellerId", /trade with itself/);
    expectError(() => parseFills(file({ buyerFee: "0.1", sellerFee: "-0.2" }), markets), "fills.fills[0].sellerFee", /sum below 0/);
    expectError(() => parseFills(file({ size: "0" }), markets), "fills.fills[0].size", /below the minimum/);
    expectError(() => parseFills(file({ blinding: "12345" }), markets), "fills.fills[0].blinding", /too short/);
    expect(randomSalt()).toBeGreaterThanOrEqual(2n ** 128n);
  });
});
