/**
 * The challenge and answer semantics of contracts/README.md ("Challenges"), one test per row of its table (C1 ..
 * C18), with the mock verifiers in exact-input mode where a proof's inputs matter (a proof is "valid for exactly
 * these public inputs", so a proof made before an event is the same proof after it).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { poseidonHash } from "../../prover/src/commitment/sponge.ts";
import { packMarginStatement, packTakeoverStatement } from "../../prover/src/commitment/statement.ts";
import {
  BOND, CHALLENGER_BPS, GOVERNANCE_DELAY, INSURANCE_BPS, MAX_AGE, PENALTY_BPS, WINDOW, type AnyContract, type Fixture, eventsOf, expectInvariant,
  expectRevert, increaseTime, latestTimestamp, postRound, proofWords, queueChange, setNextTimestamp, withFixture,
} from "./helpers.ts";

let f: Fixture;
withFixture((fixture) => (f = fixture));

const PROOF = proofWords(7n);
const gov = () => f.signers[0]!;
const venue = () => f.signers[2]!;
const alice = () => f.signers[3]!;
const bob = () => f.signers[4]!;
const carol = () => f.signers[5]!; // liquidator
const dave = () => f.signers[6]!; // challenger
const as = (signer: { address: string }): AnyContract => f.vault.connect(signer);
const C = (n: number | bigint): bigint => poseidonHash([BigInt(n), 0xc4a11n]);
const fillOf = (n: bigint): bigint => poseidonHash([n, 0xf111n]);
const answerStmt = (who: { address: string }) => packMarginStatement({ binder: BigInt(who.address), bufferBps: 0n, requirement: "maintenance", side: "favourable" });
const attestStmt = (who: { address: string }) => packMarginStatement({ binder: BigInt(who.address), bufferBps: 0n, requirement: "maintenance", side: "conservative" });

async function run(tx: Promise<{ wait: () => Promise<unknown> }>): Promise<void> {
  await (await tx).wait();
  await expectInvariant(f);
}

async function account(id: bigint) {
  const a = await f.vault.getAccount(id);
  return { posted: a.posted as bigint, applied: a.applied as bigint, lastHealthyRound: a.lastHealthyRound as bigint, challengeRound: a.challengeRound as bigint, deadline: a.challengeDeadline as bigint, commitment: a.commitment as bigint, status: Number(a.status) };
}

async function expectOnly(statement: keyof Fixture["verifiers"], signals: bigint[]): Promise<void> {
  await (await f.verifiers[statement].expectSignals(signals)).wait();
}

let a: bigint; // alice, challenged
let b: bigint; // bob, her counterparty
let l: bigint; // carol's liquidator account
let rc1: bigint;

beforeEach(async () => {
  for (const who of [alice(), bob(), carol()]) await run(as(who).open());
  [a, b, l] = [2n, 3n, 4n];
  await run(as(alice()).deposit(a, 10_000_000n, C(1), PROOF));
  await run(as(bob()).deposit(b, 10_000_000n, C(2), PROOF));
  await run(as(carol()).deposit(l, 50_000_000n, C(3), PROOF));
  ({ commitment: rc1 } = await postRound(f, 1n));
});

describe("# challenge rules (contracts/README.md, Challenges)", () => {
  it("C1: a challenge takes the latest fresh round, deadline now + window, the bond (>= 1 token, pulled exactly) and the fills posted so far", async () => {
    await run(as(venue()).postFill(a, b, fillOf(1n)));
    const events = await eventsOf(f.vault, as(dave()).challenge(a));
    const now = await latestTimestamp(f.ethers);
    expect(events).toEqual([{ name: "Challenged", args: [a, dave().address.toLowerCase(), 1n, now + WINDOW, BOND] }]);
    expect(await f.vault.getChallenge(a)).toEqual([dave().address, BOND, 1n, 1n]);
    expect(await f.vault.totalBonds()).toBe(BOND);
    expect(await f.vault.MIN_CHALLENGE_BOND()).toBe(1_000_000n);
  });

  it("C2: no challenge starts without a fresh round (none yet, or the oracle paused past maxAge)", async () => {
    await increaseTime(f.ethers, MAX_AGE + 1n);
    await expectRevert(f.errors, as(dave()).challenge(a), "ClearingVault__StaleRound", [1n]);
    await postRound(f, 2n);
    await run(as(dave()).challenge(a));
  });

  it("C3: an answer at the challenge round needs no fresh round (it may be stale by now)", async () => {
    await run(as(dave()).challenge(a));
    await increaseTime(f.ethers, MAX_AGE + 1n);
    expect(await f.registry.isFresh(1n)).toBe(false);
    await expectOnly("margin", [C(1), rc1, answerStmt(alice())]);
    await run(as(alice()).answer(a, 1n, PROOF));
    expect(await f.vault.claimable(alice().address)).toBe(BOND);
  });

  it("C4: an answer at a later round must be fresh; an older round than the challenge's is refused", async () => {
    await postRound(f, 2n);
    await run(as(dave()).challenge(a));
    await expectRevert(f.errors, as(alice()).answer(a, 1n, PROOF), "ClearingVault__RoundTooOld", [1n, 2n]);
    await postRound(f, 3n);
    await increaseTime(f.ethers, MAX_AGE + 1n);
    await expectRevert(f.errors, as(alice()).answer(a, 3n, PROOF), "ClearingVault__StaleRound", [3n]);
    await postRound(f, 4n);
    await run(as(alice()).answer(a, 4n, PROOF));
    expect((await account(a)).lastHealthyRound).toBe(4n);
  });

  it("C5: an answer after the deadline is refused and the account is defaulted", async () => {
    await run(as(dave()).challenge(a));
    const { deadline } = await account(a);
    // The answer's block is the deadline itself (set, not reached by adding seconds: a slow machine's clock
    // would move the next block past it).
    await setNextTimestamp(f.ethers, deadline);
    await run(as(alice()).answer(a, 1n, PROOF)); // the last second
    await postRound(f, 2n);
    await run(as(dave()).challenge(a));
    const second = (await account(a)).deadline;
    await increaseTime(f.ethers, second - (await latestTimestamp(f.ethers)));
    await expectRevert(f.errors, as(alice()).answer(a, 2n, PROOF), "ClearingVault__WindowClosed", [a, second]);
    await increaseTime(f.ethers, 1n);
    expect(await f.vault.isDefaulted(a)).toBe(true);
  });

  it("C6: an answer must include every fill posted before the challenge", async () => {
    await run(as(venue()).postFill(a, b, fillOf(1n)));
    await run(as(venue()).postFill(a, b, fillOf(2n)));
    await run(as(dave()).challenge(a));
    await expectRevert(f.errors, as(alice()).answer(a, 1n, PROOF), "ClearingVault__NotUpToDate", [a, 0n, 2n]);
    await run(f.vault.applyFills(a, 1n, C(10), PROOF));
    await expectRevert(f.errors, as(alice()).answer(a, 1n, PROOF), "ClearingVault__NotUpToDate", [a, 1n, 2n]);
    await run(f.vault.applyFills(a, 1n, C(11), PROOF));
    await expectOnly("margin", [C(11), rc1, answerStmt(alice())]);
    await run(as(alice()).answer(a, 1n, PROOF));
  });

  it("C7: fills the venue keeps posting during the window never block the answer; lastHealthyRound moves only when up to date", async () => {
    await run(as(dave()).challenge(a));
    // the owner's answer is made for the state the challenge asked about...
    await expectOnly("margin", [C(1), rc1, answerStmt(alice())]);
    // ...and the venue posts fills to the account right before it lands
    for (const n of [1n, 2n, 3n]) await run(as(venue()).postFill(a, b, fillOf(n)));
    await run(as(alice()).answer(a, 1n, PROOF));
    await (await f.verifiers.margin.clearExpectation()).wait();
    const acc = await account(a);
    expect([acc.deadline, acc.lastHealthyRound, acc.applied, acc.posted]).toEqual([0n, 0n, 0n, 3n]);
    // the new book is open to a new challenge (at the next round), which must then include those fills
    await postRound(f, 2n);
    await run(as(dave()).challenge(a));
    expect((await f.vault.getChallenge(a))[3]).toBe(3n);
    await expectRevert(f.errors, as(alice()).answer(a, 2n, PROOF), "ClearingVault__NotUpToDate", [a, 0n, 3n]);
    await run(f.vault.applyFills(a, 3n, C(12), PROOF));
    await run(as(alice()).answer(a, 2n, PROOF));
    expect((await account(a)).lastHealthyRound).toBe(2n);
  });

  it("C8: a deposit during the window (even once the round is stale) cures: then answer at the challenge round", async () => {
    await run(as(dave()).challenge(a));
    await increaseTime(f.ethers, MAX_AGE + 1n);
    // alice is below maintenance at round 1 with C(1): only the state after a deposit answers
    await expectOnly("margin", [C(20), rc1, answerStmt(alice())]);
    await expectRevert(f.errors, as(alice()).answer(a, 1n, PROOF), "ZkMarginVerifier__InvalidProof");
    await run(as(alice()).deposit(a, 5_000_000n, C(20), PROOF));
    expect((await account(a)).deadline).not.toBe(0n); // a deposit leaves the challenge pending
    await run(as(alice()).answer(a, 1n, PROOF));
    expect((await account(a)).deadline).toBe(0n);
  });

  it("C9: applying fills during the window keeps the challenge, forgets lastHealthyRound; the answer is about the new state", async () => {
    await run(as(alice()).attest(a, 1n, 0, PROOF));
    await run(as(venue()).postFill(a, b, fillOf(1n)));
    await postRound(f, 2n);
    await run(as(dave()).challenge(a));
    await run(f.vault.applyFills(a, 1n, C(30), PROOF));
    const acc = await account(a);
    expect([acc.lastHealthyRound, acc.challengeRound]).toEqual([0n, 2n]);
    const rc2 = (await f.registry.getRound(2n))[0];
    await expectOnly("margin", [C(30), rc2, answerStmt(alice())]);
    await run(as(alice()).answer(a, 2n, PROOF));
  });

  it("C10: a withdrawal during the window (up to date, latest fresh round) answers the challenge", async () => {
    await run(as(dave()).challenge(a));
    await run(as(alice()).withdraw(a, 1_000_000n, 1n, C(40), PROOF));
    expect((await account(a)).deadline).toBe(0n);
    expect(await f.vault.claimable(alice().address)).toBe(BOND);
  });

  it("C11: an attest at or after the challenge round answers it; one at an older round is recorded and leaves it pending", async () => {
    await postRound(f, 2n);
    await run(as(dave()).challenge(a));
    await run(as(alice()).attest(a, 1n, 0, PROOF));
    expect((await account(a)).challengeRound).toBe(2n);
    await run(as(alice()).attest(a, 2n, 0, PROOF));
    expect((await account(a)).deadline).toBe(0n);
  });

  it("C12: after the deadline, attest, withdraw and postFill are refused (a late attest no longer closes the challenge)", async () => {
    await run(as(dave()).challenge(a));
    await increaseTime(f.ethers, WINDOW + 1n);
    await postRound(f, 2n);
    await expectRevert(f.errors, as(alice()).attest(a, 2n, 0, PROOF), "ClearingVault__Defaulted", [a]);
    await expectRevert(f.errors, as(alice()).withdraw(a, 1n, 2n, C(50), PROOF), "ClearingVault__Defaulted", [a]);
    await expectRevert(f.errors, as(venue()).postFill(a, b, fillOf(1n)), "ClearingVault__Defaulted", [a]);
    expect((await account(a)).deadline).not.toBe(0n);
  });

  it("C13: after the deadline, the account can still be funded and brought up to date (then taken over)", async () => {
    await run(as(venue()).postFill(a, b, fillOf(1n)));
    await run(as(dave()).challenge(a));
    await increaseTime(f.ethers, WINDOW + 1n);
    await run(as(bob()).deposit(a, 1_000n, C(60), PROOF));
    await run(f.vault.applyFills(a, 1n, C(61), PROOF));
    await postRound(f, 2n);
    await run(as(carol()).takeover(a, l, 2n, 9_000_000n, 1_000_000n, 0n, C(62), PROOF));
  });

  it("C14: a takeover by proof before the deadline: the challenger gets its bond back, no share (front-running a takeover earns nothing)", async () => {
    // carol's takeover proof is made, dave sees it in the mempool and challenges first
    await expectOnly("takeover", [C(1), C(3), C(70), rc1, packTakeoverStatement({ ownerPayout: 8_000_000n, penalty: 1_000_000n, badDebt: 0n, penaltyBps: PENALTY_BPS, defaulted: false })]);
    await run(as(dave()).challenge(a));
    await run(as(carol()).takeover(a, l, 1n, 8_000_000n, 1_000_000n, 0n, C(70), PROOF));
    const insurance = (1_000_000n * INSURANCE_BPS) / 10_000n;
    expect(await f.vault.claimable(dave().address)).toBe(BOND);
    expect(await f.vault.claimable(carol().address)).toBe(1_000_000n - insurance);
  });

  it("C15: a takeover after the deadline (defaulted): no below-maintenance proof, the challenger gets its bond and its share", async () => {
    await run(as(dave()).challenge(a));
    await increaseTime(f.ethers, WINDOW + 1n);
    const { commitment: rc2 } = await postRound(f, 2n);
    await expectOnly("takeover", [C(1), C(3), C(80), rc2, packTakeoverStatement({ ownerPayout: 8_000_000n, penalty: 1_000_000n, badDebt: 0n, penaltyBps: PENALTY_BPS, defaulted: true })]);
    await run(as(carol()).takeover(a, l, 2n, 8_000_000n, 1_000_000n, 0n, C(80), PROOF));
    const insurance = (1_000_000n * INSURANCE_BPS) / 10_000n;
    const challenger = (1_000_000n * CHALLENGER_BPS) / 10_000n;
    expect(await f.vault.claimable(dave().address)).toBe(BOND + challenger);
    expect(await f.vault.claimable(carol().address)).toBe(1_000_000n - insurance - challenger);
  });

  it("C16: a transition pending when a challenge lands does not revert because of it (deposit, applyFills, attest, withdraw, takeover)", async () => {
    // each proof below is made (its inputs fixed) before dave's challenge lands, and sent after it
    await run(as(venue()).postFill(b, l, fillOf(1n)));
    const { commitment: rc2 } = await postRound(f, 2n); // a newer round: the challenges are at round 2
    await expectOnly("deposit", [C(1), C(90), 1_000n]);
    await run(as(dave()).challenge(a));
    await run(as(alice()).deposit(a, 1_000n, C(90), PROOF));
    await expectOnly("applyFills", [C(2), C(91), await f.vault.headAt(b, 1n), await f.vault.applyFillsStatement(1n)]);
    await run(as(dave()).challenge(b));
    await run(f.vault.applyFills(b, 1n, C(91), PROOF));
    await expectOnly("margin", [C(91), rc1, attestStmt(bob())]);
    await run(as(bob()).attest(b, 1n, 0, PROOF)); // an older round than the challenge's: recorded, no revert
    expect((await account(b)).challengeRound).toBe(2n);
    await expectOnly("withdraw", [C(90), C(92), rc2, 500n]);
    await run(as(alice()).withdraw(a, 500n, 2n, C(92), PROOF)); // it answers alice's challenge
    expect((await account(a)).deadline).toBe(0n);
    const { commitment: rc3 } = await postRound(f, 3n);
    await expectOnly("takeover", [C(92), C(3), C(94), rc3, packTakeoverStatement({ ownerPayout: 0n, penalty: 0n, badDebt: 0n, penaltyBps: PENALTY_BPS, defaulted: false })]);
    await run(as(dave()).challenge(a));
    await run(as(carol()).takeover(a, l, 3n, 0n, 0n, 0n, C(94), PROOF));
    expect((await account(a)).status).toBe(2);
  });

  it("C17: a change of bond or window while a challenge is pending leaves its bond and deadline alone", async () => {
    await queueChange(f.vault, gov(), "setChallengeParameters", [2n * BOND, 7n * 86_400n]);
    await increaseTime(f.ethers, GOVERNANCE_DELAY - 10n * 60n);
    await postRound(f, 2n);
    await run(as(dave()).challenge(a));
    const before = await account(a);
    await increaseTime(f.ethers, 10n * 60n);
    await run(f.vault.connect(gov()).setChallengeParameters(2n * BOND, 7n * 86_400n));
    expect((await account(a)).deadline).toBe(before.deadline);
    await increaseTime(f.ethers, WINDOW);
    expect(await f.vault.isDefaulted(a)).toBe(true); // the old window still governs it
    await postRound(f, 3n);
    await run(as(carol()).takeover(a, l, 3n, 0n, 0n, 0n, C(100), PROOF));
    expect(await f.vault.claimable(dave().address)).toBe(BOND); // the bond it posted, not the new one
  });

  it("C18: one challenge at a time, and none at a round the account was proven healthy at", async () => {
    await run(as(dave()).challenge(a));
    await expectRevert(f.errors, as(bob()).challenge(a), "ClearingVault__ChallengeActive", [a]);
    await run(as(alice()).answer(a, 1n, PROOF));
    await expectRevert(f.errors, as(dave()).challenge(a), "ClearingVault__AlreadyHealthy", [a, 1n]);
    await expectRevert(f.errors, as(dave()).challenge(1n), "ClearingVault__FeeAccount");
  });
});
