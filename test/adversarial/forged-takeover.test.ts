import { beforeAll, describe, expect, it } from "vitest";
import { packTakeoverStatement } from "../../prover/src/commitment/statement.ts";
import { takeover, type TakeoverResult } from "../../prover/src/engine/transitions.ts";
import { isLiquidatable, surplus } from "../../prover/src/engine/valuation.ts";
import type { AccountState, Profile } from "../../prover/src/model/types.ts";
import { prepareTakeover } from "../../prover/src/statements/prepare.ts";
import { takeoverInput } from "../helpers/fixtures.ts";
import { ANSWER, CRASH_ROUND, INITIAL, LIMIT_63, MARKETS, QUOTE, ROUND, UNIT, boundaryBook, commitmentOf, liquidatorState, roundCommitmentOf, specs } from "./helpers/books.ts";
import { asSignals, brokenSignals, expectAccepted, expectStoppedBy, forgeAttack, loadTarget, type Attack, type Target } from "./helpers/zkmargin-forgery.ts";

// circuits/README.md TakeoverProof (1)-(4), per profile: a forged witness per check, stopped by exactly the
// guard named (see forged-transitions.test.ts for the method). The victim sits one unit (10^-16 of cash)
// below the liquidation boundary (favourable valuation, maintenance, buffer 0), the healthy one exactly on it.
const PROFILES: readonly Profile[] = ["cross", "lending", "tiered"];
const PENALTY_BPS = 150n;
const NEW = ["main.liquidatorNewCommitment"];

describe.each(PROFILES)("Forged takeovers (test_%s_takeover_m4)", (profile) => {
  const markets = MARKETS[profile];
  let target: Target;
  let honest: bigint[];
  const healthy = boundaryBook(markets, ANSWER);
  const victim: AccountState = { ...healthy, cash: healthy.cash - 1n };
  const liquidator = liquidatorState();
  const prepared = prepareTakeover(victim, liquidator, ROUND, markets, { penaltyBps: PENALTY_BPS }, specs);
  const result = prepared.takeover!;
  const stopped = (attack: Attack, guard: RegExp, base: readonly bigint[] = honest) => expectStoppedBy(target, base, attack, guard);
  const amounts = (changes: Partial<Pick<TakeoverResult, "ownerPayout" | "penalty" | "badDebt">>, defaulted = false) =>
    ({ "main.statement": packTakeoverStatement({ ownerPayout: result.ownerPayout, penalty: result.penalty, badDebt: result.badDebt, penaltyBps: PENALTY_BPS, defaulted, ...changes }) });

  beforeAll(async () => {
    target = await loadTarget(`test_${profile}_takeover_m4`);
    honest = await target.tester.witness(prepared.input);
    expect(isLiquidatable(victim, ROUND, markets)).toBe(true);
    expect(isLiquidatable(healthy, ROUND, markets)).toBe(false);
    // The split the attacks tamper with: a positive equity above the cap, so the owner is paid.
    expect(result.ownerPayout > 0n && result.penalty > 0n && result.badDebt === 0n).toBe(true);
  });

  it("Should rebuild the honest witness exactly when the attacker changes nothing", () => {
    const forged = forgeAttack(target, honest, {});
    expect(forged.broken).toEqual([]);
    expect(forged.witness).toEqual(honest);
  });

  it("(1) Should stop a healthy victim (exactly at the boundary) taken over without default: the liquidation check", () => {
    const split = takeover(healthy, liquidator, ROUND, markets, { penaltyBps: PENALTY_BPS, defaulted: true });
    const input = asSignals(takeoverInput(healthy, liquidator, split.liquidator, ROUND, markets, { ...split, penaltyBps: PENALTY_BPS, defaulted: false }));
    stopped({ inputs: input }, /^main\.liquidatable\.bits$/);
    // The same takeover once the victim defaulted on a challenge (the vault sets the flag) holds.
    expectAccepted(target, honest, { inputs: { ...input, "main.statement": packTakeoverStatement({ ...split, penaltyBps: PENALTY_BPS, defaulted: true }) } });
  });

  it("(2) Should stop a takeover that moves fewer positions (the victim's short left behind): the liquidator's new commitment", () => {
    const next = prepared.next!;
    const fewer = { ...next, cash: next.cash + victim.slots[1]!.size * ROUND.prices[1]!, slots: next.slots.map((slot, j) => (j === 1 ? { ...slot, size: liquidator.slots[1]!.size } : slot)) };
    stopped({ inputs: { "main.liquidatorNewCommitment": commitmentOf(fewer) } }, /^main\.transition\.after\./);
  });

  it("(2) Should stop a takeover at other prices (M0 bought at the crash round's 2,000): the liquidator's new commitment, or the round commitment", async () => {
    const next = prepared.next!;
    const cheaper = { ...next, cash: next.cash + victim.slots[0]!.size * (ROUND.prices[0]! - CRASH_ROUND.prices[0]!) };
    stopped({ inputs: { "main.liquidatorNewCommitment": commitmentOf(cheaper) } }, /^main\.transition\.after\./);
    const crash = prepareTakeover(victim, liquidator, CRASH_ROUND, markets, { penaltyBps: PENALTY_BPS }, specs);
    const base = await target.tester.witness(crash.input);
    stopped({ inputs: { "main.roundCommitment": roundCommitmentOf(ROUND, markets) } }, /^main\.round\.combine\./, base);
  });

  it("(2) Should stop a liquidator slot not settled at the round's funding index, and a nonce kept: the liquidator's new commitment", () => {
    const next = prepared.next!;
    for (const variant of [{ ...next, slots: next.slots.map((slot, j) => (j === 1 ? { ...slot, fundingIndex: liquidator.slots[1]!.fundingIndex } : slot)) }, { ...next, nonce: liquidator.nonce }, { ...next, owner: victim.owner }]) {
      stopped({ inputs: { "main.liquidatorNewCommitment": commitmentOf(variant) } }, /^main\.transition\.after\./);
    }
  });

  it("(2) Should stop a new liquidator size of exactly 2^63 and -2^63 - 1: the size range checks (the takeover's and the valuation's)", () => {
    for (const [j, old] of [[0, LIMIT_63 - victim.slots[0]!.size], [1, -LIMIT_63 - 1n - victim.slots[1]!.size]] as const) {
      const rich = { ...liquidator, cash: 10n ** 36n, slots: liquidator.slots.map((slot, i) => (i === j ? { size: old, fundingIndex: ROUND.fundingIndexes[j]! } : slot)) };
      const inputs = { ...asSignals({ liquidatorCash: rich.cash.toString(), liquidatorSize: rich.slots.map((slot) => slot.size.toString()), liquidatorFundingIndex: rich.slots.map((slot) => slot.fundingIndex.toString()) }), "main.liquidatorCommitment": commitmentOf(rich) };
      const forged = stopped({ inputs, derive: NEW }, new RegExp(`^main\\.(sizeRange\\[${j}\\]|liquidatorValue\\.(position\\[${j}\\]\\.sign|tiered\\[${j}\\]\\.(aboveFloor|belowCeiling))|meetsInitial)\\.bits$`));
      expect(forged.guards).toEqual(expect.arrayContaining([`main.sizeRange[${j}].bits`, `main.liquidatorValue.position[${j}].sign.bits`]));
    }
  });

  it("(3) Should stop the owner paid while the penalty is below its cap: the cap check", () => {
    stopped({ inputs: amounts({ ownerPayout: result.ownerPayout + 1n, penalty: result.penalty - 1n }) }, /^main\.penaltyIsCap\.bits$/);
  });

  it("(3) Should stop a penalty above its cap: the cap bound", () => {
    stopped({ inputs: amounts({ ownerPayout: result.ownerPayout - 1n, penalty: result.penalty + 1n }) }, /^main\.penaltyAtMostCap\.bits$/);
  });

  it("(3) Should stop bad debt and a payout both nonzero (insurance pays the owner): the exclusivity check", () => {
    const forged = stopped({ inputs: amounts({ ownerPayout: result.ownerPayout + 1_000_000n, badDebt: 1_000_000n }) }, /^main(\.decoded)?$/);
    expect(brokenSignals(target, forged)).toEqual(expect.arrayContaining(["main.decoded.badDebt"]));
  });

  it("(3) Should stop a split one token below or above the equity (remainder >= 10^10 or < 0): the remainder range checks", () => {
    // The remainder goes to the liquidator's cash, so its new commitment is the attacker's (derived).
    expect(stopped({ inputs: amounts({ ownerPayout: result.ownerPayout - 1n }), derive: NEW }, /^main\.remainder(High|Low)\.bits$/).guards).toContain("main.remainderHigh.bits");
    expect(stopped({ inputs: amounts({ ownerPayout: result.ownerPayout + 1n }), derive: NEW }, /^main\.remainderLow\.bits$/).guards).toEqual(["main.remainderLow.bits"]);
  });

  it("(3) Should stop an underwater victim's bad debt shifted into a penalty: the exclusivity check", async () => {
    const underwater = { ...victim, cash: victim.cash - 10_000_000n * QUOTE };
    const split = takeover(underwater, liquidator, ROUND, markets, { penaltyBps: PENALTY_BPS });
    expect(split.badDebt > 0n && split.penalty === 0n && split.ownerPayout === 0n).toBe(true);
    const base = await target.tester.witness(prepareTakeover(underwater, liquidator, ROUND, markets, { penaltyBps: PENALTY_BPS }, specs).input);
    const statement = packTakeoverStatement({ ownerPayout: 0n, penalty: 1n, badDebt: split.badDebt + 1n, penaltyBps: PENALTY_BPS, defaulted: false });
    stopped({ inputs: { "main.statement": statement } }, /^main(\.decoded)?$/, base);
  });

  it("(4) Should stop a liquidator that does not meet its initial requirement after the takeover: the initial check", () => {
    // The liquidator's old cash one unit below what its new book needs for its initial requirement.
    const next = result.liquidator;
    const weight = profile === "lending" ? 10n ** 12n : 10n ** 10n;
    const needed = -surplus({ ...next, cash: 0n }, ROUND, markets, INITIAL);
    const boundary = needed >= 0n ? (needed + weight - 1n) / weight : -(-needed / weight);
    const poor = { ...liquidator, cash: liquidator.cash - next.cash + boundary - 1n };
    expect(surplus({ ...next, cash: boundary - 1n }, ROUND, markets, INITIAL)).toBeLessThan(0n);
    const inputs = { ...asSignals({ liquidatorCash: poor.cash.toString() }), "main.liquidatorCommitment": commitmentOf(poor) };
    stopped({ inputs, derive: NEW }, /^main\.meetsInitial\.bits$/);
  });

  it("(4) Should stop the victim's state opened against another account's commitment, or in another vault: the victim commitment", () => {
    stopped({ inputs: { "main.victimCommitment": commitmentOf(healthy) } }, /^main\.victim\./);
    const elsewhere = { ...victim, domain: { ...victim.domain, chainId: 1n } };
    stopped({ inputs: { "main.victimCommitment": commitmentOf(elsewhere) } }, /^main\.victim\./);
  });

  it("(2) Should stop a position left with the victim's size unchanged in a slot the liquidator copies at 0 price: the unpriced check", () => {
    // A victim holding the unlisted market 3 (price 0): valued at 0 it would pass its risk to the liquidator for free.
    const holding = { ...victim, slots: victim.slots.map((slot, j) => (j === 3 ? { size: -UNIT, fundingIndex: 0n } : slot)) };
    const inputs = { ...asSignals({ victimSize: holding.slots.map((slot) => slot.size.toString()) }), "main.victimCommitment": commitmentOf(holding) };
    const forged = stopped({ inputs, derive: NEW }, /^main\.(victimValue|liquidatorValue)\.position\[3\](\.unpriced)?$/);
    expect(forged.guards).toEqual(expect.arrayContaining(["main.victimValue.position[3].unpriced", "main.liquidatorValue.position[3].unpriced"]));
  });
});
