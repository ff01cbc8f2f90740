import { hostname } from "node:os";
import { UnrecoverableError, Worker, type Job } from "bullmq";
import { loadCircuitSpecs } from "../circuit/load-specs.ts";
import type { CircuitSpec } from "../circuit/registry.ts";
import { ZkMarginError } from "../core/errors.ts";
import { parseAddress } from "../core/field.ts";
import { parseAccount, parseBufferBps, parseMarkets, parseRound } from "../model/parse.ts";
import type { ProvingBackend } from "../prover/rapidsnark.ts";
import { WarmProver } from "../prover/warm-prover.ts";
import { prepareMargin } from "../statements/prepare.ts";
import { DEFAULT_QUEUE, oneLine, redisOptions, type MarginJobData, type MarginJobResult } from "./queue.ts";

/** Options of {@link startKeeperWorker}. */
export interface KeeperWorkerOptions {
  readonly redisUrl?: string;
  readonly queue?: string;
  /** Jobs proven at once by this process (default 1: one warm prover per circuit, all its threads on one proof). */
  readonly concurrency?: number;
  /** Threads of each warm prover (default: all cores). */
  readonly threads?: number;
  /** The proving backend (WarmProverOptions.backend; default wasm) and its rapidsnark binary. */
  readonly backend?: ProvingBackend;
  readonly rapidsnark?: string;
  /**
   * How long a job's lock lasts without renewal (ms, default 30 s): a job of a worker that died is picked up by
   * another after at most lockMs + stalledMs.
   */
  readonly lockMs?: number;
  /** How often this worker looks for stalled jobs (ms, default 30 s). */
  readonly stalledMs?: number;
  /** Circuits whose provers to load before the worker takes jobs (default: each on its first job). */
  readonly preload?: readonly string[];
  /** Failure testing: the process kills itself (SIGKILL, no cleanup) when it takes its k-th job. */
  readonly exitAfterJobs?: number;
  /** Called after each job (proven or failed), with a one-line summary. */
  readonly log?: (line: string) => void;
}

/** A running keeper worker. */
export interface KeeperWorker {
  readonly worker: Worker<MarginJobData, MarginJobResult>;
  /** Stops taking jobs, waits for the current ones, closes the provers. */
  close(): Promise<void>;
}

/**
 * Starts a worker process's BullMQ worker: it takes margin jobs from the queue, prepares each account's margin
 * statement (refusing, as a `failed` job with a one-line reason and no retry, an account that does not meet
 * maintenance or a job whose data does not parse) and proves it with the warm prover of its circuit (loaded once
 * per process). Any other error is retried with backoff (JOB_OPTIONS). A job whose worker dies is stalled: another
 * worker moves it back to waiting once its lock expires.
 */
export async function startKeeperWorker(options: KeeperWorkerOptions = {}): Promise<KeeperWorker> {
  const specs = loadCircuitSpecs();
  const provers = new Map<string, Promise<WarmProver>>();
  const proverOf = (spec: CircuitSpec) => {
    let prover = provers.get(spec.id);
    if (!prover) {
      prover = WarmProver.load(spec.id, {
        ...(options.threads === undefined ? {} : { threads: options.threads }),
        ...(options.backend === undefined ? {} : { backend: options.backend }),
        ...(options.rapidsnark === undefined ? {} : { rapidsnark: options.rapidsnark }),
      });
      prover.catch(() => provers.delete(spec.id));
      provers.set(spec.id, prover);
    }
    return prover;
  };
  for (const id of options.preload ?? []) {
    const spec = specs.find((candidate) => candidate.id === id);
    if (!spec) throw new ZkMarginError("--preload", `unknown circuit ${id}`);
    await proverOf(spec);
  }
  const name = `${hostname()}:${process.pid}`;
  let taken = 0;
  const log = options.log ?? (() => undefined);

  const process_ = async (job: Job<MarginJobData, MarginJobResult>): Promise<MarginJobResult> => {
    taken++;
    if (options.exitAfterJobs !== undefined && taken === options.exitAfterJobs) {
      log(`worker ${name}: exiting on its job ${taken} (${job.id}) as asked (--exit-after-jobs)`);
      process.kill(process.pid, "SIGKILL");
      await new Promise(() => undefined);
    }
    let prepared;
    try {
      if (job.data?.kind !== "margin") throw new ZkMarginError("job.kind", `is ${JSON.stringify(job.data?.kind)}, this worker proves "margin" jobs`);
      const markets = parseMarkets(job.data.markets, "job.markets");
      const account = parseAccount(job.data.account, markets, "job.account");
      const round = parseRound(job.data.round, markets, "job.round");
      const binder = parseAddress(job.data.binder, "job.binder");
      const bufferBps = parseBufferBps(job.data.bufferBps, "job.bufferBps");
      prepared = prepareMargin(account, round, markets, { binder, bufferBps }, specs);
    } catch (error) {
      // Bad input or an unhealthy account: retrying cannot help.
      throw new UnrecoverableError(oneLine(error));
    }
    const prover = await proverOf(prepared.circuit);
    const started = performance.now();
    const bundle = await prover.prove(prepared.input);
    const proveMs = performance.now() - started;
    return {
      accountId: prepared.summary.kind === "margin" ? prepared.summary.accountId : "",
      nonce: String((job.data.account as { nonce?: unknown }).nonce ?? ""),
      proof: bundle.calldata.proof,
      groth16: bundle.proof,
      publicSignals: bundle.publicSignals,
      worker: name,
      proveMs,
    };
  };

  const worker = new Worker<MarginJobData, MarginJobResult>(options.queue ?? DEFAULT_QUEUE, process_, {
    connection: redisOptions(options.redisUrl),
    concurrency: Math.max(1, options.concurrency ?? 1),
    lockDuration: options.lockMs ?? 30_000,
    stalledInterval: options.stalledMs ?? 30_000,
    // A job may stall (its worker died) a few times before it fails for good.
    maxStalledCount: 3,
  });
  worker.on("completed", (job) => log(`worker ${name}: proved ${job.id} in ${Math.round(job.returnvalue.proveMs)} ms`));
  worker.on("failed", (job, error) => log(`worker ${name}: ${job?.id ?? "a job"} failed: ${oneLine(error)}`));
  worker.on("error", (error) => log(`worker ${name}: ${oneLine(error)}`));
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      await worker.close();
      const loaded = await Promise.allSettled(provers.values());
      for (const result of loaded) if (result.status === "fulfilled") await result.value.close();
    },
  };
}
