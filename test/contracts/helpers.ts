/**
 * Shared helpers for the contract tests: compile-on-demand, deployment fixture, time control, statement packing
 * (computed here independently of the contracts), and revert assertions on custom errors.
 */
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import hre from "hardhat";
import { afterEach, beforeAll, beforeEach, expect } from "vitest";
import { Interface, type ContractTransactionResponse, type ErrorDescription } from "ethers";

export const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
export const CAPACITIES = [1, 4, 16] as const;
export const BOND = 50_000_000n; // 50 tokens (6 decimals)
export const WINDOW = 3_600n; // 1 h
export const MAX_AGE = 600n; // 10 min
export const BONUS_BPS = 500n; // 5 %
export const INSURANCE_BPS = 1_000n; // 10 %
export const RISK_COMMITMENT = 0x1234_5678_9abc_def0n;

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

// ------------------------------------------------------------------ statements (independent of the contracts)

export const marginStatement = (binder: string, bufferBps: bigint, useInitial: boolean, collateral: bigint): bigint =>
  BigInt(binder) + (bufferBps << 160n) + ((useInitial ? 1n : 0n) << 176n) + (collateral << 177n);

export const liquidationStatement = (liquidator: string, collateral: bigint): bigint =>
  BigInt(liquidator) + (collateral << 160n);

/** A proof's 8 words; the mock verifiers ignore them (they model validity through the public signals). */
export const proofWords = (seed = 1n): bigint[] => Array.from({ length: 8 }, (_, i) => seed * 1000n + BigInt(i));

// ------------------------------------------------------------------ fixture

export type Connection = Awaited<ReturnType<typeof hre.network.create>>;
export type Ethers = Connection["ethers"];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyContract = any;

export interface Fixture {
  ethers: Ethers;
  signers: Awaited<ReturnType<Ethers["getSigners"]>>;
  token: AnyContract;
  registry: AnyContract;
  adapter: AnyContract;
  vault: AnyContract;
  /** margin mock verifiers by capacity */
  margin: Record<number, AnyContract>;
  /** liquidation mock verifiers by capacity */
  liquidation: Record<number, AnyContract>;
  /** all the contracts' errors, to decode reverts */
  errors: Interface;
}

export async function deploy(): Promise<Fixture> {
  await ensureBuilt();
  const { ethers } = await hre.network.create();
  const signers = await ethers.getSigners();
  const [gov, poster] = signers;
  const token: AnyContract = await ethers.deployContract("MockERC20", ["USD Coin", "USDC"]);
  const margin: Record<number, AnyContract> = {};
  const liquidation: Record<number, AnyContract> = {};
  for (const n of CAPACITIES) {
    margin[n] = await ethers.deployContract("MockGroth16Verifier");
    liquidation[n] = await ethers.deployContract("MockGroth16Verifier");
  }
  const adapter: AnyContract = await ethers.deployContract("ZkMarginVerifier", [
    [...CAPACITIES],
    CAPACITIES.map((n) => margin[n].target),
    CAPACITIES.map((n) => liquidation[n].target),
  ]);
  const registry: AnyContract = await ethers.deployContract("OracleRegistry", [gov.address, poster.address, RISK_COMMITMENT, MAX_AGE]);
  const vault: AnyContract = await ethers.deployContract("PrivateMarginVault", [
    token.target,
    registry.target,
    adapter.target,
    gov.address,
    BOND,
    WINDOW,
    BONUS_BPS,
    INSURANCE_BPS,
  ]);
  for (const s of signers.slice(0, 8)) {
    await token.mint(s.address, 1_000_000_000_000n);
    await token.connect(s).approve(vault.target, ethers.MaxUint256);
  }
  const errors = new Interface(
    [token, registry, adapter, vault, margin[1]].flatMap((c) =>
      c.interface.fragments.filter((f: { type: string }) => f.type === "error"),
    ),
  );
  // PoseidonT3 and SafeTransfer errors live in libraries: add them by signature.
  const extra = new Interface([
    "error PoseidonT3__InputOutOfField()",
    "error SafeTransfer__TransferFailed(address token)",
  ]);
  return { ethers, signers, token, registry, adapter, vault, margin, liquidation, errors: mergeInterfaces(errors, extra) };
}

function mergeInterfaces(a: Interface, b: Interface): Interface {
  return new Interface([...a.fragments, ...b.fragments]);
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
export async function expectRevert(
  errors: Interface,
  action: Promise<unknown>,
  name: string,
  args?: unknown[],
): Promise<ErrorDescription> {
  const parsed = await revertOf(errors, action);
  expect(parsed.name).toBe(name);
  if (args !== undefined) expect([...parsed.args].map(normalise)).toEqual(args.map(normalise));
  return parsed;
}

function normalise(v: unknown): unknown {
  if (typeof v === "number") return BigInt(v);
  if (typeof v === "string" && /^0x[0-9a-fA-F]{40}$/.test(v)) return v.toLowerCase();
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === "object" && typeof (v as { toArray?: unknown }).toArray === "function") {
    return ((v as { toArray: () => unknown[] }).toArray()).map(normalise);
  }
  return v;
}

/** token.balanceOf(vault) == vault.accountedBalance() == the sum of its parts. */
export async function expectBalanceInvariant(f: Fixture): Promise<void> {
  const balance: bigint = await f.token.balanceOf(f.vault.target);
  const accounted: bigint = await f.vault.accountedBalance();
  const parts =
    (await f.vault.totalCollateral()) +
    (await f.vault.totalBonds()) +
    (await f.vault.insuranceFund()) +
    (await f.vault.totalClaimable());
  expect(accounted).toBe(balance);
  expect(parts).toBe(balance);
}

export async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  return receipt!.gasUsed;
}

/** Posts round `roundId` at the current block time (or `timestamp`) with a prices commitment derived from it. */
export async function postRound(
  f: Fixture,
  roundId: bigint,
  timestamp?: bigint,
  pricesCommitment: bigint = 0xabc000n + roundId,
): Promise<{ commitment: bigint; timestamp: bigint }> {
  const ts = timestamp ?? (await latestTimestamp(f.ethers));
  await (await f.registry.connect(f.signers[1]).post(roundId, ts, pricesCommitment)).wait();
  const [commitment] = await f.registry.getRound(roundId);
  return { commitment, timestamp: ts };
}

/**
 * Deploys the fixture once for the calling test file and snapshots the chain around every test, so each
 * test starts from the freshly deployed state. `receive` gets the fixture once it is deployed.
 */
export function withFixture(receive: (fixture: Fixture) => void): void {
  let fixture: Fixture;
  let snap: string;
  beforeAll(async () => {
    fixture = await deploy();
    receive(fixture);
  });
  beforeEach(async () => {
    snap = await snapshot(fixture.ethers);
  });
  afterEach(async () => {
    await revertTo(fixture.ethers, snap);
  });
}
