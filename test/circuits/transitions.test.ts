import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { accountCommitment } from "../../prover/src/commitment/account.ts";
import { packApplyStatement } from "../../prover/src/commitment/statement.ts";
import { FEE_ACCOUNT_ID } from "../../prover/src/core/constants.ts";
import { applyFills, takeover } from "../../prover/src/engine/transitions.ts";
import { INITIAL_QUESTION, equityAtMark, isLiquidatable, surplus } from "../../prover/src/engine/valuation.ts";
import type { AccountState, Fill, Profile } from "../../prover/src/model/types.ts";
import { chainHead, prepareApplyFills, prepareDeposit, prepareTakeover, prepareWithdraw } from "../../prover/src/statements/prepare.ts";
import { CircuitTester } from "../helpers/circuit-tester.ts";
import { E16, E8, feeAccountState, makeFill, makeMarkets, makeRound, makeState, scenarioArbitrary, takeoverInput, testSpecs } from "../helpers/fixtures.ts";

// circuits/README.md DepositProof, ApplyFillsProof, WithdrawProof, TakeoverProof: the circuits accept what the
// engine computes (the new commitment is a public input, so acceptance means both computed the same state)
// and refuse the variations that must fail.

const specs = testSpecs();
const markets = makeMarkets([[30_000n, 50_000n], [50_000n, 100_000n], [20_000n, 40_000n]]);
const round = makeRound([3_000n * E8, 60_000n * E8, 100n * E8, 0n].slice(0, 3), { fundingIndexes: [5n * E8, -30n * E8, 0n] });

describe("DepositProof", () => {
  let tester: CircuitTester;
  beforeAll(async () => {
    tester = await CircuitTester.load("test_deposit_m4");
  });

  it("Should prove a deposit from genesis (salt 0) into a salted state with nonce + 1", async () => {
    const genesis = makeState(4, 0n, [], { salt: 0n, nonce: 0n });
    const prepared = prepareDeposit(genesis, 1_500_000_000n, specs);
    expect(prepared.next!.cash).toBe(1_500n * E16);
    expect(prepared.next!.salt).toBeGreaterThanOrEqual(1n << 128n);
    expect(await tester.accepts(prepared.input)).toBe(true);
  });

  it("Should refuse a new commitment that credits more than the amount, or keeps the nonce", async () => {
    const state = makeState(4, 10n * E16, [[0, E8]]);
    const prepared = prepareDeposit(state, 1_000_000n, specs);
    const more = accountCommitment({ ...prepared.next!, cash: prepared.next!.cash + 1n });
    const sameNonce = accountCommitment({ ...prepared.next!, nonce: state.nonce });
    expect(await tester.accepts({ ...prepared.input, newCommitment: more.toString() })).toBe(false);
    expect(await tester.accepts({ ...prepared.input, newCommitment: sameNonce.toString() })).toBe(false);
    expect(await tester.accepts({ ...prepared.input, amount: (1n << 64n).toString() })).toBe(false);
  });
});

describe("ApplyFillsProof", () => {
  let tester: CircuitTester;
  beforeAll(async () => {
    tester = await CircuitTester.load("test_fills_m4_k2");
  });
  const alice = makeState(4, 10_000n * E16, [[0, 2n * E8, 1n * E8]], { accountId: 2n });
  const bob = makeState(4, 20_000n * E16, [[1, -E8 / 2n, -10n * E8]], { accountId: 3n });
  const fills: Fill[] = [
    makeFill({ fillId: 11n, market: 0, size: 3n * E8, price: 3_010n * E8, buyerId: 2n, sellerId: 3n, fundingIndex: 6n * E8, buyerFee: 45_150n * 10n ** 12n, sellerFee: -9_030n * 10n ** 12n }),
    makeFill({ fillId: 12n, market: 1, size: E8, price: 59_000n * E8, buyerId: 3n, sellerId: 2n, fundingIndex: -31n * E8, buyerFee: 10n ** 16n, sellerFee: 0n }),
  ];

  it("Should apply two fills for the buyer, the seller and the fee account: zero-sum in size and cash", async () => {
    const states = [alice, bob, feeAccountState(4)];
    const nexts: AccountState[] = [];
    for (const state of states) {
      const prepared = prepareApplyFills(state, fills, 3, specs);
      expect(prepared.publicInputs[2]).toBe(chainHead(0n, fills));
      expect(await tester.accepts(prepared.input)).toBe(true);
      nexts.push(prepared.next!);
    }
    // Sizes and cash (fees included) net to zero across the three accounts; funding settles consistently.
    for (let j = 0; j < 4; j++) expect(nexts.reduce((sum, next, i) => sum + next.slots[j]!.size - states[i]!.slots[j]!.size, 0n)).toBe(0n);
    const delta = nexts.reduce((sum, next, i) => sum + next.cash - states[i]!.cash + next.slots.reduce((s, slot) => s + slot.size * slot.fundingIndex, 0n) - states[i]!.slots.reduce((s, slot) => s + slot.size * slot.fundingIndex, 0n), 0n);
    expect(delta).toBe(0n);
  });

  it("Should apply one fill (the second position a dummy) and refuse count 0 or more than K", async () => {
    const prepared = prepareApplyFills(alice, fills.slice(0, 1), 3, specs);
    expect(await tester.accepts(prepared.input)).toBe(true);
    expect(await tester.accepts({ ...prepared.input, statement: packApplyStatement({ count: 0, listedMarkets: 3 }).toString() })).toBe(false);
    expect(await tester.accepts({ ...prepared.input, statement: packApplyStatement({ count: 3, listedMarkets: 3 }).toString() })).toBe(false);
  });

  it("Should refuse fills out of order, a fill for another account, and an unlisted market", async () => {
    const prepared = prepareApplyFills(alice, fills, 3, specs);
    const swapped = prepareApplyFills(alice, [fills[1]!, fills[0]!], 3, specs);
    // The vault's head is that of the chain in order: the swapped fills end elsewhere.
    expect(await tester.accepts({ ...swapped.input, newHead: prepared.publicInputs[2]!.toString() })).toBe(false);
    const carol = makeState(4, 0n, [], { accountId: 4n });
    expect(() => applyFills(carol, fills)).toThrow(/names neither account 4/);
    const forCarol = prepareApplyFills(alice, fills, 3, specs);
    expect(await tester.accepts({ ...forCarol.input, accountId: "4" })).toBe(false);
    const listedTwo = prepareApplyFills(alice, fills.slice(0, 1), 3, specs);
    expect(await tester.accepts({ ...listedTwo.input, statement: packApplyStatement({ count: 1, listedMarkets: 0 }).toString() })).toBe(false);
    expect(() => prepareApplyFills(bob, fills, 1, specs)).toThrow(/not listed/);
  });

  it("Should give every random fill sequence the same new state as the engine", async () => {
    const fill = fc.record({ market: fc.integer({ min: 0, max: 2 }), size: fc.bigInt({ min: 1n, max: 50n * E8 }), price: fc.bigInt({ min: E8, max: 90_000n * E8 }), fundingIndex: fc.bigInt({ min: -500n * E8, max: 500n * E8 }), buyerIsAlice: fc.boolean(), fee: fc.bigInt({ min: 0n, max: 5_000n * E16 }), rebate: fc.bigInt({ min: 0n, max: 1_000n * E16 }) });
    await fc.assert(fc.asyncProperty(fc.array(fill, { minLength: 1, maxLength: 2 }), fc.constantFrom(alice, bob, feeAccountState(4, 7n)), async (raw, state) => {
      const list = raw.map((entry, i) => makeFill({ fillId: BigInt(100 + i), market: entry.market, size: entry.size, price: entry.price, fundingIndex: entry.fundingIndex, buyerId: entry.buyerIsAlice ? 2n : 3n, sellerId: entry.buyerIsAlice ? 3n : 2n, buyerFee: entry.fee, sellerFee: entry.rebate > entry.fee ? -entry.fee : -entry.rebate }));
      const prepared = prepareApplyFills(state, list, 3, specs);
      expect(await tester.accepts(prepared.input)).toBe(true);
    }), { numRuns: 12 });
  });

  it("Should refuse the fee account's input when a fill names it as a trader", async () => {
    const feeFill = makeFill({ fillId: 13n, market: 0, size: E8, price: 3_000n * E8, buyerId: FEE_ACCOUNT_ID, sellerId: 3n });
    expect(() => applyFills(feeAccountState(4), [feeFill])).toThrow(/buyer and fee at once/);
  });
});

describe.each<Profile>(["cross", "lending", "tiered"])("WithdrawProof and TakeoverProof (%s) against the engine", (profile) => {
  let withdrawTester: CircuitTester;
  let takeoverTester: CircuitTester;
  beforeAll(async () => {
    withdrawTester = await CircuitTester.load(`test_${profile}_withdraw_m4`);
    takeoverTester = await CircuitTester.load(`test_${profile}_takeover_m4`);
  });

  it("Should accept a withdrawal exactly when the engine's initial surplus after it is >= 0", async () => {
    await fc.assert(fc.asyncProperty(scenarioArbitrary(profile, 4, 3), fc.bigInt({ min: 1n, max: 2_000_000_000_000n }), async (scenario, amount) => {
      const after = { ...scenario.state, cash: scenario.state.cash - amount * 10n ** 10n, nonce: scenario.state.nonce + 1n };
      const holds = surplus(after, scenario.round, scenario.markets, INITIAL_QUESTION) >= 0n;
      if (holds) {
        const prepared = prepareWithdraw(scenario.state, amount, scenario.round, scenario.markets, specs);
        expect(await withdrawTester.accepts(prepared.input)).toBe(true);
      } else {
        expect(() => prepareWithdraw(scenario.state, amount, scenario.round, scenario.markets, specs)).toThrow(/does not meet the initial requirement/);
        // Forced through: the same withdrawal with the engine's check skipped must fail in the circuit.
        const rich = { ...scenario.state, cash: scenario.state.cash + 10n ** 36n };
        const forced = prepareWithdraw(rich, amount, scenario.round, scenario.markets, specs);
        const input = { ...forced.input, cash: scenario.state.cash.toString(), oldCommitment: accountCommitment(scenario.state).toString(), newCommitment: accountCommitment({ ...after, salt: scenario.state.salt }).toString() };
        expect(await withdrawTester.accepts(input)).toBe(false);
      }
    }), { numRuns: 10 });
  });

  it("Should split a liquidatable victim's equity exactly as the engine does, and refuse other splits", async () => {
    await fc.assert(fc.asyncProperty(scenarioArbitrary(profile, 4, 3), fc.bigInt({ min: 0n, max: 1_500n }), fc.boolean(), async (scenario, penaltyBps, defaulted) => {
      const victim = scenario.state;
      const liquidator = makeState(4, 10n ** 12n * E16, [], { accountId: 9n, owner: 0x3c44cdddb6a900fa2b585dd299e03d12fa4293bcn });
      if (!defaulted && !isLiquidatable(victim, scenario.round, scenario.markets)) {
        expect(() => takeover(victim, liquidator, scenario.round, scenario.markets, { penaltyBps })).toThrow(/is not liquidatable/);
        // A forced takeover of a healthy victim (amounts as if defaulted) fails without the default flag.
        const result = takeover(victim, liquidator, scenario.round, scenario.markets, { penaltyBps, defaulted: true });
        const input = takeoverInput(victim, liquidator, result.liquidator, scenario.round, scenario.markets, { ...result, penaltyBps, defaulted: false });
        expect(await takeoverTester.accepts(input)).toBe(false);
        return;
      }
      const prepared = prepareTakeover(victim, liquidator, scenario.round, scenario.markets, { penaltyBps, defaulted }, specs);
      const result = prepared.takeover!;
      expect(result.victimEquity).toBe(equityAtMark(victim, scenario.round));
      expect(await takeoverTester.accepts(prepared.input)).toBe(true);
      const shifted = result.badDebt > 0n ? { badDebt: result.badDebt - 1n, ownerPayout: result.ownerPayout, penalty: result.penalty } : { ownerPayout: result.ownerPayout + 1n, penalty: result.penalty - (result.penalty > 0n ? 1n : 0n), badDebt: 0n };
      const other = takeoverInput(victim, liquidator, result.liquidator, scenario.round, scenario.markets, { ...shifted, penaltyBps, defaulted });
      expect(await takeoverTester.accepts(other)).toBe(false);
    }), { numRuns: 10 });
  });
});

describe("TakeoverProof (cross): payouts", () => {
  let tester: CircuitTester;
  beforeAll(async () => {
    tester = await CircuitTester.load("test_cross_takeover_m4");
  });
  const liquidator = makeState(4, 1_000_000n * E16, [], { accountId: 9n });

  it("Should pay bad debt from insurance for an underwater victim (equity -400)", async () => {
    // Short 1 at 60,000, funding index unchanged since its settlement: cash 59,600 - 60,000 = -400.
    const victim = makeState(4, 59_600n * E16, [[1, -E8, -30n * E8]]);
    const result = takeover(victim, liquidator, round, markets, { penaltyBps: 100n });
    expect(result.victimEquity).toBe(-400n * E16);
    expect([result.ownerPayout, result.penalty, result.badDebt]).toEqual([0n, 0n, 400_000_000n]);
    expect(await tester.accepts(prepareTakeover(victim, liquidator, round, markets, { penaltyBps: 100n }, specs).input)).toBe(true);
  });

  it("Should cap the penalty at notional x penaltyBps and credit the owner the rest", async () => {
    // Long 10 at 3,000 with 50 of funding owed: equity 800 < 900 maintenance (3%).
    const victim = makeState(4, -29_150n * E16, [[0, 10n * E8, 0n]]);
    expect(equityAtMark(victim, round)).toBe(800n * E16);
    const result = takeover(victim, liquidator, round, markets, { penaltyBps: 150n }); // cap 450 of a 30,000 notional
    expect([result.ownerPayout, result.penalty, result.badDebt]).toEqual([350_000_000n, 450_000_000n, 0n]);
    const prepared = prepareTakeover(victim, liquidator, round, markets, { penaltyBps: 150n }, specs);
    expect(await tester.accepts(prepared.input)).toBe(true);
    expect(prepared.next!.slots[0]!.size).toBe(10n * E8);
    expect(prepared.next!.slots[0]!.fundingIndex).toBe(5n * E8);
  });
});
