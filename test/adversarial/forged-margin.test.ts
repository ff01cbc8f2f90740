import { beforeAll, describe, expect, it } from "vitest";
import { packMarginStatement } from "../../prover/src/commitment/statement.ts";
import { roundInputs } from "../../prover/src/circuit/inputs.ts";
import { CASH_BITS, FIELD_MODULUS } from "../../prover/src/core/constants.ts";
import { surplus } from "../../prover/src/engine/valuation.ts";
import type { AccountState, MarketSet, Profile, Tier } from "../../prover/src/model/types.ts";
import { prepareWithdraw } from "../../prover/src/statements/prepare.ts";
import { makeMarketSet, marginInput } from "../helpers/fixtures.ts";
import {
  ANSWER, CAPACITY, INITIAL, LIMIT_63, MAINTENANCE, MARKETS, POSITIONS, QUOTE, RALLY_ROUND, ROUND, UNIT, boundaryBook, commitmentOf, roundCommitmentOf, specs, v1Alias,
} from "./helpers/books.ts";
import { asSignals, brokenSignals, expectAccepted, expectStoppedBy, forgeAttack, loadTarget, type Attack, type Target } from "./helpers/zkmargin-forgery.ts";

// circuits/README.md MarginProof (1)-(2), WithdrawProof (1)-(2), "Oracle round" (risk-table rules) and
// "Valuation", per profile: a forged witness per check, stopped by exactly the guard named (see
// forged-transitions.test.ts for the method). The books sit exactly at their boundary, so the insolvent
// variant is one unit (10^-16 of cash) short.
const P = FIELD_MODULUS;
const PROFILES: readonly Profile[] = ["cross", "lending", "tiered"];
const ROUND_DERIVED = ["main.roundCommitment"];

/** The round and risk table inputs of another market set (a table the registry would refuse), as signals. */
function tableSignals(markets: MarketSet): Record<string, bigint> {
  const { floor, first, second, multiplier } = roundInputs(ROUND, markets, CAPACITY);
  return asSignals({ floor, first, second, multiplier });
}

/** A copy of a profile's markets with market `j`'s tiers replaced (no SDK check: what a registry could be sent). */
function withTiers(markets: MarketSet, j: number, tiers: readonly Tier[]): MarketSet {
  return makeMarketSet(markets.profile, markets.markets.map((market) => (market.index === j ? tiers : market.tiers)), markets.confidenceMultiplier);
}

describe.each(PROFILES)("Forged margin proofs (test_%s_margin_m4)", (profile) => {
  const markets = MARKETS[profile];
  let target: Target;
  let honest: bigint[];
  const solvent = boundaryBook(markets, MAINTENANCE);
  const insolvent = { ...solvent, cash: solvent.cash - 1n };
  const stopped = (attack: Attack, guard: RegExp, base: readonly bigint[] = honest) => expectStoppedBy(target, base, attack, guard);
  const statementOf = (question: typeof MAINTENANCE, binder = 0xabcn) => packMarginStatement({ binder, ...question });
  const inputOf = (state: AccountState, question = MAINTENANCE, round = ROUND, set = markets) => asSignals(marginInput(state, round, set, question));

  beforeAll(async () => {
    target = await loadTarget(`test_${profile}_margin_m4`);
    honest = await target.tester.witness(marginInput(solvent, ROUND, markets, MAINTENANCE));
    expect(surplus(insolvent, ROUND, markets, MAINTENANCE)).toBeLessThan(0n);
  });

  it("Should rebuild the honest witness exactly, and accept the same proof rebound to another binder (binding is the public input's job)", () => {
    const forged = forgeAttack(target, honest, {});
    expect(forged.broken).toEqual([]);
    expect(forged.witness).toEqual(honest);
    expectAccepted(target, honest, { inputs: { "main.statement": statementOf(MAINTENANCE, 0x1234n) } });
  });

  it("(1) Should stop a statement above 178 bits: the statement decomposition", () => {
    stopped({ inputs: { "main.statement": statementOf(MAINTENANCE) + (1n << 178n) } }, /^main\.decoded(\.bits)?$/);
  });

  it("(1) Should stop the favourable flag flipped (the vault asks the conservative certificate): the statement decomposition", () => {
    // A book between the two sides of the confidence band: the answer holds, the certificate does not.
    const between = boundaryBook(markets, ANSWER);
    expect(surplus(between, ROUND, markets, MAINTENANCE)).toBeLessThan(0n);
    // --O2 keeps the flag only as (statement - binder - 2^160 buffer - 2^176 useInitial) / 2^177: flipping it
    // takes a binder 2^177 lower than its bits.
    const inputs = { ...inputOf(between), "main.statement": statementOf(MAINTENANCE) };
    expect(forgeAttack(target, honest, { inputs }).guards).toEqual(["main.holds.bits"]);
    stopped({ inputs, set: { "main.decoded.binder": 0xabcn - (1n << 177n) } }, /^main\.decoded(\.bits)?$/);
  });

  it("(1) Should stop the initial requirement read as maintenance, and a buffer read as 0: the statement decomposition", () => {
    const maintenanceOnly = inputOf(solvent, INITIAL);
    expect(surplus(solvent, ROUND, markets, INITIAL)).toBeLessThan(0n);
    stopped({ inputs: maintenanceOnly, bits: { "main.decoded.bits.out": statementOf(MAINTENANCE) }, set: { "main.decoded.useInitial": 0n } }, /^main\.decoded(\.bits)?$/);
    const buffered = { ...MAINTENANCE, bufferBps: 750n };
    expect(surplus(solvent, ROUND, markets, buffered)).toBeLessThan(0n);
    stopped({ inputs: inputOf(solvent, buffered), bits: { "main.decoded.bits.out": statementOf(MAINTENANCE) }, set: { "main.decoded.bufferBps": 0n } }, /^main\.decoded(\.bits)?$/);
  });

  it("(2) Should stop the insolvent book (one unit of cash short) and a claim of initial margin by a maintenance-only book: the surplus range check", () => {
    expect(forgeAttack(target, honest, { inputs: inputOf(solvent) }).broken).toEqual([]);
    stopped({ inputs: inputOf(insolvent) }, /^main\.holds\.bits$/);
    stopped({ inputs: inputOf(solvent, INITIAL) }, /^main\.holds\.bits$/);
  });

  it("(2) Should stop the insolvent book's witness at a rally round presented for the current round: the round commitment", async () => {
    const rally = await target.tester.witness(marginInput(insolvent, RALLY_ROUND, markets, MAINTENANCE));
    stopped({ inputs: { "main.roundCommitment": roundCommitmentOf(ROUND, markets) } }, /^main\.round\.combine\./, rally);
  });

  it("(2) Should stop a solvent book opened against the insolvent account's commitment, and a losing position hidden: the account commitment", () => {
    stopped({ inputs: { "main.accountCommitment": commitmentOf(insolvent) } }, /^main\.account\./);
    const hidden = { ...insolvent, slots: insolvent.slots.map((slot, j) => (j === 1 ? { size: 0n, fundingIndex: 0n } : slot)) };
    stopped({ inputs: { ...inputOf(hidden), "main.accountCommitment": commitmentOf(insolvent) } }, /^main\.account\./);
  });

  it("Valuation: Should stop a held market the round does not price (S != 0 => P != 0), a short valued at 0: the unpriced check", () => {
    // Market 3 is unlisted (price 0): a short of 1,000 there would cost nothing.
    const state = { ...solvent, slots: solvent.slots.map((slot, j) => (j === 3 ? { size: -1_000n * UNIT, fundingIndex: 0n } : slot)) };
    expect(surplus(state, ROUND, markets, MAINTENANCE)).toBeGreaterThanOrEqual(0n);
    const forged = stopped({ inputs: inputOf(state) }, /^main\.valuation\.position\[3\](\.unpriced)?$/);
    expect(brokenSignals(target, forged)).toEqual(expect.arrayContaining(["main.size[3]", "main.valuation.position[3].unpriced.out"]));
  });

  it("Valuation: Should stop a size of exactly 2^63 and -2^63 - 1, the v1 alias S + 2^64 + 2^65 m and 2^64 + 2^64 + 2^65 m in a state no writer can produce: the size decomposition", () => {
    for (const size of [LIMIT_63, -LIMIT_63 - 1n, v1Alias(-2n * UNIT, 1), (1n << 64n) + (1n << 64n) + (1n << 65n), P - LIMIT_63 - 1n]) {
      const state = { ...insolvent, slots: insolvent.slots.map((slot, j) => (j === 1 ? { ...slot, size } : slot)) };
      const inputs = { ...asSignals({ size: state.slots.map((slot) => slot.size.toString()) }) };
      const forged = forgeAttack(target, honest, { inputs, derive: ["main.accountCommitment"] });
      expect(forged.guards, `size ${size}`).toContain("main.valuation.position[1].sign.bits");
      // What a wrapped size's magnitude makes of the rest: a surplus out of range, no tier bracket holding it.
      expect(forged.guards.filter((guard) => !/^main\.(valuation\.(position\[1\]\.sign|tiered\[1\]\.(aboveFloor|belowCeiling))|holds)\.bits$/.test(guard)), `size ${size}`).toEqual([]);
    }
  });

  if (profile === "cross") {
    it("State validity invariant: Should read a slot's F_last without a range check (by design: every writer range-checks what it writes)", () => {
      // A state no writer can produce (ApplyFillsProof (4) checks each fill's index, a takeover writes the
      // round's, deposits and withdrawals copy the old one): F_last = 2^63 would credit 30 x 2^63 of funding.
      // The readers rely on the invariant (circuits/README.md), so this self-made state is not refused: the
      // writers' checks (forged-transitions.test.ts, fills (4); the quote decomposition above) are the guards.
      const state = { ...insolvent, slots: insolvent.slots.map((slot, j) => (j === 2 ? { ...slot, fundingIndex: LIMIT_63 } : slot)) };
      expectAccepted(target, honest, { inputs: asSignals({ cash: state.cash.toString(), fundingIndex: state.slots.map((slot) => slot.fundingIndex.toString()) }), derive: ["main.accountCommitment"] });
    });
  }

  it("Oracle round: Should stop a quote decomposed as another price (-10^-8 on the short) or without its confidence: the quote decomposition", () => {
    // --O2 keeps one bit of each quote only as (quote - the other bits) / 2^k: with other bits, that bit is no
    // longer boolean, and what reads it (the funding index, in some profiles) is garbage the surplus check may
    // also refuse. The decomposition is the guard.
    const quote = target.forger.value(honest, "main.quote[1]");
    const confidence = (quote >> 56n) & ((1n << 48n) - 1n);
    for (const [bits, set] of [[quote - 1n, { "main.round.price[1]": (quote - 1n) & ((1n << 56n) - 1n) }], [quote - (confidence << 56n), { "main.round.confidence[1]": 0n }]] as const) {
      const forged = stopped({ inputs: inputOf(insolvent), bits: { "main.round.prices.bits[1].out": bits }, set }, /^main\.(round\.prices\.bits\[1\]|holds\.bits)$/);
      expect(forged.guards).toContain("main.round.prices.bits[1]");
    }
  });

  it("Oracle round: Should stop a quote of 168 bits or more in a self-made round: the quote decomposition", () => {
    // The funding index is read off the quote as (quote - price - 2^56 conf) / 2^104 - 2^63: 2^64 higher here.
    const forged = stopped({ inputs: { "main.quote[0]": target.forger.value(honest, "main.quote[0]") + (1n << 168n) }, derive: ROUND_DERIVED }, /^main\.(round\.prices\.bits\[0\]|holds\.bits)$/);
    expect(forged.guards).toContain("main.round.prices.bits[0]");
  });

  /** The profile's markets with an unlisted market 3 of the tiers given (no position there: the requirement is unchanged). */
  const withMarket3 = (tiers: readonly Tier[]) => makeMarketSet(profile, [...markets.markets.map((market) => market.tiers), tiers], markets.confidenceMultiplier);

  it(`Risk table: Should stop ${profile === "lending" ? "an LTV (50%) above the LT (40%)" : "an initial (1%) below maintenance (10%)"} in a self-made round: the rate order check`, () => {
    const bad = withMarket3([profile === "lending" ? { floor: 0n, first: 400_000n, second: 500_000n } : { floor: 0n, first: 100_000n, second: 10_000n }]);
    // (tiered: the padded tiers of market 3 start at floor 2^48 - 1, so its empty slot is in tier 0)
    const forged = stopped({ inputs: { ...tableSignals(bad), ...(profile === "tiered" ? { "main.tier[3]": 0n } : {}) }, derive: ROUND_DERIVED }, /^main\.round\.risk\.order\[3\]\[\d\]\.bits$/);
    expect(forged.guards).toContain("main.round.risk.order[3][0].bits");
  });

  it(`Risk table: Should stop a ${profile === "lending" ? "liquidation threshold of 2^20 ppm (above 100%)" : "negative maintenance rate (p - 3%)"} and a negative confidence multiplier: the rate and multiplier range checks`, () => {
    const rate = profile === "lending" ? 1n << 20n : P - 30_000n;
    const bad = withTiers(markets, 0, markets.markets[0]!.tiers.map((tier) => ({ ...tier, first: rate })));
    const forged = stopped({ inputs: tableSignals(bad), derive: ROUND_DERIVED }, /^main\.round\.risk\.firstRange\[0\]\[\d\]\.bits$/);
    expect(forged.guards).toContain("main.round.risk.firstRange[0][0].bits");
    // k = -2.00: the conservative side would value longs above the price.
    stopped({ inputs: { "main.multiplier": P - 200n }, derive: ROUND_DERIVED }, /^main\.round\.risk\.multiplierRange\.bits$/);
  });

  if (profile === "tiered") {
    it("Risk table: Should stop tier floors [0, 1M, 100k, 2M] (a decreasing floor made a requirement negative): the floor step check", () => {
      const tiers = [{ floor: 0n, first: 30_000n, second: 50_000n }, { floor: 1_000_000n, first: 50_000n, second: 100_000n }, { floor: 100_000n, first: 100_000n, second: 200_000n }, { floor: 2_000_000n, first: 150_000n, second: 300_000n }];
      stopped({ inputs: tableSignals(withTiers(markets, 0, tiers)), derive: ROUND_DERIVED }, /^main\.round\.risk\.floorStep\[0\]\[2\]\.bits$/);
    });

    it("Risk table: Should stop a last floor of 2^48 (the packing's floor field overflows into the rates): the last floor range check", () => {
      const tiers = [...markets.markets[0]!.tiers, { floor: 1n << 48n, first: 150_000n, second: 300_000n }];
      const forged = stopped({ inputs: tableSignals(withTiers(markets, 0, tiers)), derive: ROUND_DERIVED }, /^main\.round\.risk\.(lastFloor\[0\]|floorStep\[0\]\[3\])\.bits$/);
      expect(forged.guards).toContain("main.round.risk.lastFloor[0].bits");
    });

    it("Valuation: Should stop a tier named below the notional's (tier 0 for 150,000 of M0) or above it: the tier bracket", async () => {
      const big = boundaryBook(markets, MAINTENANCE, [[0, 50n * UNIT, 5n * UNIT]]);
      const base = await target.tester.witness(marginInput(big, ROUND, markets, MAINTENANCE));
      expect(target.forger.value(base, "main.tier[0]")).toBe(1n);
      stopped({ inputs: { "main.tier[0]": 0n } }, /^main\.valuation\.tiered\[0\]\.belowCeiling\.bits$/, base);
      stopped({ inputs: { "main.tier[0]": 2n } }, /^main\.valuation\.tiered\[0\]\.aboveFloor\.bits$/, base);
      // tier 4 has no bracket: its 2-bit selector cannot hold it.
      expect(forgeAttack(target, base, { inputs: { "main.tier[0]": 4n } }).guards, "tier 4").toContain("main.valuation.tiered[0].pick[0]");
    });
  } else {
    it("Valuation: Should fix every tier input at 0 (no tier to name: --O2 drops them)", () => {
      for (let j = 0; j < CAPACITY; j++) expect(target.tester.indexOf(`main.tier[${j}]`)).toBeUndefined();
    });
  }
});

describe.each(PROFILES)("Forged withdrawals (test_%s_withdraw_m4)", (profile) => {
  const markets = MARKETS[profile];
  let target: Target;
  let honest: bigint[];
  // A book that meets its initial requirement exactly after withdrawing 1,000 tokens.
  const after = boundaryBook(markets, INITIAL);
  const amount = 1_000_000_000n;
  const state = { ...after, cash: after.cash + amount * 10n ** 10n };
  const prepared = prepareWithdraw(state, amount, ROUND, markets, specs);
  const stopped = (attack: Attack, guard: RegExp, base: readonly bigint[] = honest) => expectStoppedBy(target, base, attack, guard);
  const NEW = ["main.newCommitment"];

  beforeAll(async () => {
    target = await loadTarget(`test_${profile}_withdraw_m4`);
    honest = await target.tester.witness(prepared.input);
  });

  it("Should rebuild the honest witness exactly", () => {
    const forged = forgeAttack(target, honest, {});
    expect(forged.broken).toEqual([]);
    expect(forged.witness).toEqual(honest);
  });

  it("(1) Should stop an amount of 2^64 and a 'negative' withdrawal (p - 1 token: a deposit): the amount range check", () => {
    stopped({ inputs: { "main.amount": 1n << 64n }, derive: NEW }, /^main\.(amountRange\.bits|holds\.bits)$/);
    stopped({ inputs: { "main.amount": P - 1_000_000n }, derive: NEW }, /^main\.amountRange\.bits$/);
  });

  it("(1) Should stop a new cash below -2^125: the cash range check (and, as no such book is solvent, the requirement)", () => {
    const poor = { ...state, cash: -(1n << BigInt(CASH_BITS - 1)) + 10n ** 10n - 1n };
    const forged = stopped({ inputs: { ...asSignals({ cash: poor.cash.toString() }), "main.oldCommitment": commitmentOf(poor), "main.amount": 1n }, derive: NEW }, /^main\.(cashRange|holds)\.bits$/);
    expect(forged.guards).toContain("main.cashRange.bits");
  });

  it("(1) Should stop a new commitment with a slot or the head changed, the nonce kept or another cash: the new commitment", () => {
    const next = prepared.next!;
    for (const variant of [{ ...next, head: 5n }, { ...next, nonce: state.nonce }, { ...next, cash: next.cash + 1n }, { ...next, slots: next.slots.map((slot, j) => (j === 0 ? { ...slot, size: 0n } : slot)) }]) {
      stopped({ inputs: { "main.newCommitment": commitmentOf(variant) } }, /^main\.transition\.after\./);
    }
  });

  it("(2) Should stop a withdrawal leaving the account one unit below its initial requirement (10^-6 token more): the surplus range check", () => {
    stopped({ inputs: { "main.amount": amount + 1n }, derive: NEW }, /^main\.holds\.bits$/);
  });

  it("(2) Should stop the withdrawal proven at a rally round presented for the current round: the round commitment", async () => {
    const rally = await target.tester.witness(prepareWithdraw({ ...state, cash: state.cash + 10n ** 6n * QUOTE }, amount, RALLY_ROUND, markets, specs).input);
    stopped({ inputs: { ...asSignals({ cash: state.cash.toString() }), "main.oldCommitment": commitmentOf(state), "main.roundCommitment": roundCommitmentOf(ROUND, markets) }, derive: NEW }, /^main\.(round\.combine\.|holds\.bits$)/, rally);
  });
});

// The positions the books above hold, for the record (the constants are shared with the other attack files).
void POSITIONS;
