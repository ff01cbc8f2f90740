/**
 * The clearing story against the SDK (it knows every book): deposits, fills posted by the venue and applied by
 * each side and the fee account, a price drop, a withdrawal, a takeover. Every proof is modelled by a mock that
 * accepts exactly the public inputs the SDK computes for the transition (engine + commitments), so each step
 * checks that the vault passes what a real prover's statement would be: the vault's fill chain is the SDK's,
 * its genesis and statements are the SDK's. After every step: each account's committed state is the SDK
 * state's commitment, and sum of equities at mark (fee account included) == 10^10 x accountsBalance, exactly.
 */
import { describe, expect, it } from "vitest";
import { accountCommitment, genesisState } from "../../prover/src/commitment/account.ts";
import { fillCommitment } from "../../prover/src/commitment/fill.ts";
import { roundCommitments } from "../../prover/src/commitment/round.ts";
import { packApplyStatement, packMarginStatement, packTakeoverStatement } from "../../prover/src/commitment/statement.ts";
import { applyFills, deposit, takeover, withdraw } from "../../prover/src/engine/transitions.ts";
import { equityAtMark, isLiquidatable } from "../../prover/src/engine/valuation.ts";
import type { AccountState, Fill, OracleRound } from "../../prover/src/model/types.ts";
import { INSURANCE_BPS, LISTED, PENALTY_BPS, type Fixture, expectInvariant, latestTimestamp, proofWords, roundValues, withFixture } from "./helpers.ts";

let f: Fixture;
withFixture((fixture) => (f = fixture));

const PROOF = proofWords(11n);
const TOKEN = 1_000_000n; // one token, 6 decimals
const CASH_PER_TOKEN = 10n ** 10n;

describe("# simulation with the SDK engine", () => {
  for (const dropPct of [3n, 6n]) it(`Should keep every commitment equal to the SDK's and sum of equities == 10^10 x accountsBalance at every step (a ${dropPct} % drop: ${dropPct === 3n ? "penalty" : "bad debt"})`, async () => {
    const [, poster, venue, alice, bob, carol] = f.signers;
    const domain = { chainId: (await f.ethers.provider.getNetwork()).chainId, vault: BigInt(f.vault.target) };
    const owners = new Map([[1n, venue!], [2n, alice!], [3n, bob!], [4n, carol!]]);
    const states = new Map<bigint, AccountState>([[1n, genesisState(domain, 1n, BigInt(venue!.address))]]);
    let round: OracleRound;
    let salt = 1n << 200n;
    const nextSalt = () => (salt += 1n);

    const check = async (what: string) => {
      for (const [id, state] of states) expect((await f.vault.getAccount(id)).commitment, `${what}: account ${id}`).toBe(accountCommitment(state));
      if (round) {
        const equity = [...states.values()].reduce((sum, s) => sum + equityAtMark(s, round), 0n);
        expect(equity, `${what}: sum of equities`).toBe((await f.vault.accountsBalance()) * CASH_PER_TOKEN);
      }
      await expectInvariant(f);
    };
    const expectOnly = async (statement: keyof Fixture["verifiers"], signals: bigint[]) => {
      await (await f.verifiers[statement].expectSignals(signals)).wait();
    };
    const postRound = async (r: OracleRound) => {
      await (await f.registry.connect(poster).post(r.round, r.timestamp, r.prices, r.confidences, r.fundingIndexes)).wait();
      round = r;
      const { roundCommitment } = roundCommitments(r, f.markets);
      expect((await f.registry.getRound(r.round))[0]).toBe(roundCommitment);
      return roundCommitment;
    };

    // accounts open at the SDK's genesis
    for (const id of [2n, 3n, 4n]) {
      await (await f.vault.connect(owners.get(id)!).open()).wait();
      states.set(id, genesisState(domain, id, BigInt(owners.get(id)!.address)));
    }
    await check("open");

    // deposits
    for (const [id, amount] of [[2n, 10_000n * TOKEN], [3n, 40_000n * TOKEN], [4n, 60_000n * TOKEN]] as const) {
      const next = deposit(states.get(id)!, amount, { salt: nextSalt() });
      await expectOnly("deposit", [accountCommitment(states.get(id)!), accountCommitment(next), amount]);
      await (await f.vault.connect(owners.get(id)!).deposit(id, amount, accountCommitment(next), PROOF)).wait();
      states.set(id, next);
    }
    const rc1 = await postRound(roundValues(1n, await latestTimestamp(f.ethers)));
    await check("deposits");

    // two fills: alice buys 60 then 40 of market 0 from bob, fees to the fee account (one a maker rebate)
    const fills: Fill[] = [
      { fillId: 1n, market: 0, size: 60n * 10n ** 8n, price: round!.prices[0]!, fundingIndex: round!.fundingIndexes[0]!, buyerId: 2n, sellerId: 3n, buyerFee: 3n * 10n ** 16n, sellerFee: -(10n ** 16n), blinding: (1n << 130n) + 1n },
      { fillId: 2n, market: 0, size: 40n * 10n ** 8n, price: round!.prices[0]! + 100n, fundingIndex: round!.fundingIndexes[0]! + 7n, buyerId: 2n, sellerId: 3n, buyerFee: 2n * 10n ** 16n, sellerFee: 10n ** 16n, blinding: (1n << 130n) + 2n },
    ];
    for (const fill of fills) await (await f.vault.connect(venue).postFill(2n, 3n, fillCommitment(fill))).wait();
    for (const id of [2n, 3n, 1n]) {
      const next = applyFills(states.get(id)!, fills, { salt: nextSalt() });
      // the vault's heads[applied + 2] must be the SDK's chain head after these fills
      await expectOnly("applyFills", [accountCommitment(states.get(id)!), accountCommitment(next), next.head, packApplyStatement({ count: 2, listedMarkets: LISTED })]);
      await (await f.vault.applyFills(id, 2n, accountCommitment(next), PROOF)).wait();
      states.set(id, next);
      expect(await f.vault.isUpToDate(id)).toBe(true);
    }
    await check("fills");

    // attest at round 1 (alice, conservative, 0 buffer: she meets maintenance at the fill prices)
    await expectOnly("margin", [accountCommitment(states.get(2n)!), rc1, packMarginStatement({ binder: BigInt(alice!.address), bufferBps: 0n, requirement: "maintenance", side: "conservative" })]);
    await (await f.vault.connect(alice).attest(2n, 1n, 0, PROOF)).wait();

    // market 0 drops: alice (long 100) is below maintenance (3 %: equity left, all of it penalty; 6 %: bad debt)
    const drop = roundValues(2n, await latestTimestamp(f.ethers));
    const r2: OracleRound = { ...drop, prices: drop.prices.map((p, j) => (j === 0 ? (p * (100n - dropPct)) / 100n : p)) };
    const rc2 = await postRound(r2);
    expect(isLiquidatable(states.get(2n)!, r2, f.markets)).toBe(true);
    await check("price drop");

    // bob withdraws 1,000 tokens (meets initial after it)
    const bobNext = withdraw(states.get(3n)!, 1_000n * TOKEN, r2, f.markets, { salt: nextSalt() });
    await expectOnly("withdraw", [accountCommitment(states.get(3n)!), accountCommitment(bobNext), rc2, 1_000n * TOKEN]);
    const bobBefore = await f.token.balanceOf(bob!.address);
    await (await f.vault.connect(bob).withdraw(3n, 1_000n * TOKEN, 2n, accountCommitment(bobNext), PROOF)).wait();
    expect((await f.token.balanceOf(bob!.address)) - bobBefore).toBe(1_000n * TOKEN);
    states.set(3n, bobNext);
    await check("withdraw");

    // a challenge on alice, then carol takes her over with the SDK's amounts
    await (await f.vault.connect(bob).challenge(2n)).wait();
    const result = takeover(states.get(2n)!, states.get(4n)!, r2, f.markets, { penaltyBps: PENALTY_BPS, salt: nextSalt() });
    if (dropPct === 3n) expect([result.penalty > 0n, result.badDebt]).toEqual([true, 0n]);
    else expect([result.penalty, result.ownerPayout, result.badDebt > 0n]).toEqual([0n, 0n, true]);
    const stmt = packTakeoverStatement({ ownerPayout: result.ownerPayout, penalty: result.penalty, badDebt: result.badDebt, penaltyBps: PENALTY_BPS, defaulted: false });
    await expectOnly("takeover", [accountCommitment(states.get(2n)!), accountCommitment(states.get(4n)!), accountCommitment(result.liquidator), rc2, stmt]);
    const before = { insurance: await f.vault.insuranceFund(), alice: await f.vault.claimable(alice!.address), bob: await f.vault.claimable(bob!.address), carol: await f.vault.claimable(carol!.address) };
    await (await f.vault.connect(carol).takeover(2n, 4n, 2n, result.ownerPayout, result.penalty, result.badDebt, accountCommitment(result.liquidator), PROOF)).wait();
    states.delete(2n); // liquidated: its equity left the accounts
    states.set(4n, result.liquidator);
    const insuranceShare = (result.penalty * INSURANCE_BPS) / 10_000n;
    const challengerShare = 0n; // not defaulted: the pending challenge gets its bond back, no share (the share rewards a default)
    expect(await f.vault.insuranceFund()).toBe(before.insurance + insuranceShare - result.badDebt);
    expect((await f.vault.claimable(alice!.address)) - before.alice).toBe(result.ownerPayout);
    expect((await f.vault.claimable(bob!.address)) - before.bob).toBe(challengerShare + (await f.vault.challengeBond()));
    expect((await f.vault.claimable(carol!.address)) - before.carol).toBe(result.penalty - insuranceShare - challengerShare);
    await check("takeover");
  });
});
