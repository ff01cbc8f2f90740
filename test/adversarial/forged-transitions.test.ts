import { beforeAll, describe, expect, it } from "vitest";
import { packApplyStatement } from "../../prover/src/commitment/statement.ts";
import { CASH_BITS, FEE_ACCOUNT_ID, FIELD_MODULUS } from "../../prover/src/core/constants.ts";
import { chainHead, prepareApplyFills, prepareDeposit } from "../../prover/src/statements/prepare.ts";
import type { AccountState, Fill } from "../../prover/src/model/types.ts";
import { feeAccountState, makeFill, makeState } from "../helpers/fixtures.ts";
import { CAPACITY, COUNTERPARTY, LIMIT_63, LISTED, QUOTE, TRADER, UNIT, commitmentOf, specs } from "./helpers/books.ts";
import { asSignals, brokenSignals, expectAccepted, expectStoppedBy, forgeAttack, loadTarget, type Attack, type Target } from "./helpers/zkmargin-forgery.ts";

// circuits/README.md DepositProof (1)-(3) and ApplyFillsProof (1)-(6): for each numbered check, a witness an
// honest prover could not make, forged from an honest one (helpers/zkmargin-forgery.ts: every other signal
// recomputed as the witness generator would, without its assertions). Each attack must break at least one
// constraint and only constraints of the guard named, so the test fails if that guard were removed.
const P = FIELD_MODULUS;
const NEW = ["main.newCommitment"];
const CHAIN = ["main.newCommitment", "main.newHead"];

describe("Forged deposits (test_deposit_m4)", () => {
  let target: Target;
  let honest: bigint[];
  const state = makeState(CAPACITY, 10_000n * QUOTE, [[0, 2n * UNIT, UNIT]], { accountId: TRADER });
  const amount = 1_000_000n; // 1 token
  const prepared = prepareDeposit(state, amount, specs);
  const stopped = (attack: Attack, guard: RegExp) => expectStoppedBy(target, honest, attack, guard);
  beforeAll(async () => {
    target = await loadTarget("test_deposit_m4");
    honest = await target.tester.witness(prepared.input);
  });

  it("Should rebuild the honest witness exactly when the attacker changes nothing, and accept any new salt (the salt is free)", () => {
    const forged = forgeAttack(target, honest, {});
    expect(forged.broken).toEqual([]);
    expect(forged.witness).toEqual(honest);
    expectAccepted(target, honest, { inputs: { "main.newSalt": 5n << 200n }, derive: NEW });
  });

  it("(1) Should stop an amount of 2^64 tokens and a 'negative' deposit (p - 1: a withdrawal without margin): the amount range check", () => {
    stopped({ inputs: { "main.amount": 1n << 64n }, derive: NEW }, /^main\.amountRange\.bits$/);
    stopped({ inputs: { "main.amount": P - 1_000_000n }, derive: NEW }, /^main\.amountRange\.bits$/);
  });

  it("(2) Should stop a new cash at 2^125 (old cash in range, one token more): the new cash range check", () => {
    const rich = { ...state, cash: (1n << BigInt(CASH_BITS - 1)) - 10n ** 10n };
    stopped({ inputs: { ...asSignals({ cash: rich.cash.toString() }), "main.oldCommitment": commitmentOf(rich), "main.amount": 1n }, derive: NEW }, /^main\.cashRange\.bits$/);
  });

  it("(2) Should stop a new commitment that credits more than the amount: the new commitment", () => {
    stopped({ inputs: { "main.newCommitment": commitmentOf({ ...prepared.next!, cash: prepared.next!.cash + 1n }) } }, /^main\.transition\.after\./);
  });

  it("(3) Should stop a new commitment with the nonce kept, another owner, another account id, another domain, a slot or the head changed: the new commitment", () => {
    const next = prepared.next!;
    const variants: AccountState[] = [
      { ...next, nonce: state.nonce },
      { ...next, nonce: state.nonce + 2n },
      { ...next, owner: next.owner + 1n },
      { ...next, accountId: 8n },
      { ...next, domain: { ...next.domain, chainId: 1n } },
      { ...next, slots: next.slots.map((slot, j) => (j === 1 ? { ...slot, size: UNIT } : slot)) },
      { ...next, slots: next.slots.map((slot, j) => (j === 0 ? { ...slot, fundingIndex: 5n * UNIT } : slot)) },
      { ...next, head: 12345n },
    ];
    for (const variant of variants) stopped({ inputs: { "main.newCommitment": commitmentOf(variant) } }, /^main\.transition\.after\./);
  });

  it("(3) Should stop a deposit proven on a state other than the one the vault holds: the old commitment", () => {
    stopped({ inputs: asSignals({ cash: (20_000n * QUOTE).toString() }), derive: NEW }, /^main\.transition\.before\./);
  });
});

describe("Forged fills (test_fills_m4_k2)", () => {
  let target: Target;
  // Alice (2) holds long 2 M0 settled at index 1, short 0.5 M1; she buys 3 M0 from Bob (3), then sells 1 M1 to him.
  const alice = makeState(CAPACITY, 10_000n * QUOTE, [[0, 2n * UNIT, UNIT], [1, -UNIT / 2n, -10n * UNIT]], { accountId: TRADER });
  const fills: Fill[] = [
    makeFill({ fillId: 11n, market: 0, size: 3n * UNIT, price: 3_010n * UNIT, buyerId: TRADER, sellerId: COUNTERPARTY, fundingIndex: 6n * UNIT, buyerFee: 4n * QUOTE, sellerFee: -QUOTE }),
    makeFill({ fillId: 12n, market: 1, size: UNIT, price: 59_000n * UNIT, buyerId: COUNTERPARTY, sellerId: TRADER, fundingIndex: -31n * UNIT, buyerFee: QUOTE, sellerFee: 2n * QUOTE }),
  ];
  const two = prepareApplyFills(alice, fills, LISTED, specs);
  const one = prepareApplyFills(alice, fills.slice(0, 1), LISTED, specs);
  let honestTwo: bigint[];
  let honestOne: bigint[];
  const stopped = (attack: Attack, guard: RegExp, base: readonly bigint[] = honestOne) => expectStoppedBy(target, base, attack, guard);
  /** The signals of the first fill replaced by `fields` (the venue posted that fill; the vault's head covers it). */
  const fill0 = (fields: Partial<Record<"fillId" | "fillMarket" | "fillSize" | "fillPrice" | "fillFundingIndex" | "fillBuyerId" | "fillSellerId" | "fillBuyerFee" | "fillSellerFee" | "fillBlinding", bigint>>): Record<string, bigint> =>
    Object.fromEntries(Object.entries(fields).map(([name, value]) => [`main.${name}[0]`, value]));

  beforeAll(async () => {
    target = await loadTarget("test_fills_m4_k2");
    honestTwo = await target.tester.witness(two.input);
    honestOne = await target.tester.witness(one.input);
  });

  it("Should rebuild the honest witnesses exactly when the attacker changes nothing", () => {
    for (const honest of [honestOne, honestTwo]) {
      const forged = forgeAttack(target, honest, {});
      expect(forged.broken).toEqual([]);
      expect(forged.witness).toEqual(honest);
    }
  });

  // --O2 folds pick[0] = 0 and the one-hot sum into the selector (count = 1 + enabled[1] at K = 2): the count is
  // in [1, K] by construction, and `listed = (statement - count) / 2^16` is a field division that lands in
  // [1, M] only for the statement's own count. So a statement of another count has no witness.
  const LISTED_CHECKS = /^main\.(decoded\.(atLeastOne|atMostM)\.bits|step\[\d\]\.isListed\.bits)$/;

  it("(1) Should stop count 0 and count K + 1 (the one-hot selector cannot read them): the listed range checks of the decomposition", () => {
    for (const count of [0, 3]) {
      const forged = stopped({ inputs: { "main.statement": packApplyStatement({ count, listedMarkets: LISTED }) } }, LISTED_CHECKS);
      expect(forged.guards).toContain("main.decoded.atLeastOne.bits");
    }
  });

  it("(1) Should stop a non-boolean selector weight: its booleanity", () => {
    const forged = forgeAttack(target, honestOne, { set: { "main.decoded.enabled[1]": 2n } });
    expect(forged.broken.some((k) => target.forger.signalsOf(k).join() === "main.decoded.enabled[1]")).toBe(true);
  });

  it("(1) Should stop listed 0 and listed M + 1 (a fill on a market the registry does not list): the listed range checks", () => {
    expect(stopped({ inputs: { "main.statement": packApplyStatement({ count: 1, listedMarkets: 0 }) } }, LISTED_CHECKS).guards).toContain("main.decoded.atLeastOne.bits");
    expect(stopped({ inputs: { "main.statement": packApplyStatement({ count: 1, listedMarkets: 5 }) } }, /^main\.decoded\.atMostM\.bits$/).guards).toEqual(["main.decoded.atMostM.bits"]);
  });

  it("(2) Should stop the chain head skipped: the second fill applied alone where the vault's head is after the first", () => {
    const skipped = prepareApplyFills(alice, fills.slice(1), LISTED, specs);
    const forged = forgeAttack(target, honestOne, { inputs: { ...asSignals(skipped.input), "main.newHead": chainHead(0n, fills.slice(0, 1)) }, derive: NEW });
    expect(forged.broken.length).toBeGreaterThan(0);
    expectStoppedBy(target, honestOne, { inputs: { ...asSignals(skipped.input), "main.newHead": chainHead(0n, fills.slice(0, 1)) }, derive: NEW }, /^main\.step\[\d\]\.(link|headOut|fill)|^main\.step\[1\]$/);
  });

  it("(2) Should stop the fills in another order, and a fill whose preimage is not the posted one: the chain head", () => {
    const swapped = prepareApplyFills(alice, [fills[1]!, fills[0]!], LISTED, specs);
    stopped({ inputs: { ...asSignals(swapped.input), "main.newHead": two.publicInputs[2]! }, derive: NEW }, /^main\.step\[\d\]/, honestTwo);
    // Alice's fill with a better price than the venue matched: the commitment the vault chained differs.
    stopped({ inputs: fill0({ fillPrice: 3_000n * UNIT }), derive: NEW }, /^main\.step\[\d\]/);
  });

  it("(2) Should stop a chain started at another head than the state's: the old commitment", () => {
    stopped({ inputs: { "main.head": 777n }, derive: ["main.newCommitment", "main.newHead"] }, /^main\.transition\.before\./);
  });

  // --O2 substitutes the role check buyer + seller + fee = enabled into the seller's flag (seller = enabled -
  // buyer - fee): a role the ids do not give breaks the equality check (IsEqual: in * out = 0, in * inv = 1 - out)
  // of the flag that had to take it, the fee account's (accountId == 1) when neither id matches.
  it("(3) Should stop a fill for another account: the role check, folded into the fee account's equality check", () => {
    const carol = { ...alice, accountId: 4n };
    const forged = stopped({ inputs: { "main.accountId": 4n, "main.oldCommitment": commitmentOf(carol) }, derive: NEW }, /^main\.feeAccount$/);
    expect(brokenSignals(target, forged)).toEqual(["main.accountId", "main.feeAccount.out"]);
  });

  it("(3) Should stop a flipped side (the buyer claiming the seller's side): the buyer's equality check and the role check", () => {
    const forged = stopped({ set: { "main.step[0].buyer.out": 0n }, derive: NEW }, /^main\.(step\[0\]\.buyer\.isz|feeAccount)$/);
    expect(forged.guards).toContain("main.step[0].buyer.isz");
    // ...or the fill's buyer and seller swapped in its preimage: the chain head.
    stopped({ inputs: fill0({ fillBuyerId: COUNTERPARTY, fillSellerId: TRADER }), derive: NEW }, /^main\.step\[\d\]/);
  });

  it("(3) Should stop the fee role taken by an account that is not the fee account: the fee account's equality check", () => {
    const forged = stopped({ set: { "main.feeAccount.out": 1n, "main.step[0].buyer.out": 0n }, derive: NEW }, /^main\.(feeAccount|step\[0\]\.buyer\.isz)$/);
    expect(forged.guards).toContain("main.feeAccount");
  });

  it("(3) Should stop the fee account applying a fill that names it as the buyer (two roles at once): the role check", async () => {
    const fee = feeAccountState(CAPACITY);
    const feeProof = prepareApplyFills(fee, fills.slice(0, 1), LISTED, specs);
    const base = await target.tester.witness(feeProof.input);
    stopped({ inputs: fill0({ fillBuyerId: FEE_ACCOUNT_ID }), derive: CHAIN }, /^main\.feeAccount\.isz$/, base);
  });

  it("(4) Should stop a traded size of 2^63 and of p - 10^8 (a 'negative' size: the buyer sells): the fill size range check", () => {
    // Alice short 2^62 in M1: buying 2^63 would leave her long 2^62, in range; only the traded size is wrong.
    const short = { ...alice, slots: alice.slots.map((slot, j) => (j === 1 ? { size: -(1n << 62n), fundingIndex: -31n * UNIT } : slot)) };
    const inputs = { ...asSignals({ size: short.slots.map((slot) => slot.size.toString()), fundingIndex: short.slots.map((slot) => slot.fundingIndex.toString()) }), "main.oldCommitment": commitmentOf(short) };
    const onM1 = { fillMarket: 1n, fillPrice: 1n, fillFundingIndex: -31n * UNIT, fillBuyerFee: 0n, fillSellerFee: 0n };
    for (const size of [LIMIT_63, P - UNIT]) {
      stopped({ inputs: { ...inputs, ...fill0({ ...onM1, fillSize: size }) }, derive: CHAIN }, /^main\.step\[0\]\.sizeRange\.bits$/);
    }
  });

  it("(4) Should stop a fill price of 2^56: the price range check", () => {
    stopped({ inputs: fill0({ fillPrice: 1n << 56n, fillSize: 1n }), derive: CHAIN }, /^main\.step\[0\]\.priceRange\.bits$/);
  });

  it("(4) Should stop a fill funding index of exactly 2^63 and -2^63 - 1: the funding index range check", () => {
    // Alice's M0 slot settles at the fill's index: with it out of range, the state would hold an unreadable F_last.
    for (const index of [LIMIT_63, -LIMIT_63 - 1n]) {
      stopped({ inputs: { ...fill0({ fillFundingIndex: index }) }, derive: CHAIN }, /^main\.step\[0\]\.fundingRange\.bits$/);
    }
  });

  it("(4) Should stop a fee of 2^100 and of -2^100 - 1 on either side: the fee range checks", () => {
    const big = 1n << 100n;
    stopped({ inputs: fill0({ fillBuyerFee: big, fillSellerFee: 0n }), derive: CHAIN }, /^main\.step\[0\]\.buyerFeeRange\.bits$/);
    stopped({ inputs: fill0({ fillBuyerFee: 0n, fillSellerFee: big }), derive: CHAIN }, /^main\.step\[0\]\.sellerFeeRange\.bits$/);
    // A rebate of 2^100 + 1 needs the other side's fee above 2^100 for a non-negative sum: both ranges stop it.
    expect(stopped({ inputs: fill0({ fillBuyerFee: -big - 1n, fillSellerFee: big + 1n }), derive: CHAIN }, /^main\.step\[0\]\.(buyer|seller)FeeRange\.bits$/).guards).toHaveLength(2);
  });

  it("(4) Should stop fees summing below 0 (the fee account paying out net): the net fee range check", () => {
    stopped({ inputs: fill0({ fillBuyerFee: -2n * QUOTE, fillSellerFee: QUOTE }), derive: CHAIN }, /^main\.step\[0\]\.netFee\.bits$/);
  });

  it("(4) Should stop a fill on market 3 when the registry lists 3 (market >= listed): the listed check", () => {
    stopped({ inputs: fill0({ fillMarket: 3n }), derive: CHAIN }, /^main\.step\[0\]\.isListed\.bits$/);
  });

  it("(4) Should stop a fill on market M (no slot): the one-hot market selector", () => {
    // listed <= M: a market of M is also unlisted, so the listed check breaks with the selector.
    const forged = stopped({ inputs: { ...fill0({ fillMarket: 4n }), "main.statement": packApplyStatement({ count: 1, listedMarkets: 4 }) }, derive: CHAIN }, /^main\.step\[0\](\.isListed\.bits)?$/);
    expect(brokenSignals(target, forged).filter((name) => name.includes("onehot")).length).toBeGreaterThan(0);
  });

  it("(5) Should stop a fill whose new size is exactly 2^63 or -2^63 - 1: the new size range check", () => {
    for (const [old, traded, buyer] of [[LIMIT_63 - UNIT, UNIT, true], [-LIMIT_63 + UNIT - 1n, UNIT, false]] as const) {
      const book = { ...alice, slots: alice.slots.map((slot, j) => (j === 1 ? { size: old, fundingIndex: -31n * UNIT } : slot)) };
      const inputs = { ...asSignals({ size: book.slots.map((slot) => slot.size.toString()), fundingIndex: book.slots.map((slot) => slot.fundingIndex.toString()) }), "main.oldCommitment": commitmentOf(book) };
      const side = buyer ? { fillBuyerId: TRADER, fillSellerId: COUNTERPARTY } : { fillBuyerId: COUNTERPARTY, fillSellerId: TRADER };
      stopped({ inputs: { ...inputs, ...fill0({ fillMarket: 1n, fillSize: traded, fillPrice: 1n, fillFundingIndex: -31n * UNIT, fillBuyerFee: 0n, fillSellerFee: 0n, ...side }) }, derive: CHAIN }, /^main\.step\[0\]\.newSize\.bits$/);
    }
  });

  it("(5) Should stop a disabled position that changes the state (a fill naming Alice in position 2 of a 1-fill proof): the role check", () => {
    const forged = stopped({ inputs: { "main.fillBuyerId[1]": TRADER, "main.fillSellerId[1]": COUNTERPARTY, "main.fillSize[1]": UNIT, "main.fillPrice[1]": UNIT }, derive: NEW }, /^main\.feeAccount$/);
    // The role check of position 2 (buyer + seller + fee = enabled = 0), folded into its fee flag.
    expect(brokenSignals(target, forged)).toEqual(expect.arrayContaining(["main.decoded.enabled[1]", "main.step[1].feeRole"]));
    // A dummy naming neither account passes, and changes nothing: the new commitment is the honest one.
    const harmless = expectAccepted(target, honestOne, { inputs: { "main.fillBuyerId[1]": 5n, "main.fillSellerId[1]": 6n, "main.fillSize[1]": UNIT, "main.fillPrice[1]": UNIT, "main.fillMarket[1]": 2n }, derive: NEW });
    expect(target.forger.value(harmless.witness, "main.newCommitment")).toBe(one.publicInputs[1]);
  });

  it("(5) Should stop a new commitment of another trade result (cash, size or funding index): the new commitment", () => {
    const next = one.next!;
    for (const variant of [{ ...next, cash: next.cash + 1n }, { ...next, slots: next.slots.map((slot, j) => (j === 0 ? { ...slot, size: slot.size + 1n } : slot)) }, { ...next, slots: next.slots.map((slot, j) => (j === 0 ? { ...slot, fundingIndex: UNIT } : slot)) }]) {
      stopped({ inputs: { "main.newCommitment": commitmentOf(variant) } }, /^main\.transition\.after\./);
    }
  });

  it("(6) Should stop a new cash of 2^125 (a sale into a cash just below it): the new cash range check", () => {
    const rich = { ...alice, cash: (1n << BigInt(CASH_BITS - 1)) - 3n * QUOTE };
    // Alice sells 3 * 10^8 M2 (no position, nothing to settle) at price 10^-8, with a rebate of 1: cash + 4 * 10^16.
    stopped({ inputs: { ...asSignals({ cash: rich.cash.toString() }), "main.oldCommitment": commitmentOf(rich), ...fill0({ fillMarket: 2n, fillFundingIndex: 0n, fillBuyerId: COUNTERPARTY, fillSellerId: TRADER, fillPrice: 1n, fillSize: 3n * QUOTE, fillSellerFee: -QUOTE, fillBuyerFee: QUOTE }) }, derive: CHAIN }, /^main\.cashRange\.bits$/);
  });

  it("(6) Should stop a new commitment with the nonce kept or another owner, id or domain: the new commitment", () => {
    const next = one.next!;
    for (const variant of [{ ...next, nonce: alice.nonce }, { ...next, owner: 1n }, { ...next, accountId: COUNTERPARTY }, { ...next, domain: { ...next.domain, vault: 1n } }]) {
      stopped({ inputs: { "main.newCommitment": commitmentOf(variant) } }, /^main\.transition\.after\./);
    }
  });
});
