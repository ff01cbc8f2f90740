import { describe, expect, it } from "vitest";
import { poseidonHash } from "../../prover/src/commitment/sponge.ts";
import { BOND, type Fixture, gasOf, increaseTime, postRound, proofWords, withFixture } from "./helpers.ts";

let f: Fixture;
withFixture((fixture) => (f = fixture));

const PROOF = proofWords(5n);
const C = (n: number): bigint => poseidonHash([BigInt(n), 0xabcn]);

describe("# gas (mock verifiers: a real Groth16 verifier adds ~190k + 6.6k per public input)", () => {
  it("Should measure every entry point", async () => {
    const [, , venue, alice, bob, carol, dave] = f.signers;
    const gas: Record<string, bigint> = {};
    const v = f.vault;
    gas["open"] = await gasOf(v.connect(alice).open());
    await (await v.connect(bob).open()).wait();
    await (await v.connect(carol).open()).wait();
    const [a, b, c] = [2n, 3n, 4n];
    gas["postFill (first fill of both sides)"] = await gasOf(v.connect(venue).postFill(a, b, C(1)));
    for (let i = 2; i <= 9; i++) {
      const g = await gasOf(v.connect(venue).postFill(a, b, C(i)));
      if (i === 2) gas["postFill (later)"] = g;
    }
    gas["applyFills k = 1"] = await gasOf(v.applyFills(a, 1n, C(100), PROOF));
    gas["applyFills k = 8"] = await gasOf(v.applyFills(a, 8n, C(101), PROOF));
    for (const x of [b]) await (await v.applyFills(x, 8n, C(102), PROOF)).wait();
    await (await v.applyFills(b, 1n, C(103), PROOF)).wait();
    gas["deposit (first)"] = await gasOf(v.connect(alice).deposit(a, 1_000_000_000n, C(104), PROOF));
    gas["deposit (later)"] = await gasOf(v.connect(alice).deposit(a, 1_000_000_000n, C(105), PROOF));
    await (await v.connect(carol).deposit(c, 1_000_000_000n, C(106), PROOF)).wait();
    await postRound(f, 1n);
    gas["attest"] = await gasOf(v.connect(alice).attest(a, 1n, 100, PROOF));
    gas["withdraw"] = await gasOf(v.connect(alice).withdraw(a, 1_000_000n, 1n, C(107), PROOF));
    await postRound(f, 2n);
    gas["challenge"] = await gasOf(v.connect(dave).challenge(b));
    gas["answer"] = await gasOf(v.connect(bob).answer(b, 2n, PROOF));
    await postRound(f, 3n);
    await (await v.connect(dave).challenge(b)).wait();
    gas["takeover (challenge pending)"] = await gasOf(v.connect(carol).takeover(b, c, 3n, 1_000n, 2_000n, 0n, C(108), PROOF));
    gas["takeover (no challenge)"] = await gasOf(v.connect(carol).takeover(a, c, 3n, 1_000n, 2_000n, 0n, C(109), PROOF));
    await increaseTime(f.ethers, 1);
    gas["claim"] = await gasOf(v.connect(dave).claim());
    gas["fundInsurance"] = await gasOf(v.connect(dave).fundInsurance(BOND));
    console.log("vault gas (mock verifiers)", gas);
    expect(gas["postFill (later)"]).toBeLessThan(200_000n);
  });
});
