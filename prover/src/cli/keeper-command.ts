import { parseInteger } from "../core/decimal.ts";
import { ZkMarginError } from "../core/errors.ts";
import { HARDHAT_NODE, requireNode, requirePackages } from "../core/runtime.ts";
import { BACKEND_OPTIONS, BACKEND_USAGE, backendFrom, optional, type Command, type Values } from "./options.ts";
import { UsageError } from "./usage-error.ts";

const err = (text: string) => process.stderr.write(`${text}\n`);
const out = (text: string) => process.stdout.write(`${text}\n`);

const KEEPER_USAGE = `Usage: zkmargin keeper worker [--redis URL] [--queue NAME] [--threads N] [--backend wasm|rapidsnark] [--rapidsnark PATH] [--concurrency N] [--lock-ms MS] [--stalled-ms MS] [--preload CIRCUIT] [--exit-after-jobs K]
       zkmargin keeper run [--accounts N] [--workers N] [--batch N] [--redis URL] [--queue NAME] [--threads N] [--backend B] [--rapidsnark PATH] [--json]
worker: take margin jobs from the Redis queue and prove them with a warm prover per circuit, until SIGTERM
        (start as many as you have cores or machines; --exit-after-jobs K kills the process at its K-th job, to test recovery).
run:    a whole round on an in-process Hardhat chain: open N accounts (default 32), post a round, start the workers
        (default 2 processes), enqueue one job per account, gather the proofs and send attestBatch every --batch (default 16).
Redis: Debian's redis-server (redis-server --daemonize yes); --redis default redis://127.0.0.1:6379, --queue default zkmargin-keeper.
The workers' proving backend (each worker checks every proof with the verification key before it is returned):
${BACKEND_USAGE}`;

const count = (values: Values, name: string, min = 1): number | undefined => {
  const value = optional(values, name);
  if (value === undefined) return undefined;
  const parsed = Number(parseInteger(value, `--${name}`, 1n << 31n));
  if (parsed < min) throw new UsageError(`--${name} must be at least ${min}`);
  return parsed;
};

/** `zkmargin keeper worker | run`: the distributed proving queue (README "Every account, every round"). */
export const keeperCommand: Command = {
  summary: "prove every account every round: queue workers (Redis, BullMQ) and a round with attestBatch",
  usage: KEEPER_USAGE,
  options: {
    redis: { type: "string" }, queue: { type: "string" }, threads: { type: "string" }, concurrency: { type: "string" },
    "lock-ms": { type: "string" }, "stalled-ms": { type: "string" }, "exit-after-jobs": { type: "string" }, preload: { type: "string", multiple: true },
    accounts: { type: "string" }, workers: { type: "string" }, batch: { type: "string" }, json: { type: "boolean" }, ...BACKEND_OPTIONS,
  },
  async run(values, positionals) {
    const [sub, ...rest] = positionals;
    if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(" ")}`);
    const redisUrl = optional(values, "redis");
    const queue = optional(values, "queue");
    const threads = count(values, "threads");
    // The workers' backend (as `zkmargin prove` takes it), checked before any Redis is looked for.
    const chosen = backendFrom(values);
    const backend = chosen.backend === "wasm" ? {} : chosen;
    // Every number first (a usage error needs no Redis), then the Redis.
    const numbers = {
      concurrency: count(values, "concurrency"), lockMs: count(values, "lock-ms", 100), stalledMs: count(values, "stalled-ms", 100), exitAfterJobs: count(values, "exit-after-jobs"),
      accounts: count(values, "accounts"), workers: count(values, "workers"), batchSize: count(values, "batch"),
    };
    if (sub === "worker" || sub === "run") {
      requirePackages(["bullmq", "ioredis"], "zkmargin keeper");
      if (sub === "run") {
        requireNode(HARDHAT_NODE, "zkmargin keeper run (Hardhat 3)");
        requirePackages(["hardhat", "@nomicfoundation/hardhat-ethers", "ethers", "solc"], "zkmargin keeper run");
      }
      const { DEFAULT_REDIS_URL, redisReachable } = await import("../keeper/queue.ts");
      const url = redisUrl ?? DEFAULT_REDIS_URL;
      if (!(await redisReachable(url))) throw new ZkMarginError("--redis", `no Redis answers at ${url} (start one: redis-server --daemonize yes)`);
    }
    if (sub === "worker") {
      const { startKeeperWorker } = await import("../keeper/worker.ts");
      const worker = await startKeeperWorker({
        redisUrl, queue, threads, ...backend, concurrency: numbers.concurrency, lockMs: numbers.lockMs, stalledMs: numbers.stalledMs,
        exitAfterJobs: numbers.exitAfterJobs, preload: values.preload as string[] | undefined, log: err,
      });
      err(`keeper worker ${process.pid} ready on ${queue ?? "zkmargin-keeper"}`);
      await new Promise<void>((resolve) => {
        process.once("SIGTERM", resolve);
        process.once("SIGINT", resolve);
      });
      await worker.close();
      err(`keeper worker ${process.pid} stopped`);
      return 0;
    }
    if (sub === "run") {
      const { runLocalKeeperRound } = await import("../keeper/local.ts");
      const { formatProgress } = await import("../keeper/round.ts");
      let last = "";
      const result = await runLocalKeeperRound({
        accounts: numbers.accounts, workers: numbers.workers, batchSize: numbers.batchSize, redisUrl, queue, threads, ...backend,
        log: values.json ? () => undefined : err,
        onProgress: (progress) => {
          const line = formatProgress(progress);
          if (line !== last && !values.json) err(`progress: ${line}`);
          last = line;
        },
      });
      const once = [...result.accountIds].every((id) => result.attestations.get(id) === 1);
      const summary = {
        accounts: result.accountIds.length,
        attested: result.attested.length,
        failed: result.failed.map((entry) => ({ accountId: entry.accountId.toString(), reason: entry.reason })),
        batches: result.batches.map((batch) => ({ size: batch.size, gasUsed: Number(batch.gasUsed), gasPerProof: Math.round(Number(batch.gasUsed) / batch.size), calldataBytes: batch.calldataBytes })),
        everyAccountOnce: once,
        elapsedSeconds: Number((result.elapsedMs / 1000).toFixed(1)),
        workers: [...new Set(result.provedBy.values())].map((worker) => ({ worker, proofs: [...result.provedBy.values()].filter((w) => w === worker).length })),
      };
      if (values.json) out(JSON.stringify(summary, null, 2));
      else {
        out(`round ${result.roundId}: ${summary.attested} of ${summary.accounts} accounts attested in ${summary.batches.length} batch(es) in ${summary.elapsedSeconds} s; each exactly once: ${once ? "yes" : "NO"}`);
        for (const batch of summary.batches) out(`  attestBatch of ${batch.size}: ${batch.gasUsed.toLocaleString("en-US")} gas (${batch.gasPerProof.toLocaleString("en-US")} per proof)`);
        for (const worker of summary.workers) out(`  ${worker.worker}: ${worker.proofs} proofs`);
        for (const failed of summary.failed) out(`  account ${failed.accountId}: ${failed.reason}`);
      }
      const { releaseCurve } = await import("../prover/warm-prover.ts");
      await releaseCurve();
      return once && summary.failed.length === 0 ? 0 : 1;
    }
    throw new UsageError(sub === undefined ? "give a subcommand: worker or run" : `unknown subcommand ${sub} (worker or run)`);
  },
};
