/**
 * The distributed proving queue end to end, with a real Redis (Debian's redis-server; .ci/run starts one): a round
 * of 32 accounts on the in-process Hardhat chain with the real verifiers and attestBatch, proven by 2 worker
 * processes, one of which kills itself when it takes its 4th job (deterministic: no timer decides when). Every
 * account must get exactly one accepted proof; a job with bad input and an account below maintenance end in
 * `failed` with a one-line reason, without retries.
 *
 * Without a reachable Redis the test is skipped with a message, except in CI (CI set), where it fails.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Job, Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_REDIS_URL, redisOptions, redisReachable } from "../prover/src/keeper/queue.ts";
import { runLocalKeeperRound } from "../prover/src/keeper/local.ts";
import type { AccountState } from "../prover/src/model/types.ts";
import { standInRapidsnark } from "./helpers/stand-in-rapidsnark.ts";

const REDIS_URL = process.env.ZKMARGIN_REDIS_URL ?? DEFAULT_REDIS_URL;
const reachable = await redisReachable(REDIS_URL);
const inCi = Boolean(process.env.CI);
const ACCOUNTS = 32;

if (!reachable && !inCi) {
  console.warn(`test/keeper.test.ts: SKIPPED: no Redis at ${REDIS_URL} (start one: redis-server --daemonize yes, or set ZKMARGIN_REDIS_URL)`);
}

describe.runIf(!reachable && inCi)("# keeper queue (CI)", () => {
  it("Should find the Redis that .ci/run starts", () => {
    throw new Error(`no Redis at ${REDIS_URL}: .ci/run must install and start redis-server (CI=${process.env.CI})`);
  });
});

describe.runIf(reachable)("# keeper queue: a round of 32 accounts, 2 worker processes, one killed mid-round", { timeout: 0 }, () => {
  const queueName = `zkmargin-keeper-test-${process.pid}-${Date.now()}`;
  let queue: Queue;
  beforeAll(() => {
    queue = new Queue(queueName, { connection: redisOptions(REDIS_URL) });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it("Should attest every account exactly once and fail bad jobs with a one-line reason", async () => {
    // A job whose data does not parse, waiting before the workers start.
    const bogus = await queue.add("margin", { kind: "margin", account: { zkmargin: "zkmargin account v2" }, round: {}, markets: {}, binder: "0x0", bufferBps: 0 }, { jobId: "bogus-job", attempts: 3, backoff: { type: "exponential", delay: 500 } });
    let unhealthy: AccountState | undefined;
    const seen: string[] = [];
    const result = await runLocalKeeperRound({
      accounts: ACCOUNTS,
      workers: 2,
      batchSize: 16,
      redisUrl: REDIS_URL,
      queue: queueName,
      // Short enough that the dead worker's job comes back within seconds; long enough for any proof's lock renewal.
      lockMs: 15_000,
      stalledMs: 3_000,
      exitAfterJobs: [4, undefined],
      // A book 1,000 quote units in debt (never on chain: the worker refuses it before proving).
      extraAccounts: (domain) => [(unhealthy = { domain, accountId: 9_999n, owner: 0xabcn, salt: 1n << 200n, nonce: 1n, cash: -1_000n * 10n ** 16n, head: 0n, fillsApplied: 0n, slots: Array.from({ length: 16 }, () => ({ size: 0n, fundingIndex: 0n })) })],
      onProgress: (progress) => seen.push(`${progress.waiting}/${progress.active}/${progress.done}`),
    });

    // Worker 0 died at its 4th job (SIGKILL, no cleanup); worker 1 was stopped at the end.
    expect(result.workerExits[0]).toBe("SIGKILL");
    expect(result.workerExits[1]).not.toBe("SIGKILL");
    // Every account: one AttestedBatch naming it, lastHealthyRound = the round; nothing twice, nothing lost.
    expect(result.accountIds).toHaveLength(ACCOUNTS);
    for (const id of result.accountIds) {
      expect(result.attestations.get(id), `account ${id}`).toBe(1);
      expect(result.lastHealthyRound.get(id)).toBe(result.roundId);
    }
    expect([...result.attested].sort((a, b) => Number(a - b))).toEqual([...result.accountIds]);
    expect(result.batches.map((batch) => batch.size)).toEqual([16, 16]);
    expect(new Set(result.provedBy.values()).size).toBe(2);
    // The account below maintenance: failed, one line, no retry.
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]!.accountId).toBe(unhealthy!.accountId);
    expect(result.failed[0]!.reason).toMatch(/^account: does not meet the maintenance margin at round 1: short by 1000(\.0+)? /);
    expect(result.failed[0]!.reason).not.toContain("\n");
    const refused = (await Job.fromId(queue, result.failed[0]!.jobId))!;
    expect([await refused.getState(), refused.attemptsMade]).toEqual(["failed", 1]);
    // The bogus job: failed once, for good, its reason naming the field.
    const bad = (await Job.fromId(queue, bogus.id!))!;
    expect(await bad.getState()).toBe("failed");
    expect(bad.attemptsMade).toBe(1);
    expect(bad.failedReason).toMatch(/^job\.markets/);
    expect(bad.failedReason).not.toContain("\n");
    // The job the dead worker held was recovered as stalled (and then completed or failed by the other worker).
    const settled = [...(await queue.getCompleted(0, -1)), ...(await queue.getFailed(0, -1))];
    expect(settled.filter((job) => job.stalledCounter >= 1).length).toBeGreaterThanOrEqual(1);
    // Each account's job completed once; progress went through waiting / active / done.
    const counts = await queue.getJobCounts("completed", "failed", "waiting", "active", "delayed");
    expect(counts).toMatchObject({ completed: ACCOUNTS, failed: 2, waiting: 0, active: 0, delayed: 0 });
    expect(seen.length).toBeGreaterThan(2);
    // Enqueueing a proven account's job again (same account, nonce and round) is a no-op: the id is taken.
    const proven = (await queue.getCompleted(0, 0))[0]!;
    await queue.add("margin", proven.data, { jobId: proven.id! });
    expect(await queue.getJobCounts("completed", "waiting")).toMatchObject({ completed: ACCOUNTS, waiting: 0 });
  });
});

describe.runIf(reachable)("# keeper queue: workers with --backend rapidsnark", { timeout: 0 }, () => {
  const queueName = `zkmargin-keeper-rapidsnark-${process.pid}-${Date.now()}`;
  const work = mkdtempSync(join(tmpdir(), "zkmargin-keeper-rapidsnark-"));
  afterAll(async () => {
    const queue = new Queue(queueName, { connection: redisOptions(REDIS_URL) });
    await queue.obliterate({ force: true });
    await queue.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("Should prove every job through the binary the workers were given, each proof accepted on chain", async () => {
    const log = join(work, "runs.log");
    // A stand-in binary (snarkjs behind rapidsnark's command line) that notes each run: the proofs must come from it.
    const binary = standInRapidsnark(join(work, "prover"), "honest", log);
    const result = await runLocalKeeperRound({ accounts: 3, workers: 1, batchSize: 3, redisUrl: REDIS_URL, queue: queueName, backend: "rapidsnark", rapidsnark: binary });
    expect(result.failed).toEqual([]);
    for (const id of result.accountIds) expect(result.attestations.get(id), `account ${id}`).toBe(1);
    expect(result.batches.map((batch) => batch.size)).toEqual([3]);
    // One run per proof (zkey, witness, proof, public): the worker proved nothing in WebAssembly.
    const runs = readFileSync(log, "utf8").trim().split("\n");
    expect(runs).toHaveLength(3);
    for (const run of runs) expect(run).toMatch(/^\S+ \S+\.wtns \S+ \S+$/);
  });
});
