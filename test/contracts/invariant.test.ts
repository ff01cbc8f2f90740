/**
 * Random sequences of every state-changing vault call (mock verifiers accepting every proof), against an
 * independent model of the money: after every call, successful or reverted, the vault's accountsBalance,
 * insuranceFund, totalBonds, totalClaimable and every credit equal the model's to the token unit, and the
 * vault's token balance equals their sum.
 */
import { describe, expect, it } from "vitest";
import { poseidonHash } from "../../prover/src/commitment/sponge.ts";
import {
  BOND, CHALLENGER_BPS, INSURANCE_BPS, MAX_AGE, WINDOW, type Fixture, expectInvariant, increaseTime, latestTimestamp, proofWords, roundValues, withFixture,
} from "./helpers.ts";
import { prng } from "../helpers/prng.ts";

let f: Fixture;
withFixture((fixture) => (f = fixture));

const PROOF = proofWords(9n);


interface Model {
  accountsBalance: bigint;
  insurance: bigint;
  bonds: bigint;
  claimable: Map<string, bigint>;
  /** challenger and bond of each pending challenge */
  challenges: Map<bigint, { challenger: string; bond: bigint }>;
}

const credit = (m: Model, who: string, amount: bigint) => m.claimable.set(who, (m.claimable.get(who) ?? 0n) + amount);

describe("# invariant: random sequences against a model of the money", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`Should keep every balance exact over 60 random calls (seed ${seed})`, async () => {
      const rand = prng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
      const amount = (max: number) => BigInt(1 + Math.floor(rand() * max));
      const people = f.signers.slice(3, 9);
      const venue = f.signers[2]!;
      const m: Model = { accountsBalance: 0n, insurance: 0n, bonds: 0n, claimable: new Map(), challenges: new Map() };
      const owners = new Map<bigint, (typeof people)[number]>([[1n, venue]]);
      let nonce = 0n;
      let roundId = 0n;
      const newC = () => poseidonHash([++nonce, BigInt(seed)]);

      const steps: Record<string, () => Promise<(() => void) | undefined>> = {
        open: async () => {
          const who = pick(people);
          const id: bigint = await f.vault.connect(who).open.staticCall();
          await (await f.vault.connect(who).open()).wait();
          owners.set(id, who);
          return undefined;
        },
        round: async () => {
          const ts = await latestTimestamp(f.ethers);
          const r = roundValues(roundId + 1n, ts);
          await (await f.registry.connect(f.signers[1]).post(r.round, ts, r.prices, r.confidences, r.fundingIndexes)).wait();
          roundId += 1n;
          return undefined;
        },
        time: async () => {
          await increaseTime(f.ethers, pick([10n, MAX_AGE / 2n, WINDOW + 1n]));
          return undefined;
        },
        postFill: async () => {
          const ids = [...owners.keys()];
          await (await f.vault.connect(venue).postFill(pick(ids), pick(ids), poseidonHash([++nonce]))).wait();
          return undefined;
        },
        applyFills: async () => {
          const id = pick([...owners.keys()]);
          const a = await f.vault.getAccount(id);
          const k = a.posted - a.applied > 8n ? 8n : a.posted - a.applied;
          await (await f.vault.applyFills(id, k, newC(), PROOF)).wait();
          return undefined;
        },
        deposit: async () => {
          const id = pick([...owners.keys()]);
          const x = amount(5_000_000);
          await (await f.vault.connect(pick(people)).deposit(id, x, newC(), PROOF)).wait();
          return () => (m.accountsBalance += x);
        },
        withdraw: async () => {
          const id = pick([...owners.keys()]);
          const x = amount(3_000_000);
          await (await f.vault.connect(owners.get(id)!).withdraw(id, x, roundId, newC(), PROOF)).wait();
          return () => {
            m.accountsBalance -= x;
            const c = m.challenges.get(id);
            if (c) {
              m.bonds -= c.bond;
              credit(m, owners.get(id)!.address, c.bond);
              m.challenges.delete(id);
            }
          };
        },
        attest: async () => {
          const id = pick([...owners.keys()]);
          const c = m.challenges.get(id);
          const { challengeRound } = await f.vault.getAccount(id);
          await (await f.vault.connect(pick(people)).attest(id, roundId, 0, PROOF)).wait();
          return () => {
            if (c && roundId >= challengeRound) {
              m.bonds -= c.bond;
              credit(m, owners.get(id)!.address, c.bond);
              m.challenges.delete(id);
            }
          };
        },
        challenge: async () => {
          const id = pick([...owners.keys()]);
          const who = pick(people);
          await (await f.vault.connect(who).challenge(id)).wait();
          return () => {
            m.bonds += BOND;
            m.challenges.set(id, { challenger: who.address, bond: BOND });
          };
        },
        answer: async () => {
          const id = pick([...owners.keys()]);
          const c = m.challenges.get(id);
          await (await f.vault.connect(pick(people)).answer(id, roundId, PROOF)).wait();
          return () => {
            m.bonds -= c!.bond;
            credit(m, owners.get(id)!.address, c!.bond);
            m.challenges.delete(id);
          };
        },
        takeover: async () => {
          const ids = [...owners.keys()].filter((id) => id !== 1n);
          const victim = pick(ids);
          const liquidator = pick(ids.filter((id) => id !== victim));
          const bad = rand() < 0.3;
          const ownerPayout = bad ? 0n : amount(2_000_000);
          const penalty = bad ? 0n : amount(500_000);
          const badDebt = bad ? amount(2_000_000) : 0n;
          const who = owners.get(liquidator)!;
          const defaulted: boolean = await f.vault.isDefaulted(victim);
          await (await f.vault.connect(who).takeover(victim, liquidator, roundId, ownerPayout, penalty, badDebt, newC(), PROOF)).wait();
          return () => {
            m.accountsBalance += badDebt - ownerPayout - penalty;
            m.insurance -= badDebt;
            credit(m, owners.get(victim)!.address, ownerPayout);
            const insuranceShare = (penalty * INSURANCE_BPS) / 10_000n;
            m.insurance += insuranceShare;
            let challengerShare = 0n;
            const c = m.challenges.get(victim);
            if (c) {
              // a share only for the challenge that defaulted the victim; the bond goes back either way
              if (defaulted) challengerShare = (penalty * CHALLENGER_BPS) / 10_000n;
              m.bonds -= c.bond;
              credit(m, c.challenger, challengerShare + c.bond);
              m.challenges.delete(victim);
            }
            credit(m, who.address, penalty - insuranceShare - challengerShare);
          };
        },
        claim: async () => {
          const who = pick(people);
          await (await f.vault.connect(who).claim()).wait();
          return () => m.claimable.set(who.address, 0n);
        },
        fundInsurance: async () => {
          const x = amount(1_000_000);
          await (await f.vault.connect(pick(people)).fundInsurance(x)).wait();
          return () => (m.insurance += x);
        },
      };

      // weights: more of the calls that move money, fewer clock jumps
      const names = [...Object.keys(steps), "deposit", "withdraw", "takeover", "takeover", "round", "applyFills", "claim"];
      let succeeded = 0;
      const done = new Map<string, number>();
      for (let i = 0; i < 60; i++) {
        const name = i < 3 ? "open" : i === 3 ? "round" : pick(names);
        let apply: (() => void) | undefined;
        let ok = true;
        try {
          apply = await steps[name]!();
        } catch {
          ok = false; // a rule refused it: nothing may have moved
        }
        if (ok) {
          succeeded++;
          done.set(name, (done.get(name) ?? 0) + 1);
          apply?.();
        }
        expect(await f.vault.accountsBalance(), `${name} (step ${i})`).toBe(m.accountsBalance);
        expect(await f.vault.insuranceFund(), `${name} (step ${i})`).toBe(m.insurance);
        expect(await f.vault.totalBonds(), `${name} (step ${i})`).toBe(m.bonds);
        const claimable = [...m.claimable.values()].reduce((s, x) => s + x, 0n);
        expect(await f.vault.totalClaimable(), `${name} (step ${i})`).toBe(claimable);
        for (const [who, x] of m.claimable) expect(await f.vault.claimable(who)).toBe(x);
        await expectInvariant(f);
      }
      console.log(`seed ${seed}: ${succeeded} calls succeeded`, Object.fromEntries(done));
      expect(succeeded).toBeGreaterThan(15);
    });
  }
});
