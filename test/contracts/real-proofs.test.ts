/**
 * The exploits the v1 vault allowed, tried with real Groth16 proofs and the generated verifiers on the
 * in-process chain (cross profile, the circuits `npm start` builds): each must fail in v2.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { accountCommitment, genesisState } from "../../prover/src/commitment/account.ts";
import { fillCommitment } from "../../prover/src/commitment/fill.ts";
import { loadCircuitSpecs } from "../../prover/src/circuit/load-specs.ts";
import { loadMarkets } from "../../prover/src/statements/load.ts";
import { prepareApplyFills, prepareDeposit, prepareMargin, prepareTakeover, prepareWithdraw, type PreparedProof } from "../../prover/src/statements/prepare.ts";
import { ProverSet } from "../../prover/src/statements/prover-set.ts";
import { buildCircuits } from "../../prover/src/build/pipeline.ts";
import { verifierCircuitIds } from "../../prover/src/chain/deployment.ts";
import type { AccountState, Fill, OracleRound } from "../../prover/src/model/types.ts";
import { example } from "../helpers/cli.ts";
import { deploy, expectInvariant, expectRevert, latestTimestamp, type Fixture } from "./helpers.ts";

const E8 = 10n ** 8n;
const E16 = 10n ** 16n;
const USDC = 10n ** 6n;
const markets = loadMarkets(example("markets.json"));
const specs = loadCircuitSpecs();

describe("# real proofs: the v1 exploits fail", { timeout: 0 }, () => {
  let f: Fixture;
  let provers: ProverSet;
  let states: Map<bigint, AccountState>;
  let round: OracleRound;
  const proof = async (prepared: PreparedProof) => (await provers.prove(prepared)).calldata.proof.map(BigInt);
  const post = async (id: bigint, eth: bigint) => {
    const timestamp = await latestTimestamp(f.ethers);
    round = { round: id, timestamp, prices: [97_000n * E8, eth, 140n * E8, 14n * E8], confidences: [0n, 0n, 0n, 0n], fundingIndexes: [0n, 0n, 0n, 0n] };
    await (await f.registry.connect(f.signers[1]).post(round.round, round.timestamp, round.prices, round.confidences, round.fundingIndexes)).wait();
  };

  beforeAll(async () => {
    await buildCircuits({ only: Object.values(verifierCircuitIds("cross")) });
    f = await deploy("cross", { verifiers: "generated", markets });
    provers = new ProverSet();
    const domain = { chainId: (await f.ethers.provider.getNetwork()).chainId, vault: BigInt(f.vault.target) };
    states = new Map([[1n, genesisState(domain, 1n, BigInt(f.signers[2]!.address))]]);
    for (const [signer, amount] of [[3, 10_000n], [4, 1_500n]] as const) {
      await (await f.vault.connect(f.signers[signer]).open()).wait();
      const id = (await f.vault.nextAccountId()) - 1n;
      const prepared = prepareDeposit(genesisState(domain, id, BigInt(f.signers[signer]!.address)), amount * USDC, specs);
      await (await f.vault.connect(f.signers[signer]).deposit(id, amount * USDC, accountCommitment(prepared.next!), await proof(prepared))).wait();
      states.set(id, prepared.next!);
    }
    await post(1n, 3_000n * E8);
  });

  it("Should refuse a transition proof replayed byte for byte (the book cannot be rolled back)", async () => {
    // Alice (#2) shorts 2 ETH to Bob (#3)... then tries to replay her deposit proof to roll the book back.
    const fill: Fill = { fillId: 1n, market: 1, size: 2n * E8, price: 3_000n * E8, fundingIndex: 0n, buyerId: 3n, sellerId: 2n, buyerFee: 0n, sellerFee: 0n, blinding: (1n << 200n) + 1n };
    await (await f.vault.connect(f.signers[2]).postFill(2n, 3n, fillCommitment(fill))).wait();
    for (const id of [2n, 3n]) {
      const prepared = prepareApplyFills(states.get(id)!, [fill], 4, specs);
      const words = await proof(prepared);
      await (await f.vault.applyFills(id, 1, accountCommitment(prepared.next!), words)).wait();
      await expectRevert(f.errors, f.vault.applyFills(id, 1, accountCommitment(prepared.next!), words), "ClearingVault__NotPosted");
      states.set(id, prepared.next!);
    }
    // The first deposit proof of account 2 again: its old commitment is no longer the account's.
    const first = prepareDeposit(genesisState(states.get(2n)!.domain, 2n, BigInt(f.signers[3]!.address)), 10_000n * USDC, specs);
    await expectRevert(f.errors, f.vault.connect(f.signers[3]).deposit(2n, 10_000n * USDC, accountCommitment(first.next!), await proof(first)), "ZkMarginVerifier__InvalidProof");
    await expectInvariant(f);
  });

  it("Should give an underwater account no way to withdraw (no update; a withdrawal must prove initial margin)", async () => {
    expect(f.vault.interface.getFunction("update")).toBeNull();
    await post(2n, 3_900n * E8); // ETH +30%: Alice's short 2 is -1,800 on 10,000: fine; Bob long +1,800.
    const alice = states.get(2n)!;
    expect(() => prepareWithdraw(alice, 9_000n * USDC, round, markets, specs)).toThrow(/does not meet the initial requirement/);
    // A proof of the same withdrawal from a richer book does not verify against Alice's commitment.
    const richer = prepareWithdraw({ ...alice, cash: alice.cash + 100_000n * E16 }, 9_000n * USDC, round, markets, specs);
    await expectRevert(f.errors, f.vault.connect(f.signers[3]).withdraw(2n, 9_000n * USDC, 2n, accountCommitment(richer.next!), await proof(richer)), "ZkMarginVerifier__InvalidProof");
  });

  it("Should refuse a withdrawal by an account with unapplied fills, even with a valid proof", async () => {
    const bob = states.get(3n)!;
    const withdrawal = prepareWithdraw(bob, 100n * USDC, round, markets, specs);
    const words = await proof(withdrawal);
    const fill: Fill = { fillId: 2n, market: 0, size: E8 / 100n, price: 97_000n * E8, fundingIndex: 0n, buyerId: 2n, sellerId: 3n, buyerFee: 0n, sellerFee: 0n, blinding: (1n << 200n) + 2n };
    await (await f.vault.connect(f.signers[2]).postFill(2n, 3n, fillCommitment(fill))).wait();
    await expectRevert(f.errors, f.vault.connect(f.signers[4]).withdraw(3n, 100n * USDC, 2n, accountCommitment(withdrawal.next!), words), "ClearingVault__NotUpToDate", [3n, 1n, 2n]);
    for (const id of [2n, 3n]) {
      const prepared = prepareApplyFills(states.get(id)!, [fill], 4, specs);
      await (await f.vault.applyFills(id, 1, accountCommitment(prepared.next!), await proof(prepared))).wait();
      states.set(id, prepared.next!);
    }
  });

  it("Should take over only at the latest round, with the victim's equity split exactly as proven", async () => {
    // Bob (#3): 1,500 in, long 2 ETH bought at 3,000, short 0.01 BTC sold at 97,000. At ETH 2,320 his equity is 140,
    // below maintenance (168.3): liquidatable; the 5% penalty cap (278.35) takes all 140, his owner gets 0.
    await post(3n, 2_320n * E8);
    const bob = states.get(3n)!;
    const dave = states.get(2n)!; // Alice's account takes Bob over (she holds his data in this test)
    const taken = prepareTakeover(bob, dave, round, markets, { penaltyBps: 500n }, specs);
    const words = await proof(taken);
    await post(4n, 2_320n * E8);
    await expectRevert(f.errors, f.vault.connect(f.signers[3]).takeover(3n, 2n, 3n, taken.takeover!.ownerPayout, taken.takeover!.penalty, taken.takeover!.badDebt, accountCommitment(taken.next!), words), "ClearingVault__NotLatestRound", [3n, 4n]);
    const atLatest = prepareTakeover(bob, dave, round, markets, { penaltyBps: 500n }, specs);
    await (await f.vault.connect(f.signers[3]).takeover(3n, 2n, 4n, atLatest.takeover!.ownerPayout, atLatest.takeover!.penalty, atLatest.takeover!.badDebt, accountCommitment(atLatest.next!), await proof(atLatest))).wait();
    expect([atLatest.takeover!.ownerPayout, atLatest.takeover!.penalty, atLatest.takeover!.badDebt]).toEqual([0n, 140n * USDC, 0n]);
    expect((await f.vault.getAccount(3n)).status).toBe(2n);
    await expectInvariant(f);
  });

  it("Should refuse a margin proof of another vault's account (the domain is in every commitment)", async () => {
    const other = await deploy("cross", { verifiers: "generated", markets });
    await (await other.vault.connect(other.signers[3]).open()).wait();
    const domain = { chainId: (await other.ethers.provider.getNetwork()).chainId, vault: BigInt(other.vault.target) };
    const there = prepareDeposit(genesisState(domain, 2n, BigInt(other.signers[3]!.address)), 10_000n * USDC, specs);
    const words = await proof(there);
    await (await other.vault.connect(other.signers[3]).deposit(2n, 10_000n * USDC, accountCommitment(there.next!), words)).wait();
    // The same proof in this vault: account 2's genesis here has another domain.
    const here = await f.vault.connect(f.signers[5]).open();
    await here.wait();
    const id = (await f.vault.nextAccountId()) - 1n;
    await expectRevert(f.errors, f.vault.connect(f.signers[3]).deposit(id, 10_000n * USDC, accountCommitment(there.next!), words), "ZkMarginVerifier__InvalidProof");
    const attest = prepareMargin(there.next!, round, markets, { binder: BigInt(f.signers[3]!.address) }, specs);
    await expectRevert(f.errors, f.vault.connect(f.signers[3]).attest(id, round.round, 0, await proof(attest)), "ZkMarginVerifier__InvalidProof");
    await provers.close();
  });
});
