/**
 * A random market through the real contracts, the SDK knowing every book (issue 11 "Done when"): traders
 * deposit, the venue posts random fills between them (random markets, sizes, prices around the mark, taker
 * fees and maker rebates), each side applies its fills when it likes, prices and funding indexes follow a
 * random walk, traders attest, withdraw what the SDK says they may, get challenged and answer (or default),
 * and whoever is liquidatable is taken over by a backstop account, bad debt paid by the insurance fund.
 *
 * Every proof is modelled by a mock verifier that accepts exactly the public inputs the SDK computes for the
 * transition (engine + commitments). After every step: each account's committed state is the SDK's, and
 *   sum over accounts of equity at the latest round (each book with all its posted fills, fee account included)
 *   + 10^10 x insurance fund == 10^10 x (the vault's token balance - bonds - credits), exactly.
 * Seeded, so a failure replays (ZKMARGIN_SIMULATION_SEED, ZKMARGIN_SIMULATION_STEPS).
 */
import { describe, expect, it } from "vitest";
import { accountCommitment, genesisState } from "../../prover/src/commitment/account.ts";
import { fillCommitment } from "../../prover/src/commitment/fill.ts";
import { roundCommitments } from "../../prover/src/commitment/round.ts";
import { FEE_ACCOUNT_ID, FILLS_PER_PROOF } from "../../prover/src/core/constants.ts";
import { loadCircuitSpecs } from "../../prover/src/circuit/load-specs.ts";
import { buildCircuits } from "../../prover/src/build/pipeline.ts";
import { verifierCircuitIds } from "../../prover/src/chain/deployment.ts";
import { applyFills, takeover } from "../../prover/src/engine/transitions.ts";
import { prepareApplyFills, prepareDeposit, prepareMargin, prepareTakeover, prepareWithdraw, type PreparedProof } from "../../prover/src/statements/prepare.ts";
import { ProverSet } from "../../prover/src/statements/prover-set.ts";
import { marginReport } from "../../prover/src/engine/report.ts";
import { equityAtMark, isLiquidatable, surplus } from "../../prover/src/engine/valuation.ts";
import type { AccountState, Fill, OracleRound } from "../../prover/src/model/types.ts";
import { LISTED, PENALTY_BPS, WINDOW, deploy, type Fixture, expectInvariant, increaseTime, latestTimestamp, proofWords, withFixture } from "./helpers.ts";

// Two seeds whose markets include defaults and bad debt (override with a comma-separated list).
const SEEDS = (process.env.ZKMARGIN_SIMULATION_SEED ?? "7,99").split(",").map((seed) => BigInt(seed.trim()));
const STEPS = Number(process.env.ZKMARGIN_SIMULATION_STEPS ?? "250");
const REAL_STEPS = Number(process.env.ZKMARGIN_SIMULATION_REAL_STEPS ?? "60");
// A seed whose first 60 steps include defaults, answers and takeovers.
const REAL_SEED = 13n;
const TOKEN = 1_000_000n;
const CASH_PER_TOKEN = 10n ** 10n;
const E8 = 10n ** 8n;
const PROOF = proofWords(7n);

/** xorshift64*: a small deterministic generator, so every run of a seed is the same market. */
function generator(seed: bigint) {
  let state = seed === 0n ? 1n : seed;
  const next = () => {
    state ^= state >> 12n;
    state ^= (state << 25n) & 0xffff_ffff_ffff_ffffn;
    state ^= state >> 27n;
    return (state * 0x2545f4914f6cdd1dn) & 0xffff_ffff_ffff_ffffn;
  };
  return {
    below: (n: bigint) => next() % n,
    int: (n: number) => Number(next() % BigInt(n)),
    chance: (percent: number) => Number(next() % 100n) < percent,
  };
}

const specs = loadCircuitSpecs();
type Verifiers = Fixture["verifiers"];
/** How a step's proof reaches the vault: a mock told the exact public inputs, or a real proof. */
type Prove = (statement: keyof Verifiers, prepared: PreparedProof) => Promise<bigint[]>;

/** One seeded market, `steps` long, against the fixture `f`; returns what happened how often. */
async function simulate(f: Fixture, seed: bigint, steps: number, prove: Prove): Promise<Record<string, number>> {
    const random = generator(seed);
    const [, poster, venue, ...people] = f.signers;
    const traders = people.slice(0, 5);
    const backstop = people[5]!;
    const challenger = people[6]!;
    const domain = { chainId: (await f.ethers.provider.getNetwork()).chainId, vault: BigInt(f.vault.target) };
    const committed = new Map<bigint, AccountState>([[FEE_ACCOUNT_ID, genesisState(domain, FEE_ACCOUNT_ID, BigInt(venue!.address))]]);
    const pending = new Map<bigint, Fill[]>([[FEE_ACCOUNT_ID, []]]);
    const owners = new Map<bigint, (typeof people)[number]>([[FEE_ACCOUNT_ID, venue!]]);
    const counts: Record<string, number> = {};
    let round!: OracleRound;
    let roundCommitment = 0n;
    let fillId = 0n;
    let salt = 1n << 200n;
    const nextSalt = () => (salt += 1n);
    const count = (what: string) => (counts[what] = (counts[what] ?? 0) + 1);
    // The book with every posted fill applied: what the account is really worth.
    const fullBook = (id: bigint) => {
      const fills = pending.get(id)!;
      return fills.length === 0 ? committed.get(id)! : applyFills(committed.get(id)!, fills);
    };
    const active = () => [...committed.keys()];

    const check = async (what: string) => {
      for (const [id, state] of committed) expect((await f.vault.getAccount(id)).commitment, `${what}: #${id}`).toBe(accountCommitment(state));
      const equity = active().reduce((sum, id) => sum + equityAtMark(fullBook(id), round), 0n);
      const balance: bigint = await f.token.balanceOf(f.vault.target);
      const bonds: bigint = await f.vault.totalBonds();
      const credits: bigint = await f.vault.totalClaimable();
      const held = balance - bonds - credits;
      const insurance: bigint = await f.vault.insuranceFund();
      expect(equity + insurance * CASH_PER_TOKEN, `${what}: sum of equities + insurance`).toBe(held * CASH_PER_TOKEN);
      await expectInvariant(f);
    };
    const postRound = async (prices: bigint[], fundings: bigint[]) => {
      const timestamp = await latestTimestamp(f.ethers);
      round = { round: (round?.round ?? 0n) + 1n, timestamp, prices, confidences: prices.map((price) => price / 4_000n), fundingIndexes: fundings };
      await (await f.registry.connect(poster).post(round.round, round.timestamp, round.prices, round.confidences, round.fundingIndexes)).wait();
      roundCommitment = roundCommitments(round, f.markets).roundCommitment;
      expect((await f.registry.getRound(round.round))[0]).toBe(roundCommitment);
    };
    const applyPending = async (id: bigint) => {
      const fills = pending.get(id)!.slice(0, FILLS_PER_PROOF);
      const prepared = prepareApplyFills(committed.get(id)!, fills, LISTED, specs, { salt: nextSalt() });
      const next = prepared.next!;
      await (await f.vault.connect(challenger).applyFills(id, fills.length, accountCommitment(next), await prove("applyFills", prepared))).wait();
      committed.set(id, next);
      pending.set(id, pending.get(id)!.slice(fills.length));
    };
    const depositInto = async (id: bigint, amount: bigint) => {
      const prepared = prepareDeposit(committed.get(id)!, amount, specs, { salt: nextSalt() });
      const next = prepared.next!;
      await (await f.vault.connect(owners.get(id)!).deposit(id, amount, accountCommitment(next), await prove("deposit", prepared))).wait();
      committed.set(id, next);
    };
    const open = async (signer: (typeof people)[number]) => {
      await (await f.vault.connect(signer).open()).wait();
      const id = (await f.vault.nextAccountId()) - 1n;
      committed.set(id, genesisState(domain, id, BigInt(signer.address)));
      pending.set(id, []);
      owners.set(id, signer);
      return id;
    };
    const upToDate = (id: bigint) => pending.get(id)!.length === 0;

    // Opening: prices, the backstop's capital, the traders, some insurance.
    await postRound([60_000n * E8, 3_000n * E8, 150n * E8, 15n * E8], [0n, 0n, 0n, 0n]);
    await (await f.vault.connect(f.signers[0]).fundInsurance(2_000n * TOKEN)).wait();
    const backstopId = await open(backstop);
    await depositInto(backstopId, 5_000_000n * TOKEN);
    for (const trader of traders) await depositInto(await open(trader), (1_000n + random.below(20_000n)) * TOKEN);
    await check("opening");

    for (let step = 0; step < steps; step++) {
      const ids = active().filter((id) => id !== FEE_ACCOUNT_ID);
      const pick = () => ids[random.int(ids.length)]!;
      const action = random.int(100);
      if (action < 30) {
        // The venue matches two traders (never the fee account; never an account in default).
        const [a, b] = [pick(), pick()];
        if (a === b || (await f.vault.isDefaulted(a)) || (await f.vault.isDefaulted(b))) continue;
        const market = random.int(LISTED);
        const price = (round.prices[market]! * (9_900n + random.below(201n))) / 10_000n;
        const size = 1n + random.below((25_000n * 10n ** 16n) / price); // up to ~25,000 of notional: leverage
        const takerFee = (size * price * 5n) / 10_000n; // 5 bps
        const makerFee = -((size * price) / 10_000n); // a 1 bp rebate
        const fill: Fill = { fillId: ++fillId, market, size, price, fundingIndex: round.fundingIndexes[market]!, buyerId: a, sellerId: b, buyerFee: takerFee, sellerFee: makerFee, blinding: (1n << 140n) + fillId };
        await (await f.vault.connect(venue).postFill(a, b, fillCommitment(fill))).wait();
        for (const id of [a, b, FEE_ACCOUNT_ID]) pending.get(id)!.push(fill);
        count("fill");
      } else if (action < 50) {
        const id = random.chance(15) ? FEE_ACCOUNT_ID : pick();
        if (upToDate(id)) continue;
        await applyPending(id);
        count("applyFills");
      } else if (action < 62) {
        // A random walk of prices (+-3%, and now and then a +-20% jump) and funding (up to 0.05% of the price).
        const jump = random.chance(12) ? 2_000n : 300n;
        const prices = round.prices.map((price) => (price * (10_000n - jump + random.below(2n * jump + 1n))) / 10_000n);
        const fundings = round.fundingIndexes.map((index, j) => index + ((prices[j]! * (random.below(11n) - 5n)) / 10_000n));
        await postRound(prices, fundings);
        count("round");
      } else if (action < 70) {
        const id = pick();
        await depositInto(id, (100n + random.below(3_000n)) * TOKEN);
        count("deposit");
      } else if (action < 80) {
        const id = pick();
        if (!upToDate(id) || (await f.vault.isDefaulted(id))) continue;
        const [whole, fraction = ""] = marginReport(committed.get(id)!, round, f.markets).withdrawable.split(".");
        const max = BigInt(whole!) * TOKEN + BigInt(fraction.padEnd(6, "0"));
        if (max === 0n || max > (await f.vault.accountsBalance())) continue;
        const amount = 1n + random.below(max);
        const prepared = prepareWithdraw(committed.get(id)!, amount, round, f.markets, specs, { salt: nextSalt() });
        const next = prepared.next!;
        await (await f.vault.connect(owners.get(id)!).withdraw(id, amount, round.round, accountCommitment(next), await prove("withdraw", prepared))).wait();
        committed.set(id, next);
        count("withdraw");
      } else if (action < 86) {
        // A challenge: answered when the SDK says it can be (and the account is up to date), else left to default.
        const id = pick();
        const account = await f.vault.getAccount(id);
        // (The backstop is not challenged here: a defaulted backstop could take nobody over.)
        if (id === backstopId || account.challengeDeadline !== 0n || account.lastHealthyRound >= round.round) continue;
        await (await f.vault.connect(challenger).challenge(id)).wait();
        count("challenge");
        if (upToDate(id) && !isLiquidatable(committed.get(id)!, round, f.markets)) {
          const prepared = prepareMargin(committed.get(id)!, round, f.markets, { binder: BigInt(owners.get(id)!.address), side: "favourable" }, specs);
          await (await f.vault.connect(owners.get(id)!).answer(id, round.round, await prove("margin", prepared))).wait();
          count("answer");
        } else if (random.chance(50)) {
          await increaseTime(f.ethers, WINDOW + 1n);
          await postRound([...round.prices], [...round.fundingIndexes]); // a fresh round after the wait
          count("default");
        }
      } else if (action < 92) {
        const id = pick();
        if (!upToDate(id) || (await f.vault.isDefaulted(id))) continue;
        if (surplus(committed.get(id)!, round, f.markets, { requirement: "maintenance", side: "conservative", bufferBps: 0n }) < 0n) continue;
        const prepared = prepareMargin(committed.get(id)!, round, f.markets, { binder: BigInt(owners.get(id)!.address) }, specs);
        await (await f.vault.connect(owners.get(id)!).attest(id, round.round, 0, await prove("margin", prepared))).wait();
        count("attest");
      } else {
        // Takeovers: every liquidatable (or defaulted) account, brought up to date first (anyone may apply).
        for (const id of ids) {
          if (id === backstopId) continue;
          const defaulted = await f.vault.isDefaulted(id);
          while (!upToDate(id)) await applyPending(id);
          if (!defaulted && !isLiquidatable(committed.get(id)!, round, f.markets)) continue;
          let result;
          try {
            result = takeover(committed.get(id)!, committed.get(backstopId)!, round, f.markets, { penaltyBps: PENALTY_BPS, defaulted, salt: nextSalt() });
          } catch {
            continue; // the backstop would not meet its initial requirement: it passes
          }
          if (result.ownerPayout + result.penalty > (await f.vault.accountsBalance()) + result.badDebt) continue;
          const prepared = prepareTakeover(committed.get(id)!, committed.get(backstopId)!, round, f.markets, { penaltyBps: PENALTY_BPS, defaulted, salt: result.liquidator.salt }, specs);
          await (await f.vault.connect(backstop).takeover(id, backstopId, round.round, result.ownerPayout, result.penalty, result.badDebt, accountCommitment(result.liquidator), await prove("takeover", prepared))).wait();
          committed.delete(id);
          pending.delete(id);
          committed.set(backstopId, result.liquidator);
          count(result.badDebt > 0n ? "takeover with bad debt" : "takeover");
        }
      }
      await check(`step ${step}`);
    }
    return counts;
}

describe("# random simulation through the contracts, the SDK knowing every book", () => {
  let f: Fixture;
  withFixture((fixture) => (f = fixture));
  const mock: Prove = async (statement, prepared) => {
    // The mock verifier accepts exactly the public inputs the SDK computed: the vault must pass those.
    await (await f.verifiers[statement].expectSignals([...prepared.publicInputs])).wait();
    return PROOF;
  };

  it.each(SEEDS)(`Should keep every commitment equal to the SDK's and the money exact for ${STEPS} random steps (seed %s, mock verifiers)`, { timeout: 0 }, async (seed) => {
    const counts = await simulate(f, seed, STEPS, mock);
    // The market must have done something of everything for the run to mean anything.
    expect(Object.keys(counts)).toEqual(expect.arrayContaining(["fill", "applyFills", "round", "deposit", "withdraw", "challenge", "answer", "attest"]));
    expect((counts.takeover ?? 0) + (counts["takeover with bad debt"] ?? 0)).toBeGreaterThan(0);
    console.log(`random simulation (seed ${seed}, ${STEPS} steps, mock verifiers): ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  });
});

describe("# random simulation with real proofs (shorter)", () => {
  it(`Should hold the same with a real Groth16 proof for every step (${REAL_STEPS} steps, seed ${REAL_SEED})`, { timeout: 0 }, async () => {
    await buildCircuits({ only: Object.values(verifierCircuitIds("cross")) });
    const f = await deploy("cross", { verifiers: "generated" });
    const provers = new ProverSet();
    try {
      const counts = await simulate(f, REAL_SEED, REAL_STEPS, async (_statement, prepared) => (await provers.prove(prepared)).calldata.proof.map(BigInt));
      if (REAL_STEPS >= 60) expect(Object.keys(counts)).toEqual(expect.arrayContaining(["fill", "applyFills", "deposit", "withdraw", "answer", "default", "takeover"]));
      console.log(`random simulation (seed ${REAL_SEED}, ${REAL_STEPS} steps, real proofs): ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ")}`);
    } finally {
      await provers.close();
    }
  });
});
