import fc from "fast-check";
import { poseidon2, poseidon8 } from "poseidon-lite";
import { describe, expect, it } from "vitest";
import { accountCommitment, balanceElement, packSlot, toSlot } from "../../prover/src/commitment/commitments.ts";
import { FIELD_MODULUS, SLOT_BITS } from "../../prover/src/core/constants.ts";
import { CircuitTester } from "../helpers/circuit-tester.ts";
import { marginFor, solventBook } from "./helpers/books.ts";
import { WitnessForger } from "./helpers/forger.ts";
import { poseidonSignals } from "./helpers/poseidon-signals.ts";

// The attacker's tools must be exact, or an attack could fail for the tool's own error: the Poseidon
// recomputation matches poseidon-lite and the circuit's own witness, and the R1CS propagation rebuilds an
// honest witness signal for signal.
describe("Witness forger", () => {
  const element = fc.bigInt({ min: 0n, max: FIELD_MODULUS - 1n });

  it("Should hash like poseidon-lite for 2 and 8 inputs, including values near p", () => {
    fc.assert(fc.property(fc.array(element, { minLength: 8, maxLength: 8 }), (inputs) => {
      expect(poseidonSignals("x", inputs).get("x.out")).toBe(poseidon8(inputs));
      expect(poseidonSignals("y", inputs.slice(0, 2)).get("y.out")).toBe(poseidon2(inputs.slice(0, 2)));
    }), { numRuns: 30 });
  });

  it("Should give every Poseidon signal of the account commitment the value the circuit's witness holds", async () => {
    const tester = await CircuitTester.load("test_margin_n3_m5");
    const witness = await tester.witness(marginFor(solventBook, 3, 5));
    const forger = new WitnessForger(tester);
    // The chain's first link hashes [salt, owner, nonce, balance element, the three slots packed].
    const prefix = "main.book.account.chain.first";
    const digest = forger.value(witness, "main.accountCommitment");
    expect(accountCommitment(solventBook)).toBe(digest);
    const slots = solventBook.positions.map((position) => packSlot(toSlot(position)));
    const packed = slots.reduce((sum, slot, j) => sum + (slot << BigInt(j * SLOT_BITS)), 0n);
    const inputs = [solventBook.salt, solventBook.owner, solventBook.nonce, balanceElement(solventBook), packed, 0n, 0n, 0n];
    const signals = poseidonSignals(prefix, inputs);
    expect(signals.get(`${prefix}.out`)).toBe(digest);
    let compared = 0;
    for (const [name, value] of signals) {
      const index = tester.indexOf(name);
      if (index === undefined) continue;
      expect(witness[index], name).toBe(value);
      compared++;
    }
    expect(compared).toBeGreaterThan(300);
  });

  it("Should rebuild an honest witness from its inputs and bits alone, and say which signals it could not derive", async () => {
    const tester = await CircuitTester.load("test_margin_n3_m5");
    const witness = await tester.witness(marginFor(solventBook, 3, 5));
    const forged = new WitnessForger(tester).forge(witness, {});
    expect(forged.witness).toEqual(witness);
    expect(forged.assumed.length).toBeGreaterThan(0);
    expect(new WitnessForger(tester).brokenConstraints(forged.witness)).toEqual([]);
  });
});
