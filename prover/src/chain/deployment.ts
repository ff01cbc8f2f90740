import type { Contract, ContractTransactionResponse, Signer } from "ethers";
import { loadCircuitSpecs } from "../circuit/load-specs.ts";
import { ZkMarginError } from "../core/errors.ts";
import { readManifest } from "../build/setup.ts";
import type { Profile } from "../model/types.ts";

/** The ethers object Hardhat's ethers plugin puts on a network connection (only what zkmargin uses). */
export interface HardhatEthers {
  deployContract(name: string, args?: unknown[], signer?: Signer): Promise<Contract>;
  getSigners(): Promise<(Signer & { address: string })[]>;
}

/** Parameters of a reference deployment. */
export interface DeploymentParameters {
  /** The margin profile whose verifiers the vault uses (default cross). */
  readonly profile?: Profile;
  readonly governance: Signer & { address: string };
  readonly poster: Signer & { address: string };
  /** Governance's risk commitment (markets' parameters), as computed by riskCommitment(). */
  readonly riskCommitment: bigint;
  /** Rounds older than this many seconds cannot back new attestations. */
  readonly maxAgeSeconds: bigint;
  /** Challenge bond in token base units (6 decimals). */
  readonly bond: bigint;
  /** Seconds an owner has to answer a challenge. */
  readonly answerWindowSeconds: bigint;
  readonly liquidatorBonusBps: bigint;
  readonly insuranceBps: bigint;
}

/** The deployed contracts. */
export interface Deployment {
  readonly token: Contract;
  readonly registry: Contract;
  readonly adapter: Contract;
  readonly vault: Contract;
  /** Capacities (position slots) with a verifier, ascending. */
  readonly capacities: readonly number[];
}

/**
 * Deploys the reference system on a Hardhat chain for one margin profile: a mock 6-decimal collateral token,
 * the generated Groth16 verifiers of the profile's proving circuits (by capacity), the verifier adapter, the
 * oracle registry (with the profile's risk commitment) and the vault. The contracts are the same for every
 * profile; only the verifiers and the risk commitment differ.
 */
export async function deployZkMargin(ethers: HardhatEthers, parameters: DeploymentParameters): Promise<Deployment> {
  const byCapacity = new Map<number, { margin?: string; liquidation?: string }>();
  const profile = parameters.profile ?? "cross";
  for (const spec of loadCircuitSpecs().filter((candidate) => candidate.setup && candidate.kind && candidate.profile === profile)) {
    const manifest = readManifest(spec.id);
    if (!manifest) throw new ZkMarginError(`circuit ${spec.id}`, "is not built: run `npx zkmargin build`");
    const entry = byCapacity.get(spec.slots) ?? {};
    entry[spec.kind!] = manifest.verifierContract;
    byCapacity.set(spec.slots, entry);
  }
  const capacities = [...byCapacity.entries()].filter(([, entry]) => entry.margin && entry.liquidation).map(([slots]) => slots).sort((a, b) => a - b);
  const margin: string[] = [];
  const liquidation: string[] = [];
  for (const slots of capacities) {
    margin.push(await (await ethers.deployContract(byCapacity.get(slots)!.margin!)).getAddress());
    liquidation.push(await (await ethers.deployContract(byCapacity.get(slots)!.liquidation!)).getAddress());
  }
  const token = await ethers.deployContract("MockERC20", ["USD Coin (mock)", "USDC"]);
  const adapter = await ethers.deployContract("ZkMarginVerifier", [capacities, margin, liquidation]);
  const registry = await ethers.deployContract("OracleRegistry", [parameters.governance.address, parameters.poster.address, parameters.riskCommitment, parameters.maxAgeSeconds]);
  const vault = await ethers.deployContract("PrivateMarginVault", [
    await token.getAddress(), await registry.getAddress(), await adapter.getAddress(), parameters.governance.address,
    parameters.bond, parameters.answerWindowSeconds, parameters.liquidatorBonusBps, parameters.insuranceBps,
  ]);
  return { token, registry, adapter, vault, capacities };
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
