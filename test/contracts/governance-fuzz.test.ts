/**
 * Invariant fuzz over random call sequences (contracts/test/ClearingFuzzHandler.sol does the calls, many per
 * transaction, and checks after each one): accounts, fills, deposits, withdrawals, attests, challenges, answers,
 * takeovers, claims, insurance, rounds; governance queueing, executing and cancelling changes inside and outside
 * their bounds; a hostile token switching between normal, fee-on-transfer, reverting (with and without data),
 * returning false, returning nothing and reentrant; and oracle pauses (runs without rounds while the clock moves
 * past maxAge). The clock moves between runs, from seconds to past the governance grace period.
 *
 * Asserted after every call (a violation reverts the run with its code, see the handler): no panic or unnamed
 * revert; token balance = accountedBalance(), accountsBalance and insuranceFund = an independent model, total bonds
 * = the pending bonds; no account healthy at the takeover round taken over without a default; no diligent owner's
 * account defaulted or taken over as defaulted unless its cure failed (hostile token); its fill applications and
 * answers never refused in the window; no defaulted account attests, withdraws or answers; no governance change
 * executed before its delay or after its grace period, and every parameter within its bounds after one; round-id
 * steps <= 2^16. Health is ModelGroth16Verifier's model (a commitment's class against the round commitment).
 *
 * Seeded and reproducible: seed s drives the handler's choices and the clock (every run's block time is set from
 * T0 and the seeded moves, so a failing seed replays exactly). ZKMARGIN_FUZZ_CALLS sets the calls per seed
 * (default 3,000: 4 seeds, >= 12,000 calls, ~25 s).
 */
import hre from "hardhat";
import { describe, expect, it } from "vitest";
import { deployPoseidon, librariesFor, registryRiskRows, type HardhatEthers } from "../../prover/src/chain/deployment.ts";
import { BOND, CHALLENGER_BPS, INSURANCE_BPS, LISTED, MAX_AGE, PENALTY_BPS, WINDOW, type AnyContract, ensureBuilt, marketSet } from "./helpers.ts";
import { Interface } from "ethers";
import { prng } from "../helpers/prng.ts";

const CALLS_PER_SEED = Number(process.env.ZKMARGIN_FUZZ_CALLS ?? 3_000);
const SEEDS = [1, 2, 3, 4];
/** Under the per-transaction gas cap (2^24, EIP-7825). */
const RUN_GAS = 16_000_000n;
/** The first run's block time (the clock then moves by the seeded steps only, so a seed replays exactly). */
const T0 = 2_000_000_000;
const ACTIONS = ["open", "deposit", "postFill", "applyFills", "withdraw", "attest", "challenge", "answer", "takeover", "claim", "fundInsurance", "postRound", "tokenMode", "queue", "execute", "cancel"];


/** The clock's next move: mostly seconds to minutes, sometimes an answer window, a governance delay or more. */
function nextMove(rand: () => number): number {
  const r = rand();
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo));
  if (r < 0.45) return between(1, 60);
  if (r < 0.7) return between(60, 900);
  if (r < 0.85) return between(1_800, 3 * 3_600);
  if (r < 0.96) return between(2 * 86_400, 3 * 86_400);
  return between(15 * 86_400, 17 * 86_400);
}

async function fuzz(seed: number) {
  await ensureBuilt();
  const { ethers } = await hre.network.create();
  const [deployer] = await ethers.getSigners();
  const poseidon = await deployPoseidon(ethers as unknown as HardhatEthers);
  const handler: AnyContract = await ethers.deployContract("ClearingFuzzHandler");
  const markets = marketSet("cross", LISTED);
  const registry: AnyContract = await ethers.deployContract("OracleRegistry", [
    handler.target, 3, LISTED, MAX_AGE, markets.confidenceMultiplier, registryRiskRows(markets), [handler.target],
  ], { libraries: librariesFor("OracleRegistry", poseidon) });
  const models: AnyContract[] = [];
  for (const kind of [0, 1, 2, 3, 4]) models.push(await ethers.deployContract("ModelGroth16Verifier", [kind]));
  // attestBatch is not among the fuzzed calls: the adapter's margin batch verifier is the plain mock.
  const batchVerifier: AnyContract = await ethers.deployContract("MockGroth16BatchVerifier");
  const adapter: AnyContract = await ethers.deployContract("ZkMarginVerifier", [3, ...models.map((m) => m.target), batchVerifier.target]);
  const token: AnyContract = await ethers.deployContract("HostileERC20", [6]);
  const vault: AnyContract = await ethers.deployContract("ClearingVault", [
    token.target, registry.target, adapter.target, handler.target, handler.target, BOND, WINDOW, PENALTY_BPS, INSURANCE_BPS, CHALLENGER_BPS,
  ], { libraries: librariesFor("ClearingVault", poseidon) });
  await (await handler.init(vault.target, registry.target, token.target)).wait();

  const names = ["ClearingVault", "OracleRegistry", "ZkMarginVerifier", "HostileERC20", "ClearingFuzzHandler", "FuzzActor", "Timelock"];
  const errors = new Interface([
    ...(await Promise.all(names.map((n) => hre.artifacts.readArtifact(n)))).flatMap((a) => a.abi.filter((f: { type: string }) => f.type === "error")),
    "error SafeTransfer__TransferFailed(address token)",
  ]);

  const rand = prng(seed);
  let runs = 0;
  let paused = 0;
  let pauses = 0;
  let moved = 0;
  let horizon = nextMove(rand);
  let clock = T0;
  const started = performance.now();
  while ((await handler.systemCalls()) < BigInt(CALLS_PER_SEED)) {
    if (paused === 0 && rand() < 0.08) {
      paused = 2 + Math.floor(rand() * 4); // the oracle stops for a few runs
      pauses++;
    }
    await ethers.provider.send("evm_setNextBlockTimestamp", [clock]);
    try {
      await (await handler.connect(deployer).run(seed * 1_000_003 + runs, horizon, paused > 0, { gasLimit: RUN_GAS })).wait();
    } catch (e) {
      const data = findRevertData(e);
      const parsed = data ? errors.parseError(data) : null;
      if (parsed?.name === "ClearingFuzzHandler__Violation") {
        const detail = String(parsed.args[2]);
        const inner = detail.length >= 10 ? errors.parseError(detail) : null;
        throw new Error(`seed ${seed}, run ${runs}: violation ${parsed.args[0]} (account or action ${parsed.args[1]}) ${inner ? `${inner.name}(${[...inner.args].join(", ")})` : detail}`);
      }
      throw e;
    }
    runs++;
    if (paused > 0) paused--;
    clock += horizon;
    moved += horizon;
    horizon = nextMove(rand);
  }
  const ms = Math.round(performance.now() - started);
  const [calls, ok] = (await handler.actionStats()) as [bigint[], bigint[]];
  const selectors: string[] = await handler.selectors();
  const reverts: Record<string, number> = {};
  for (const selector of selectors) {
    let name = selector;
    try {
      name = errors.getError(selector)?.name ?? selector;
    } catch {
      /* not one of the contracts' errors: the assertion below names it */
    }
    reverts[name] = Number(await handler.revertCount(selector));
  }
  const stats = {
    seed, runs, ms, days: Math.round(moved / 864) / 100, pauses,
    systemCalls: Number(await handler.systemCalls()), succeeded: Number(await handler.systemOk()), tokenCalls: Number(await handler.tokenCalls()),
    defences: Number(await handler.defences()), excusedDefaults: Number(await handler.excusedDefaults()),
    takeovers: Number(await handler.takeovers()), defaultedTakeovers: Number(await handler.defaultedTakeovers()), changesExecuted: Number(await handler.changesExecuted()),
    accounts: Number(await handler.accounts()),
    actions: Object.fromEntries(ACTIONS.map((name, i) => [name, `${ok[i]}/${calls[i]}`])),
  };
  return { stats, reverts, selectors };
}

function findRevertData(e: unknown): string | undefined {
  let cur = e as { data?: unknown; error?: unknown; info?: { error?: unknown } } | undefined;
  for (let i = 0; i < 6 && cur; i++) {
    if (typeof cur.data === "string" && cur.data.startsWith("0x")) return cur.data;
    if (cur.data && typeof cur.data === "object" && typeof (cur.data as { data?: unknown }).data === "string") return (cur.data as { data: string }).data;
    cur = (cur.error ?? cur.info?.error) as typeof cur;
  }
  return undefined;
}

describe("# governance fuzz: random sequences with governance, hostile tokens and oracle pauses", { timeout: 600_000 }, () => {
  const all: Awaited<ReturnType<typeof fuzz>>["stats"][] = [];
  for (const seed of SEEDS) {
    it(`Should hold every invariant over ${CALLS_PER_SEED.toLocaleString("en-US")}+ calls (seed ${seed})`, async () => {
      const { stats, reverts } = await fuzz(seed);
      console.log(`governance fuzz seed ${seed}`, JSON.stringify(stats), JSON.stringify(reverts));
      all.push(stats);
      expect(stats.systemCalls).toBeGreaterThanOrEqual(CALLS_PER_SEED);
      // every revert is a named custom error of the contracts (the handler already refused panics and unnamed ones)
      for (const name of Object.keys(reverts)) expect(name, name).toMatch(/^(ClearingVault|OracleRegistry|Timelock|ZkMarginVerifier|SafeTransfer|HostileERC20)__/);
      expect(stats.takeovers).toBeGreaterThan(0);
    });
  }

  it("Should have reached, over all seeds, >= 10,000 calls, defended challenges, defaulted takeovers and executed changes", () => {
    const sum = (key: "systemCalls" | "defences" | "defaultedTakeovers" | "changesExecuted" | "pauses") => all.reduce((s, x) => s + x[key], 0);
    console.log("governance fuzz, all seeds", { seeds: all.length, calls: sum("systemCalls"), defences: sum("defences"), defaultedTakeovers: sum("defaultedTakeovers"), changesExecuted: sum("changesExecuted"), pauses: sum("pauses"), ms: all.reduce((s, x) => s + x.ms, 0) });
    expect(all).toHaveLength(SEEDS.length);
    if (CALLS_PER_SEED >= 2_500) expect(sum("systemCalls")).toBeGreaterThanOrEqual(10_000);
    expect(sum("defences")).toBeGreaterThan(0);
    expect(sum("defaultedTakeovers")).toBeGreaterThan(0);
    expect(sum("changesExecuted")).toBeGreaterThan(0);
    expect(sum("pauses")).toBeGreaterThan(0);
  });
});
