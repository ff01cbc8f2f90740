/**
 * attestBatch with the mock batch verifier: the exact public inputs it passes (per account [C_i, round,
 * margin(sender, buffer, maintenance, conservative)]), its effects (as attest's, per account), and every rule broken
 * once (batch shape, order, each account's checks named, round). Real proofs and gas: batch.test.ts.
 */
import { describe, expect, it } from "vitest";
import { packMarginStatement } from "../../prover/src/commitment/statement.ts";
import { poseidonHash } from "../../prover/src/commitment/sponge.ts";
import { BOND, MAX_AGE, WINDOW, type AnyContract, type Fixture, eventsOf, expectInvariant, expectRevert, increaseTime, postRound, proofWords, seen, withFixture } from "./helpers.ts";

let f: Fixture;
withFixture((fixture) => (f = fixture));

const FEE = 1n;
const venue = () => f.signers[2]!;
const alice = () => f.signers[3]!;
const bob = () => f.signers[4]!;
const keeper = () => f.signers[5]!;
const dave = () => f.signers[6]!; // challenger
const as = (signer: { address: string }): AnyContract => f.vault.connect(signer);
const statement = (binder: string, bufferBps: bigint) => packMarginStatement({ binder: BigInt(binder), bufferBps, requirement: "maintenance", side: "conservative" });
const proofs = (n: number) => Array.from({ length: n }, (_, i) => proofWords(BigInt(i + 1)));

async function run(tx: Promise<{ wait: () => Promise<unknown> }>): Promise<void> {
  await (await tx).wait();
}

async function openAccounts(n: number, owner = alice()): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(await as(owner).open.staticCall());
    await run(as(owner).open());
  }
  return ids;
}

describe("# attestBatch (mock batch verifier)", () => {
  it("Should verify [C_i, round, margin(sender, buffer, maintenance, conservative)] for each account, and record the round", async () => {
    const ids = await openAccounts(3);
    const { commitment: rc } = await postRound(f, 1n);
    const commitments = await Promise.all(ids.map(async (id) => (await f.vault.getAccount(id)).commitment as bigint));
    const got = await seen(f, f.batchVerifier, () => as(keeper()).attestBatch(ids, 1n, 250, proofs(3)));
    expect(got.signals).toEqual(commitments.flatMap((c) => [c, rc, statement(keeper().address, 250n)]));
    expect(got.proof.map((p) => [...(p as unknown as bigint[])])).toEqual(proofs(3));
    expect(await eventsOf(f.vault, as(keeper()).attestBatch(ids, 1n, 250, proofs(3)))).toEqual([{ name: "AttestedBatch", args: [1n, keeper().address.toLowerCase(), 250n, ids] }]);
    for (const id of ids) expect((await f.vault.getAccount(id)).lastHealthyRound).toBe(1n);
  });

  it("Should reject the whole batch when the batch verifier does (InvalidBatch), changing nothing", async () => {
    const ids = await openAccounts(2);
    const { commitment: rc } = await postRound(f, 1n);
    const commitments = await Promise.all(ids.map(async (id) => (await f.vault.getAccount(id)).commitment as bigint));
    await run(f.batchVerifier.expectSignals(commitments.flatMap((c) => [c, rc, statement(keeper().address, 0n)])));
    await expectRevert(f.errors, as(bob()).attestBatch(ids, 1n, 0, proofs(2)), "ZkMarginVerifier__InvalidBatch", []); // bound to the keeper
    await expectRevert(f.errors, as(keeper()).attestBatch(ids, 1n, 1, proofs(2)), "ZkMarginVerifier__InvalidBatch", []); // another buffer
    expect((await f.vault.getAccount(ids[0]!)).lastHealthyRound).toBe(0n);
    await run(as(keeper()).attestBatch(ids, 1n, 0, proofs(2)));
  });

  it("Should refuse an empty batch, a proof count other than the accounts', ids not strictly increasing", async () => {
    const ids = await openAccounts(3);
    await postRound(f, 1n);
    await expectRevert(f.errors, as(keeper()).attestBatch([], 1n, 0, []), "ClearingVault__BadBatch", [0n, 0n]);
    await expectRevert(f.errors, as(keeper()).attestBatch(ids, 1n, 0, proofs(2)), "ClearingVault__BadBatch", [3n, 2n]);
    await expectRevert(f.errors, as(keeper()).attestBatch([ids[0]!, ids[0]!], 1n, 0, proofs(2)), "ClearingVault__BatchOrder", [1n]);
    await expectRevert(f.errors, as(keeper()).attestBatch([ids[2]!, ids[1]!], 1n, 0, proofs(2)), "ClearingVault__BatchOrder", [1n]);
    await expectRevert(f.errors, as(keeper()).attestBatch([0n], 1n, 0, proofs(1)), "ClearingVault__BatchOrder", [0n]);
  });

  it("Should name the account that fails attest's checks: unknown, not up to date (fee account exempt), defaulted", async () => {
    const [a, b, c] = await openAccounts(3);
    await postRound(f, 1n);
    await expectRevert(f.errors, as(keeper()).attestBatch([a!, 99n], 1n, 0, proofs(2)), "ClearingVault__UnknownAccount", [99n]);
    await run(as(venue()).postFill(a!, b!, poseidonHash([1n, 0xf111n])));
    await expectRevert(f.errors, as(keeper()).attestBatch([a!, c!], 1n, 0, proofs(2)), "ClearingVault__NotUpToDate", [a!, 0n, 1n]);
    await run(as(keeper()).attestBatch([FEE, c!], 1n, 0, proofs(2))); // the fee account's pending fills only add fees
    await postRound(f, 2n);
    await run(as(dave()).challenge(c!));
    await increaseTime(f.ethers, WINDOW + 1n);
    await postRound(f, 3n);
    await expectRevert(f.errors, as(keeper()).attestBatch([FEE, c!], 3n, 0, proofs(2)), "ClearingVault__Defaulted", [c!]);
  });

  it("Should refuse an unknown and a stale round", async () => {
    const ids = await openAccounts(1);
    await expectRevert(f.errors, as(keeper()).attestBatch(ids, 1n, 0, proofs(1)), "ClearingVault__UnknownRound", [1n]);
    await postRound(f, 1n);
    await increaseTime(f.ethers, MAX_AGE + 1n);
    await expectRevert(f.errors, as(keeper()).attestBatch(ids, 1n, 0, proofs(1)), "ClearingVault__StaleRound", [1n]);
  });

  it("Should keep the newest healthy round and answer a pending challenge at or after its round, as attest does", async () => {
    const [a, b] = await openAccounts(2);
    await postRound(f, 1n);
    await postRound(f, 2n);
    await run(as(dave()).challenge(a!));
    await run(as(keeper()).attestBatch([a!, b!], 1n, 0, proofs(2))); // older than the challenge: no answer
    expect((await f.vault.getAccount(a!)).challengeRound).toBe(2n);
    expect(await eventsOf(f.vault, as(keeper()).attestBatch([a!, b!], 2n, 0, proofs(2)))).toEqual([
      { name: "ChallengeAnswered", args: [a!, 2n, keeper().address.toLowerCase(), alice().address.toLowerCase(), BOND] },
      { name: "Credited", args: [alice().address.toLowerCase(), BOND] },
      { name: "AttestedBatch", args: [2n, keeper().address.toLowerCase(), 0n, [a!, b!]] },
    ]);
    await run(as(keeper()).attestBatch([a!, b!], 1n, 0, proofs(2))); // an older round again: kept at 2
    for (const id of [a!, b!]) expect((await f.vault.getAccount(id)).lastHealthyRound).toBe(2n);
    await expectInvariant(f);
  });
});
