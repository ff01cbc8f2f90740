import type { Contract, ContractTransactionResponse, Signer } from "ethers";
import poseidonSolidity from "poseidon-solidity";
import { Artifacts, type ArtifactsLocation } from "../artifacts/store.ts";
import { batchVerifierContractName } from "../build/batch-verifier.ts";
import { readManifest } from "../build/setup.ts";
import { riskTable, riskTag } from "../commitment/round.ts";
import { ZkMarginError } from "../core/errors.ts";
import type { MarketSet, Profile, Tier } from "../model/types.ts";

/** A signer with its address (Hardhat's signers). */
export type NamedSigner = Signer & { address: string };

/** The ethers object Hardhat's ethers plugin puts on a network connection (only what zkmargin uses). */
export interface HardhatEthers {
  deployContract(name: string, args?: unknown[], options?: Signer | { signer?: Signer; libraries?: Record<string, string> }): Promise<Contract>;
  getContractAt(name: string, address: string): Promise<Contract>;
  getSigners(): Promise<NamedSigner[]>;
  readonly provider: {
    getCode(address: string): Promise<string>;
    broadcastTransaction(signedTransaction: string): Promise<{ wait(): Promise<unknown> }>;
  };
}

/** The poseidon-solidity libraries the contracts link (PoseidonT{n+1}: circomlib Poseidon of n inputs). */
export const POSEIDON_LIBRARIES = ["PoseidonT2", "PoseidonT3", "PoseidonT4", "PoseidonT5", "PoseidonT6"] as const;
export type PoseidonLibrary = (typeof POSEIDON_LIBRARIES)[number];
/** Library name -> deployed address, as deployContract's `libraries` option takes it. */
export type PoseidonAddresses = Record<PoseidonLibrary, string>;

/** The libraries each contract links (Hardhat refuses a library a contract does not use). */
export const LINKED_LIBRARIES: Readonly<Record<"OracleRegistry" | "ClearingVault" | "ZkMarginHashHarness", readonly PoseidonLibrary[]>> = {
  OracleRegistry: POSEIDON_LIBRARIES,
  ClearingVault: ["PoseidonT3", "PoseidonT5"],
  ZkMarginHashHarness: POSEIDON_LIBRARIES,
};

/** The `libraries` option of deployContract for `contract`. */
export function librariesFor(contract: keyof typeof LINKED_LIBRARIES, poseidon: PoseidonAddresses): Record<string, string> {
  return Object.fromEntries(LINKED_LIBRARIES[contract].map((name) => [name, poseidon[name]]));
}

/** The five statements a vault verifies, each with its own Groth16 verifier. */
export const STATEMENTS = ["deposit", "applyFills", "withdraw", "margin", "takeover"] as const;
export type Statement = (typeof STATEMENTS)[number];

/** Public inputs of each statement (circuits/README.md). */
export const STATEMENT_ARITY: Readonly<Record<Statement, 3 | 4 | 5>> = { deposit: 3, applyFills: 4, withdraw: 4, margin: 3, takeover: 5 };

/**
 * The circuit id of each statement's verifier for a profile at M = 16, K = 8 (their generated contracts are
 * DepositM16Verifier, FillsM16K8Verifier, CrossMarginM16Verifier, CrossWithdrawM16Verifier,
 * CrossTakeoverM16Verifier, and Lending* / Tiered* alike).
 */
export function verifierCircuitIds(profile: Profile): Record<Statement, string> {
  return { deposit: "deposit_m16", applyFills: "fills_m16_k8", withdraw: `${profile}_withdraw_m16`, margin: `${profile}_margin_m16`, takeover: `${profile}_takeover_m16` };
}

/**
 * The generated verifier contract of each statement, from the manifests at an artifacts location (default:
 * $ZKMARGIN_ARTIFACTS, else the build folder).
 */
export async function verifierContractsAt(artifacts: ArtifactsLocation | Artifacts | undefined, profile: Profile, ids: Record<Statement, string> = verifierCircuitIds(profile)): Promise<Record<Statement, string>> {
  const store = Artifacts.at(artifacts);
  const out = {} as Record<Statement, string>;
  for (const statement of STATEMENTS) out[statement] = (await store.manifest(ids[statement])).verifierContract;
  return out;
}

/** The generated verifier contract of each statement, from the local build's manifests (`zkmargin build`). */
export function verifierContracts(profile: Profile, ids: Record<Statement, string> = verifierCircuitIds(profile)): Record<Statement, string> {
  const out = {} as Record<Statement, string>;
  for (const statement of STATEMENTS) {
    const manifest = readManifest(ids[statement]);
    if (!manifest) throw new ZkMarginError(`circuit ${ids[statement]}`, "is not built: run `npx zkmargin build`");
    out[statement] = manifest.verifierContract;
  }
  return out;
}

/**
 * The generated batch verifier contract of a profile's margin circuit (attestBatch): `zkmargin build` writes it
 * beside the circuit's snarkjs verifier, from the same verification key.
 */
export function batchVerifierContract(profile: Profile, ids: Record<Statement, string> = verifierCircuitIds(profile)): string {
  return batchVerifierContractName(ids.margin);
}

/**
 * Deploys poseidon-solidity's PoseidonT2..T6 from the bytecode the package publishes (the code at its
 * deterministic addresses; compiling its sources with this project's solc 0.8.x settings costs 2.3x the gas).
 * `deterministic`: through the deterministic deployment proxy (0x4e59b448...956C, itself deployed by its
 * presigned keyless transaction when absent) at the addresses every EVM chain shares (0x2223334...,
 * 0x3333333..., 0x4443338..., 0x555333f..., 0x666333F...), reusing those that already exist: what a protocol
 * links on a public chain. Otherwise: plain deployments of the same bytecode (fresh addresses).
 */
export async function deployPoseidon(ethers: HardhatEthers, options: { deterministic?: boolean; deployer?: NamedSigner } = {}): Promise<PoseidonAddresses> {
  const deployer = options.deployer ?? (await ethers.getSigners())[0]!;
  const out = {} as PoseidonAddresses;
  const { proxy } = poseidonSolidity;
  if (options.deterministic && (await ethers.provider.getCode(proxy.address)) === "0x") {
    await (await deployer.sendTransaction({ to: proxy.from, value: BigInt(proxy.gas) })).wait();
    await (await ethers.provider.broadcastTransaction(proxy.tx)).wait();
  }
  for (const name of POSEIDON_LIBRARIES) {
    const library = poseidonSolidity[name];
    if (!options.deterministic) {
      const receipt = (await (await deployer.sendTransaction({ data: library.bytecode })).wait()) as { contractAddress?: string | null } | null;
      if (!receipt?.contractAddress) throw new ZkMarginError(name, "deployment returned no contract address");
      out[name] = receipt.contractAddress;
      continue;
    }
    if ((await ethers.provider.getCode(library.address)) === "0x") {
      await (await deployer.sendTransaction({ to: proxy.address, data: library.data })).wait();
    }
    if ((await ethers.provider.getCode(library.address)) === "0x") throw new ZkMarginError(name, `was not deployed at ${library.address}`);
    out[name] = library.address;
  }
  return out;
}

/** The registry's risk table rows of a market set: L x tiersPerMarket tiers, market-major (SDK padding). */
export function registryRiskRows(set: MarketSet): Tier[] {
  return riskTable(set, set.markets.length).flat();
}

/** Parameters of a clearing deployment. */
export interface ClearingParameters {
  /** The margin profile (default cross): the registry's risk tag and the profile verifiers. */
  readonly profile?: Profile;
  readonly governance: NamedSigner;
  /** An authorised round poster (more can be added by governance). */
  readonly poster: NamedSigner;
  /** Posts fills and owns the fee account (id 1). */
  readonly venue: NamedSigner;
  /** The listed markets' risk table; its market count is the registry's L. */
  readonly markets: MarketSet;
  /** Rounds older than this many seconds are stale (5 min to 1 day). */
  readonly maxAgeSeconds: bigint;
  /** Challenge bond, token base units (6 decimals): 1 to 10,000 tokens. */
  readonly bond: bigint;
  /** Seconds to answer a challenge (1 h to 7 days). */
  readonly answerWindowSeconds: bigint;
  /** Takeover penalty cap, bps of the victim's notional (<= 1,000). */
  readonly penaltyBps: bigint;
  /** Shares of a penalty, bps: each <= 5,000, together <= 8,000. */
  readonly insuranceBps: bigint;
  readonly challengerBps: bigint;
  /** "generated" (default): the build's Groth16 verifiers; "mock": MockGroth16Verifier{3,4,5} (tests only). */
  readonly verifiers?: "generated" | "mock";
  /** Circuit ids of the generated verifiers (default verifierCircuitIds(profile)). */
  readonly circuitIds?: Record<Statement, string>;
  /** Deploy poseidon-solidity at its deterministic addresses (see deployPoseidon). */
  readonly deterministicPoseidon?: boolean;
  /**
   * Where the verifiers' circuits are (their manifests name the contracts; default: $ZKMARGIN_ARTIFACTS,
   * else the build folder). The contracts Hardhat compiles must be the ones generated from these keys: the
   * package's contracts/generated/ holds those of the artifacts it was packed with (verifiers.json says
   * which); for other keys, `zkmargin export-verifier --artifacts LOCATION --out DIR` writes theirs.
   */
  readonly artifacts?: ArtifactsLocation | Artifacts;
  /** The collateral token (an ERC-20 with 6 decimals); default: a fresh MockERC20 (contracts/test/MockERC20.sol). */
  readonly token?: string;
}

/** The deployed contracts. */
export interface ClearingDeployment {
  /** The collateral token: the one given, or a fresh 6-decimal MockERC20. */
  readonly token: Contract;
  readonly poseidon: PoseidonAddresses;
  readonly registry: Contract;
  /** One verifier per statement. */
  readonly verifiers: Readonly<Record<Statement, Contract>>;
  /** The margin circuit's batch verifier (attestBatch), generated from the margin verifier's key. */
  readonly batchVerifier: Contract;
  readonly adapter: Contract;
  readonly vault: Contract;
}

/**
 * Deploys the v2 system on a Hardhat chain: the token (or a mock 6-decimal one), the Poseidon libraries, the oracle registry
 * (profile tag, L = the market set's size, its risk table set and the poster authorised), the five verifiers,
 * the margin batch verifier and their adapter, and the clearing vault (which opens the venue's fee account).
 */
export async function deployClearing(ethers: HardhatEthers, parameters: ClearingParameters): Promise<ClearingDeployment> {
  const profile = parameters.profile ?? parameters.markets.profile;
  if (profile !== parameters.markets.profile) throw new ZkMarginError("markets.profile", `is ${parameters.markets.profile}, the deployment's profile is ${profile}`);
  const governance = parameters.governance;
  const poseidon = await deployPoseidon(ethers, { deterministic: parameters.deterministicPoseidon, deployer: governance });
  const token = parameters.token ? await ethers.getContractAt("IERC20Minimal", parameters.token) : await ethers.deployContract("MockERC20", ["USD Coin (mock)", "USDC", 6]);
  // The first risk table and poster are constructor arguments: every later registry change waits the governance delay.
  const registry = await ethers.deployContract("OracleRegistry", [
    governance.address, Number(riskTag(profile)), parameters.markets.markets.length, parameters.maxAgeSeconds,
    parameters.markets.confidenceMultiplier, registryRiskRows(parameters.markets), [parameters.poster.address],
  ], { signer: governance, libraries: librariesFor("OracleRegistry", poseidon) });

  const names: Record<Statement, string> = parameters.verifiers === "mock"
    ? (Object.fromEntries(STATEMENTS.map((statement) => [statement, `MockGroth16Verifier${STATEMENT_ARITY[statement]}`])) as Record<Statement, string>)
    : await verifierContractsAt(parameters.artifacts, profile, parameters.circuitIds);
  const verifiers = {} as Record<Statement, Contract>;
  for (const statement of STATEMENTS) verifiers[statement] = await ethers.deployContract(names[statement]);
  const batchVerifier = await ethers.deployContract(parameters.verifiers === "mock" ? "MockGroth16BatchVerifier" : batchVerifierContract(profile, parameters.circuitIds));
  const adapter = await ethers.deployContract("ZkMarginVerifier", [
    Number(riskTag(profile)), ...(await Promise.all(STATEMENTS.map((statement) => verifiers[statement].getAddress()))), await batchVerifier.getAddress(),
  ]);
  const vault = await ethers.deployContract("ClearingVault", [
    await token.getAddress(), await registry.getAddress(), await adapter.getAddress(), parameters.venue.address, governance.address,
    parameters.bond, parameters.answerWindowSeconds, parameters.penaltyBps, parameters.insuranceBps, parameters.challengerBps,
  ], { signer: governance, libraries: librariesFor("ClearingVault", poseidon) });
  return { token, poseidon, registry, verifiers, batchVerifier, adapter, vault };
}

/** Calls a contract function as `signer` and waits for it; returns the gas used. */
export async function send(contract: Contract, signer: Signer, method: string, ...args: unknown[]): Promise<bigint> {
  const connected = contract.connect(signer) as Contract;
  const response = (await connected.getFunction(method)(...args)) as ContractTransactionResponse;
  const receipt = await response.wait();
  if (!receipt) throw new Error(`${method}: no receipt`);
  return receipt.gasUsed;
}

/** Reads a view function. */
export async function read<T>(contract: Contract, method: string, ...args: unknown[]): Promise<T> {
  return (await contract.getFunction(method)(...args)) as T;
}
