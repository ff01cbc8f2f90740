import { Job, Queue, QueueEvents } from "bullmq";
import { accountCommitment } from "../commitment/account.ts";
import { roundCommitments } from "../commitment/round.ts";
import { packMarginStatement } from "../commitment/statement.ts";
import { ZkMarginError } from "../core/errors.ts";
import { toAddress } from "../core/field.ts";
import { accountToJson, parseMarkets } from "../model/parse.ts";
import type { AccountState, OracleRound } from "../model/types.ts";
import { verifyWithKey } from "../prover/warm-prover.ts";
import { DEFAULT_QUEUE, JOB_OPTIONS, marginJobId, redisOptions, roundToJson, type MarginJobData, type MarginJobResult } from "./queue.ts";

/** A batch the collector submits: strictly increasing account ids, one proof (8 words) each. */
export interface AttestBatch {
  readonly accountIds: readonly bigint[];
  readonly proofs: readonly (readonly bigint[])[];
}

/** What submitting a batch returned. */
export interface SubmittedBatch {
  readonly gasUsed: bigint;
  readonly calldataBytes?: number;
}

/** The counts a keeper round reports as it goes. */
export interface KeeperProgress {
  readonly total: number;
  /** Jobs of this round not yet taken (waiting, or delayed for a retry). */
  readonly waiting: number;
  /** Jobs a worker holds now. */
  readonly active: number;
  /** Proofs received and checked. */
  readonly done: number;
  readonly failed: number;
  /** Accounts attested on chain. */
  readonly attested: number;
}

/** Options of {@link runKeeperRound}. */
export interface KeeperRoundOptions {
  readonly redisUrl?: string;
  readonly queue?: string;
  /** Every account to prove (the venue's view of each book), of one vault. */
  readonly accounts: readonly AccountState[];
  readonly round: OracleRound;
  /** The markets file (raw JSON: it travels in the jobs). */
  readonly marketsJson: Record<string, unknown>;
  /** The keeper's address: every proof is bound to it (attestBatch's msg.sender). */
  readonly binder: bigint;
  readonly bufferBps?: bigint;
  /** Proofs per attestBatch (default 16). */
  readonly batchSize?: number;
  /** Sends one attestBatch and waits for it. */
  readonly submit: (batch: AttestBatch) => Promise<SubmittedBatch>;
  /** Verification key (snarkjs JSON) to check each proof with before it is submitted (default: none). */
  readonly verificationKey?: object;
  readonly onProgress?: (progress: KeeperProgress) => void;
  /** How often to report progress and re-read the state of jobs whose events may have been missed (ms, default 1000). */
  readonly pollMs?: number;
}

/** The outcome of a round. */
export interface KeeperRoundResult {
  /** Accounts attested, in submission order. */
  readonly attested: bigint[];
  /** Accounts with no proof: the job failed (bad input, or the account does not meet maintenance: a takeover candidate). */
  readonly failed: { readonly accountId: bigint; readonly jobId: string; readonly reason: string }[];
  readonly batches: (SubmittedBatch & { readonly size: number })[];
  /** Which worker proved each account. */
  readonly provedBy: Map<bigint, string>;
  readonly elapsedMs: number;
}

/**
 * Runs one keeper round: enqueues a margin job per account (job id: account, nonce, round: idempotent), gathers
 * the workers' proofs as they complete (each checked: its public inputs are the account's commitment, the round's
 * commitment and the keeper's statement, and, with a verification key, the proof verifies), and submits them in
 * batches of `batchSize` through `submit` (attestBatch), each account once. Ends when every job is done or has
 * failed for good (after its retries). A proof that is not what was asked is dropped and reported as failed.
 */
export async function runKeeperRound(options: KeeperRoundOptions): Promise<KeeperRoundResult> {
  const started = performance.now();
  const markets = parseMarkets(options.marketsJson, "markets");
  const bufferBps = options.bufferBps ?? 0n;
  const batchSize = Math.max(1, options.batchSize ?? 16);
  const roundCommitment = roundCommitments(options.round, markets).roundCommitment;
  const statement = packMarginStatement({ binder: options.binder, bufferBps, requirement: "maintenance", side: "conservative" });
  const roundJson = roundToJson(options.round, markets);

  const byJob = new Map<string, AccountState>();
  for (const state of options.accounts) {
    const id = marginJobId(state, options.round.round);
    if (byJob.has(id)) throw new ZkMarginError("accounts", `account ${state.accountId} appears twice`);
    byJob.set(id, state);
  }
  const connection = redisOptions(options.redisUrl);
  const name = options.queue ?? DEFAULT_QUEUE;
  const queue = new Queue<MarginJobData, MarginJobResult>(name, { connection });
  const events = new QueueEvents(name, { connection });

  const pending = new Set(byJob.keys());
  const ready: { accountId: bigint; proof: bigint[] }[] = [];
  const result: KeeperRoundResult = { attested: [], failed: [], batches: [], provedBy: new Map(), elapsedMs: 0 };
  const attested = new Set<bigint>();
  let settle: () => void = () => undefined;
  let wake = new Promise<void>((resolve) => (settle = resolve));
  const notify = () => settle();

  // A job leaves `pending` only once its proof is checked and queued for a batch (or refused), so the round
  // cannot end with a proof still being checked; `settling` keeps an event and a re-read from taking it twice.
  const settling = new Set<string>();
  const accept = async (jobId: string, value: MarginJobResult) => {
    if (!pending.has(jobId) || settling.has(jobId)) return;
    settling.add(jobId);
    const state = byJob.get(jobId)!;
    const expected = [accountCommitment(state), roundCommitment, statement].map(String);
    const problem = value.publicSignals.length !== 3 || value.publicSignals.some((signal, i) => signal !== expected[i])
      ? "its public inputs are not this account's commitment, round and statement"
      : options.verificationKey && !(await verifyWithKey(options.verificationKey, value.groth16 as never, value.publicSignals))
        ? "its proof does not verify"
        : undefined;
    if (problem) result.failed.push({ accountId: state.accountId, jobId, reason: `the worker's proof was refused: ${problem}` });
    else {
      ready.push({ accountId: state.accountId, proof: value.proof.map(BigInt) });
      result.provedBy.set(state.accountId, value.worker);
    }
    pending.delete(jobId);
    notify();
  };
  const reject = (jobId: string, reason: string) => {
    if (settling.has(jobId) || !pending.delete(jobId)) return;
    result.failed.push({ accountId: byJob.get(jobId)!.accountId, jobId, reason });
    notify();
  };
  // Reads a job's state: completed or failed for good settles it (a retry in between stays pending). The state
  // first, then the job: BullMQ writes the result and moves the job in one script, so a job read after its state
  // says completed holds its result (read the other way round, a job read while active may come back without it).
  const reread = async (jobId: string) => {
    const state = await queue.getJobState(jobId);
    if (state !== "completed" && state !== "failed") return;
    const job = await Job.fromId<MarginJobData, MarginJobResult>(queue, jobId);
    if (!job) return;
    if (state === "completed" && job.returnvalue) await accept(jobId, job.returnvalue);
    else if (state === "failed") reject(jobId, job.failedReason ?? "failed");
  };

  try {
    events.on("completed", ({ jobId }) => void reread(jobId));
    events.on("failed", ({ jobId }) => void reread(jobId));
    await events.waitUntilReady();
    await queue.waitUntilReady();
    const jobs = [...byJob.entries()].map(([jobId, state]) => ({
      name: "margin",
      data: { kind: "margin" as const, account: accountToJson(state, markets), round: roundJson, markets: options.marketsJson, binder: toAddress(options.binder), bufferBps: Number(bufferBps) },
      opts: { ...JOB_OPTIONS, jobId },
    }));
    for (let i = 0; i < jobs.length; i += 500) await queue.addBulk(jobs.slice(i, i + 500));
    // Jobs that already existed (an earlier run of this round) may be settled already.
    for (const jobId of [...pending]) await reread(jobId);

    const report = async () => {
      if (!options.onProgress) return;
      const counts = await queue.getJobCounts("waiting", "delayed", "prioritized", "active");
      options.onProgress({
        total: byJob.size,
        waiting: Math.min(pending.size, (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0)),
        active: Math.min(pending.size, counts.active ?? 0),
        done: byJob.size - pending.size - result.failed.length,
        failed: result.failed.length,
        attested: attested.size,
      });
    };
    const submitReady = async (all: boolean) => {
      while (ready.length >= batchSize || (all && ready.length > 0)) {
        const batch = ready.splice(0, batchSize).filter((entry) => !attested.has(entry.accountId)).sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
        if (batch.length === 0) continue;
        const submitted = await options.submit({ accountIds: batch.map((entry) => entry.accountId), proofs: batch.map((entry) => entry.proof) });
        for (const entry of batch) {
          attested.add(entry.accountId);
          result.attested.push(entry.accountId);
        }
        result.batches.push({ ...submitted, size: batch.length });
        await report();
      }
    };

    await report();
    while (pending.size > 0) {
      const timer = new Promise<"tick">((resolve) => setTimeout(() => resolve("tick"), options.pollMs ?? 1_000));
      const woke = await Promise.race([wake.then(() => "event" as const), timer]);
      wake = new Promise<void>((resolve) => (settle = resolve));
      if (woke === "tick") for (const jobId of [...pending]) await reread(jobId);
      await submitReady(false);
      await report();
    }
    await submitReady(true);
    await report();
  } finally {
    await events.close();
    await queue.close();
  }
  return { ...result, elapsedMs: performance.now() - started };
}

/** A one-line progress report: `32 jobs: 12 waiting, 2 active, 18 done, 0 failed; 16 attested`. */
export function formatProgress(progress: KeeperProgress): string {
  return `${progress.total} jobs: ${progress.waiting} waiting, ${progress.active} active, ${progress.done} done, ${progress.failed} failed; ${progress.attested} attested`;
}

