import { beforeEach, describe, expect, it } from "vitest";
import { accountCommitment, genesisState } from "../../prover/src/commitment/account.ts";
import { extendChain } from "../../prover/src/commitment/fill.ts";
import { pricesCommitment } from "../../prover/src/commitment/round.ts";
import { poseidonHash } from "../../prover/src/commitment/sponge.ts";
import { packApplyStatement, packMarginStatement, packTakeoverStatement } from "../../prover/src/commitment/statement.ts";
import {
  BOND, CHALLENGER_BPS, FIELD, GOVERNANCE_DELAY, INSURANCE_BPS, LISTED, MAX_AGE, PENALTY_BPS, WINDOW, type AnyContract, type Fixture, changeData,
  eventsOf, expectInvariant, expectRevert, governed, increaseTime, latestTimestamp, postRound, proofWords, queueChange, roundValues, seen, withFixture,
} from "./helpers.ts";

let f: Fixture;
withFixture((fixture) => (f = fixture));

const PROOF = proofWords(3n);
const FEE = 1n;
const venue = () => f.signers[2]!;
const alice = () => f.signers[3]!;
const bob = () => f.signers[4]!;
const carol = () => f.signers[5]!; // liquidator
const dave = () => f.signers[6]!; // challenger
const eve = () => f.signers[7]!; // anyone else
const gov = () => f.signers[0]!;
const as = (signer: { address: string }): AnyContract => f.vault.connect(signer);
const fillOf = (n: bigint): bigint => poseidonHash([n, 0xf111n]); // a fill commitment (its preimage does not matter here)
const C = (n: number | bigint): bigint => poseidonHash([BigInt(n), 0xc0ffeen]); // some new commitment

/** Runs a transaction, waits for it, and checks the balance invariant after it. */
async function run(tx: Promise<{ wait: () => Promise<unknown> }>): Promise<void> {
  await (await tx).wait();
  await expectInvariant(f);
}

async function open(owner = alice()): Promise<bigint> {
  const id: bigint = await as(owner).open.staticCall();
  await run(as(owner).open());
  return id;
}

async function account(id: bigint) {
  const a = await f.vault.getAccount(id);
  return {
    owner: a.owner as string, posted: a.posted as bigint, status: Number(a.status), applied: a.applied as bigint,
    lastHealthyRound: a.lastHealthyRound as bigint, challengeRound: a.challengeRound as bigint,
    challengeDeadline: a.challengeDeadline as bigint, commitment: a.commitment as bigint,
  };
}

const commitmentOf = async (id: bigint): Promise<bigint> => (await account(id)).commitment;
const balance = (who: { address: string } | string): Promise<bigint> => f.token.balanceOf(typeof who === "string" ? who : who.address);
const listed = BigInt(LISTED);

async function postFill(a: bigint, b: bigint, fill: bigint): Promise<void> {
  await run(as(venue()).postFill(a, b, fill));
}

/** Applies every posted fill of `id` (mock verifier accepting), moving its commitment to `to`. */
async function applyAll(id: bigint, to: bigint): Promise<void> {
  const a = await account(id);
  const pending = a.posted - a.applied;
  if (pending > 0n) await run(f.vault.applyFills(id, pending, to, PROOF));
}

async function deposit(id: bigint, amount: bigint, to: bigint, who = alice()): Promise<void> {
  await run(as(who).deposit(id, amount, to, PROOF));
}

/** Makes the mock of `statement` accept exactly `signals`. */
async function expectOnly(statement: keyof Fixture["verifiers"], signals: bigint[]): Promise<void> {
  await (await f.verifiers[statement].expectSignals(signals)).wait();
}

// ================================================================================================ open

describe("# open", () => {
  it("Should open the venue's fee account (id 1) in the constructor at its genesis commitment", async () => {
    const domain = { chainId: (await f.ethers.provider.getNetwork()).chainId, vault: BigInt(f.vault.target) };
    expect(await f.vault.domain()).toBe(domain.vault + (domain.chainId << 160n));
    const fee = await account(FEE);
    expect(fee.owner).toBe(venue().address);
    expect(fee.status).toBe(1);
    expect(fee.commitment).toBe(accountCommitment(genesisState(domain, FEE, BigInt(venue().address))));
    expect(await f.vault.nextAccountId()).toBe(2n);
  });

  it("Should compute the genesis commitment Poseidon4(domain, id, owner, EMPTY_BOOK) as the SDK and emit it", async () => {
    const domain = { chainId: (await f.ethers.provider.getNetwork()).chainId, vault: BigInt(f.vault.target) };
    const expected = accountCommitment(genesisState(domain, 2n, BigInt(alice().address)));
    expect(await eventsOf(f.vault, as(alice()).open())).toEqual([{ name: "AccountOpened", args: [2n, alice().address.toLowerCase(), expected] }]);
    expect(await account(2n)).toEqual({ owner: alice().address, posted: 0n, status: 1, applied: 0n, lastHealthyRound: 0n, challengeRound: 0n, challengeDeadline: 0n, commitment: expected });
    expect(await f.vault.genesisCommitment(2n, alice().address)).toBe(expected);
    expect(await open(bob())).toBe(3n);
    await expectInvariant(f);
  });
});

// ================================================================================================ postFill

describe("# postFill", () => {
  let a: bigint;
  let b: bigint;
  beforeEach(async () => {
    a = await open(alice());
    b = await open(bob());
  });

  it("Should append the fill to both accounts' chains and the fee account's, as the SDK's extendChain", async () => {
    const events = await eventsOf(f.vault, as(venue()).postFill(a, b, fillOf(1n)));
    expect(events).toEqual([{ name: "FillPosted", args: [a, b, fillOf(1n), 1n, 1n, 1n] }]);
    await postFill(b, a, fillOf(2n));
    for (const id of [a, b, FEE]) {
      expect((await account(id)).posted).toBe(2n);
      expect(await f.vault.headAt(id, 0n)).toBe(0n);
      expect(await f.vault.headAt(id, 1n)).toBe(extendChain(0n, fillOf(1n)));
      expect(await f.vault.headAt(id, 2n)).toBe(extendChain(extendChain(0n, fillOf(1n)), fillOf(2n)));
      expect(await f.vault.isUpToDate(id)).toBe(false);
    }
    const c = await open(carol());
    await postFill(a, c, fillOf(3n));
    expect((await account(a)).posted).toBe(3n);
    expect((await account(c)).posted).toBe(1n);
    expect(await f.vault.headAt(c, 1n)).toBe(extendChain(0n, fillOf(3n)));
    expect((await account(FEE)).posted).toBe(3n);
  });

  it("Should refuse anyone but the venue", async () => {
    await expectRevert(f.errors, as(alice()).postFill(a, b, fillOf(1n)), "ClearingVault__NotVenue", [alice().address]);
  });

  it("Should refuse a self-trade and the fee account as a side", async () => {
    await expectRevert(f.errors, as(venue()).postFill(a, a, fillOf(1n)), "ClearingVault__SelfTrade", [a]);
    await expectRevert(f.errors, as(venue()).postFill(a, FEE, fillOf(1n)), "ClearingVault__FeeAccount");
    await expectRevert(f.errors, as(venue()).postFill(FEE, b, fillOf(1n)), "ClearingVault__FeeAccount");
  });

  it("Should refuse an unknown or a closed account", async () => {
    await expectRevert(f.errors, as(venue()).postFill(a, 99n, fillOf(1n)), "ClearingVault__UnknownAccount", [99n]);
    await postRound(f, 1n);
    const c = await open(carol());
    await run(as(carol()).takeover(b, c, 1n, 0n, 0n, 0n, C(1), PROOF));
    await expectRevert(f.errors, as(venue()).postFill(a, b, fillOf(1n)), "ClearingVault__AccountClosed", [b]);
  });

  it("Should refuse a defaulted account (a challenge expired unanswered), on either side", async () => {
    await postRound(f, 1n);
    await run(as(dave()).challenge(b));
    await postFill(a, b, fillOf(1n)); // still within the window
    await increaseTime(f.ethers, WINDOW + 1n);
    await expectRevert(f.errors, as(venue()).postFill(a, b, fillOf(2n)), "ClearingVault__Defaulted", [b]);
    await expectRevert(f.errors, as(venue()).postFill(b, a, fillOf(2n)), "ClearingVault__Defaulted", [b]);
  });

  it("Should refuse a fill commitment >= r", async () => {
    await expectRevert(f.errors, as(venue()).postFill(a, b, FIELD), "ClearingVault__FillOutOfField");
  });
});

// ================================================================================================ applyFills

describe("# applyFills", () => {
  let a: bigint;
  let b: bigint;
  beforeEach(async () => {
    a = await open(alice());
    b = await open(bob());
    for (const n of [1n, 2n, 3n]) await postFill(a, b, fillOf(n));
  });

  it("Should verify [C, newC, heads[applied + k], k + 2^16 L] and move the commitment", async () => {
    const c0 = await commitmentOf(a);
    const { signals } = await seen(f, f.verifiers.applyFills, () => f.vault.applyFills(a, 2n, C(1), PROOF));
    const head2 = await f.vault.headAt(a, 2n);
    expect(signals).toEqual([c0, C(1), head2, packApplyStatement({ count: 2, listedMarkets: LISTED })]);
    expect(await f.vault.applyFillsStatement(2n)).toBe(2n + (listed << 16n));

    expect(await eventsOf(f.vault, f.vault.connect(eve()).applyFills(a, 2n, C(1), PROOF))).toEqual([{ name: "FillsApplied", args: [a, 2n, 2n, C(1)] }]);
    expect((await account(a)).applied).toBe(2n);
    expect(await commitmentOf(a)).toBe(C(1));
    // the next one starts from the new commitment, at the next head
    const next = await seen(f, f.verifiers.applyFills, () => f.vault.applyFills(a, 1n, C(2), PROOF));
    expect(next.signals).toEqual([C(1), C(2), await f.vault.headAt(a, 3n), 1n + (listed << 16n)]);
    await run(f.vault.applyFills(a, 1n, C(2), PROOF));
    expect(await f.vault.isUpToDate(a)).toBe(true);
  });

  it("Should forget the account's last healthy round (the book changed), so it can be challenged at once", async () => {
    await postRound(f, 1n);
    await run(f.vault.applyFills(a, 3n, C(1), PROOF));
    await run(as(alice()).attest(a, 1n, 0, PROOF));
    await expectRevert(f.errors, as(dave()).challenge(a), "ClearingVault__AlreadyHealthy", [a, 1n]);
    await deposit(a, 5n, C(2));
    expect((await account(a)).lastHealthyRound).toBe(1n); // a deposit only adds cash
    await postFill(a, b, fillOf(4n));
    await run(f.vault.applyFills(a, 1n, C(3), PROOF));
    expect((await account(a)).lastHealthyRound).toBe(0n);
    await run(as(dave()).challenge(a));
  });

  it("Should refuse a count of 0 or more than K = 8", async () => {
    await expectRevert(f.errors, f.vault.applyFills(a, 0n, C(1), PROOF), "ClearingVault__BadFillCount", [0n]);
    await expectRevert(f.errors, f.vault.applyFills(a, 9n, C(1), PROOF), "ClearingVault__BadFillCount", [9n]);
  });

  it("Should refuse applying beyond the fills posted", async () => {
    await expectRevert(f.errors, f.vault.applyFills(a, 4n, C(1), PROOF), "ClearingVault__NotPosted", [a, 4n, 3n]);
    await run(f.vault.applyFills(a, 3n, C(1), PROOF));
    await expectRevert(f.errors, f.vault.applyFills(a, 1n, C(2), PROOF), "ClearingVault__NotPosted", [a, 4n, 3n]);
  });

  it("Should refuse a replay, a fill applied twice and fills out of order (the proof's inputs are no longer the vault's)", async () => {
    const c0 = await commitmentOf(a);
    const first = [c0, C(1), await f.vault.headAt(a, 1n), 1n + (listed << 16n)];
    await expectOnly("applyFills", first);
    // out of order: the proof of fill 1 alone cannot stand for fills 1..2 (the vault passes heads[2] and k = 2)
    await expectRevert(f.errors, f.vault.applyFills(a, 2n, C(1), PROOF), "ZkMarginVerifier__InvalidProof");
    await run(f.vault.applyFills(a, 1n, C(1), PROOF));
    // replay / twice: the same proof again: the commitment is C(1) now and the head is heads[2]
    await expectRevert(f.errors, f.vault.applyFills(a, 1n, C(1), PROOF), "ZkMarginVerifier__InvalidProof");
    expect((await account(a)).applied).toBe(1n);
  });

  it("Should refuse a fill proof made for another account (its commitment and chain are not this account's)", async () => {
    const forB = [await commitmentOf(b), C(9), await f.vault.headAt(b, 1n), 1n + (listed << 16n)];
    await expectOnly("applyFills", forB);
    await expectRevert(f.errors, f.vault.applyFills(a, 1n, C(9), PROOF), "ZkMarginVerifier__InvalidProof");
    await run(f.vault.applyFills(b, 1n, C(9), PROOF));
  });

  it("Should revert InputOutOfField for a new commitment >= r, InvalidProof when the verifier refuses", async () => {
    await expectRevert(f.errors, f.vault.applyFills(a, 1n, FIELD, PROOF), "ZkMarginVerifier__InputOutOfField", [1n]);
    await (await f.verifiers.applyFills.setResult(false)).wait();
    await expectRevert(f.errors, f.vault.applyFills(a, 1n, C(1), PROOF), "ZkMarginVerifier__InvalidProof");
  });

  it("Should forward the proof words unchanged", async () => {
    const { proof } = await seen(f, f.verifiers.applyFills, () => f.vault.applyFills(a, 1n, C(1), PROOF));
    expect(proof).toEqual(PROOF);
  });

  it("Should refuse an unknown or liquidated account", async () => {
    await expectRevert(f.errors, f.vault.applyFills(77n, 1n, C(1), PROOF), "ClearingVault__UnknownAccount", [77n]);
  });
});

// ================================================================================================ deposit

describe("# deposit", () => {
  let a: bigint;
  beforeEach(async () => {
    a = await open(alice());
  });

  it("Should verify [C, newC, amount], pull the amount and credit accountsBalance", async () => {
    const c0 = await commitmentOf(a);
    const { signals } = await seen(f, f.verifiers.deposit, () => as(bob()).deposit(a, 1_234_567n, C(1), PROOF));
    expect(signals).toEqual([c0, C(1), 1_234_567n]);
    const before = await balance(bob());
    expect(await eventsOf(f.vault, as(bob()).deposit(a, 1_234_567n, C(1), PROOF))).toEqual([{ name: "Deposited", args: [a, bob().address.toLowerCase(), 1_234_567n, C(1)] }]);
    expect(before - (await balance(bob()))).toBe(1_234_567n);
    expect(await f.vault.accountsBalance()).toBe(1_234_567n);
    expect(await commitmentOf(a)).toBe(C(1));
    await expectInvariant(f);
  });

  it("Should refuse a zero amount and a replay of the same proof", async () => {
    await expectRevert(f.errors, as(alice()).deposit(a, 0n, C(1), PROOF), "ClearingVault__ZeroAmount");
    await expectOnly("deposit", [await commitmentOf(a), C(1), 10n]);
    await deposit(a, 10n, C(1));
    await expectRevert(f.errors, as(alice()).deposit(a, 10n, C(1), PROOF), "ZkMarginVerifier__InvalidProof");
    // and a proof for another amount
    await expectOnly("deposit", [C(1), C(2), 10n]);
    await expectRevert(f.errors, as(alice()).deposit(a, 11n, C(2), PROOF), "ZkMarginVerifier__InvalidProof");
  });

  it("Should refuse a fee-on-transfer token (the balance grew by less than the amount)", async () => {
    await (await f.token.setFeeBps(10n)).wait();
    await expectRevert(f.errors, as(alice()).deposit(a, 1_000_000n, C(1), PROOF), "ClearingVault__TransferMismatch", [1_000_000n, 999_000n]);
  });

  it("Should refuse reentrancy from the token (a hook calling back into the vault)", async () => {
    await (await f.token.setHook(f.vault.target, f.vault.interface.encodeFunctionData("claim"))).wait();
    await expectRevert(f.errors, as(alice()).deposit(a, 1n, C(1), PROOF), "ClearingVault__Reentrancy");
    await (await f.token.setHook(f.vault.target, f.vault.interface.encodeFunctionData("open"))).wait();
    await expectRevert(f.errors, as(alice()).deposit(a, 1n, C(1), PROOF), "ClearingVault__Reentrancy");
  });
});

// ================================================================================================ withdraw

describe("# withdraw", () => {
  let a: bigint;
  let b: bigint;
  let rc: bigint;
  beforeEach(async () => {
    a = await open(alice());
    b = await open(bob());
    await deposit(a, 5_000_000n, C(1));
    await deposit(b, 5_000_000n, C(2), bob());
    ({ commitment: rc } = await postRound(f, 1n));
  });

  it("Should verify [C, newC, round, amount], pay the owner and record the round", async () => {
    const { signals } = await seen(f, f.verifiers.withdraw, () => as(alice()).withdraw(a, 2_000_000n, 1n, C(3), PROOF));
    expect(signals).toEqual([C(1), C(3), rc, 2_000_000n]);
    const before = await balance(alice());
    expect(await eventsOf(f.vault, as(alice()).withdraw(a, 2_000_000n, 1n, C(3), PROOF))).toEqual([{ name: "Withdrawn", args: [a, alice().address.toLowerCase(), 1n, 2_000_000n, C(3)] }]);
    expect((await balance(alice())) - before).toBe(2_000_000n);
    expect(await f.vault.accountsBalance()).toBe(8_000_000n);
    const acc = await account(a);
    expect([acc.commitment, acc.lastHealthyRound]).toEqual([C(3), 1n]);
    await expectInvariant(f);
  });

  it("Should refuse anyone but the owner", async () => {
    await expectRevert(f.errors, as(bob()).withdraw(a, 1n, 1n, C(3), PROOF), "ClearingVault__NotOwner", [a, bob().address]);
  });

  it("Should refuse an account that is not up to date; the fee account is exempt", async () => {
    await postFill(a, b, fillOf(1n));
    await expectRevert(f.errors, as(alice()).withdraw(a, 1n, 1n, C(3), PROOF), "ClearingVault__NotUpToDate", [a, 0n, 1n]);
    await deposit(FEE, 100n, C(7), venue());
    await run(as(venue()).withdraw(FEE, 100n, 1n, C(8), PROOF));
    await applyAll(a, C(4));
    await run(as(alice()).withdraw(a, 1n, 1n, C(5), PROOF));
  });

  it("Should refuse a round that is not the latest, a stale latest round and no round at all", async () => {
    await postRound(f, 2n);
    await expectRevert(f.errors, as(alice()).withdraw(a, 1n, 1n, C(3), PROOF), "ClearingVault__NotLatestRound", [1n, 2n]);
    await expectRevert(f.errors, as(alice()).withdraw(a, 1n, 3n, C(3), PROOF), "ClearingVault__NotLatestRound", [3n, 2n]);
    await increaseTime(f.ethers, MAX_AGE + 1n);
    await expectRevert(f.errors, as(alice()).withdraw(a, 1n, 2n, C(3), PROOF), "ClearingVault__StaleRound", [2n]);
  });

  it("Should refuse a proof made at a round whose values differ from what the registry computed", async () => {
    // a prover who used other prices for round 1 gets another round commitment: the vault passes the registry's
    const ts = (await f.registry.getRound(1n))[1] as bigint;
    const forged = roundValues(1n, ts);
    const otherPrices = { ...forged, prices: forged.prices.map((p) => p + 1n) };
    const forgedRound = poseidonHash([pricesCommitment(otherPrices), await f.registry.riskCommitment()]);
    expect(forgedRound).not.toBe(rc);
    await expectOnly("withdraw", [C(1), C(3), forgedRound, 1n]);
    await expectRevert(f.errors, as(alice()).withdraw(a, 1n, 1n, C(3), PROOF), "ZkMarginVerifier__InvalidProof");
    await expectOnly("withdraw", [C(1), C(3), rc, 1n]);
    await run(as(alice()).withdraw(a, 1n, 1n, C(3), PROOF));
  });

  it("Should refuse a zero amount and more than the accounts are owed", async () => {
    await expectRevert(f.errors, as(alice()).withdraw(a, 0n, 1n, C(3), PROOF), "ClearingVault__ZeroAmount");
    await expectRevert(f.errors, as(alice()).withdraw(a, 10_000_001n, 1n, C(3), PROOF), "ClearingVault__InsufficientAccountsBalance", [10_000_001n, 10_000_000n]);
  });

  it("Should answer a pending challenge (bond to the owner); refuse once the challenge has defaulted", async () => {
    await run(as(dave()).challenge(a));
    await run(as(alice()).withdraw(a, 1n, 1n, C(3), PROOF));
    expect(await f.vault.claimable(alice().address)).toBe(BOND);
    expect((await account(a)).challengeRound).toBe(0n);
    await postRound(f, 2n);
    await run(as(dave()).challenge(b));
    await increaseTime(f.ethers, WINDOW + 1n);
    await postRound(f, 3n);
    await expectRevert(f.errors, as(bob()).withdraw(b, 1n, 3n, C(4), PROOF), "ClearingVault__Defaulted", [b]);
  });
});

// ================================================================================================ attest

describe("# attest", () => {
  let a: bigint;
  let rc: bigint;
  beforeEach(async () => {
    a = await open(alice());
    ({ commitment: rc } = await postRound(f, 1n));
  });

  it("Should verify [C, round, margin(sender, buffer, maintenance, conservative)] and record the round", async () => {
    const c0 = await commitmentOf(a);
    const { signals } = await seen(f, f.verifiers.margin, () => as(eve()).attest(a, 1n, 250, PROOF));
    expect(signals).toEqual([c0, rc, packMarginStatement({ binder: BigInt(eve().address), bufferBps: 250n, requirement: "maintenance", side: "conservative" })]);
    expect(await eventsOf(f.vault, as(eve()).attest(a, 1n, 250, PROOF))).toEqual([{ name: "Attested", args: [a, 1n, eve().address.toLowerCase(), 250n] }]);
    expect((await account(a)).lastHealthyRound).toBe(1n);
    expect(await f.vault.marginStatement(eve().address, 250, false, false)).toBe(signals[2]);
  });

  it("Should bind the proof to its sender", async () => {
    await expectOnly("margin", [await commitmentOf(a), rc, packMarginStatement({ binder: BigInt(alice().address), bufferBps: 0n, requirement: "maintenance", side: "conservative" })]);
    await expectRevert(f.errors, as(bob()).attest(a, 1n, 0, PROOF), "ZkMarginVerifier__InvalidProof");
    await run(as(alice()).attest(a, 1n, 0, PROOF));
  });

  it("Should refuse an account that is not up to date (fee account exempt), a stale and an unknown round", async () => {
    const b = await open(bob());
    await postFill(a, b, fillOf(1n));
    await expectRevert(f.errors, as(alice()).attest(a, 1n, 0, PROOF), "ClearingVault__NotUpToDate", [a, 0n, 1n]);
    await run(as(venue()).attest(FEE, 1n, 0, PROOF));
    const c = await open(carol());
    await expectRevert(f.errors, as(carol()).attest(c, 2n, 0, PROOF), "ClearingVault__UnknownRound", [2n]);
    await increaseTime(f.ethers, MAX_AGE + 1n);
    await applyAll(a, C(1));
    await expectRevert(f.errors, as(alice()).attest(a, 1n, 0, PROOF), "ClearingVault__StaleRound", [1n]);
  });

  it("Should answer a pending challenge at or after its round, not before; refuse a defaulted account", async () => {
    await postRound(f, 2n);
    await run(as(dave()).challenge(a));
    await run(as(alice()).attest(a, 1n, 0, PROOF)); // older round: no answer
    expect((await account(a)).challengeRound).toBe(2n);
    expect(await eventsOf(f.vault, as(alice()).attest(a, 2n, 0, PROOF))).toEqual([
      { name: "Attested", args: [a, 2n, alice().address.toLowerCase(), 0n] },
      { name: "ChallengeAnswered", args: [a, 2n, alice().address.toLowerCase(), alice().address.toLowerCase(), BOND] },
      { name: "Credited", args: [alice().address.toLowerCase(), BOND] },
    ]);
    await expectInvariant(f);
    await postRound(f, 3n);
    await run(as(dave()).challenge(a));
    await increaseTime(f.ethers, WINDOW + 1n);
    await postRound(f, 4n);
    await expectRevert(f.errors, as(alice()).attest(a, 4n, 0, PROOF), "ClearingVault__Defaulted", [a]);
  });
});

// ================================================================================================ challenge / answer

describe("# challenge", () => {
  let a: bigint;
  beforeEach(async () => {
    a = await open(alice());
  });

  it("Should pull the bond and set the deadline at the latest fresh round", async () => {
    await postRound(f, 1n);
    const before = await balance(dave());
    const tx = as(dave()).challenge(a);
    const events = await eventsOf(f.vault, tx);
    const now = await latestTimestamp(f.ethers);
    expect(events).toEqual([{ name: "Challenged", args: [a, dave().address.toLowerCase(), 1n, now + WINDOW, BOND] }]);
    expect(before - (await balance(dave()))).toBe(BOND);
    expect(await f.vault.totalBonds()).toBe(BOND);
    expect(await f.vault.getChallenge(a)).toEqual([dave().address, BOND, 1n, 0n]);
    const acc = await account(a);
    expect([acc.challengeRound, acc.challengeDeadline]).toEqual([1n, now + WINDOW]);
    await expectInvariant(f);
  });

  it("Should refuse without a round, at a stale round, when already healthy at it, when pending, and the fee account", async () => {
    await expectRevert(f.errors, as(dave()).challenge(a), "ClearingVault__UnknownRound", [0n]);
    await postRound(f, 1n);
    await run(as(alice()).attest(a, 1n, 0, PROOF));
    await expectRevert(f.errors, as(dave()).challenge(a), "ClearingVault__AlreadyHealthy", [a, 1n]);
    await postRound(f, 2n);
    await run(as(dave()).challenge(a));
    await expectRevert(f.errors, as(eve()).challenge(a), "ClearingVault__ChallengeActive", [a]);
    await expectRevert(f.errors, as(dave()).challenge(FEE), "ClearingVault__FeeAccount");
    const b = await open(bob());
    await increaseTime(f.ethers, MAX_AGE + 1n);
    await expectRevert(f.errors, as(dave()).challenge(b), "ClearingVault__StaleRound", [2n]);
  });
});

describe("# answer", () => {
  let a: bigint;
  let rc1: bigint;
  beforeEach(async () => {
    a = await open(alice());
    ({ commitment: rc1 } = await postRound(f, 1n));
    await run(as(dave()).challenge(a));
  });

  it("Should verify [C, round, margin(sender, 0, maintenance, favourable)] and credit the bond to the owner", async () => {
    const c0 = await commitmentOf(a);
    const { signals } = await seen(f, f.verifiers.margin, () => as(eve()).answer(a, 1n, PROOF));
    expect(signals).toEqual([c0, rc1, packMarginStatement({ binder: BigInt(eve().address), bufferBps: 0n, requirement: "maintenance", side: "favourable" })]);
    await run(as(eve()).answer(a, 1n, PROOF));
    expect(await f.vault.claimable(alice().address)).toBe(BOND);
    expect(await f.vault.totalBonds()).toBe(0n);
    expect((await account(a)).lastHealthyRound).toBe(1n);
    const before = await balance(alice());
    expect(await eventsOf(f.vault, as(alice()).claim())).toEqual([{ name: "Claimed", args: [alice().address.toLowerCase(), BOND] }]);
    expect((await balance(alice())) - before).toBe(BOND);
    await expectInvariant(f);
    await expectRevert(f.errors, as(alice()).claim(), "ClearingVault__NothingToClaim");
  });

  it("Should accept the challenge round even when stale, refuse an older round and a later stale one", async () => {
    await postRound(f, 2n);
    await increaseTime(f.ethers, MAX_AGE + 1n);
    await expectRevert(f.errors, as(alice()).answer(a, 2n, PROOF), "ClearingVault__StaleRound", [2n]);
    await run(as(alice()).answer(a, 1n, PROOF));
  });

  it("Should refuse a round older than the challenge round", async () => {
    await run(as(alice()).answer(a, 1n, PROOF));
    await postRound(f, 2n);
    await run(as(dave()).challenge(a));
    await expectRevert(f.errors, as(alice()).answer(a, 1n, PROOF), "ClearingVault__RoundTooOld", [1n, 2n]);
  });

  it("Should refuse after the deadline, without a challenge, and for an account not up to date", async () => {
    const b = await open(bob());
    await expectRevert(f.errors, as(bob()).answer(b, 1n, PROOF), "ClearingVault__NoChallenge", [b]);
    // a fill posted before the challenge must be applied first (one posted after it need not: see challenge-rules)
    await postFill(a, b, fillOf(1n));
    await run(as(dave()).challenge(b));
    expect((await f.vault.getChallenge(b))[3]).toBe(1n);
    await expectRevert(f.errors, as(bob()).answer(b, 1n, PROOF), "ClearingVault__NotUpToDate", [b, 0n, 1n]);
    await applyAll(b, C(1));
    await run(as(bob()).answer(b, 1n, PROOF));
    const deadline = (await account(a)).challengeDeadline;
    await increaseTime(f.ethers, deadline - (await latestTimestamp(f.ethers)) + 1n);
    await expectRevert(f.errors, as(alice()).answer(a, 1n, PROOF), "ClearingVault__WindowClosed", [a, deadline]);
    expect(await f.vault.isDefaulted(a)).toBe(true);
  });

  it("Should refuse a proof of the conservative side or of another sender (the statement is the vault's)", async () => {
    const c0 = await commitmentOf(a);
    await expectOnly("margin", [c0, rc1, packMarginStatement({ binder: BigInt(alice().address), bufferBps: 0n, requirement: "maintenance", side: "conservative" })]);
    await expectRevert(f.errors, as(alice()).answer(a, 1n, PROOF), "ZkMarginVerifier__InvalidProof");
  });
});

// ================================================================================================ takeover

describe("# takeover", () => {
  let v: bigint; // victim (alice)
  let l: bigint; // liquidator account (carol)
  let rc: bigint;
  beforeEach(async () => {
    v = await open(alice());
    l = await open(carol());
    await deposit(v, 10_000_000n, C(1));
    await deposit(l, 50_000_000n, C(2), carol());
    await run(f.vault.fundInsurance(3_000_000n));
    ({ commitment: rc } = await postRound(f, 1n));
  });

  const stmt = (ownerPayout: bigint, penalty: bigint, badDebt: bigint, defaulted: boolean) =>
    packTakeoverStatement({ ownerPayout, penalty, badDebt, penaltyBps: PENALTY_BPS, defaulted });

  it("Should verify [C_v, C_l, newC_l, round, takeover(amounts, penaltyBps, 0)] and pay exactly", async () => {
    const { signals } = await seen(f, f.verifiers.takeover, () => as(carol()).takeover(v, l, 1n, 6_000_000n, 1_000_001n, 0n, C(3), PROOF));
    expect(signals).toEqual([C(1), C(2), C(3), rc, stmt(6_000_000n, 1_000_001n, 0n, false)]);
    expect(await f.vault.takeoverStatement(6_000_000n, 1_000_001n, 0n, false)).toBe(signals[4]);

    const events = await eventsOf(f.vault, as(carol()).takeover(v, l, 1n, 6_000_000n, 1_000_001n, 0n, C(3), PROOF));
    const insurance = (1_000_001n * INSURANCE_BPS) / 10_000n; // 200000
    expect(events.map((e) => e.name)).toEqual(["TakenOver", "Credited", "Credited", "PenaltySplit"]);
    expect(events[0]!.args).toEqual([v, l, 1n, false, 6_000_000n, 1_000_001n, 0n, C(3)]);
    expect(events[3]!.args).toEqual([v, carol().address.toLowerCase(), "0x0000000000000000000000000000000000000000", insurance, 0n, 1_000_001n - insurance]);
    expect(await f.vault.claimable(alice().address)).toBe(6_000_000n);
    expect(await f.vault.claimable(carol().address)).toBe(1_000_001n - insurance);
    expect(await f.vault.insuranceFund()).toBe(3_000_000n + insurance);
    expect(await f.vault.accountsBalance()).toBe(60_000_000n - 7_000_001n);
    expect((await account(v)).status).toBe(2);
    expect(await commitmentOf(l)).toBe(C(3));
    expect((await account(l)).lastHealthyRound).toBe(1n); // the proof showed it meets initial at round 1
    await expectInvariant(f);
    await run(as(alice()).claim());
    await run(as(carol()).claim());
    await expectRevert(f.errors, as(alice()).attest(v, 1n, 0, PROOF), "ClearingVault__AccountClosed", [v]);
  });

  it("Should give a pending (not defaulted) challenge its bond back but no penalty share (a challenge sent in front of a takeover earns nothing)", async () => {
    await run(as(dave()).challenge(v));
    const { signals } = await seen(f, f.verifiers.takeover, () => as(carol()).takeover(v, l, 1n, 0n, 999n, 0n, C(3), PROOF));
    expect(signals[4]).toBe(stmt(0n, 999n, 0n, false));
    const events = await eventsOf(f.vault, as(carol()).takeover(v, l, 1n, 0n, 999n, 0n, C(3), PROOF));
    const insurance = (999n * INSURANCE_BPS) / 10_000n; // 199
    expect(events.find((e) => e.name === "PenaltySplit")!.args).toEqual([v, carol().address.toLowerCase(), dave().address.toLowerCase(), insurance, 0n, 999n - insurance]);
    expect(await f.vault.claimable(dave().address)).toBe(BOND);
    expect(await f.vault.claimable(carol().address)).toBe(999n - insurance);
    expect(await f.vault.claimable(alice().address)).toBe(0n);
    expect(await f.vault.totalBonds()).toBe(0n);
    expect(await f.vault.getChallenge(v)).toEqual(["0x0000000000000000000000000000000000000000", 0n, 0n, 0n]);
    await expectInvariant(f);
  });

  it("Should take over a defaulted account (challenge expired unanswered) with the defaulted bit set", async () => {
    await run(as(dave()).challenge(v));
    await increaseTime(f.ethers, WINDOW + 1n);
    const { commitment: rc2 } = await postRound(f, 2n);
    // a proof claiming "not defaulted" (below maintenance) is not the statement the vault builds now
    await expectOnly("takeover", [C(1), C(2), C(3), rc2, stmt(9_000_000n, 1_000_000n, 0n, false)]);
    await expectRevert(f.errors, as(carol()).takeover(v, l, 2n, 9_000_000n, 1_000_000n, 0n, C(3), PROOF), "ZkMarginVerifier__InvalidProof");
    await expectOnly("takeover", [C(1), C(2), C(3), rc2, stmt(9_000_000n, 1_000_000n, 0n, true)]);
    const events = await eventsOf(f.vault, as(carol()).takeover(v, l, 2n, 9_000_000n, 1_000_000n, 0n, C(3), PROOF));
    expect(events[0]!.args[3]).toBe(true);
    expect(await f.vault.claimable(dave().address)).toBe(300_000n + BOND);
    expect(await f.vault.claimable(alice().address)).toBe(9_000_000n);
    await expectInvariant(f);
  });

  it("Should refuse to call a not-defaulted victim defaulted (no proof of that statement verifies)", async () => {
    await expectOnly("takeover", [C(1), C(2), C(3), rc, stmt(0n, 0n, 0n, true)]);
    await expectRevert(f.errors, as(carol()).takeover(v, l, 1n, 0n, 0n, 0n, C(3), PROOF), "ZkMarginVerifier__InvalidProof");
  });

  it("Should pay bad debt from the insurance fund, which may go negative (a socialised deficit)", async () => {
    await run(as(carol()).takeover(v, l, 1n, 0n, 0n, 5_000_000n, C(3), PROOF));
    expect(await f.vault.insuranceFund()).toBe(3_000_000n - 5_000_000n);
    expect(await f.vault.accountsBalance()).toBe(60_000_000n + 5_000_000n);
    await expectInvariant(f);
    await expectRevert(f.errors, governed(f, f.vault, gov(), "withdrawInsurance", [gov().address, 1n]), "ClearingVault__InsufficientInsurance", [1n, -2_000_000n]);
  });

  it("Should bind the amounts and the penalty rate: another payout, or a rate changed meanwhile, fails", async () => {
    await expectOnly("takeover", [C(1), C(2), C(3), rc, stmt(6_000_000n, 0n, 0n, false)]);
    await expectRevert(f.errors, as(carol()).takeover(v, l, 1n, 6_000_001n, 0n, 0n, C(3), PROOF), "ZkMarginVerifier__InvalidProof");
    await run(governed(f, f.vault, gov(), "setLiquidationParameters", [PENALTY_BPS + 1n, INSURANCE_BPS, CHALLENGER_BPS]));
    const { commitment: rc2 } = await postRound(f, 2n);
    await expectOnly("takeover", [C(1), C(2), C(3), rc2, stmt(6_000_000n, 0n, 0n, false)]); // made for the old rate
    await expectRevert(f.errors, as(carol()).takeover(v, l, 2n, 6_000_000n, 0n, 0n, C(3), PROOF), "ZkMarginVerifier__InvalidProof");
    await expectOnly("takeover", [C(1), C(2), C(3), rc2, packTakeoverStatement({ ownerPayout: 6_000_000n, penalty: 0n, badDebt: 0n, penaltyBps: PENALTY_BPS + 1n, defaulted: false })]);
    await run(as(carol()).takeover(v, l, 2n, 6_000_000n, 0n, 0n, C(3), PROOF));
  });

  it("Should refuse a round that is not the latest (an older spike price) and a stale latest round", async () => {
    await postRound(f, 2n);
    await expectRevert(f.errors, as(carol()).takeover(v, l, 1n, 0n, 0n, 0n, C(3), PROOF), "ClearingVault__NotLatestRound", [1n, 2n]);
    await increaseTime(f.ethers, MAX_AGE + 1n);
    await expectRevert(f.errors, as(carol()).takeover(v, l, 2n, 0n, 0n, 0n, C(3), PROOF), "ClearingVault__StaleRound", [2n]);
  });

  it("Should refuse a victim that is not up to date", async () => {
    const b = await open(bob());
    await postFill(v, b, fillOf(1n));
    await expectRevert(f.errors, as(carol()).takeover(v, l, 1n, 0n, 0n, 0n, C(3), PROOF), "ClearingVault__NotUpToDate", [v, 0n, 1n]);
    await applyAll(v, C(9));
    await expectOnly("takeover", [C(9), C(2), C(3), rc, stmt(0n, 0n, 0n, false)]);
    await run(as(carol()).takeover(v, l, 1n, 0n, 0n, 0n, C(3), PROOF));
  });

  it("Should refuse a sender who does not own the liquidator account, a defaulted liquidator, and a copied proof", async () => {
    await expectRevert(f.errors, as(eve()).takeover(v, l, 1n, 0n, 0n, 0n, C(3), PROOF), "ClearingVault__NotOwner", [l, eve().address]);
    // eve's own account cannot use carol's proof (it names carol's liquidator commitments)
    const e = await open(eve());
    await expectOnly("takeover", [C(1), C(2), C(3), rc, stmt(0n, 0n, 0n, false)]);
    await expectRevert(f.errors, as(eve()).takeover(v, e, 1n, 0n, 0n, 0n, C(3), PROOF), "ZkMarginVerifier__InvalidProof");
    await run(f.verifiers.takeover.clearExpectation());
    await run(as(dave()).challenge(l));
    await increaseTime(f.ethers, WINDOW + 1n);
    await postRound(f, 2n);
    await expectRevert(f.errors, as(carol()).takeover(v, l, 2n, 0n, 0n, 0n, C(3), PROOF), "ClearingVault__Defaulted", [l]);
  });

  it("Should refuse victim == liquidator, the fee account on either side, and a closed victim", async () => {
    await expectRevert(f.errors, as(carol()).takeover(l, l, 1n, 0n, 0n, 0n, C(3), PROOF), "ClearingVault__SameAccount", [l]);
    await expectRevert(f.errors, as(carol()).takeover(FEE, l, 1n, 0n, 0n, 0n, C(3), PROOF), "ClearingVault__FeeAccount");
    await expectRevert(f.errors, as(venue()).takeover(v, FEE, 1n, 0n, 0n, 0n, C(3), PROOF), "ClearingVault__FeeAccount");
    await run(as(carol()).takeover(v, l, 1n, 0n, 0n, 0n, C(3), PROOF));
    await expectRevert(f.errors, as(carol()).takeover(v, l, 1n, 0n, 0n, 0n, C(4), PROOF), "ClearingVault__AccountClosed", [v]);
  });

  it("Should refuse paying more than the accounts are owed", async () => {
    await expectRevert(f.errors, as(carol()).takeover(v, l, 1n, 60_000_001n, 0n, 0n, C(3), PROOF), "ClearingVault__InsufficientAccountsBalance", [60_000_001n, 60_000_000n]);
  });
});

// ================================================================================================ hostile token

describe("# hostile token", () => {
  it("Should refuse reentrancy from the token on every payout (withdraw, claim, withdrawInsurance) and on pulls", async () => {
    const a = await open(alice());
    await deposit(a, 5_000_000n, C(1));
    await queueChange(f.vault, gov(), "withdrawInsurance", [gov().address, 1n]);
    await increaseTime(f.ethers, GOVERNANCE_DELAY);
    await postRound(f, 1n);
    await run(as(dave()).challenge(a));
    await run(as(alice()).attest(a, 1n, 0, PROOF)); // the bond is credited to alice
    await run(f.vault.fundInsurance(1_000n));
    const calls = [
      f.vault.interface.encodeFunctionData("claim"),
      f.vault.interface.encodeFunctionData("fundInsurance", [1n]),
      f.vault.interface.encodeFunctionData("withdraw", [a, 1n, 1n, C(9), PROOF]),
    ];
    for (const data of calls) {
      await (await f.token.setHook(f.vault.target, data)).wait();
      await expectRevert(f.errors, as(alice()).withdraw(a, 1n, 1n, C(2), PROOF), "ClearingVault__Reentrancy");
      await expectRevert(f.errors, as(alice()).claim(), "ClearingVault__Reentrancy");
      await expectRevert(f.errors, f.vault.connect(gov()).withdrawInsurance(gov().address, 1n), "ClearingVault__Reentrancy");
      await expectRevert(f.errors, as(bob()).fundInsurance(1n), "ClearingVault__Reentrancy");
    }
    await (await f.token.setHook("0x0000000000000000000000000000000000000000", "0x")).wait();
    await run(as(alice()).withdraw(a, 1n, 1n, C(2), PROOF));
    await run(as(alice()).claim());
    await run(f.vault.connect(gov()).withdrawInsurance(gov().address, 1n)); // the queued change failed, stayed queued
  });

  it("Should refuse a fee-on-transfer token on every pull (deposit, bond, insurance funding) with TransferMismatch", async () => {
    const a = await open(alice());
    await postRound(f, 1n);
    await (await f.token.setFeeBps(1n)).wait();
    await expectRevert(f.errors, as(alice()).deposit(a, 10_000n, C(1), PROOF), "ClearingVault__TransferMismatch", [10_000n, 9_999n]);
    await expectRevert(f.errors, as(dave()).challenge(a), "ClearingVault__TransferMismatch", [BOND, BOND - BOND / 10_000n]);
    await expectRevert(f.errors, as(eve()).fundInsurance(10_000n), "ClearingVault__TransferMismatch", [10_000n, 9_999n]);
    await expectInvariant(f);
  });

  it("Should surface a token that returns false or reverts (SafeTransfer)", async () => {
    const a = await open(alice());
    await (await f.token.connect(eve()).approve(f.vault.target, 0n)).wait();
    await expectRevert(f.errors, as(eve()).deposit(a, 1n, C(1), PROOF), "MockERC20__InsufficientAllowance");
  });
});

// ================================================================================================ insurance, claim, governance

describe("# insurance and governance", () => {
  it("Should fund and withdraw the insurance fund exactly (governance only, never below zero)", async () => {
    expect(await eventsOf(f.vault, as(eve()).fundInsurance(7_000_000n))).toEqual([{ name: "InsuranceFunded", args: [eve().address.toLowerCase(), 7_000_000n] }]);
    await expectInvariant(f);
    await expectRevert(f.errors, as(eve()).fundInsurance(0n), "ClearingVault__ZeroAmount");
    await expectRevert(f.errors, as(eve()).withdrawInsurance(eve().address, 1n), "ClearingVault__NotGovernance", [eve().address]);
    await expectRevert(f.errors, governed(f, f.vault, gov(), "withdrawInsurance", [gov().address, 7_000_001n]), "ClearingVault__InsufficientInsurance", [7_000_001n, 7_000_000n]);
    const before = await balance(bob());
    await queueChange(f.vault, gov(), "withdrawInsurance", [bob().address, 7_000_000n]);
    await increaseTime(f.ethers, GOVERNANCE_DELAY - 2n);
    await expectRevert(f.errors, f.vault.connect(gov()).withdrawInsurance(bob().address, 7_000_000n), "Timelock__TooEarly"); // visible for 2 days first
    await increaseTime(f.ethers, 1n);
    await run(f.vault.connect(gov()).withdrawInsurance(bob().address, 7_000_000n));
    expect((await balance(bob())) - before).toBe(7_000_000n);
    expect(await f.vault.insuranceFund()).toBe(0n);
  });

  it("Should set parameters only through the delay, within their bounds, each applying from execution on", async () => {
    await expectRevert(f.errors, as(eve()).setChallengeParameters(BOND, WINDOW), "ClearingVault__NotGovernance", [eve().address]);
    await expectRevert(f.errors, as(eve()).queueChange(changeData(f.vault, "setChallengeParameters", [BOND, WINDOW])), "ClearingVault__NotGovernance", [eve().address]);
    // not queued: refused even for governance
    const data = changeData(f.vault, "setChallengeParameters", [7_000_000n, 7_200n]);
    const id = await f.vault.changeId(data);
    await expectRevert(f.errors, f.vault.connect(gov()).setChallengeParameters(7_000_000n, 7_200n), "Timelock__NotQueued", [id]);
    const events = await eventsOf(f.vault, f.vault.connect(gov()).queueChange(data));
    const eta = (await latestTimestamp(f.ethers)) + GOVERNANCE_DELAY;
    expect(events).toEqual([{ name: "ChangeQueued", args: [id, data.slice(0, 10), eta, data] }]);
    expect(await f.vault.changeEta(id)).toBe(eta);
    await increaseTime(f.ethers, GOVERNANCE_DELAY - 2n);
    await expectRevert(f.errors, f.vault.connect(gov()).setChallengeParameters(7_000_000n, 7_200n), "Timelock__TooEarly", [id, eta]);
    await increaseTime(f.ethers, 1n);
    expect(await eventsOf(f.vault, f.vault.connect(gov()).setChallengeParameters(7_000_000n, 7_200n))).toEqual([
      { name: "ChangeExecuted", args: [id] },
      { name: "ChallengeParametersChanged", args: [7_000_000n, 7_200n] },
    ]);
    expect([await f.vault.challengeBond(), await f.vault.answerWindow()]).toEqual([7_000_000n, 7_200n]);
    expect((await eventsOf(f.vault, governed(f, f.vault, gov(), "setLiquidationParameters", [1_000n, 5_000n, 3_000n]))).map((e) => e.name)).toEqual(["ChangeExecuted", "LiquidationParametersChanged"]);
    expect([await f.vault.penaltyBps(), await f.vault.insuranceBps(), await f.vault.challengerBps()]).toEqual([1_000n, 5_000n, 3_000n]);
    // cancel
    const { id: other } = await queueChange(f.vault, gov(), "setChallengeParameters", [BOND, WINDOW]);
    await expectRevert(f.errors, as(eve()).cancelChange(other), "ClearingVault__NotGovernance", [eve().address]);
    expect(await eventsOf(f.vault, f.vault.connect(gov()).cancelChange(other))).toEqual([{ name: "ChangeCancelled", args: [other] }]);
    await increaseTime(f.ethers, GOVERNANCE_DELAY);
    await expectRevert(f.errors, f.vault.connect(gov()).setChallengeParameters(BOND, WINDOW), "Timelock__NotQueued", [other]);
  });

  it("Should refuse to queue a parameter out of its bounds (bond, window, penalty, shares) and an unknown change", async () => {
    const q = (method: string, args: unknown[]) => f.vault.connect(gov()).queueChange(changeData(f.vault, method, args));
    const [minBond, maxBond, minWindow, maxWindow] = [1_000_000n, 10_000_000_000n, 3_600n, 7n * 86_400n];
    expect([await f.vault.MIN_CHALLENGE_BOND(), await f.vault.MAX_CHALLENGE_BOND(), await f.vault.MIN_ANSWER_WINDOW(), await f.vault.MAX_ANSWER_WINDOW()]).toEqual([minBond, maxBond, minWindow, maxWindow]);
    await expectRevert(f.errors, q("setChallengeParameters", [0n, WINDOW]), "ClearingVault__BondOutOfBounds", [0n, minBond, maxBond]);
    await expectRevert(f.errors, q("setChallengeParameters", [minBond - 1n, WINDOW]), "ClearingVault__BondOutOfBounds", [minBond - 1n, minBond, maxBond]);
    await expectRevert(f.errors, q("setChallengeParameters", [maxBond + 1n, WINDOW]), "ClearingVault__BondOutOfBounds", [maxBond + 1n, minBond, maxBond]);
    await expectRevert(f.errors, q("setChallengeParameters", [BOND, 1n]), "ClearingVault__WindowOutOfBounds", [1n, minWindow, maxWindow]);
    await expectRevert(f.errors, q("setChallengeParameters", [BOND, minWindow - 1n]), "ClearingVault__WindowOutOfBounds", [minWindow - 1n, minWindow, maxWindow]);
    await expectRevert(f.errors, q("setChallengeParameters", [BOND, maxWindow + 1n]), "ClearingVault__WindowOutOfBounds", [maxWindow + 1n, minWindow, maxWindow]);
    await expectRevert(f.errors, q("setChallengeParameters", [BOND, 2n ** 64n - 1n]), "ClearingVault__WindowOutOfBounds");
    await expectRevert(f.errors, q("setLiquidationParameters", [1_001n, 0n, 0n]), "ClearingVault__PenaltyOutOfBounds", [1_001n, 1_000n]);
    await expectRevert(f.errors, q("setLiquidationParameters", [100n, 5_001n, 0n]), "ClearingVault__SharesOutOfBounds", [5_001n, 0n]);
    await expectRevert(f.errors, q("setLiquidationParameters", [100n, 0n, 5_001n]), "ClearingVault__SharesOutOfBounds", [0n, 5_001n]);
    await expectRevert(f.errors, q("setLiquidationParameters", [100n, 5_000n, 3_001n]), "ClearingVault__SharesOutOfBounds", [5_000n, 3_001n]);
    await expectRevert(f.errors, q("setLiquidationParameters", [10_000n, 10_000n, 0n]), "ClearingVault__PenaltyOutOfBounds");
    await expectRevert(f.errors, q("withdrawInsurance", ["0x0000000000000000000000000000000000000000", 1n]), "ClearingVault__ZeroAddress");
    await expectRevert(f.errors, q("withdrawInsurance", [gov().address, 0n]), "ClearingVault__ZeroAmount");
    await expectRevert(f.errors, q("transferGovernance", [eve().address]), "Timelock__UnknownChange", [f.vault.interface.getFunction("transferGovernance")!.selector]);
    await expectRevert(f.errors, q("open", []), "Timelock__UnknownChange");
    const selector = f.vault.interface.getFunction("setChallengeParameters")!.selector;
    await expectRevert(f.errors, f.vault.connect(gov()).queueChange(selector + "00".repeat(32)), "Timelock__MalformedChange", [selector, 32n]);
    // the boundaries themselves are accepted
    await (await q("setChallengeParameters", [minBond, minWindow])).wait();
    await (await q("setChallengeParameters", [maxBond, maxWindow])).wait();
    await (await q("setLiquidationParameters", [1_000n, 5_000n, 3_000n])).wait();
    await (await q("setLiquidationParameters", [0n, 0n, 0n])).wait();
  });

  it("Should refuse parameters out of bounds at construction", async () => {
    const libraries = { PoseidonT3: f.poseidon.PoseidonT3, PoseidonT5: f.poseidon.PoseidonT5 };
    const deployWith = (bond: bigint, window: bigint, penalty: bigint, insurance: bigint, challenger: bigint) =>
      f.ethers.deployContract("ClearingVault", [f.token.target, f.registry.target, f.adapter.target, venue().address, gov().address, bond, window, penalty, insurance, challenger], { libraries });
    await expectRevert(f.errors, deployWith(0n, WINDOW, PENALTY_BPS, INSURANCE_BPS, CHALLENGER_BPS), "ClearingVault__BondOutOfBounds");
    await expectRevert(f.errors, deployWith(BOND, 1n, PENALTY_BPS, INSURANCE_BPS, CHALLENGER_BPS), "ClearingVault__WindowOutOfBounds");
    await expectRevert(f.errors, deployWith(BOND, WINDOW, 10_000n, INSURANCE_BPS, CHALLENGER_BPS), "ClearingVault__PenaltyOutOfBounds");
    await expectRevert(f.errors, deployWith(BOND, WINDOW, PENALTY_BPS, 10_000n, 0n), "ClearingVault__SharesOutOfBounds");
  });

  it("Should move governance in two steps (offer, accept by the offered address only, offer withdrawn with 0)", async () => {
    const zero = "0x0000000000000000000000000000000000000000";
    await expectRevert(f.errors, as(eve()).transferGovernance(eve().address), "ClearingVault__NotGovernance", [eve().address]);
    expect(await eventsOf(f.vault, f.vault.connect(gov()).transferGovernance(eve().address))).toEqual([
      { name: "GovernanceTransferStarted", args: [gov().address.toLowerCase(), eve().address.toLowerCase()] },
    ]);
    expect([await f.vault.governance(), await f.vault.pendingGovernance()]).toEqual([gov().address, eve().address]);
    await expectRevert(f.errors, as(dave()).acceptGovernance(), "ClearingVault__NotPendingGovernance", [dave().address]);
    // until accepted, the old governance still governs
    await (await f.vault.connect(gov()).queueChange(changeData(f.vault, "setChallengeParameters", [BOND, 7_200n]))).wait();
    expect(await eventsOf(f.vault, as(eve()).acceptGovernance())).toEqual([
      { name: "GovernanceTransferred", args: [gov().address.toLowerCase(), eve().address.toLowerCase()] },
    ]);
    expect([await f.vault.governance(), await f.vault.pendingGovernance()]).toEqual([eve().address, zero]);
    await increaseTime(f.ethers, GOVERNANCE_DELAY);
    await expectRevert(f.errors, f.vault.connect(gov()).setChallengeParameters(BOND, 7_200n), "ClearingVault__NotGovernance", [gov().address]);
    await run(as(eve()).setChallengeParameters(BOND, 7_200n)); // queued changes stay visible and executable by the new governance
    await run(as(eve()).transferGovernance(dave().address));
    await run(as(eve()).transferGovernance(zero));
    await expectRevert(f.errors, as(dave()).acceptGovernance(), "ClearingVault__NotPendingGovernance", [dave().address]);
  });

  it("Should refuse a token without 6 decimals and a verifier of another profile at construction", async () => {
    const token18 = await f.ethers.deployContract("MockERC20", ["Dai", "DAI", 18]);
    const args = (token: unknown, adapter: unknown) => [token, f.registry.target, adapter, venue().address, gov().address, BOND, WINDOW, PENALTY_BPS, INSURANCE_BPS, CHALLENGER_BPS];
    const libraries = { PoseidonT3: f.poseidon.PoseidonT3, PoseidonT5: f.poseidon.PoseidonT5 };
    await expectRevert(f.errors, f.ethers.deployContract("ClearingVault", args(token18.target, f.adapter.target), { libraries }), "ClearingVault__BadTokenDecimals", [18]);
    const v = f.verifiers;
    const lending = await f.ethers.deployContract("ZkMarginVerifier", [4, v.deposit.target, v.applyFills.target, v.withdraw.target, v.margin.target, v.takeover.target, f.batchVerifier.target]);
    await expectRevert(f.errors, f.ethers.deployContract("ClearingVault", args(f.token.target, lending.target), { libraries }), "ClearingVault__ProfileMismatch", [4, 3]);
  });

  it("Should refuse a token, registry or verifier without code, a token whose decimals() reverts or is no uint8", async () => {
    const args = (token: unknown, registry: unknown = f.registry.target, adapter: unknown = f.adapter.target) => [token, registry, adapter, venue().address, gov().address, BOND, WINDOW, PENALTY_BPS, INSURANCE_BPS, CHALLENGER_BPS];
    const libraries = { PoseidonT3: f.poseidon.PoseidonT3, PoseidonT5: f.poseidon.PoseidonT5 };
    const deployWith = (a: unknown[]) => f.ethers.deployContract("ClearingVault", a, { libraries });
    await expectRevert(f.errors, deployWith(args(eve().address)), "ClearingVault__NotAContract", [eve().address]);
    await expectRevert(f.errors, deployWith(args(f.token.target, eve().address)), "ClearingVault__NotAContract", [eve().address]);
    await expectRevert(f.errors, deployWith(args(f.token.target, f.registry.target, eve().address)), "ClearingVault__NotAContract", [eve().address]);
    const hostile: AnyContract = await f.ethers.deployContract("HostileERC20", [6]);
    await (await hostile.setDecimals(6, true)).wait();
    await expectRevert(f.errors, deployWith(args(hostile.target)), "ClearingVault__NoTokenDecimals", [hostile.target]);
    await (await hostile.setDecimals(256 + 6, false)).wait();
    await expectRevert(f.errors, deployWith(args(hostile.target)), "ClearingVault__BadTokenDecimals", [262n]);
    await expectRevert(f.errors, deployWith(args(f.registry.target)), "ClearingVault__NoTokenDecimals", [f.registry.target]); // not a token at all
    await (await hostile.setDecimals(6, false)).wait();
    await deployWith(args(hostile.target));
  });

  it("Should name every failure of a hostile token (fee on transfer, reverting with and without data, returning false) and keep the money exact", async () => {
    const hostile: AnyContract = await f.ethers.deployContract("HostileERC20", [6]);
    const libraries = { PoseidonT3: f.poseidon.PoseidonT3, PoseidonT5: f.poseidon.PoseidonT5 };
    const vault: AnyContract = await f.ethers.deployContract("ClearingVault", [hostile.target, f.registry.target, f.adapter.target, venue().address, gov().address, BOND, WINDOW, PENALTY_BPS, INSURANCE_BPS, CHALLENGER_BPS], { libraries });
    for (const s of [alice(), dave()]) {
      await (await hostile.mint(s.address, 10n ** 12n)).wait();
      await (await hostile.connect(s).approve(vault.target, f.ethers.MaxUint256)).wait();
    }
    const exact = async () => expect(await hostile.balanceOf(vault.target)).toBe(await vault.accountedBalance());
    await (await vault.connect(alice()).open()).wait();
    await (await vault.connect(alice()).deposit(2n, 1_000_000n, C(1), PROOF)).wait();
    await postRound(f, 1n);
    await (await vault.connect(dave()).challenge(2n)).wait();
    await (await vault.connect(alice()).answer(2n, 1n, PROOF)).wait(); // the bond is alice's credit: no transfer in the answer
    const [NORMAL, FEE, REVERT, REVERT_EMPTY, RETURN_FALSE, NO_RETURN, REENTER] = [0, 1, 2, 3, 4, 5, 6];
    const mode = async (m: number) => (await hostile.setMode(m)).wait();
    await mode(FEE);
    await expectRevert(f.errors, vault.connect(alice()).deposit(2n, 1_000_000n, C(2), PROOF), "ClearingVault__TransferMismatch", [1_000_000n, 990_000n]);
    await mode(REVERT);
    await expectRevert(f.errors, vault.connect(alice()).deposit(2n, 1n, C(2), PROOF), "HostileERC20__Refused");
    await expectRevert(f.errors, vault.connect(alice()).claim(), "HostileERC20__Refused");
    await mode(REVERT_EMPTY);
    await expectRevert(f.errors, vault.connect(alice()).claim(), "SafeTransfer__TransferFailed", [hostile.target]);
    await mode(RETURN_FALSE);
    await expectRevert(f.errors, vault.connect(alice()).withdraw(2n, 1n, 1n, C(2), PROOF), "SafeTransfer__TransferFailed", [hostile.target]);
    await expectRevert(f.errors, vault.connect(alice()).fundInsurance(1n), "SafeTransfer__TransferFailed", [hostile.target]);
    await mode(REENTER);
    await (await hostile.setReentry(vault.target, vault.interface.encodeFunctionData("claim"))).wait();
    await expectRevert(f.errors, vault.connect(alice()).claim(), "ClearingVault__Reentrancy");
    await exact();
    await mode(NO_RETURN); // USDT-style: accepted
    await (await vault.connect(alice()).claim()).wait();
    await mode(NORMAL);
    await (await vault.connect(alice()).withdraw(2n, 1n, 1n, C(3), PROOF)).wait();
    await exact();
    // even with a fee on the way out, the vault's balance drops by exactly the amount (the recipient bears the fee)
    await mode(FEE);
    await (await vault.connect(alice()).withdraw(2n, 100_000n, 1n, C(4), PROOF)).wait();
    await exact();
  });
});
