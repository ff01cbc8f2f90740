import { spawn, type ChildProcess } from "node:child_process";
import type { ProvingBackend } from "../prover/rapidsnark.ts";
import { buildCircuits } from "../build/pipeline.ts";
import { projectPath } from "../build/paths.ts";
import { genesisState } from "../commitment/account.ts";
import { deployClearing, verifierCircuitIds, type HardhatEthers, type NamedSigner } from "../chain/deployment.ts";
import { ZkMarginError } from "../core/errors.ts";
import { readJsonFile } from "../model/json.ts";
import { parseMarkets } from "../model/parse.ts";
import type { AccountState, OracleRound } from "../model/types.ts";
import { loadVerificationKey } from "../prover/warm-prover.ts";
import { DEFAULT_QUEUE, DEFAULT_REDIS_URL } from "./queue.ts";
import { runKeeperRound, type KeeperProgress, type KeeperRoundResult } from "./round.ts";

/** Options of {@link runLocalKeeperRound}. */
export interface LocalKeeperOptions {
  /** Accounts the round proves (opened on the chain first; default 32). */
  readonly accounts?: number;
  /** Worker processes to start (default 2). */
  readonly workers?: number;
  readonly batchSize?: number;
  readonly redisUrl?: string;
  readonly queue?: string;
  /** Threads of each worker's prover (default: all cores). */
  readonly threads?: number;
  /** The workers' proving backend and rapidsnark binary (see KeeperWorkerOptions). */
  readonly backend?: ProvingBackend;
  readonly rapidsnark?: string;
  /** Lock and stalled-check periods of the workers (ms; defaults 30 s). */
  readonly lockMs?: number;
  readonly stalledMs?: number;
  /** Failure testing: worker i kills itself when it takes its exitAfterJobs[i]-th job. */
  readonly exitAfterJobs?: readonly (number | undefined)[];
  /** More account states to enqueue with the round's (not on chain; e.g. one that does not meet maintenance). */
  readonly extraAccounts?: (domain: AccountState["domain"], round: OracleRound) => AccountState[];
  readonly log?: (line: string) => void;
  readonly onProgress?: (progress: KeeperProgress) => void;
}

/** What a local round did, as the chain saw it. */
export interface LocalKeeperResult extends KeeperRoundResult {
  /** The accounts opened on the chain. */
  readonly accountIds: readonly bigint[];
  /** Per account, how many AttestedBatch events named it. */
  readonly attestations: Map<bigint, number>;
  /** Per account, its lastHealthyRound after the round. */
  readonly lastHealthyRound: Map<bigint, bigint>;
  readonly roundId: bigint;
  /** How each worker process ended (exit code, or the signal that ended it). */
  readonly workerExits: readonly string[];
}

/**
 * A whole keeper round on an in-process Hardhat chain (the cross profile, real Groth16 verifiers, attestBatch):
 * opens `accounts` accounts, posts a round, starts `workers` worker processes (`zkmargin keeper worker`, each
 * with its warm prover) on the Redis queue, runs the producer and collector ({@link runKeeperRound}) and stops the
 * workers. What `zkmargin keeper run` and the integration test run; a venue runs runKeeperRound against its chain.
 */
export async function runLocalKeeperRound(options: LocalKeeperOptions = {}): Promise<LocalKeeperResult> {
  const log = options.log ?? (() => undefined);
  const count = options.accounts ?? 32;
  const workerCount = options.workers ?? 2;
  if (count < 1 || workerCount < 1) throw new ZkMarginError("--accounts / --workers", "must be at least 1");
  const redisUrl = options.redisUrl ?? DEFAULT_REDIS_URL;
  const queue = options.queue ?? DEFAULT_QUEUE;
  await buildCircuits({ only: Object.values(verifierCircuitIds("cross")), log });
  process.chdir(projectPath());
  const hre = (await import("hardhat")).default;
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const connection = await hre.network.create();
  const ethers = connection.ethers as unknown as HardhatEthers & { provider: { getBlock(tag: string): Promise<{ timestamp: number } | null>; getNetwork(): Promise<{ chainId: bigint }> } };
  const [governance, poster, venue, owner, keeper] = (await ethers.getSigners()) as NamedSigner[];
  const marketsJson = readJsonFile(projectPath("examples", "markets.json"), "markets");
  const markets = parseMarkets(marketsJson);
  const { registry, vault } = await deployClearing(ethers, {
    governance: governance!, poster: poster!, venue: venue!, markets, maxAgeSeconds: 3_600n,
    bond: 50_000_000n, answerWindowSeconds: 3_600n, penaltyBps: 150n, insuranceBps: 5_000n, challengerBps: 2_000n,
  });
  const v = vault as unknown as Record<string, (...args: unknown[]) => Promise<{ wait(): Promise<{ gasUsed: bigint; logs: { topics: string[]; data: string }[] }> }>> & { connect(signer: NamedSigner): typeof v; target: string; interface: { parseLog(log: unknown): { name: string; args: { accountIds: bigint[] } } | null }; nextAccountId(): Promise<bigint>; getAccount(id: bigint): Promise<{ lastHealthyRound: bigint }> };
  const domain = { chainId: (await ethers.provider.getNetwork()).chainId, vault: BigInt(v.target) };
  const accountIds: bigint[] = [];
  const states: AccountState[] = [];
  for (let i = 0; i < count; i++) {
    await (await v.connect(owner!).open()).wait();
    const id = (await v.nextAccountId()) - 1n;
    accountIds.push(id);
    states.push(genesisState(domain, id, BigInt(owner!.address)));
  }
  const E8 = 10n ** 8n;
  const timestamp = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  const round: OracleRound = { round: 1n, timestamp, prices: [97_000n * E8, 3_000n * E8, 140n * E8, 14n * E8], confidences: [0n, 0n, 0n, 0n], fundingIndexes: [0n, 0n, 0n, 0n] };
  const r = registry as unknown as { connect(signer: NamedSigner): { post(...args: unknown[]): Promise<{ wait(): Promise<unknown> }> } };
  await (await r.connect(poster!).post(round.round, round.timestamp, round.prices, round.confidences, round.fundingIndexes)).wait();
  log(`opened ${count} accounts, posted round ${round.round}; starting ${workerCount} worker process(es)`);

  const workers = await Promise.all(Array.from({ length: workerCount }, (_, i) => startWorkerProcess(i, { ...options, redisUrl, queue, exitAfterJobs: options.exitAfterJobs?.[i] }, log)));
  const attestations = new Map<bigint, number>();
  let result: KeeperRoundResult;
  try {
    result = await runKeeperRound({
      redisUrl, queue, accounts: [...states, ...(options.extraAccounts?.(domain, round) ?? [])], round, marketsJson, binder: BigInt(keeper!.address),
      batchSize: options.batchSize, verificationKey: loadVerificationKey(verifierCircuitIds("cross").margin), onProgress: options.onProgress,
      submit: async (batch) => {
        const receipt = await (await v.connect(keeper!).attestBatch(batch.accountIds, round.round, 0, batch.proofs)).wait();
        for (const entry of receipt.logs) {
          const parsed = v.interface.parseLog(entry);
          if (parsed?.name === "AttestedBatch") for (const id of parsed.args.accountIds) attestations.set(id, (attestations.get(id) ?? 0) + 1);
        }
        return { gasUsed: receipt.gasUsed, calldataBytes: 4 + 32 * 6 + 288 * batch.accountIds.length };
      },
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
  }
  const lastHealthyRound = new Map<bigint, bigint>();
  for (const id of accountIds) lastHealthyRound.set(id, (await v.getAccount(id)).lastHealthyRound);
  return { ...result, accountIds, attestations, lastHealthyRound, roundId: round.round, workerExits: workers.map((worker) => worker.exit()) };
}

/** A worker child process. */
export interface WorkerProcess {
  stop(): Promise<void>;
  exit(): string;
}

/** Starts `zkmargin keeper worker` as a child process and waits until it says it is ready. */
export function startWorkerProcess(index: number, options: Omit<LocalKeeperOptions, "exitAfterJobs"> & { redisUrl: string; queue: string; exitAfterJobs?: number; preload?: readonly string[] }, log: (line: string) => void): Promise<WorkerProcess> {
  const args = [projectPath("bin", "zkmargin.js"), "keeper", "worker", "--redis", options.redisUrl, "--queue", options.queue];
  if (options.threads !== undefined) args.push("--threads", String(options.threads));
  if (options.backend !== undefined) args.push("--backend", options.backend);
  if (options.rapidsnark !== undefined) args.push("--rapidsnark", options.rapidsnark);
  if (options.lockMs !== undefined) args.push("--lock-ms", String(options.lockMs));
  if (options.stalledMs !== undefined) args.push("--stalled-ms", String(options.stalledMs));
  if (options.exitAfterJobs !== undefined) args.push("--exit-after-jobs", String(options.exitAfterJobs));
  for (const circuit of options.preload ?? []) args.push("--preload", circuit);
  const child: ChildProcess = spawn(process.execPath, args, { cwd: projectPath(), stdio: ["ignore", "pipe", "pipe"] });
  let ended: string | undefined;
  const exited = new Promise<void>((resolve) => child.on("exit", (code, signal) => {
    ended = signal ?? `exit ${code}`;
    resolve();
  }));
  return new Promise((resolve, reject) => {
    let ready = false;
    const onLine = (line: string) => {
      if (!line.trim()) return;
      log(`worker ${index}: ${line}`);
      if (!ready && line.includes("ready")) {
        ready = true;
        resolve({
          async stop() {
            if (ended === undefined) child.kill("SIGTERM");
            await exited;
          },
          exit: () => ended ?? "running",
        });
      }
    };
    let buffer = "";
    const feed = (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      lines.forEach(onLine);
    };
    child.stdout!.on("data", feed);
    child.stderr!.on("data", feed);
    void exited.then(() => {
      if (!ready) reject(new ZkMarginError(`worker ${index}`, `ended (${ended}) before it was ready`));
    });
  });
}
