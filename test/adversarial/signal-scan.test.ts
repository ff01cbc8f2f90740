import { describe, expect, it } from "vitest";
import { FIELD_MODULUS } from "../../prover/src/core/constants.ts";
import type { CircuitInput } from "../../prover/src/circuit/inputs.ts";
import { loadCircuitSpecs } from "../../prover/src/circuit/load-specs.ts";
import type { CircuitSpec } from "../../prover/src/circuit/registry.ts";
import { prepareApplyFills, prepareDeposit, prepareMargin, prepareTakeover, prepareWithdraw } from "../../prover/src/statements/prepare.ts";
import type { Fill } from "../../prover/src/model/types.ts";
import { feeAccountState, makeFill } from "../helpers/fixtures.ts";
import { ANSWER, COUNTERPARTY, LISTED, MAINTENANCE, MARKETS, POSITIONS, QUOTE, ROUND, TRADER, UNIT, boundaryBook, liquidatorState, specs } from "./helpers/books.ts";
import { loadTarget, type Target } from "./helpers/zkmargin-forgery.ts";

// Every private signal must be pinned: change one witness value alone (nothing recomputed) and some constraint
// must break. A signal that can change freely is under-constrained, unless nothing depends on it. Checked for
// every witness index after the constant and the public inputs, of every test entry circuit in circuits.json
// (a check touches only the constraints of the signal, so the scan is linear in the witness).
//
// The only free signals allowed, and why they are harmless: the inverse `inv` of an IsZero (IsEqual) whose input
// is 0. With in = 0, in * inv = 1 - out holds for out = 1 whatever inv is, and only `out` is used; the honest
// generator sets inv = 0 there. In these witnesses: the role check's equality of the account with the fill's
// buyer (or seller) id, the fee account's equality (account 1), and MarketPosition's unpriced check of a market
// the round does not price (price 0: market 3 is unlisted).
const DELTAS = [1n, 0x1234567890abcdefn, FIELD_MODULUS - 1n];
const HARMLESS = /^main\.(step\[\d+\]\.(buyer|seller)\.isz\.inv|feeAccount\.isz\.inv|(valuation|victimValue|liquidatorValue)\.position\[\d+\]\.unpriced\.inv)$/;

/**
 * The witness signals (by name) that no constraint notices when they change alone. Edits one working copy in
 * place (a copy per signal would make the scan quadratic) and yields to the event loop now and then, so the test
 * worker keeps answering vitest's runner.
 */
async function freeSignals(target: Target, witness: readonly bigint[]): Promise<{ scanned: number; free: string[] }> {
  const { forger, tester } = target;
  const first = 1 + tester.r1cs.nOutputs + tester.r1cs.nPubInputs;
  const free: string[] = [];
  const working = [...witness];
  for (let index = first; index < working.length; index++) {
    if ((index - first) % 1_000 === 0) await new Promise((resolve) => setImmediate(resolve));
    const constraints = forger.constraintsWith(index);
    const original = working[index]!;
    const noticed = DELTAS.some((delta) => {
      working[index] = (original + delta) % FIELD_MODULUS;
      return constraints.some((k) => !forger.holds(k, working));
    });
    working[index] = original;
    if (!noticed) free.push(forger.nameOf(index));
  }
  return { scanned: working.length - first, free };
}

/** An honest input of a test circuit with every slot, tier and fill position in use where the statement allows. */
function honestInput(spec: CircuitSpec): CircuitInput {
  const trader = boundaryBook(MARKETS.cross, MAINTENANCE, POSITIONS, ROUND, { cash: 0n });
  const rich = { ...trader, cash: 1_000_000n * QUOTE };
  if (spec.kind === "deposit") return prepareDeposit(rich, 1_000_000n, specs).input;
  if (spec.kind === "fills") {
    const fills: Fill[] = [
      makeFill({ fillId: 11n, market: 0, size: UNIT, price: 3_000n * UNIT, buyerId: TRADER, sellerId: COUNTERPARTY, fundingIndex: 5n * UNIT, buyerFee: QUOTE, sellerFee: -QUOTE / 2n }),
      makeFill({ fillId: 12n, market: 2, size: UNIT, price: 100n * UNIT, buyerId: COUNTERPARTY, sellerId: TRADER, buyerFee: QUOTE, sellerFee: QUOTE }),
    ];
    return prepareApplyFills(rich, fills, LISTED, specs).input;
  }
  const markets = MARKETS[spec.profile!];
  if (spec.kind === "margin") return prepareMargin({ ...rich, cash: rich.cash * 10n }, ROUND, markets, { binder: 0xabcn, bufferBps: 500n }, specs).input;
  if (spec.kind === "withdraw") return prepareWithdraw({ ...rich, cash: rich.cash * 10n }, 1_000_000n, ROUND, markets, specs).input;
  const healthy = boundaryBook(markets, ANSWER);
  return prepareTakeover({ ...healthy, cash: healthy.cash - 1n }, liquidatorState(), ROUND, markets, { penaltyBps: 150n }, specs).input;
}

const circuits = loadCircuitSpecs().filter((spec) => spec.id.startsWith("test_"));

describe("Signal scan: every private witness signal is pinned by a constraint", () => {
  const figures: string[] = [];
  for (const spec of circuits) {
    it(`Should break a constraint when any single private signal of ${spec.id} changes`, async () => {
      const target = await loadTarget(spec.id);
      const witness = await target.tester.witness(honestInput(spec));
      const { scanned, free } = await freeSignals(target, witness);
      const { r1cs } = target.tester;
      expect(scanned).toBe(r1cs.nVars - 1 - r1cs.nOutputs - r1cs.nPubInputs);
      expect(free.filter((name) => !HARMLESS.test(name)), "free signals").toEqual([]);
      // Each free inverse is that of an IsZero of 0 (the generator's inv = 0).
      expect(free.filter((name) => witness[target.forger.index(name)] !== 0n), "a free inverse of a nonzero input").toEqual([]);
      figures.push(`${spec.id}: ${scanned} private signals, ${free.length} free (${free.join(", ") || "none"})`);
    });
  }
  it("Should pin every private signal of the fee account's apply-fills witness too (its role comes from its id)", async () => {
    const target = await loadTarget("test_fills_m4_k2");
    const fee = feeAccountState(4, 5n * QUOTE);
    const fills = [makeFill({ fillId: 11n, market: 0, size: UNIT, price: 3_000n * UNIT, buyerId: TRADER, sellerId: COUNTERPARTY, buyerFee: QUOTE, sellerFee: -QUOTE / 2n })];
    const witness = await target.tester.witness(prepareApplyFills(fee, fills, LISTED, specs).input);
    const { free } = await freeSignals(target, witness);
    expect(free.filter((name) => !HARMLESS.test(name))).toEqual([]);
    figures.push(`test_fills_m4_k2 (fee account): ${free.length} free (${free.join(", ") || "none"})`);
  });

  it("Should report the figures", () => {
    expect(figures.length).toBe(circuits.length + 1);
    console.log(figures.join("\n"));
  });
});
