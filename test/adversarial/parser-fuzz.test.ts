import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatScaled, parseInteger, parseScaled } from "../../prover/src/core/decimal.ts";
import { ZkMarginError } from "../../prover/src/core/errors.ts";
import { parseAddress, parseFieldElement } from "../../prover/src/core/field.ts";
import { readJsonFile } from "../../prover/src/model/json.ts";
import { parseAccount, parseBufferBps, parseMarkets, parseRound } from "../../prover/src/model/parse.ts";

// Property-based fuzzing of everything that reads user input: whatever JSON (or bytes) comes in, the only
// error a parser may throw is a ZkMarginError naming a field; and every valid decimal survives
// parse -> format -> parse unchanged.

/**
 * Runs `parse`; true when it returned or threw a ZkMarginError naming a field, false for any other failure.
 * (Messages may still quote a value that holds a newline: see the report's known issues.)
 */
function failsCleanly(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch (error) {
    return error instanceof ZkMarginError && typeof error.field === "string" && error.field.length > 0;
  }
}

const markets = parseMarkets({ markets: [{ id: "ETH-USD", maintenanceMargin: "0.03", initialMargin: "0.05" }, { id: "BTC-USD", maintenanceMargin: "0.025", initialMargin: "0.04" }] });
const validMarkets = { markets: [{ id: "ETH-USD", maintenanceMargin: "0.03", initialMargin: "0.05" }, { id: "BTC-USD", maintenanceMargin: "0.025", initialMargin: "0.04" }] };
const validRound = { round: 7, timestamp: 1763700000, prices: { "ETH-USD": "3150.25", "BTC-USD": "97000" } };
const validAccount = { owner: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", salt: "42", nonce: 0, collateral: "10000", positions: [{ market: "ETH-USD", size: "-1.5", entryPrice: "3000" }] };

/** Numbers as they appear in input files: decimal-looking strings, edge numbers, and anything JSON. */
const numberish = fc.oneof(
  fc.jsonValue(),
  fc.stringMatching(/^[+-]?\d{0,30}(\.\d{0,12})?$/),
  fc.constantFrom("", " ", "-", ".", "1.", ".5", "+1", "-0", "0x10", "1e3", "1E-3", "NaN", "Infinity", "１２", "1_000", "0.000000001", "99999999999999999999999999999999"),
  fc.double(),
  fc.integer(),
);

/** A copy of `value` with the value at one random path replaced (or the key removed). */
function mutate(base: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...path, i]));
    else if (value && typeof value === "object") for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
  };
  walk(base, []);
  return fc.tuple(fc.constantFrom(...paths), fc.oneof(numberish, fc.constant(undefined)), fc.option(fc.string(), { nil: undefined })).map(([path, replacement, extraKey]) => {
    const copy = structuredClone(base) as Record<string | number, unknown>;
    if (path.length === 0) return replacement;
    let cursor = copy;
    for (const key of path.slice(0, -1)) cursor = cursor[key] as Record<string | number, unknown>;
    const last = path[path.length - 1]!;
    if (replacement === undefined) delete cursor[last];
    else cursor[last] = replacement;
    if (extraKey !== undefined && typeof cursor === "object" && !Array.isArray(cursor)) cursor[extraKey] = "1";
    return copy;
  });
}

describe("Parser fuzzing", () => {
  it("Should throw nothing but a ZkMarginError on any JSON value given as markets, round or account", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => failsCleanly(() => parseMarkets(value)) && failsCleanly(() => parseRound(value, markets)) && failsCleanly(() => parseAccount(value, markets))),
      { numRuns: 3000 },
    );
  });

  it("Should throw nothing but a ZkMarginError on valid files with one value replaced, removed or a key added", () => {
    fc.assert(fc.property(mutate(validMarkets), (value) => failsCleanly(() => parseMarkets(value))), { numRuns: 1500 });
    fc.assert(fc.property(mutate(validRound), (value) => failsCleanly(() => parseRound(value, markets))), { numRuns: 1500 });
    fc.assert(fc.property(mutate(validAccount), (value) => failsCleanly(() => parseAccount(value, markets))), { numRuns: 1500 });
  });

  it("Should throw nothing but a ZkMarginError from the scalar parsers on anything", () => {
    fc.assert(
      fc.property(numberish, fc.integer({ min: 0, max: 22 }), fc.boolean(), (value, decimals, signed) =>
        failsCleanly(() => parseScaled(value, "x", decimals, { signed, min: signed ? undefined : 0n, maxExclusive: 1n << 64n }))
        && failsCleanly(() => parseInteger(value, "x", 1n << 64n))
        && failsCleanly(() => parseFieldElement(value, "x"))
        && failsCleanly(() => parseAddress(value, "x"))
        && failsCleanly(() => parseBufferBps(value, "x"))),
      { numRuns: 3000 },
    );
  });

  it("Should round-trip every valid decimal string to its canonical form and back", () => {
    const decimal = fc.tuple(fc.constantFrom("", "+", "-"), fc.stringMatching(/^\d{1,25}$/), fc.stringMatching(/^\d{0,8}$/), fc.integer({ min: 8, max: 18 }));
    fc.assert(
      fc.property(decimal, ([sign, whole, fraction, decimals]) => {
        const text = `${sign}${whole}${fraction ? `.${fraction}` : ""}`;
        const value = parseScaled(text, "x", decimals, { signed: true });
        const canonical = formatScaled(value, decimals);
        // Canonical: no leading zeros, no trailing fractional zeros, no "+", no "-0".
        expect(canonical).toMatch(/^-?(0|[1-9]\d*)(\.\d*[1-9])?$/);
        expect(parseScaled(canonical, "x", decimals, { signed: true })).toBe(value);
        expect(Number(canonical)).toBeCloseTo(Number(text), 6);
      }),
      { numRuns: 3000 },
    );
  });

  describe("# files", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "zkmargin-fuzz-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("Should read any bytes as a file with nothing but a ZkMarginError", () => {
      const path = join(dir, "input.json");
      fc.assert(
        fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.string().map((text) => Buffer.from(text)), fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? ""))), (bytes) => {
          writeFileSync(path, bytes);
          try {
            const parsed = readJsonFile(path, "account");
            return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
          } catch (error) {
            return error instanceof ZkMarginError && (error.field === `account file ${path}` || error.field === "account");
          }
        }),
        { numRuns: 1000 },
      );
    });
  });
});
