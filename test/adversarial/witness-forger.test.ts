import fc from "fast-check";
import * as poseidon from "poseidon-lite";
import { describe, expect, it } from "vitest";
import { bookHash, domainElement } from "../../prover/src/commitment/account.ts";
import { toField } from "../../prover/src/core/field.ts";
import { FIELD_MODULUS } from "../../prover/src/core/constants.ts";
import { prepareTakeover } from "../../prover/src/statements/prepare.ts";
import { marginInput } from "../helpers/fixtures.ts";
import { ANSWER, MAINTENANCE, MARKETS, ROUND, boundaryBook, commitmentOf, liquidatorState, specs } from "./helpers/books.ts";
import { poseidonSignals } from "./helpers/poseidon-signals.ts";
import { asSignals, forgeAttack, loadTarget } from "./helpers/zkmargin-forgery.ts";

// The attacker's tools must be exact, or an attack could fail for the tool's own error: the Poseidon
// recomputation matches poseidon-lite and the circuit's own witness at every width the v2 circuits use, and the
// R1CS propagation rebuilds an honest witness signal for signal from its inputs, and a self-made commitment as
// the SDK computes it.
const BY_ARITY = [poseidon.poseidon1, poseidon.poseidon2, poseidon.poseidon3, poseidon.poseidon4, poseidon.poseidon5, poseidon.poseidon6, poseidon.poseidon7, poseidon.poseidon8, poseidon.poseidon9, poseidon.poseidon10, poseidon.poseidon11, poseidon.poseidon12, poseidon.poseidon13, poseidon.poseidon14, poseidon.poseidon15, poseidon.poseidon16];

describe("Witness forger", () => {
  const element = fc.bigInt({ min: 0n, max: FIELD_MODULUS - 1n });

  it("Should hash like poseidon-lite for 1 to 16 inputs, including values near p", () => {
    fc.assert(fc.property(fc.array(element, { minLength: 16, maxLength: 16 }), (inputs) => {
      for (let n = 1; n <= 16; n++) expect(poseidonSignals("x", inputs.slice(0, n)).get("x.out"), `Poseidon(${n})`).toBe(BY_ARITY[n - 1]!(inputs.slice(0, n)));
    }), { numRuns: 6 });
  });

  it("Should give every Poseidon signal of the account commitment the value the circuit's witness holds", async () => {
    const target = await loadTarget("test_cross_margin_m4");
    const state = boundaryBook(MARKETS.cross, MAINTENANCE);
    const witness = await target.tester.witness(marginInput(state, ROUND, MARKETS.cross, MAINTENANCE));
    const book = [state.salt, state.nonce, toField(state.cash), state.head, ...state.slots.map((slot) => toField(slot.size)), ...state.slots.map((slot) => toField(slot.fundingIndex))];
    const checks = [["main.account.book.single", book], ["main.account.outer", [domainElement(state.domain), state.accountId, state.owner, bookHash(state)]]] as const;
    let compared = 0;
    for (const [prefix, inputs] of checks) {
      for (const [name, value] of poseidonSignals(prefix, inputs)) {
        const index = target.tester.indexOf(name);
        if (index === undefined) continue;
        expect(witness[index], name).toBe(value);
        compared++;
      }
    }
    expect(target.forger.value(witness, "main.accountCommitment")).toBe(commitmentOf(state));
    expect(compared).toBeGreaterThan(500);
  });

  it("Should find every Poseidon component of a takeover with its width", async () => {
    const target = await loadTarget("test_tiered_takeover_m4");
    const components = target.forger.poseidonComponents();
    expect(Object.fromEntries(components)).toEqual({
      "main.victim.book.single": 12, "main.victim.outer": 4,
      "main.transition.before.book.single": 12, "main.transition.before.outer": 4,
      "main.transition.after.book.single": 12, "main.transition.after.outer": 4,
      "main.round.prices.sponge.single": 5, "main.round.risk.sponge.link[0]": 5, "main.round.risk.sponge.link[1]": 5, "main.round.combine": 2,
    });
  });

  it("Should rebuild honest witnesses from their inputs alone, deriving a commitment the attacker makes itself as the SDK computes it", async () => {
    const target = await loadTarget("test_tiered_takeover_m4");
    const healthy = boundaryBook(MARKETS.tiered, ANSWER);
    const victim = { ...healthy, cash: healthy.cash - 1n };
    const prepared = prepareTakeover(victim, liquidatorState(), ROUND, MARKETS.tiered, { penaltyBps: 150n }, specs);
    const witness = await target.tester.witness(prepared.input);
    const forged = forgeAttack(target, witness, {});
    expect(forged.witness).toEqual(witness);
    expect(forged.assumedNonBits.filter((name) => !/\.unpriced\.inv$/.test(name))).toEqual([]); // IsZero inverses of 0: free
    const derived = forgeAttack(target, witness, { derive: ["main.victimCommitment", "main.liquidatorCommitment", "main.liquidatorNewCommitment", "main.roundCommitment"] });
    expect(derived.witness).toEqual(witness);
    // The victim with 1 unit more cash, its commitment derived: the SDK's commitment of that state.
    const richer = forgeAttack(target, witness, { inputs: asSignals({ victimCash: (victim.cash + 1n).toString() }), derive: ["main.victimCommitment"] });
    expect(target.forger.value(richer.witness, "main.victimCommitment")).toBe(commitmentOf({ ...victim, cash: victim.cash + 1n }));
  });
});
