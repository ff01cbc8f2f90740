import { F1Field } from "ffjavascript";
import { beforeAll, describe, expect, it } from "vitest";
import { packMarginStatement } from "../../prover/src/commitment/statement.ts";
import { CONFIDENCE_BITS, FIELD_MODULUS, PRICE_BITS, RATE_BITS, SIZE_BITS } from "../../prover/src/core/constants.ts";
import { marginSurplus } from "../../prover/src/engine/statement-values.ts";
import { asSignals, book, commitmentOf, insolventBook, marginFor, markets, overflowingBook, rallyRound, round, roundCommitmentOf, solventBook } from "./helpers/books.ts";
import { expectStoppedBy as stoppedBy, forgeAttack, loadTarget, type Attack, type Target } from "./helpers/zkmargin-forgery.ts";

// A forged margin proof lets an insolvent trader dodge liquidation (answer a challenge) or withdraw
// collateral (update). Each attack starts from an honest witness of a true statement (a solvent book) and
// rewrites every signal the attack needs, recomputing all the others as the witness generator would without
// its assertions (see helpers/zkmargin-forgery.ts). The attack must break at least one constraint, and only
// constraints of the guard named: everything else in the forged witness is consistent, so that guard is what
// stops the attack.
const P = FIELD_MODULUS;
const UNIT = 10n ** 8n;
const F = new F1Field(P);

for (const id of ["test_margin_n3_m5", "margin_n4_m16"]) {
  describe(`Forged margin proofs: ${id}`, () => {
    let target: Target;
    let honest: bigint[];
    let insolvent: Record<string, bigint>;
    beforeAll(async () => {
      target = await loadTarget(id);
      honest = await target.tester.witness(marginFor(solventBook, target.slots, target.markets));
      expect(target.tester.satisfies(honest)).toBe(true);
      insolvent = asSignals(marginFor(insolventBook, target.slots, target.markets));
    });

    const expectStoppedBy = (attack: Attack, guard: RegExp, base: readonly bigint[] = honest) => stoppedBy(target, base, attack, guard);

    it("Should rebuild the honest witness exactly when the attacker changes nothing", () => {
      const forged = forgeAttack(target, honest, {});
      expect(forged.broken).toEqual([]);
      expect(forged.witness).toEqual(honest);
    });

    it("Should satisfy every constraint for a true statement rebound to another binder (binding is the public input's job)", () => {
      const statement = packMarginStatement({ binder: 0x1234n, bufferBps: 0n, requirement: "maintenance", collateral: solventBook.collateral });
      expect(forgeAttack(target, honest, { inputs: { "main.statement": statement } }).broken).toEqual([]);
    });

    it("Should stop the insolvent book proven as it is: only the surplus range check (Num2Bits(166)) breaks", () => {
      expect(marginSurplus(insolventBook, round, markets, "maintenance", 0n)).toBeLessThan(0n);
      expectStoppedBy({ inputs: insolvent }, /^main\.surplus$/);
    });

    it("Should stop a claim of initial margin by a book that meets only maintenance: the surplus range check", () => {
      const maintenanceOnly = book([[0, 2n * UNIT], [1, UNIT], [4, -5n * UNIT]], 300n);
      expect(marginSurplus(maintenanceOnly, round, markets, "maintenance", 0n)).toBeGreaterThanOrEqual(0n);
      expect(marginSurplus(maintenanceOnly, round, markets, "initial", 0n)).toBeLessThan(0n);
      const input = asSignals(marginFor(maintenanceOnly, target.slots, target.markets));
      expect(forgeAttack(target, honest, { inputs: input }).broken).toEqual([]);
      const statement = packMarginStatement({ binder: 0xabcn, bufferBps: 0n, requirement: "initial", collateral: maintenanceOnly.collateral });
      expectStoppedBy({ inputs: { ...input, "main.statement": statement } }, /^main\.surplus$/);
    });

    it("Should stop a negative size aliased through the sign bit (commitment unchanged): the size range check of slot 0", () => {
      // size + 2^64 isShort is the same slot for (2, long) and (2 - 2^64, short): the short of a negative size
      // is worth 2^64 - 2 units of M0 and requires a negative margin.
      expectStoppedBy({ inputs: { ...insolvent, "main.isShort[0]": 1n, "main.size[0]": 2n * UNIT - (1n << BigInt(SIZE_BITS)) } }, /^main\.book\.slots\[0\]\.sizeBits$/);
    });

    it("Should stop a negative size in a book the attacker commits to itself: the size range check of slot 0", () => {
      // A short of size p - 2 is a long of 2 with a negative requirement (-180 instead of +180).
      expectStoppedBy({ inputs: { ...insolvent, "main.isShort[0]": 1n, "main.size[0]": P - 2n * UNIT }, selfCommitted: true }, /^main\.book\.slots\[0\]\.sizeBits$/);
    });

    it("Should stop an oversized size traded against the market index (commitment unchanged): the size range check of slot 1", () => {
      // size + 2^65 market: (1 unit, M1) packs like (1 unit + 2^65, M0), a position 2^65 units long in M0.
      expectStoppedBy({ inputs: { ...insolvent, "main.size[1]": UNIT + (1n << BigInt(SIZE_BITS + 1)), "main.market[1]": 0n } }, /^main\.book\.slots\[1\]\.sizeBits$/);
    });

    /** An adjustment that wraps around the field so that the surplus is exactly 1 (in range). */
    const wrappedAdjustment = () => {
      // surplus = 10^10 (collateral 10^10 + adjustment) + rest: add (1 - surplus) / 10^10 in the field.
      const wrapped = (insolventBook.adjustment + F.div(F.e(1n - marginSurplus(insolventBook, round, markets, "maintenance", 0n)), 10n ** 10n) + P) % P;
      expect(wrapped > 1n << 200n).toBe(true);
      return wrapped;
    };

    it("Should stop a quote adjustment wrapped around the field in a self-committed book: the adjustment range check", () => {
      const forged = expectStoppedBy({ inputs: { ...insolvent, "main.adjustment": wrappedAdjustment() }, selfCommitted: true }, /^main\.book\.account\.adjustmentRange$/);
      expect(forged.guards).toEqual(["main.book.account.adjustmentRange"]);
    });

    it("Should stop the same wrapped adjustment against the account's real commitment: the adjustment range check and the commitment", () => {
      const forged = expectStoppedBy({ inputs: { ...insolvent, "main.adjustment": wrappedAdjustment() } }, /^main\.book\.account\.(adjustmentRange$|chain\.)/);
      expect(forged.guards.some((component) => component.startsWith("main.book.account.chain."))).toBe(true);
    });

    it("Should stop a price above 2^56 carried into its own confidence (prices commitment unchanged): the price range check of M0", () => {
      // A quote packs price + 2^56 confidence: (price + 2^56, confidence - 1) hashes the same.
      expectStoppedBy({ inputs: { ...insolvent, "main.price[0]": 3_000n * UNIT + (1n << BigInt(PRICE_BITS)), "main.confidence[0]": 5n * 10n ** 7n - 1n } }, /^main\.book\.prices\.priceRange\[0\]$/);
    });

    it("Should stop a confidence wrapped below zero and carried into the next market's price (prices commitment unchanged): the confidence range check of M0", () => {
      // A negative confidence turns the penalty on the long M0 into a bonus.
      expectStoppedBy({ inputs: { ...insolvent, "main.confidence[0]": 5n * 10n ** 7n - (1n << BigInt(CONFIDENCE_BITS)), "main.price[1]": 100n * UNIT + 1n } }, /^main\.book\.prices\.confidenceRange\[0\]$/);
    });

    it("Should stop a maintenance rate wrapped below zero and borrowed from the initial rate (risk commitment unchanged): the rate range check", () => {
      expectStoppedBy({ inputs: { ...insolvent, "main.maintenanceRate[0]": 30_000n - (1n << BigInt(RATE_BITS)), "main.initialRate[0]": 50_001n } }, /^main\.risk\.firstRange\[0\]$/);
    });

    it("Should stop a price taken from another market (the index bits of slot 1 select M0): the market index decomposition", () => {
      const forged = expectStoppedBy({ inputs: insolvent, bits: { "main.book.marketBits[1]": 0n } }, /^main\.book$/);
      const signals = forged.broken.flatMap((k) => target.forger.signalsOf(k));
      expect(signals).toContain("main.market[1]");
      expect(signals.some((name) => name.startsWith("main.book.marketBits[1]["))).toBe(true);
    });

    it("Should stop a losing position hidden as an empty slot: the account commitment", () => {
      expectStoppedBy({ inputs: { ...insolvent, "main.size[2]": 0n, "main.isShort[2]": 0n, "main.market[2]": 0n } }, /^main\.book\.account\.chain\./);
    });

    it("Should stop a book with one position more than the circuit's slots proven on its first slots: the account commitment", () => {
      const over = overflowingBook(target.slots);
      const truncated = { ...over, positions: over.positions.slice(0, target.slots) };
      const input = asSignals(marginFor(truncated, target.slots, target.markets));
      expect(forgeAttack(target, honest, { inputs: input }).broken).toEqual([]);
      expectStoppedBy({ inputs: { ...input, "main.accountCommitment": commitmentOf(over) } }, /^main\.book\.account\.chain\./);
    });

    it("Should stop a solvent account's witness opened against the insolvent account's commitment: the account commitment", () => {
      expectStoppedBy({ inputs: { "main.accountCommitment": commitmentOf(insolventBook) } }, /^main\.book\.account\.chain\./);
    });

    it("Should stop the book's honest witness at a rally round presented for the current round: the round commitment", async () => {
      const rally = await target.tester.witness(marginFor(insolventBook, target.slots, target.markets, rallyRound));
      expect(target.tester.satisfies(rally)).toBe(true);
      expectStoppedBy({ inputs: { "main.roundCommitment": roundCommitmentOf(round) } }, /^main\.book\.combine\./, rally);
    });
  });
}
