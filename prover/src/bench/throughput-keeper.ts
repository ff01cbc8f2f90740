/**
 * The keeper's throughput point: margin proofs per second (and per core) through the Redis queue with 1 and 2
 * worker processes on this machine, warm provers preloaded, the collector's on-chain step left out (a no-op
 * submit): what one machine adds to a round. For the bench to wire in (`measureKeeperThroughput`), and runnable:
 *
 *   npx tsx prover/src/bench/throughput-keeper.ts [--jobs 24] [--redis redis://127.0.0.1:6379] [--json]
 *
 * Needs a Redis (redis-server --daemonize yes) and the cross margin circuit built (npx zkmargin build).
 */
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { genesisState } from "../commitment/account.ts";
import { verifierCircuitIds } from "../chain/deployment.ts";
import { projectPath } from "../build/paths.ts";
import { readJsonFile } from "../model/json.ts";
import { startWorkerProcess } from "../keeper/local.ts";
import { DEFAULT_REDIS_URL, redisOptions } from "../keeper/queue.ts";
import { runKeeperRound } from "../keeper/round.ts";

/** One measured configuration. */
export interface KeeperThroughputPoint {
  readonly workers: number;
  readonly threadsPerWorker: number;
  readonly jobs: number;
  readonly seconds: number;
  readonly proofsPerSecond: number;
  /** proofsPerSecond / the machine's cores. */
  readonly proofsPerSecondPerCore: number;
  /** 1-minute load average before and after (other work on the machine skews the figures). */
  readonly loadBefore: number;
  readonly loadAfter: number;
}

/** Options of {@link measureKeeperThroughput}. */
export interface KeeperThroughputOptions {
  readonly redisUrl?: string;
  /** Jobs per configuration (default 24). */
  readonly jobs?: number;
  /** Configurations (default: 1 worker with every core's threads, 2 workers with half each, 2 with all each). */
  readonly configs?: readonly { readonly workers: number; readonly threadsPerWorker: number }[];
  readonly log?: (line: string) => void;
}

/** Measures margin proofs per second through the queue for each configuration. */
export async function measureKeeperThroughput(options: KeeperThroughputOptions = {}): Promise<{ cores: number; node: string; circuit: string; points: KeeperThroughputPoint[] }> {
  const cores = availableParallelism();
  const redisUrl = options.redisUrl ?? DEFAULT_REDIS_URL;
  const jobs = options.jobs ?? 24;
  const circuit = verifierCircuitIds("cross").margin;
  const configs = options.configs ?? [{ workers: 1, threadsPerWorker: cores }, { workers: 2, threadsPerWorker: Math.max(1, Math.floor(cores / 2)) }, { workers: 2, threadsPerWorker: cores }];
  const marketsJson = readJsonFile(projectPath("examples", "markets.json"), "markets");
  const E8 = 10n ** 8n;
  const round = { round: 1n, timestamp: 1_763_700_000n, prices: [97_000n * E8, 3_000n * E8, 140n * E8, 14n * E8], confidences: [0n, 0n, 0n, 0n], fundingIndexes: [0n, 0n, 0n, 0n] };
  const log = options.log ?? (() => undefined);
  const points: KeeperThroughputPoint[] = [];
  for (const [index, config] of configs.entries()) {
    const queue = `zkmargin-keeper-throughput-${process.pid}-${index}`;
    const workers = await Promise.all(Array.from({ length: config.workers }, (_, i) => startWorkerProcess(i, { redisUrl, queue, threads: config.threadsPerWorker, preload: [circuit] }, log)));
    const domain = { chainId: 31337n, vault: BigInt(0x1000 + index) };
    const accounts = Array.from({ length: jobs }, (_, i) => genesisState(domain, BigInt(i + 2), 0xabcn));
    const loadBefore = loadavg()[0]!;
    try {
      const result = await runKeeperRound({ redisUrl, queue, accounts, round, marketsJson, binder: 0xabcn, batchSize: jobs, submit: async () => ({ gasUsed: 0n }) });
      const seconds = result.elapsedMs / 1000;
      const point = { workers: config.workers, threadsPerWorker: config.threadsPerWorker, jobs, seconds: Number(seconds.toFixed(2)), proofsPerSecond: Number((jobs / seconds).toFixed(3)), proofsPerSecondPerCore: Number((jobs / seconds / cores).toFixed(3)), loadBefore: Number(loadBefore.toFixed(2)), loadAfter: Number(loadavg()[0]!.toFixed(2)) };
      points.push(point);
      log(`${config.workers} worker(s) x ${config.threadsPerWorker} thread(s): ${jobs} proofs in ${point.seconds} s = ${point.proofsPerSecond} proofs/s (${point.proofsPerSecondPerCore} per core; load ${point.loadBefore} -> ${point.loadAfter})`);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
      const cleanup = new Queue(queue, { connection: redisOptions(redisUrl) });
      await cleanup.obliterate({ force: true });
      await cleanup.close();
    }
  }
  return { cores, node: process.version, circuit, points };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { jobs: { type: "string" }, redis: { type: "string" }, json: { type: "boolean" } } });
  const report = await measureKeeperThroughput({ jobs: values.jobs ? Number(values.jobs) : undefined, redisUrl: values.redis, log: values.json ? undefined : (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${values.json ? JSON.stringify(report, null, 2) : report.points.map((p) => `${p.workers}x${p.threadsPerWorker}: ${p.proofsPerSecond} proofs/s, ${p.proofsPerSecondPerCore} per core`).join("\n")}\n`);
}
