/**
 * The v1 auditor's findings (issue 14), each tried against v2 as an attacker would: each test is the attack, and
 * passes when it no longer works. The mock verifiers run in exact-input mode: a proof exists only for the public
 * inputs a test names (a healthy account has no below-maintenance proof, so the only takeover "proof" an attacker
 * has is one claiming the account defaulted).
 */
import { describe, expect, it } from "vitest";
import { registryRiskRows } from "../../prover/src/chain/deployment.ts";
import { riskCommitment } from "../../prover/src/commitment/round.ts";
import { poseidonHash } from "../../prover/src/commitment/sponge.ts";
import { packMarginStatement, packTakeoverStatement } from "../../prover/src/commitment/statement.ts";
import type { Tier } from "../../prover/src/model/types.ts";
import {
  BOND, GOVERNANCE_DELAY, LISTED, MAX_AGE, PENALTY_BPS, WINDOW, type AnyContract, type Fixture, changeData, eventsOf, expectInvariant, expectRevert,
  increaseTime, latestTimestamp, marketSet, postRound, proofWords, queueChange, roundValues, withFixture,
} from "./helpers.ts";

let f: Fixture;
withFixture((fixture) => (f = fixture));

const PROOF = proofWords(11n);
const gov = () => f.signers[0]!;
const poster = () => f.signers[1]!;
const venue = () => f.signers[2]!;
const alice = () => f.signers[3]!; // a healthy trader
const mallory = () => f.signers[8]!; // governance's accomplice (challenger and liquidator)
const as = (signer: { address: string }): AnyContract => f.vault.connect(signer);
const C = (n: number | bigint): bigint => poseidonHash([BigInt(n), 0xf1dn]);
const answerStmt = (who: { address: string }) => packMarginStatement({ binder: BigInt(who.address), bufferBps: 0n, requirement: "maintenance", side: "favourable" });

async function run(tx: Promise<{ wait: () => Promise<unknown> }>): Promise<void> {
  await (await tx).wait();
  await expectInvariant(f);
}

/** alice (#2) holds 10,000 tokens and is healthy; mallory (#3) has a liquidator account; insurance holds 1,000. */
async function setup(): Promise<{ a: bigint; m: bigint; rc: bigint }> {
  await run(as(alice()).open());
  await run(as(mallory()).open());
  await run(as(alice()).deposit(2n, 10_000_000_000n, C(1), PROOF));
  await run(as(mallory()).deposit(3n, 1_000_000n, C(2), PROOF));
  await run(as(mallory()).fundInsurance(1_000_000_000n));
  const { commitment: rc } = await postRound(f, 1n);
  return { a: 2n, m: 3n, rc };
}

describe("# finding 1: vault governance alone takes a healthy account's collateral", () => {
  it("Should refuse 100 % insurance shares, a 100 % penalty, a 1 s window and a zero bond, even queued", async () => {
    const q = (method: string, args: unknown[]) => f.vault.connect(gov()).queueChange(changeData(f.vault, method, args));
    await expectRevert(f.errors, q("setLiquidationParameters", [1_000n, 10_000n, 0n]), "ClearingVault__SharesOutOfBounds", [10_000n, 0n]);
    await expectRevert(f.errors, q("setLiquidationParameters", [10_000n, 5_000n, 0n]), "ClearingVault__PenaltyOutOfBounds", [10_000n, 1_000n]);
    await expectRevert(f.errors, q("setChallengeParameters", [BOND, 1n]), "ClearingVault__WindowOutOfBounds", [1n, 3_600n, 604_800n]);
    await expectRevert(f.errors, q("setChallengeParameters", [0n, WINDOW]), "ClearingVault__BondOutOfBounds", [0n, 1_000_000n, 10_000_000_000n]);
    // and nothing is ever set without the queue
    await expectRevert(f.errors, f.vault.connect(gov()).setChallengeParameters(1_000_000n, 3_600n), "Timelock__NotQueued");
  });

  it("Should leave a healthy, watching account whole under the most hostile parameters in bounds, applied after their delay", async () => {
    const { a, m } = await setup();
    // the worst in bounds: penalty 10 %, insurance 50 % + challenger 30 %, the shortest window, the smallest bond
    await queueChange(f.vault, gov(), "setLiquidationParameters", [1_000n, 5_000n, 3_000n]);
    await queueChange(f.vault, gov(), "setChallengeParameters", [1_000_000n, 3_600n]);
    const drain = await queueChange(f.vault, gov(), "withdrawInsurance", [mallory().address, 1_000_000_000n]);
    // visible at once, effective only after 2 days: alice sees them coming
    await expectRevert(f.errors, f.vault.connect(gov()).setChallengeParameters(1_000_000n, 3_600n), "Timelock__TooEarly");
    await expectRevert(f.errors, f.vault.connect(gov()).withdrawInsurance(mallory().address, 1_000_000_000n), "Timelock__TooEarly", [drain.id, drain.eta]);
    await increaseTime(f.ethers, GOVERNANCE_DELAY);
    await run(f.vault.connect(gov()).setLiquidationParameters(1_000n, 5_000n, 3_000n));
    await run(f.vault.connect(gov()).setChallengeParameters(1_000_000n, 3_600n));
    // a routine round, a challenge at once, a takeover one block later
    const { commitment: rc2 } = await postRound(f, 2n);
    await run(as(mallory()).challenge(a));
    // the only takeover proof there is for a healthy account claims "defaulted": the vault builds defaulted = false
    await (await f.verifiers.takeover.expectSignals([C(1), C(2), C(3), rc2, packTakeoverStatement({ ownerPayout: 9_000_000_000n, penalty: 1_000_000_000n, badDebt: 0n, penaltyBps: 1_000n, defaulted: true })])).wait();
    await expectRevert(f.errors, as(mallory()).takeover(a, m, 2n, 9_000_000_000n, 1_000_000_000n, 0n, C(3), PROOF), "ZkMarginVerifier__InvalidProof");
    // alice answers within the hour (even after the round went stale) and gets the bond
    await increaseTime(f.ethers, MAX_AGE + 1n);
    await (await f.verifiers.margin.expectSignals([C(1), rc2, answerStmt(alice())])).wait();
    await run(as(alice()).answer(a, 2n, PROOF));
    expect(await f.vault.claimable(alice().address)).toBe(1_000_000n);
    await increaseTime(f.ethers, WINDOW);
    expect(await f.vault.isDefaulted(a)).toBe(false);
    await postRound(f, 3n);
    await expectRevert(f.errors, as(mallory()).takeover(a, m, 3n, 9_000_000_000n, 1_000_000_000n, 0n, C(3), PROOF), "ZkMarginVerifier__InvalidProof");
    // the insurance withdrawal takes the insurance fund and nothing else: alice's 10,000 stay owed
    await run(f.vault.connect(gov()).withdrawInsurance(mallory().address, 1_000_000_000n));
    expect(await f.vault.accountsBalance()).toBe(10_001_000_000n);
    expect((await f.vault.getAccount(a)).status).toBe(1n);
  });
});

describe("# finding 2: the registry owner makes healthy accounts liquidatable, or every proof fail", () => {
  it("Should delay a hostile risk table (100 % maintenance) by 2 days, in plain view, and never commit a table nobody can open", async () => {
    const { rc } = await setup();
    const hostile: Tier[] = registryRiskRows(f.markets).map(() => ({ floor: 0n, first: 1_000_000n, second: 1_000_000n }));
    const data = changeData(f.registry, "setRiskTable", [0n, hostile]);
    const events = await eventsOf(f.registry, f.registry.connect(gov()).queueChange(data));
    expect(events[0]!.name).toBe("ChangeQueued");
    expect(events[0]!.args[3]).toBe(data); // every rate of the table, public from the start
    await expectRevert(f.errors, f.registry.connect(gov()).setRiskTable(0n, hostile), "Timelock__TooEarly");
    // rounds posted during the delay commit the table in force
    const { commitment } = await postRound(f, 2n);
    expect(commitment).not.toBe(rc);
    expect(await f.registry.riskCommitment()).toBe(riskCommitment(f.markets));
    await increaseTime(f.ethers, GOVERNANCE_DELAY);
    await (await f.registry.connect(gov()).setRiskTable(0n, hostile)).wait();
    // the committed table is the one the SDK computes from the public values: no round nobody can open
    expect(await f.registry.riskCommitment()).toBe(riskCommitment({ ...marketSet("cross", LISTED, 0n), markets: marketSet("cross", LISTED, 0n).markets.map((mk) => ({ ...mk, tiers: [{ floor: 0n, first: 1_000_000n, second: 1_000_000n }] })) }));
  });

  it("Should refuse maxAge 1 s (or anything below 5 min or above 1 day), and delay any other maxAge", async () => {
    await expectRevert(f.errors, f.registry.connect(gov()).queueChange(changeData(f.registry, "setMaxAge", [1n])), "OracleRegistry__MaxAgeOutOfBounds", [1n, 300n, 86_400n]);
    await queueChange(f.registry, gov(), "setMaxAge", [300n]);
    await expectRevert(f.errors, f.registry.connect(gov()).setMaxAge(300n), "Timelock__TooEarly");
  });

  it("Should delay adding a poster (new price power) and removing one (a freeze) alike", async () => {
    await queueChange(f.registry, gov(), "addPoster", [mallory().address]);
    await queueChange(f.registry, gov(), "removePoster", [poster().address]);
    await expectRevert(f.errors, f.registry.connect(gov()).addPoster(mallory().address), "Timelock__TooEarly");
    await expectRevert(f.errors, f.registry.connect(gov()).removePoster(poster().address), "Timelock__TooEarly");
    await postRound(f, 1n); // the poster in force keeps posting meanwhile
  });
});

describe("# finding 3: a window near 2^64 makes every challenge overflow; the bond is unbounded; a zero bond makes challenges free", () => {
  it("Should refuse a window of 2^64 - 1 and bonds of 0 and above 10,000 tokens (constructor and queue)", async () => {
    const q = (bond: bigint, window: bigint) => f.vault.connect(gov()).queueChange(changeData(f.vault, "setChallengeParameters", [bond, window]));
    await expectRevert(f.errors, q(BOND, 2n ** 64n - 1n), "ClearingVault__WindowOutOfBounds");
    await expectRevert(f.errors, q(10_000_000_001n, WINDOW), "ClearingVault__BondOutOfBounds");
    await expectRevert(f.errors, q(0n, WINDOW), "ClearingVault__BondOutOfBounds");
    const libraries = { PoseidonT3: f.poseidon.PoseidonT3, PoseidonT5: f.poseidon.PoseidonT5 };
    await expectRevert(f.errors, f.ethers.deployContract("ClearingVault", [f.token.target, f.registry.target, f.adapter.target, venue().address, gov().address, BOND, 2n ** 64n - 1n, PENALTY_BPS, 0n, 0n], { libraries }), "ClearingVault__WindowOutOfBounds");
  });

  it("Should challenge at the longest window without overflow, and always take a bond of at least 1 token", async () => {
    const { a } = await setup();
    await queueChange(f.vault, gov(), "setChallengeParameters", [1_000_000n, 7n * 86_400n]);
    await increaseTime(f.ethers, GOVERNANCE_DELAY);
    await run(f.vault.connect(gov()).setChallengeParameters(1_000_000n, 7n * 86_400n));
    await postRound(f, 2n);
    const before = await f.token.balanceOf(mallory().address);
    await run(as(mallory()).challenge(a));
    expect((await f.vault.getAccount(a)).challengeDeadline).toBe((await latestTimestamp(f.ethers)) + 7n * 86_400n);
    expect(before - (await f.token.balanceOf(mallory().address))).toBe(1_000_000n);
  });
});

describe("# finding 4: the vault never checks the token", () => {
  it("Should check the token's decimals at construction and count deposits by the balance change (fee-on-transfer refused)", async () => {
    const token18 = await f.ethers.deployContract("MockERC20", ["Dai", "DAI", 18]);
    const libraries = { PoseidonT3: f.poseidon.PoseidonT3, PoseidonT5: f.poseidon.PoseidonT5 };
    await expectRevert(f.errors, f.ethers.deployContract("ClearingVault", [token18.target, f.registry.target, f.adapter.target, venue().address, gov().address, BOND, WINDOW, PENALTY_BPS, 0n, 0n], { libraries }), "ClearingVault__BadTokenDecimals", [18n]);
    await run(as(alice()).open());
    await (await f.token.setFeeBps(50n)).wait();
    await expectRevert(f.errors, as(alice()).deposit(2n, 1_000_000n, C(1), PROOF), "ClearingVault__TransferMismatch", [1_000_000n, 995_000n]);
    await expectInvariant(f);
  });
});

describe("# finding 5: one poster's liveness holds everything", () => {
  it("Should refuse round id 2^64 - 1 (steps of at most 2^16), so no single post bricks the registry", async () => {
    const ts = await latestTimestamp(f.ethers);
    const r = roundValues(1n, ts);
    await expectRevert(f.errors, f.registry.connect(poster()).post(2n ** 64n - 1n, ts, r.prices, r.confidences, r.fundingIndexes), "OracleRegistry__RoundStepTooLarge", [2n ** 64n - 1n, 0n]);
    await postRound(f, 1n);
    await postRound(f, 2n);
  });

  it("Should keep deposits, fill application and answers working while no fresh round exists; challenges, takeovers and withdrawals wait", async () => {
    const { a, m } = await setup();
    await run(as(venue()).postFill(a, m, C(50)));
    await run(as(mallory()).challenge(a));
    await increaseTime(f.ethers, MAX_AGE + 1n); // the oracle stops
    await run(as(alice()).deposit(a, 1_000_000n, C(4), PROOF));
    await run(f.vault.applyFills(a, 1n, C(5), PROOF));
    await run(as(alice()).answer(a, 1n, PROOF)); // at the challenge round, stale
    await expectRevert(f.errors, as(mallory()).challenge(m), "ClearingVault__StaleRound", [1n]);
    await expectRevert(f.errors, as(alice()).withdraw(a, 1n, 1n, C(6), PROOF), "ClearingVault__StaleRound", [1n]);
    await expectRevert(f.errors, as(mallory()).takeover(a, m, 1n, 0n, 0n, 0n, C(7), PROOF), "ClearingVault__StaleRound", [1n]);
  });

  it("Should make a trader able to cure a challenge by depositing after its round went stale", async () => {
    const { a, rc } = await setup();
    await run(as(mallory()).challenge(a));
    await increaseTime(f.ethers, MAX_AGE + 1n);
    await (await f.verifiers.margin.expectSignals([C(9), rc, answerStmt(alice())])).wait(); // healthy only with more cash
    await expectRevert(f.errors, as(alice()).answer(a, 1n, PROOF), "ZkMarginVerifier__InvalidProof");
    await run(as(alice()).deposit(a, 5_000_000n, C(9), PROOF));
    await run(as(alice()).answer(a, 1n, PROOF));
  });
});

describe("# finding 6: challenge timing", () => {
  it("Should not let a challenge at a newer round make a pending transition revert (challenge-rules C16 has every transition)", async () => {
    const { a } = await setup();
    const { commitment: rc2 } = await postRound(f, 2n);
    // alice's withdrawal at round 2 is in the mempool; mallory challenges first
    await (await f.verifiers.withdraw.expectSignals([C(1), C(20), rc2, 1_000_000n])).wait();
    await run(as(mallory()).challenge(a));
    await run(as(alice()).withdraw(a, 1_000_000n, 2n, C(20), PROOF)); // goes through, and answers the challenge
    expect((await f.vault.getAccount(a)).challengeDeadline).toBe(0n);
    expect(await f.vault.claimable(alice().address)).toBe(BOND);
  });

  it("Should refuse a late attest (and a late answer) once the window has closed", async () => {
    const { a } = await setup();
    await run(as(mallory()).challenge(a));
    await increaseTime(f.ethers, WINDOW + 1n);
    await postRound(f, 2n);
    await expectRevert(f.errors, as(alice()).attest(a, 2n, 0, PROOF), "ClearingVault__Defaulted", [a]);
    await expectRevert(f.errors, as(alice()).answer(a, 2n, PROOF), "ClearingVault__WindowClosed");
  });

  it("Should move vault governance and registry ownership in two steps only", async () => {
    await run(f.vault.connect(gov()).transferGovernance(mallory().address));
    expect(await f.vault.governance()).toBe(gov().address);
    await (await f.registry.connect(gov()).transferOwnership(mallory().address)).wait();
    expect(await f.registry.owner()).toBe(gov().address);
    await run(as(mallory()).acceptGovernance());
    await (await f.registry.connect(mallory()).acceptOwnership()).wait();
    expect([await f.vault.governance(), await f.registry.owner()]).toEqual([mallory().address, mallory().address]);
    // and the new governance is as delayed as the old one
    await queueChange(f.vault, mallory(), "withdrawInsurance", [mallory().address, 1n]);
    await expectRevert(f.errors, as(mallory()).withdrawInsurance(mallory().address, 1n), "Timelock__TooEarly");
  });
});
