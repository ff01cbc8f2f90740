import type { RedisOptions } from "bullmq";
import { Redis } from "ioredis";
import { formatScaled } from "../core/decimal.ts";
import { ZkMarginError } from "../core/errors.ts";
import { toAddress } from "../core/field.ts";
import { PRICE_DECIMALS } from "../core/constants.ts";
import type { AccountState, MarketSet, OracleRound } from "../model/types.ts";

// The keeper's proving queue (README "Every account, every round"): BullMQ on Redis. A producer enqueues one job
// per account and round, workers (processes, on one machine or many) prove them with warm provers, a collector
// gathers the proofs and submits attestBatch. This file holds what all three share.

/** The default queue name (one queue per venue: jobs of every vault and round, told apart by their ids). */
export const DEFAULT_QUEUE = "zkmargin-keeper";
/** The default Redis address (Debian's redis-server listens there). */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** How a job is retried and kept (kept jobs make a repeated enqueue a no-op: the job id is taken). */
export const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential" as const, delay: 500 },
  removeOnComplete: false,
  removeOnFail: false,
};

/** The Redis connection options of a `redis://host:port[/db]` URL (BullMQ needs maxRetriesPerRequest null). */
export function redisOptions(url: string = DEFAULT_REDIS_URL): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ZkMarginError("--redis", `${JSON.stringify(url)} is not a URL (expected redis://host:port)`);
  }
  if (parsed.protocol !== "redis:") throw new ZkMarginError("--redis", `${url} is not a redis:// URL`);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new ZkMarginError("--redis", `${url} names no database number`);
  return {
    host: parsed.hostname || "127.0.0.1",
    port: parsed.port ? Number(parsed.port) : 6379,
    db,
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    maxRetriesPerRequest: null,
  };
}

/** Whether a Redis server answers PING at `url` within `timeoutMs` (no retries). */
export async function redisReachable(url: string = DEFAULT_REDIS_URL, timeoutMs = 1_000): Promise<boolean> {
  const { host, port, db, username, password } = redisOptions(url);
  const client = new Redis({ host, port, db, username, password, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** What a margin job carries (JSON: every number a decimal string). */
export interface MarginJobData {
  readonly kind: "margin";
  /** The account state file (accountToJson): the venue knows every book, so this is the book in clear. */
  readonly account: Record<string, unknown>;
  /** The round, as a round file. */
  readonly round: Record<string, unknown>;
  /** The markets file the account and round are read against. */
  readonly markets: Record<string, unknown>;
  /** The address the proof is bound to (the keeper that sends attestBatch). */
  readonly binder: string;
  readonly bufferBps: number;
}

/** What a worker returns for a margin job. */
export interface MarginJobResult {
  readonly accountId: string;
  readonly nonce: string;
  /** The proof's 8 words, 0x-hex (snarkjs calldata order). */
  readonly proof: readonly string[];
  /** The snarkjs proof object and public signals, for verification with the key. */
  readonly groth16: unknown;
  readonly publicSignals: readonly string[];
  /** Which worker proved it (host:pid) and how long it took. */
  readonly worker: string;
  readonly proveMs: number;
}

/**
 * The job id of an account's margin proof at a round: `margin-<chainId>-<vault>-<accountId>-n<nonce>-r<round>`.
 * The nonce names the state: enqueueing the same account, state and round again is a no-op (BullMQ keeps one
 * job per id), and a new state (nonce + 1) is a new job.
 */
export function marginJobId(state: AccountState, round: bigint): string {
  return `margin-${state.domain.chainId}-${toAddress(state.domain.vault).toLowerCase()}-${state.accountId}-n${state.nonce}-r${round}`;
}

/** A round file of a round (the inverse of parseRound). */
export function roundToJson(round: OracleRound, markets: MarketSet): Record<string, unknown> {
  const perMarket = (values: readonly bigint[]) => Object.fromEntries(markets.markets.map((market, j) => [market.id, formatScaled(values[j] ?? 0n, PRICE_DECIMALS)]));
  return {
    round: round.round.toString(),
    timestamp: round.timestamp.toString(),
    prices: perMarket(round.prices),
    confidence: perMarket(round.confidences),
    funding: perMarket(round.fundingIndexes),
  };
}

/** The first line of an error's message (a job's failed reason is one line). */
export function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!.trim();
}
