/**
 * Shared helpers for the contract tests: compile-on-demand, the v2 deployment fixture (through the SDK's
 * deployClearing, with mock verifiers), time control, rounds posted with their commitments computed by the SDK,
 * capture of the public inputs the verifiers received, and revert assertions on custom errors.
 */
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import hre from "hardhat";
import { afterEach, beforeAll, beforeEach, expect } from "vitest";
import { Interface, type ContractTransactionResponse, type ErrorDescription } from "ethers";
import { deployClearing, type ClearingDeployment, type HardhatEthers, type Statement } from "../../prover/src/chain/deployment.ts";
import { roundCommitments } from "../../prover/src/commitment/round.ts";
import type { Market, MarketSet, OracleRound, Profile, Tier } from "../../prover/src/model/types.ts";

export const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
export const BOND = 50_000_000n; // 50 tokens (6 decimals)
export const WINDOW = 3_600n; // 1 h
export const MAX_AGE = 600n; // 10 min
export const PENALTY_BPS = 500n; // 5 % of notional
export const INSURANCE_BPS = 2_000n; // 20 % of the penalty
export const CHALLENGER_BPS = 3_000n; // 30 % of the penalty
export const LISTED = 4;
/** The Timelock's delay and grace period (contracts/lib/Timelock.sol). */
export const GOVERNANCE_DELAY = 2n * 86_400n;
export const GOVERNANCE_GRACE = 14n * 86_400n;

// ------------------------------------------------------------------ compile

let built: Promise<void> | undefined;

/**
 * Runs Hardhat's incremental build (a no-op when artifacts are current). Test files run in parallel forks, so a
 * directory lock under cache/ serialises the builds.
 */
export function ensureBuilt(): Promise<void> {
  built ??= (async () => {
    const lock = join(hre.config.paths.cache, "zkmargin-contract-tests.lock");
    mkdirSync(hre.config.paths.cache, { recursive: true });
    const start = Date.now();
    for (;;) {
      try {
        mkdirSync(lock);
        break;
      } catch {
        try {
          if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
        } catch {
          /* released meanwhile */
        }
        if (Date.now() - start > 150_000) throw new Error(`timed out waiting for ${lock}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    try {
      await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  })();
  return built;
}

// ------------------------------------------------------------------ market sets (SDK shape)

/** A market set of `count` markets with one tier each (cross, lending) or four (tiered). */
export function marketSet(profile: Profile, count = LISTED, confidenceMultiplier = 200n): MarketSet {
  const markets: Market[] = Array.from({ length: count }, (_, index) => ({
    id: `M${index}-USD`,
    index,
    tiers: tiersFor(profile, index),
  }));
  return { profile, confidenceMultiplier, markets, byId: new Map(markets.map((m) => [m.id, m])) };
}

function tiersFor(profile: Profile, index: number): Tier[] {
  const j = BigInt(index);
  if (profile === "lending") return [{ floor: 0n, first: 800_000n + j, second: 750_000n + j }];
  if (profile === "cross") return [{ floor: 0n, first: 50_000n + j, second: 100_000n + j }];
  return [
    { floor: 0n, first: 20_000n + j, second: 40_000n + j },
    { floor: 1_000_000n, first: 40_000n + j, second: 80_000n + j },
    { floor: 10_000_000n, first: 100_000n + j, second: 200_000n + j },
    { floor: 100_000_000n, first: 250_000n + j, second: 500_000n + j },
  ];
}

// ------------------------------------------------------------------ fixture

export type Connection = Awaited<ReturnType<typeof hre.network.create>>;
export type Ethers = Connection["ethers"];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyContract = any;

export interface Fixture extends Omit<ClearingDeployment, "token" | "registry" | "adapter" | "vault" | "verifiers" | "batchVerifier"> {
  ethers: Ethers;
  signers: Awaited<ReturnType<Ethers["getSigners"]>>;
  markets: MarketSet;
  token: AnyContract;
  registry: AnyContract;
  adapter: AnyContract;
  vault: AnyContract;
  /** The verifier of each statement (mocks unless deployed with generated verifiers). */
  verifiers: Record<Statement, AnyContract>;
  /** The margin batch verifier (attestBatch; a mock unless deployed with generated verifiers). */
  batchVerifier: AnyContract;
  /** all the contracts' errors, to decode reverts */
  errors: Interface;
}

/** Signers: 0 governance, 1 poster, 2 venue, 3.. traders. */
export async function deploy(profile: Profile = "cross", options: { verifiers?: "mock" | "generated"; markets?: MarketSet } = {}): Promise<Fixture> {
  await ensureBuilt();
  const { ethers } = await hre.network.create();
  const signers = await ethers.getSigners();
  const [governance, poster, venue] = signers;
  const markets = options.markets ?? marketSet(profile);
  const deployment = await deployClearing(ethers as unknown as HardhatEthers, {
    governance: governance!, poster: poster!, venue: venue!, markets, maxAgeSeconds: MAX_AGE, bond: BOND,
    answerWindowSeconds: WINDOW, penaltyBps: PENALTY_BPS, insuranceBps: INSURANCE_BPS, challengerBps: CHALLENGER_BPS, verifiers: options.verifiers ?? "mock",
  });
  const { token, vault } = deployment as unknown as { token: AnyContract; vault: AnyContract };
  for (const s of signers.slice(0, 10)) {
    await (await token.mint(s.address, 10n ** 15n)).wait();
    await (await token.connect(s).approve(vault.target, ethers.MaxUint256)).wait();
  }
  const contracts: AnyContract[] = [token, deployment.registry, deployment.adapter, vault, deployment.batchVerifier, ...Object.values(deployment.verifiers)];
  const factories = await Promise.all(["ChainlinkRoundPoster", "MockAggregatorV3", "HostileERC20", "MockGroth16BatchVerifier"].map((name) => ethers.getContractFactory(name)));
  const errors = new Interface([
    ...contracts.concat(factories).flatMap((c: AnyContract) => c.interface.fragments.filter((f: { type: string }) => f.type === "error")),
    "error SafeTransfer__TransferFailed(address token)",
    "error ZkMarginHash__EmptyList()",
  ]);
  return {
    ...deployment, ethers, signers, markets, errors,
    token, registry: deployment.registry, adapter: deployment.adapter, vault, verifiers: deployment.verifiers as Record<Statement, AnyContract>, batchVerifier: deployment.batchVerifier,
  };
}

/**
 * Deploys the fixture once for the calling test file and snapshots the chain around every test, so each
 * test starts from the freshly deployed state. `receive` gets the fixture once it is deployed.
 */
export function withFixture(receive: (fixture: Fixture) => void, profile: Profile = "cross"): void {
  let fixture: Fixture;
  let snap: string;
  beforeAll(async () => {
    fixture = await deploy(profile);
    receive(fixture);
  });
  beforeEach(async () => {
    snap = await snapshot(fixture.ethers);
  });
  afterEach(async () => {
    await revertTo(fixture.ethers, snap);
  });
}

// ------------------------------------------------------------------ chain control

export async function latestTimestamp(ethers: Ethers): Promise<bigint> {
  const block = await ethers.provider.getBlock("latest");
  return BigInt(block!.timestamp);
}

export async function increaseTime(ethers: Ethers, seconds: bigint | number): Promise<void> {
  await ethers.provider.send("evm_increaseTime", [Number(seconds)]);
  await ethers.provider.send("evm_mine", []);
}

export async function setNextTimestamp(ethers: Ethers, timestamp: bigint): Promise<void> {
  await ethers.provider.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
}

export async function snapshot(ethers: Ethers): Promise<string> {
  return ethers.provider.send("evm_snapshot", []);
}

export async function revertTo(ethers: Ethers, id: string): Promise<void> {
  const ok = await ethers.provider.send("evm_revert", [id]);
  if (!ok) throw new Error(`evm_revert ${id} failed`);
}

// ------------------------------------------------------------------ rounds

/** A round's values for the fixture's listed markets (deterministic in the round id). */
export function roundValues(roundId: bigint, timestamp: bigint, listed = LISTED): OracleRound {
  return {
    round: roundId,
    timestamp,
    prices: Array.from({ length: listed }, (_, j) => 2_000_00000000n + BigInt(j) * 1_000_000n + roundId),
    confidences: Array.from({ length: listed }, (_, j) => 100_000n * BigInt(j)),
    fundingIndexes: Array.from({ length: listed }, (_, j) => (j % 2 === 0 ? 1n : -1n) * (1_000n * roundId + BigInt(j))),
  };
}

/**
 * Posts round `roundId` at the current block time (or `timestamp`) and returns the round commitment the SDK
 * computes for its values, after checking it equals what the registry stored.
 */
export async function postRound(f: Fixture, roundId: bigint, timestamp?: bigint): Promise<{ commitment: bigint; timestamp: bigint; round: OracleRound }> {
  const ts = timestamp ?? (await latestTimestamp(f.ethers));
  const round = roundValues(roundId, ts);
  await (await f.registry.connect(f.signers[1]).post(roundId, ts, round.prices, round.confidences, round.fundingIndexes)).wait();
  const expected = roundCommitments(round, f.markets).roundCommitment;
  const [commitment] = await f.registry.getRound(roundId);
  expect(commitment).toBe(expected);
  return { commitment, timestamp: ts, round };
}

// ------------------------------------------------------------------ proofs and mocks

/** A proof's 8 words; the mock verifiers ignore them (they model validity through the public signals). */
export const proofWords = (seed = 1n): bigint[] => Array.from({ length: 8 }, (_, i) => seed * 1000n + BigInt(i));

/** The public signals (and proof words) the mock verifier received when `action` ran (capture mode). */
export async function seen(f: Fixture, mock: AnyContract, action: () => Promise<unknown>): Promise<{ signals: bigint[]; proof: bigint[] }> {
  await (await mock.setCapture(true)).wait();
  const parsed = await revertOf(f.errors, action());
  await (await mock.setCapture(false)).wait();
  expect(parsed.name).toMatch(/^MockGroth16(Verifier\d|BatchVerifier)__Seen$/);
  return { proof: [...parsed.args[0]], signals: [...parsed.args[1]] };
}

// ------------------------------------------------------------------ assertions

function revertData(e: unknown): string | undefined {
  let cur = e as { data?: unknown; error?: unknown; info?: { error?: unknown } } | undefined;
  for (let i = 0; i < 5 && cur; i++) {
    if (typeof cur.data === "string" && cur.data.startsWith("0x")) return cur.data;
    if (cur.data && typeof cur.data === "object" && typeof (cur.data as { data?: unknown }).data === "string") {
      return (cur.data as { data: string }).data;
    }
    cur = (cur.error ?? cur.info?.error) as typeof cur;
  }
  return undefined;
}

/** Awaits `action` (a transaction or a call) and returns the decoded custom error it reverted with. */
export async function revertOf(errors: Interface, action: Promise<unknown>): Promise<ErrorDescription> {
  let caught: unknown;
  try {
    const res = await action;
    if (res && typeof (res as ContractTransactionResponse).wait === "function") {
      await (res as ContractTransactionResponse).wait();
    }
  } catch (e) {
    caught = e;
  }
  if (caught === undefined) throw new Error("expected a revert, but the call succeeded");
  const data = revertData(caught);
  if (data === undefined || data === "0x") throw new Error(`reverted without custom error data: ${String(caught)}`);
  const parsed = errors.parseError(data);
  if (!parsed) throw new Error(`unknown revert data ${data}`);
  return parsed;
}

/** Expects `action` to revert with custom error `name` (and, if given, exactly `args`). */
export async function expectRevert(errors: Interface, action: Promise<unknown>, name: string, args?: unknown[]): Promise<ErrorDescription> {
  const parsed = await revertOf(errors, action);
  expect(parsed.name).toBe(name);
  if (args !== undefined) expect([...parsed.args].map(normalise)).toEqual(args.map(normalise));
  return parsed;
}

function normalise(v: unknown): unknown {
  if (typeof v === "number") return BigInt(v);
  if (typeof v === "boolean") return v;
  if (typeof v === "string" && /^0x[0-9a-fA-F]{40}$/.test(v)) return v.toLowerCase();
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === "object" && typeof (v as { toArray?: unknown }).toArray === "function") {
    return (v as { toArray: () => unknown[] }).toArray().map(normalise);
  }
  return v;
}

/** token.balanceOf(vault) == accountsBalance + insuranceFund + totalBonds + totalClaimable == accountedBalance(). */
export async function expectInvariant(f: Fixture): Promise<void> {
  const balance: bigint = await f.token.balanceOf(f.vault.target);
  const parts: bigint =
    (await f.vault.accountsBalance()) + (await f.vault.insuranceFund()) + (await f.vault.totalBonds()) + (await f.vault.totalClaimable());
  expect(parts).toBe(balance);
  expect(await f.vault.accountedBalance()).toBe(balance);
}

/** The events `contract` emitted in the transaction, by name and arguments. */
export async function eventsOf(contract: AnyContract, tx: Promise<{ wait: () => Promise<unknown> }>): Promise<{ name: string; args: unknown[] }[]> {
  const receipt = (await (await tx).wait()) as { logs: { address: string; topics: string[]; data: string }[] };
  return receipt.logs
    .filter((l) => l.address === contract.target)
    .map((l) => contract.interface.parseLog(l)!)
    .map((e: { name: string; args: unknown[] }) => ({ name: e.name, args: [...e.args].map(normalise) }));
}

export async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  return receipt!.gasUsed;
}

// ------------------------------------------------------------------ governance (Timelock)

/** The call data of `method(args)` on `contract`: what governance queues and later sends. */
export function changeData(contract: AnyContract, method: string, args: unknown[]): string {
  return contract.interface.encodeFunctionData(method, args);
}

/** Queues `method(args)` on `contract` (vault or registry) as `signer`; returns its id and eta. */
export async function queueChange(contract: AnyContract, signer: unknown, method: string, args: unknown[]): Promise<{ id: string; eta: bigint; data: string }> {
  const data = changeData(contract, method, args);
  const receipt = await (await contract.connect(signer).queueChange(data)).wait();
  const queued = receipt.logs.map((l: { topics: string[]; data: string }) => contract.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === "ChangeQueued");
  return { id: queued.args.id, eta: queued.args.eta, data };
}

/**
 * Queues `method(args)`, waits the governance delay and sends it: resolves to the executing transaction (pass it
 * to eventsOf / run), rejects with the execution's revert (pass it to expectRevert).
 */
export async function governed(f: { ethers: Ethers }, contract: AnyContract, signer: unknown, method: string, args: unknown[]): Promise<ContractTransactionResponse> {
  await queueChange(contract, signer, method, args);
  await increaseTime(f.ethers, GOVERNANCE_DELAY);
  return contract.connect(signer)[method](...args);
}
