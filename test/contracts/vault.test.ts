import { beforeEach, describe, expect, it } from "vitest";
import {
  BOND,
  BONUS_BPS,
  FIELD,
  INSURANCE_BPS,
  MAX_AGE,
  WINDOW,
  expectBalanceInvariant,
  expectRevert,
  increaseTime,
  latestTimestamp,
  liquidationStatement,
  marginStatement,
  postRound,
  proofWords,
  revertOf,
  revertTo,
  setNextTimestamp,
  snapshot,
  type AnyContract,
  type Fixture,
  withFixture,
} from "./helpers.ts";

let f: Fixture;
withFixture((fixture) => (f = fixture));

const COMMITMENT = 0x0badc0ffee0ddf00d5eedn;
const COMMITMENT_2 = 0x1234567890abcdefn;
const COLLATERAL = 1_000_000_000n; // 1,000 tokens
const PROOF = proofWords(3n);

const gov = () => f.signers[0];
const alice = () => f.signers[2]; // account owner
const bob = () => f.signers[3]; // challenger
const carol = () => f.signers[4]; // liquidator
const dave = () => f.signers[5]; // anyone else

const as = (signer: { address: string }) => f.vault.connect(signer);

async function open(owner = alice(), commitment = COMMITMENT, amount = COLLATERAL): Promise<bigint> {
  const id: bigint = await as(owner).open.staticCall(commitment, amount);
  await (await as(owner).open(commitment, amount)).wait();
  return id;
}

/** The public signals the mock verifier received when `action` ran (capture mode). */
async function seenSignals(mock: AnyContract, action: () => Promise<unknown>): Promise<bigint[]> {
  await mock.setCapture(true);
  const seen = await revertOf(f.errors, action());
  await mock.setCapture(false);
  expect(seen.name).toBe("MockGroth16Verifier__Seen");
  return [...seen.args[3]];
}

async function vaultEvents(tx: Promise<{ wait: () => Promise<unknown> }>) {
  const receipt = (await (await tx).wait()) as { logs: { address: string; topics: string[]; data: string }[] };
  return receipt.logs
    .filter((l) => l.address === f.vault.target)
    .map((l) => f.vault.interface.parseLog(l)!)
    .map((e) => ({ name: e.name, args: [...e.args] }));
}

const balance = (who: { address: string } | string): Promise<bigint> =>
  f.token.balanceOf(typeof who === "string" ? who : who.address);

async function account(id: bigint) {
  const a = await f.vault.getAccount(id);
  return { collateral: a.collateral, lastHealthyRound: a.lastHealthyRound, status: Number(a.status), commitment: a.commitment, owner: a.owner };
}

async function challengeOf(id: bigint) {
  const c = await f.vault.getChallenge(id);
  return { challenger: c.challenger, bond: c.bond, roundId: c.roundId, deadline: c.deadline };
}

// ================================================================================================ open

describe("# open", () => {
  it("Should register the account, pull the collateral and emit AccountOpened", async () => {
    const before = await balance(alice());
    const events = await vaultEvents(as(alice()).open(COMMITMENT, COLLATERAL));
    expect(events).toEqual([{ name: "AccountOpened", args: [1n, alice().address, COMMITMENT, COLLATERAL] }]);
    expect(await account(1n)).toEqual({ collateral: COLLATERAL, lastHealthyRound: 0n, status: 1, commitment: COMMITMENT, owner: alice().address });
    expect(before - (await balance(alice()))).toBe(COLLATERAL);
    expect(await f.vault.totalCollateral()).toBe(COLLATERAL);
    await expectBalanceInvariant(f);
  });

  it("Should number accounts from 1", async () => {
    expect(await open()).toBe(1n);
    expect(await open(bob(), COMMITMENT_2, 5n)).toBe(2n);
    expect((await account(2n)).owner).toBe(bob().address);
    expect(await f.vault.totalCollateral()).toBe(COLLATERAL + 5n);
    await expectBalanceInvariant(f);
  });

  it("Should revert CommitmentOutOfField for a commitment >= r", async () => {
    await expectRevert(f.errors, as(alice()).open(FIELD, COLLATERAL), "PrivateMarginVault__CommitmentOutOfField");
  });

  it("Should revert when the collateral cannot be pulled", async () => {
    await f.token.connect(dave()).approve(f.vault.target, 0n);
    await expectRevert(f.errors, as(dave()).open(COMMITMENT, 1n), "MockERC20__InsufficientAllowance");
  });
});

// ================================================================================================ attest

describe("# attest", () => {
  let rc: bigint;
  beforeEach(async () => {
    await open();
    ({ commitment: rc } = await postRound(f, 1n));
  });

  it("Should verify [commitment, roundCommitment, margin statement] and record lastHealthyRound", async () => {
    const signals = await seenSignals(f.margin[4], () => as(dave()).attest(1n, 1n, 4, 250, PROOF));
    expect(signals).toEqual([COMMITMENT, rc, marginStatement(dave().address, 250n, false, COLLATERAL)]);

    const events = await vaultEvents(as(dave()).attest(1n, 1n, 4, 250, PROOF));
    expect(events).toEqual([{ name: "Attested", args: [1n, 1n, dave().address, 250n] }]);
    expect((await account(1n)).lastHealthyRound).toBe(1n);
    expect(await f.vault.marginStatement(dave().address, 250, false, COLLATERAL)).toBe(
      marginStatement(dave().address, 250n, false, COLLATERAL),
    );
    await expectBalanceInvariant(f);
  });

  it("Should bind the proof to its sender: the same proof from another address fails", async () => {
    await f.margin[1].expectSignals([COMMITMENT, rc, marginStatement(alice().address, 0n, false, COLLATERAL)]);
    await expectRevert(f.errors, as(bob()).attest(1n, 1n, 1, 0, PROOF), "ZkMarginVerifier__InvalidProof");
    await as(alice()).attest(1n, 1n, 1, 0, PROOF);
  });

  it("Should bind the proof to the buffer: a proof for another bufferBps fails", async () => {
    await f.margin[1].expectSignals([COMMITMENT, rc, marginStatement(alice().address, 100n, false, COLLATERAL)]);
    await expectRevert(f.errors, as(alice()).attest(1n, 1n, 1, 101, PROOF), "ZkMarginVerifier__InvalidProof");
    await as(alice()).attest(1n, 1n, 1, 100, PROOF);
  });

  it("Should revert InvalidProof for a proof of another round (wrong round)", async () => {
    const { commitment: rc2 } = await postRound(f, 2n);
    await f.margin[1].expectSignals([COMMITMENT, rc2, marginStatement(alice().address, 0n, false, COLLATERAL)]);
    await expectRevert(f.errors, as(alice()).attest(1n, 1n, 1, 0, PROOF), "ZkMarginVerifier__InvalidProof");
    await as(alice()).attest(1n, 2n, 1, 0, PROOF);
  });

  it("Should revert InvalidProof for a proof of another account's commitment (wrong commitment)", async () => {
    await open(bob(), COMMITMENT_2, COLLATERAL);
    await f.margin[1].expectSignals([COMMITMENT_2, rc, marginStatement(alice().address, 0n, false, COLLATERAL)]);
    await expectRevert(f.errors, as(alice()).attest(1n, 1n, 1, 0, PROOF), "ZkMarginVerifier__InvalidProof");
    await as(alice()).attest(2n, 1n, 1, 0, PROOF);
  });

  it("Should revert InvalidProof for a tampered proof (verifier returns false)", async () => {
    await f.margin[16].setResult(false);
    await expectRevert(f.errors, as(alice()).attest(1n, 1n, 16, 0, PROOF), "ZkMarginVerifier__InvalidProof");
    expect((await account(1n)).lastHealthyRound).toBe(0n);
  });

  it("Should revert StaleRound for a round older than maxAge", async () => {
    await increaseTime(f.ethers, MAX_AGE + 1n);
    await expectRevert(f.errors, as(alice()).attest(1n, 1n, 1, 0, PROOF), "PrivateMarginVault__StaleRound", [1n]);
  });

  it("Should revert UnknownRound for a round never posted", async () => {
    await expectRevert(f.errors, as(alice()).attest(1n, 2n, 1, 0, PROOF), "PrivateMarginVault__UnknownRound", [2n]);
    await expectRevert(f.errors, as(alice()).attest(1n, 0n, 1, 0, PROOF), "PrivateMarginVault__UnknownRound", [0n]);
  });

  it("Should revert UnknownCircuit for an unknown capacity", async () => {
    await expectRevert(f.errors, as(alice()).attest(1n, 1n, 2, 0, PROOF), "ZkMarginVerifier__UnknownCircuit", [2]);
  });

  it("Should revert UnknownAccount and AccountClosed", async () => {
    await expectRevert(f.errors, as(alice()).attest(9n, 1n, 1, 0, PROOF), "PrivateMarginVault__UnknownAccount", [9n]);
    await as(carol()).liquidateByProof(1n, 1n, 1, PROOF);
    await expectRevert(f.errors, as(alice()).attest(1n, 1n, 1, 0, PROOF), "PrivateMarginVault__AccountClosed", [1n]);
  });

  it("Should keep the newest healthy round when attesting at an older fresh round", async () => {
    await postRound(f, 2n);
    await as(alice()).attest(1n, 2n, 1, 0, PROOF);
    await as(alice()).attest(1n, 1n, 1, 0, PROOF);
    expect((await account(1n)).lastHealthyRound).toBe(2n);
  });
});

// ================================================================================================ update

describe("# update", () => {
  const NEW_COMMITMENT = 0x2222n;
  let rc: bigint;
  beforeEach(async () => {
    await open();
    ({ commitment: rc } = await postRound(f, 1n));
  });

  it("Should verify an INITIAL-margin proof of the new commitment and new collateral", async () => {
    const signals = await seenSignals(f.margin[1], () => as(alice()).update(1n, NEW_COMMITMENT, 400_000_000n, 1n, 1, PROOF));
    expect(signals).toEqual([NEW_COMMITMENT, rc, marginStatement(alice().address, 0n, true, 400_000_000n)]);
  });

  it("Should withdraw: send the difference to the owner and replace the commitment", async () => {
    const before = await balance(alice());
    const events = await vaultEvents(as(alice()).update(1n, NEW_COMMITMENT, 400_000_000n, 1n, 1, PROOF));
    expect(events).toEqual([
      { name: "AccountUpdated", args: [1n, 1n, COMMITMENT, NEW_COMMITMENT, COLLATERAL, 400_000_000n] },
    ]);
    expect((await balance(alice())) - before).toBe(COLLATERAL - 400_000_000n);
    expect(await account(1n)).toEqual({ collateral: 400_000_000n, lastHealthyRound: 1n, status: 1, commitment: NEW_COMMITMENT, owner: alice().address });
    await expectBalanceInvariant(f);
  });

  it("Should deposit: pull the difference from the owner", async () => {
    const before = await balance(alice());
    await as(alice()).update(1n, NEW_COMMITMENT, COLLATERAL + 7n, 1n, 4, PROOF);
    expect(before - (await balance(alice()))).toBe(7n);
    expect((await account(1n)).collateral).toBe(COLLATERAL + 7n);
    expect(await f.vault.totalCollateral()).toBe(COLLATERAL + 7n);
    await expectBalanceInvariant(f);
  });

  it("Should replace the commitment alone when the collateral does not change (a trade)", async () => {
    const before = await balance(alice());
    await as(alice()).update(1n, NEW_COMMITMENT, COLLATERAL, 1n, 16, PROOF);
    expect(await balance(alice())).toBe(before);
    expect((await account(1n)).commitment).toBe(NEW_COMMITMENT);
    await expectBalanceInvariant(f);
  });

  it("Should make withdrawing without a valid proof impossible", async () => {
    await f.margin[1].setResult(false);
    const before = await balance(f.vault.target as string);
    await expectRevert(f.errors, as(alice()).update(1n, COMMITMENT, 0n, 1n, 1, PROOF), "ZkMarginVerifier__InvalidProof");
    // a maintenance (attest) proof is not an initial-margin proof
    await f.margin[1].setResult(true);
    await f.margin[1].expectSignals([COMMITMENT, rc, marginStatement(alice().address, 0n, false, 0n)]);
    await expectRevert(f.errors, as(alice()).update(1n, COMMITMENT, 0n, 1n, 1, PROOF), "ZkMarginVerifier__InvalidProof");
    // a proof for another collateral amount does not withdraw more
    await f.margin[1].expectSignals([COMMITMENT, rc, marginStatement(alice().address, 0n, true, 900_000_000n)]);
    await expectRevert(f.errors, as(alice()).update(1n, COMMITMENT, 0n, 1n, 1, PROOF), "ZkMarginVerifier__InvalidProof");
    expect(await balance(f.vault.target as string)).toBe(before);
    expect((await account(1n)).collateral).toBe(COLLATERAL);
    await expectBalanceInvariant(f);
  });

  it("Should revert NotOwner for anyone but the owner, even with a valid proof", async () => {
    await expectRevert(f.errors, as(bob()).update(1n, NEW_COMMITMENT, 0n, 1n, 1, PROOF), "PrivateMarginVault__NotOwner", [1n, bob().address]);
  });

  it("Should revert StaleRound, UnknownRound and InputOutOfField (new commitment >= r)", async () => {
    await expectRevert(f.errors, as(alice()).update(1n, NEW_COMMITMENT, 0n, 2n, 1, PROOF), "PrivateMarginVault__UnknownRound", [2n]);
    await expectRevert(f.errors, as(alice()).update(1n, FIELD, 0n, 1n, 1, PROOF), "ZkMarginVerifier__InputOutOfField");
    await increaseTime(f.ethers, MAX_AGE + 1n);
    await expectRevert(f.errors, as(alice()).update(1n, NEW_COMMITMENT, 0n, 1n, 1, PROOF), "PrivateMarginVault__StaleRound", [1n]);
  });

  it("Should revert RoundTooOld for a round before lastHealthyRound", async () => {
    await postRound(f, 2n);
    await as(alice()).attest(1n, 2n, 1, 0, PROOF);
    await expectRevert(f.errors, as(alice()).update(1n, NEW_COMMITMENT, 0n, 1n, 1, PROOF), "PrivateMarginVault__RoundTooOld", [1n, 2n]);
  });

  it("Should answer an active challenge when made at a round >= the challenge round", async () => {
    await as(bob()).challenge(1n);
    const events = await vaultEvents(as(alice()).update(1n, NEW_COMMITMENT, COLLATERAL, 1n, 1, PROOF));
    expect(events.map((e) => e.name)).toEqual(["AccountUpdated", "ChallengeAnswered"]);
    expect(events[1].args).toEqual([1n, 1n, alice().address, alice().address, BOND]);
    expect((await challengeOf(1n)).challenger).toBe(f.ethers.ZeroAddress);
    expect(await f.vault.claimable(alice().address)).toBe(BOND);
    expect(await f.vault.totalBonds()).toBe(0n);
    await expectBalanceInvariant(f);
  });

  it("Should revert RoundTooOld while challenged at a newer round, and WindowClosed after the window", async () => {
    await postRound(f, 2n);
    await as(bob()).challenge(1n); // at round 2
    await expectRevert(f.errors, as(alice()).update(1n, NEW_COMMITMENT, 0n, 1n, 1, PROOF), "PrivateMarginVault__RoundTooOld", [1n, 2n]);
    const { deadline } = await challengeOf(1n);
    await increaseTime(f.ethers, WINDOW + 1n);
    await postRound(f, 3n);
    await expectRevert(f.errors, as(alice()).update(1n, NEW_COMMITMENT, 0n, 3n, 1, PROOF), "PrivateMarginVault__WindowClosed", [1n, deadline]);
  });
});

// ================================================================================================ challenge

describe("# challenge", () => {
  beforeEach(async () => {
    await open();
  });

  it("Should record a challenge at the latest round, pull the bond and emit Challenged", async () => {
    await postRound(f, 1n);
    await postRound(f, 2n);
    const before = await balance(bob());
    const now = await latestTimestamp(f.ethers);
    await setNextTimestamp(f.ethers, now + 1n);
    const events = await vaultEvents(as(bob()).challenge(1n));
    const deadline = now + 1n + WINDOW;
    expect(events).toEqual([{ name: "Challenged", args: [1n, bob().address, 2n, deadline, BOND] }]);
    expect(await challengeOf(1n)).toEqual({ challenger: bob().address, bond: BOND, roundId: 2n, deadline });
    expect(before - (await balance(bob()))).toBe(BOND);
    expect(await f.vault.totalBonds()).toBe(BOND);
    await expectBalanceInvariant(f);
  });

  it("Should revert ChallengeActive for a second challenge", async () => {
    await postRound(f, 1n);
    await as(bob()).challenge(1n);
    await postRound(f, 2n);
    await expectRevert(f.errors, as(dave()).challenge(1n), "PrivateMarginVault__ChallengeActive", [1n]);
  });

  it("Should revert UnknownRound before any round and StaleRound when the latest round is stale", async () => {
    await expectRevert(f.errors, as(bob()).challenge(1n), "PrivateMarginVault__UnknownRound", [0n]);
    await postRound(f, 1n);
    await increaseTime(f.ethers, MAX_AGE + 1n);
    await expectRevert(f.errors, as(bob()).challenge(1n), "PrivateMarginVault__StaleRound", [1n]);
  });

  it("Should revert AlreadyHealthy when the account is proven at the latest round", async () => {
    await postRound(f, 1n);
    await as(alice()).attest(1n, 1n, 1, 0, PROOF);
    await expectRevert(f.errors, as(bob()).challenge(1n), "PrivateMarginVault__AlreadyHealthy", [1n, 1n]);
    await postRound(f, 2n);
    await as(bob()).challenge(1n);
  });

  it("Should revert UnknownAccount and AccountClosed", async () => {
    await postRound(f, 1n);
    await expectRevert(f.errors, as(bob()).challenge(5n), "PrivateMarginVault__UnknownAccount", [5n]);
    await as(carol()).liquidateByProof(1n, 1n, 1, PROOF);
    await expectRevert(f.errors, as(bob()).challenge(1n), "PrivateMarginVault__AccountClosed", [1n]);
  });
});

// ================================================================================================ answer

describe("# answer", () => {
  let rc: bigint;
  let deadline: bigint;
  beforeEach(async () => {
    await open();
    ({ commitment: rc } = await postRound(f, 1n));
    await as(bob()).challenge(1n);
    ({ deadline } = await challengeOf(1n));
  });

  it("Should verify a maintenance proof at the challenge round and credit the bond to the owner", async () => {
    const signals = await seenSignals(f.margin[1], () => as(alice()).answer(1n, 1n, 1, PROOF));
    expect(signals).toEqual([COMMITMENT, rc, marginStatement(alice().address, 0n, false, COLLATERAL)]);
    const events = await vaultEvents(as(alice()).answer(1n, 1n, 1, PROOF));
    expect(events).toEqual([{ name: "ChallengeAnswered", args: [1n, 1n, alice().address, alice().address, BOND] }]);
    expect((await challengeOf(1n)).challenger).toBe(f.ethers.ZeroAddress);
    expect((await account(1n)).lastHealthyRound).toBe(1n);
    expect(await f.vault.claimable(alice().address)).toBe(BOND);
    await expectBalanceInvariant(f);
    const before = await balance(alice());
    await as(alice()).claim();
    expect((await balance(alice())) - before).toBe(BOND);
    await expectBalanceInvariant(f);
  });

  it("Should let a maintenance attest at the challenge round answer the challenge within the window", async () => {
    const events = await vaultEvents(as(alice()).attest(1n, 1n, 1, 0, PROOF));
    expect(events).toEqual([
      { name: "Attested", args: [1n, 1n, alice().address, 0n] },
      { name: "ChallengeAnswered", args: [1n, 1n, alice().address, alice().address, BOND] },
    ]);
    expect((await challengeOf(1n)).challenger).toBe(f.ethers.ZeroAddress);
    expect(await f.vault.claimable(alice().address)).toBe(BOND);
    await expectBalanceInvariant(f);
  });

  it("Should close the challenge with the bond back to the challenger when the attest comes after the window, and never liquidate", async () => {
    await increaseTime(f.ethers, WINDOW + 1n);
    await postRound(f, 2n);
    const events = await vaultEvents(as(alice()).attest(1n, 2n, 1, 0, PROOF));
    expect(events).toEqual([
      { name: "Attested", args: [1n, 2n, alice().address, 0n] },
      { name: "BondReturned", args: [1n, bob().address, BOND] },
    ]);
    expect(await f.vault.claimable(bob().address)).toBe(BOND);
    await expectRevert(f.errors, as(carol()).liquidateUnanswered(1n), "PrivateMarginVault__NoChallenge", [1n]);
    await expectBalanceInvariant(f);
  });

  it("Should accept the challenge round even after it went stale, within the window", async () => {
    await increaseTime(f.ethers, MAX_AGE + 1n);
    expect(await f.registry.isFresh(1n)).toBe(false);
    await as(alice()).answer(1n, 1n, 1, PROOF);
  });

  it("Should accept a later fresh round and revert StaleRound for a later stale one", async () => {
    const { commitment: rc2 } = await postRound(f, 2n);
    await increaseTime(f.ethers, MAX_AGE + 1n);
    await expectRevert(f.errors, as(alice()).answer(1n, 2n, 1, PROOF), "PrivateMarginVault__StaleRound", [2n]);
    const { commitment: rc3 } = await postRound(f, 3n);
    expect(rc3).not.toBe(rc2);
    const signals = await seenSignals(f.margin[1], () => as(alice()).answer(1n, 3n, 1, PROOF));
    expect(signals[1]).toBe(rc3);
    await as(alice()).answer(1n, 3n, 1, PROOF);
    expect((await account(1n)).lastHealthyRound).toBe(3n);
  });

  it("Should credit the bond to the owner when someone else holding a proof answers", async () => {
    await f.margin[1].expectSignals([COMMITMENT, rc, marginStatement(dave().address, 0n, false, COLLATERAL)]);
    await expectRevert(f.errors, as(alice()).answer(1n, 1n, 1, PROOF), "ZkMarginVerifier__InvalidProof");
    await as(dave()).answer(1n, 1n, 1, PROOF);
    expect(await f.vault.claimable(alice().address)).toBe(BOND);
    expect(await f.vault.claimable(dave().address)).toBe(0n);
  });

  it("Should revert RoundTooOld for a round before the challenge round", async () => {
    await open(dave(), COMMITMENT_2, COLLATERAL);
    await postRound(f, 2n);
    await as(bob()).challenge(2n);
    await expectRevert(f.errors, as(dave()).answer(2n, 1n, 1, PROOF), "PrivateMarginVault__RoundTooOld", [1n, 2n]);
  });

  it("Should accept an answer at the deadline and revert WindowClosed after it", async () => {
    const id = await snapshot(f.ethers);
    await setNextTimestamp(f.ethers, deadline);
    await as(alice()).answer(1n, 1n, 1, PROOF);
    await revertTo(f.ethers, id);
    await setNextTimestamp(f.ethers, deadline + 1n);
    await f.ethers.provider.send("evm_mine", []);
    await expectRevert(f.errors, as(alice()).answer(1n, 1n, 1, PROOF), "PrivateMarginVault__WindowClosed", [1n, deadline]);
  });

  it("Should revert InvalidProof for a tampered proof and NoChallenge without challenge", async () => {
    await f.margin[1].setResult(false);
    await expectRevert(f.errors, as(alice()).answer(1n, 1n, 1, PROOF), "ZkMarginVerifier__InvalidProof");
    await f.margin[1].setResult(true);
    await as(alice()).answer(1n, 1n, 1, PROOF);
    await expectRevert(f.errors, as(alice()).answer(1n, 1n, 1, PROOF), "PrivateMarginVault__NoChallenge", [1n]);
  });
});

// ================================================================================================ liquidateUnanswered

describe("# liquidateUnanswered", () => {
  let deadline: bigint;
  beforeEach(async () => {
    await open();
    await postRound(f, 1n);
    await as(bob()).challenge(1n);
    ({ deadline } = await challengeOf(1n));
  });

  it("Should revert WindowOpen up to and including the deadline", async () => {
    await expectRevert(f.errors, as(carol()).liquidateUnanswered(1n), "PrivateMarginVault__WindowOpen", [1n, deadline]);
    // the transaction's own block is at the deadline
    await setNextTimestamp(f.ethers, deadline);
    await expectRevert(f.errors, as(carol()).liquidateUnanswered(1n), "PrivateMarginVault__WindowOpen", [1n, deadline]);
    await setNextTimestamp(f.ethers, deadline + 1n);
    await as(carol()).liquidateUnanswered(1n);
  });

  it("Should seize the collateral after the window: bonus, insurance share, owner remainder, bond back", async () => {
    await increaseTime(f.ethers, WINDOW + 1n);
    const carolBefore = await balance(carol());
    const events = await vaultEvents(as(carol()).liquidateUnanswered(1n));
    const bonus = (COLLATERAL * BONUS_BPS) / 10_000n;
    const insurance = (COLLATERAL * INSURANCE_BPS) / 10_000n;
    const remainder = COLLATERAL - bonus - insurance;
    expect(events).toEqual([
      { name: "BondReturned", args: [1n, bob().address, BOND] },
      { name: "Liquidated", args: [1n, carol().address, 1n, false, COLLATERAL, bonus, insurance, remainder] },
    ]);
    expect((await balance(carol())) - carolBefore).toBe(bonus);
    expect(await f.vault.insuranceFund()).toBe(insurance);
    expect(await f.vault.claimable(alice().address)).toBe(remainder);
    expect(await f.vault.claimable(bob().address)).toBe(BOND);
    expect(await account(1n)).toMatchObject({ collateral: 0n, status: 2 });
    expect(await f.vault.totalCollateral()).toBe(0n);
    expect(await f.vault.totalBonds()).toBe(0n);
    await expectBalanceInvariant(f);

    // everyone withdraws their credit; the vault keeps exactly the insurance fund
    await as(alice()).claim();
    await as(bob()).claim();
    expect(await balance(f.vault.target as string)).toBe(insurance);
    await expectBalanceInvariant(f);
  });

  it("Should revert AccountClosed for a double liquidation", async () => {
    await increaseTime(f.ethers, WINDOW + 1n);
    await as(carol()).liquidateUnanswered(1n);
    await expectRevert(f.errors, as(dave()).liquidateUnanswered(1n), "PrivateMarginVault__AccountClosed", [1n]);
    await expectRevert(f.errors, as(alice()).answer(1n, 1n, 1, PROOF), "PrivateMarginVault__AccountClosed", [1n]);
    await expectBalanceInvariant(f);
  });

  it("Should revert NoChallenge for an answered or never challenged account", async () => {
    await as(alice()).answer(1n, 1n, 1, PROOF);
    await increaseTime(f.ethers, WINDOW + 1n);
    await expectRevert(f.errors, as(carol()).liquidateUnanswered(1n), "PrivateMarginVault__NoChallenge", [1n]);
    await expectBalanceInvariant(f);
  });
});

// ================================================================================================ liquidateByProof

describe("# liquidateByProof", () => {
  let rc: bigint;
  beforeEach(async () => {
    await open();
    ({ commitment: rc } = await postRound(f, 1n));
  });

  it("Should verify [commitment, roundCommitment, liquidator + 2^160 collateral] and liquidate at once", async () => {
    const signals = await seenSignals(f.liquidation[4], () => as(carol()).liquidateByProof(1n, 1n, 4, PROOF));
    expect(signals).toEqual([COMMITMENT, rc, liquidationStatement(carol().address, COLLATERAL)]);
    expect(await f.vault.liquidationStatement(carol().address, COLLATERAL)).toBe(liquidationStatement(carol().address, COLLATERAL));

    const carolBefore = await balance(carol());
    const events = await vaultEvents(as(carol()).liquidateByProof(1n, 1n, 4, PROOF));
    const bonus = (COLLATERAL * BONUS_BPS) / 10_000n;
    const insurance = (COLLATERAL * INSURANCE_BPS) / 10_000n;
    expect(events).toEqual([
      { name: "Liquidated", args: [1n, carol().address, 1n, true, COLLATERAL, bonus, insurance, COLLATERAL - bonus - insurance] },
    ]);
    expect((await balance(carol())) - carolBefore).toBe(bonus);
    expect((await account(1n)).status).toBe(2);
    await expectBalanceInvariant(f);
  });

  it("Should use the liquidation verifier, not the margin verifier", async () => {
    await f.liquidation[1].setResult(false);
    await expectRevert(f.errors, as(carol()).liquidateByProof(1n, 1n, 1, PROOF), "ZkMarginVerifier__InvalidProof");
  });

  it("Should fail for the same proof from another address (front-running) and a second time", async () => {
    await f.liquidation[1].expectSignals([COMMITMENT, rc, liquidationStatement(carol().address, COLLATERAL)]);
    await expectRevert(f.errors, as(dave()).liquidateByProof(1n, 1n, 1, PROOF), "ZkMarginVerifier__InvalidProof");
    await as(carol()).liquidateByProof(1n, 1n, 1, PROOF);
    await expectRevert(f.errors, as(carol()).liquidateByProof(1n, 1n, 1, PROOF), "PrivateMarginVault__AccountClosed", [1n]);
    await expectBalanceInvariant(f);
  });

  it("Should fail for a proof made for another collateral amount", async () => {
    await f.liquidation[1].expectSignals([COMMITMENT, rc, liquidationStatement(carol().address, COLLATERAL - 1n)]);
    await expectRevert(f.errors, as(carol()).liquidateByProof(1n, 1n, 1, PROOF), "ZkMarginVerifier__InvalidProof");
  });

  it("Should fail for a proof of the replaced commitment after an update", async () => {
    await f.liquidation[1].expectSignals([COMMITMENT, rc, liquidationStatement(carol().address, COLLATERAL)]);
    await as(alice()).update(1n, 0x3333n, COLLATERAL, 1n, 1, PROOF);
    await expectRevert(f.errors, as(carol()).liquidateByProof(1n, 1n, 1, PROOF), "ZkMarginVerifier__InvalidProof");
  });

  it("Should revert StaleRound, UnknownRound and RoundTooOld (before lastHealthyRound)", async () => {
    await expectRevert(f.errors, as(carol()).liquidateByProof(1n, 4n, 1, PROOF), "PrivateMarginVault__UnknownRound", [4n]);
    await postRound(f, 2n);
    await as(alice()).attest(1n, 2n, 1, 0, PROOF);
    await expectRevert(f.errors, as(carol()).liquidateByProof(1n, 1n, 1, PROOF), "PrivateMarginVault__RoundTooOld", [1n, 2n]);
    await increaseTime(f.ethers, MAX_AGE + 1n);
    await expectRevert(f.errors, as(carol()).liquidateByProof(1n, 2n, 1, PROOF), "PrivateMarginVault__StaleRound", [2n]);
  });

  it("Should close a pending challenge and credit the bond back to the challenger", async () => {
    await as(bob()).challenge(1n);
    const events = await vaultEvents(as(carol()).liquidateByProof(1n, 1n, 1, PROOF));
    expect(events.map((e) => e.name)).toEqual(["BondReturned", "Liquidated"]);
    expect(await f.vault.claimable(bob().address)).toBe(BOND);
    expect((await challengeOf(1n)).challenger).toBe(f.ethers.ZeroAddress);
    await expectRevert(f.errors, as(alice()).answer(1n, 1n, 1, PROOF), "PrivateMarginVault__AccountClosed", [1n]);
    await expectBalanceInvariant(f);
  });
});

// ================================================================================================ claim

describe("# claim", () => {
  it("Should revert NothingToClaim without credit", async () => {
    await expectRevert(f.errors, as(alice()).claim(), "PrivateMarginVault__NothingToClaim");
  });

  it("Should pay the credit once and emit Claimed", async () => {
    await open();
    await postRound(f, 1n);
    await as(bob()).challenge(1n);
    await as(alice()).answer(1n, 1n, 1, PROOF);
    expect(await vaultEvents(as(alice()).claim())).toEqual([{ name: "Claimed", args: [alice().address, BOND] }]);
    await expectRevert(f.errors, as(alice()).claim(), "PrivateMarginVault__NothingToClaim");
    await expectBalanceInvariant(f);
  });
});

// ================================================================================================ governance

describe("# governance", () => {
  it("Should set the challenge parameters", async () => {
    expect(await vaultEvents(f.vault.setChallengeParameters(7n, 60n))).toEqual([
      { name: "ChallengeParametersChanged", args: [7n, 60n] },
    ]);
    expect(await f.vault.challengeBond()).toBe(7n);
    expect(await f.vault.answerWindow()).toBe(60n);
    await expectRevert(f.errors, f.vault.setChallengeParameters(7n, 0n), "PrivateMarginVault__BadParameters");
  });

  it("Should keep a pending challenge's bond when the bond parameter changes", async () => {
    await open();
    await postRound(f, 1n);
    await as(bob()).challenge(1n);
    await f.vault.setChallengeParameters(1n, 60n);
    await as(alice()).answer(1n, 1n, 1, PROOF);
    expect(await f.vault.claimable(alice().address)).toBe(BOND);
    await expectBalanceInvariant(f);
  });

  it("Should set the liquidation shares up to 100 %", async () => {
    expect(await vaultEvents(f.vault.setLiquidationShares(1_000, 9_000))).toEqual([
      { name: "LiquidationSharesChanged", args: [1_000n, 9_000n] },
    ]);
    await expectRevert(f.errors, f.vault.setLiquidationShares(1_000, 9_001), "PrivateMarginVault__BadParameters");
  });

  it("Should seize everything when bonus + insurance = 100 % (no owner remainder)", async () => {
    await f.vault.setLiquidationShares(1_000, 9_000);
    await open();
    await postRound(f, 1n);
    await as(carol()).liquidateByProof(1n, 1n, 1, PROOF);
    expect(await f.vault.insuranceFund()).toBe((COLLATERAL * 9n) / 10n);
    expect(await f.vault.claimable(alice().address)).toBe(0n);
    await expectBalanceInvariant(f);
  });

  it("Should withdraw from the insurance fund, no more than it holds", async () => {
    await open();
    await postRound(f, 1n);
    await as(carol()).liquidateByProof(1n, 1n, 1, PROOF);
    const fund: bigint = await f.vault.insuranceFund();
    await expectRevert(f.errors, f.vault.withdrawInsurance(dave().address, fund + 1n), "PrivateMarginVault__InsufficientInsurance", [fund + 1n, fund]);
    await expectRevert(f.errors, f.vault.withdrawInsurance(f.ethers.ZeroAddress, 1n), "PrivateMarginVault__ZeroAddress");
    const before = await balance(dave());
    expect(await vaultEvents(f.vault.withdrawInsurance(dave().address, fund))).toEqual([
      { name: "InsuranceWithdrawn", args: [dave().address, fund] },
    ]);
    expect((await balance(dave())) - before).toBe(fund);
    await expectBalanceInvariant(f);
  });

  it("Should revert NotGovernance for everyone else, and transfer governance", async () => {
    const d = dave();
    await expectRevert(f.errors, as(d).setChallengeParameters(1n, 1n), "PrivateMarginVault__NotGovernance", [d.address]);
    await expectRevert(f.errors, as(d).setLiquidationShares(1, 1), "PrivateMarginVault__NotGovernance", [d.address]);
    await expectRevert(f.errors, as(d).withdrawInsurance(d.address, 0n), "PrivateMarginVault__NotGovernance", [d.address]);
    await expectRevert(f.errors, as(d).transferGovernance(d.address), "PrivateMarginVault__NotGovernance", [d.address]);
    await expectRevert(f.errors, f.vault.transferGovernance(f.ethers.ZeroAddress), "PrivateMarginVault__ZeroAddress");
    expect(await vaultEvents(f.vault.transferGovernance(d.address))).toEqual([
      { name: "GovernanceTransferred", args: [gov().address, d.address] },
    ]);
    await as(d).setChallengeParameters(1n, 1n);
    await expectRevert(f.errors, f.vault.setChallengeParameters(1n, 1n), "PrivateMarginVault__NotGovernance", [gov().address]);
  });

  it("Should reject zero addresses and bad shares at construction", async () => {
    const factory = await f.ethers.getContractFactory("PrivateMarginVault");
    const z = f.ethers.ZeroAddress;
    const args = [f.token.target, f.registry.target, f.adapter.target, gov().address, BOND, WINDOW, BONUS_BPS, INSURANCE_BPS];
    for (const i of [0, 1, 2, 3]) {
      const bad = [...args];
      bad[i] = z;
      await expectRevert(f.errors, factory.deploy(...bad), "PrivateMarginVault__ZeroAddress");
    }
    const badShares = [...args];
    badShares[6] = 5_001n;
    badShares[7] = 5_000n;
    await expectRevert(f.errors, factory.deploy(...badShares), "PrivateMarginVault__BadParameters");
  });
});

// ================================================================================================ reentrancy

describe("# nonReentrant", () => {
  it("Should block a token that calls back into the vault during a transfer", async () => {
    await open();
    await postRound(f, 1n);
    // the token calls vault.claim() from inside transfer/transferFrom
    await f.token.setHook(f.vault.target, f.vault.interface.encodeFunctionData("claim"));
    await expectRevert(f.errors, as(alice()).open(COMMITMENT, 1n), "PrivateMarginVault__Reentrancy");
    await expectRevert(f.errors, as(alice()).update(1n, COMMITMENT, 1n, 1n, 1, PROOF), "PrivateMarginVault__Reentrancy");
    await expectRevert(f.errors, as(bob()).challenge(1n), "PrivateMarginVault__Reentrancy");
    await expectRevert(f.errors, as(carol()).liquidateByProof(1n, 1n, 1, PROOF), "PrivateMarginVault__Reentrancy");
    await f.token.setHook(f.ethers.ZeroAddress, "0x");
    await as(carol()).liquidateByProof(1n, 1n, 1, PROOF);
    await expectBalanceInvariant(f);
  });
});

// ================================================================================================ scenario

describe("# lifecycle", () => {
  it("Should keep the balance invariant through open, trade, challenge, answer, withdraw and liquidation", async () => {
    await open(alice(), COMMITMENT, COLLATERAL);
    await open(dave(), COMMITMENT_2, 2n * COLLATERAL);
    await expectBalanceInvariant(f);
    await postRound(f, 1n);
    await as(alice()).attest(1n, 1n, 1, 0, PROOF);
    await postRound(f, 2n);
    await as(bob()).challenge(1n);
    await as(bob()).challenge(2n);
    await expectBalanceInvariant(f);
    await as(alice()).answer(1n, 2n, 4, PROOF);
    await as(alice()).update(1n, 0x4444n, COLLATERAL / 2n, 2n, 4, PROOF);
    await expectBalanceInvariant(f);
    await increaseTime(f.ethers, WINDOW + 1n);
    await as(carol()).liquidateUnanswered(2n);
    await expectBalanceInvariant(f);
    await postRound(f, 3n);
    await as(carol()).liquidateByProof(1n, 3n, 16, PROOF);
    await expectBalanceInvariant(f);
    for (const s of [alice(), bob(), dave()]) {
      if ((await f.vault.claimable(s.address)) > 0n) await as(s).claim();
    }
    await f.vault.withdrawInsurance(gov().address, await f.vault.insuranceFund());
    expect(await balance(f.vault.target as string)).toBe(0n);
    expect(await f.vault.accountedBalance()).toBe(0n);
  });
});
