import { beforeAll, describe, expect, it } from "vitest";
import { packLiquidationStatement } from "../../prover/src/commitment/statement.ts";
import { CONFIDENCE_BITS, PRICE_BITS, RATE_BITS, SIZE_BITS } from "../../prover/src/core/constants.ts";
import { isLiquidatable } from "../../prover/src/engine/statement-values.ts";
import { asSignals, book, commitmentOf, crashRound, liquidationFor, markets, round, roundCommitmentOf, underwaterBook, victimBook } from "./helpers/books.ts";
import { expectStoppedBy as stoppedBy, forgeAttack, loadTarget, type Attack, type Target } from "./helpers/zkmargin-forgery.ts";

// A forged liquidation proof steals a healthy trader's collateral. The liquidator knows the victim's book
// (whoever holds the data may liquidate) and starts from an honest witness of a true liquidation statement
// (an underwater book), then rewrites what the attack needs and recomputes the rest (helpers/zkmargin-forgery.ts).
// Each attack must break at least one constraint, and only constraints of the guard named.
const UNIT = 10n ** 8n;

for (const id of ["test_liquidation_n3_m5", "liquidation_n4_m16"]) {
  describe(`Forged liquidation proofs: ${id}`, () => {
    let target: Target;
    let honest: bigint[];
    let victim: Record<string, bigint>;
    beforeAll(async () => {
      target = await loadTarget(id);
      honest = await target.tester.witness(liquidationFor(underwaterBook, target.slots, target.markets));
      expect(target.tester.satisfies(honest)).toBe(true);
      expect(isLiquidatable(victimBook, round, markets)).toBe(false);
      victim = asSignals(liquidationFor(victimBook, target.slots, target.markets));
    });

    const expectStoppedBy = (attack: Attack, guard: RegExp, base: readonly bigint[] = honest) => stoppedBy(target, base, attack, guard);

    it("Should rebuild the honest witness exactly when the attacker changes nothing", () => {
      const forged = forgeAttack(target, honest, {});
      expect(forged.broken).toEqual([]);
      expect(forged.witness).toEqual(honest);
    });

    it("Should satisfy every constraint for a true statement rebound to another liquidator (binding is the public input's job)", () => {
      const statement = packLiquidationStatement({ liquidator: 0xbeefn, collateral: underwaterBook.collateral });
      expect(forgeAttack(target, honest, { inputs: { "main.statement": statement } }).broken).toEqual([]);
    });

    it("Should stop the healthy book proven as it is: only the deficit range check (Num2Bits(150)) breaks", () => {
      expectStoppedBy({ inputs: victim }, /^main\.deficit$/);
    });

    it("Should stop a price wrapped below zero and carried into its own confidence (prices commitment unchanged): the price range check of M0", () => {
      // The victim is long M0: at price 3000 - 2^56 (a field element near p) its equity is hugely negative.
      expectStoppedBy({ inputs: { ...victim, "main.price[0]": 3_000n * UNIT - (1n << BigInt(PRICE_BITS)), "main.confidence[0]": 5n * 10n ** 7n + 1n } }, /^main\.book\.prices\.priceRange\[0\]$/);
    });

    it("Should stop a confidence wrapped below zero and carried into the next market's price (prices commitment unchanged): the confidence range check of M0", () => {
      // Longs are valued at P + k conf in a liquidation proof: a negative confidence drags the victim's long down.
      expectStoppedBy({ inputs: { ...victim, "main.confidence[0]": 5n * 10n ** 7n - (1n << BigInt(CONFIDENCE_BITS)), "main.price[1]": 100n * UNIT + 1n } }, /^main\.book\.prices\.confidenceRange\[0\]$/);
    });

    it("Should stop the victim's short moved to M0 with 2^65 more units (commitment unchanged): the size range check of slot 1", () => {
      expectStoppedBy({ inputs: { ...victim, "main.size[1]": UNIT + (1n << BigInt(SIZE_BITS + 1)), "main.market[1]": 0n } }, /^main\.book\.slots\[1\]\.sizeBits$/);
    });

    it("Should stop a maintenance rate above 2^20 borrowed from the initial rate (risk commitment unchanged): the rate range check", () => {
      // 3% + 2^20 ppm = 107.9%: the requirement exceeds the victim's equity.
      expectStoppedBy({ inputs: { ...victim, "main.maintenanceRate[0]": 30_000n + (1n << BigInt(RATE_BITS)), "main.initialRate[0]": 49_999n } }, /^main\.risk\.firstRange\[0\]$/);
    });

    it("Should stop the victim's long valued at another market's price (the index bits of slot 0 select M2): the market index decomposition", () => {
      const forged = expectStoppedBy({ inputs: victim, bits: { "main.book.marketBits[0]": 2n } }, /^main\.book$/);
      expect(forged.broken.flatMap((k) => target.forger.signalsOf(k))).toContain("main.market[0]");
    });

    it("Should stop an underwater account's witness opened against the victim's commitment: the account commitment", () => {
      expectStoppedBy({ inputs: { "main.accountCommitment": commitmentOf(victimBook) } }, /^main\.book\.account\.chain\./);
    });

    it("Should stop the liquidation of an account without positions whatever its equity: the position check (IsZero of the sizes)", () => {
      const empty = book([], -100n);
      const input = asSignals(liquidationFor(empty, target.slots, target.markets));
      expect(isLiquidatable(empty, round, markets)).toBe(false);
      const forged = expectStoppedBy({ inputs: input }, /^main(\.empty)?$/);
      expect(forged.broken).toHaveLength(1);
      expect(target.forger.signalsOf(forged.broken[0]!)).toContain("main.empty.inv");
    });

    it("Should stop the victim's honest witness at a crash round presented for the current round: the round commitment", async () => {
      const crash = await target.tester.witness(liquidationFor(victimBook, target.slots, target.markets, crashRound));
      expect(target.tester.satisfies(crash)).toBe(true);
      expectStoppedBy({ inputs: { "main.roundCommitment": roundCommitmentOf(round) } }, /^main\.book\.combine\./, crash);
    });
  });
}
