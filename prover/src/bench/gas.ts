import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { ContractFactory, type Signer } from "ethers";
import type * as snarkjs from "snarkjs";
import { projectPath } from "../build/paths.ts";
import { ZkMarginError } from "../core/errors.ts";
import { toSolidityCalldata } from "../prover/calldata.ts";

const require = createRequire(import.meta.url);

interface SolcOutput {
  readonly errors?: readonly { readonly severity: string; readonly formattedMessage: string }[];
  readonly contracts?: Record<string, Record<string, { readonly abi: unknown[]; readonly evm: { readonly bytecode: { readonly object: string } } }>>;
}

/** The compiler settings of hardhat.config.ts (solc-js from npm, optimizer 200 runs, Cancun). */
function compileVerifier(source: string, contract: string): { abi: unknown[]; bytecode: string } {
  const solc = require("solc") as { compile(input: string): string };
  const input = {
    language: "Solidity",
    sources: { "verifier.sol": { content: source } },
    settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { [contract]: ["abi", "evm.bytecode.object"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((error) => error.severity === "error");
  const compiled = output.contracts?.["verifier.sol"]?.[contract];
  if (errors.length > 0 || !compiled) throw new ZkMarginError(`verifier ${contract}`, `does not compile: ${errors.map((error) => error.formattedMessage).join("\n")}`);
  return { abi: compiled.abi, bytecode: `0x${compiled.evm.bytecode.object}` };
}

/**
 * Measures the on-chain cost of verifying proofs: deploys generated Groth16 verifiers on Hardhat's in-process
 * chain (EDR) and asks eth_estimateGas for a `verifyProof` call with a real proof.
 */
export class GasMeter {
  private constructor(
    private readonly signer: Signer,
    private readonly close_: () => Promise<void>,
  ) {}

  /** Starts an in-process Hardhat network (the project's hardhat.config.ts). */
  static async start(): Promise<GasMeter> {
    process.chdir(projectPath());
    const hre = (await import("hardhat")).default;
    const connection = await hre.network.create();
    const ethers = connection.ethers as unknown as { getSigners(): Promise<Signer[]> };
    const [signer] = await ethers.getSigners();
    if (!signer) throw new ZkMarginError("hardhat", "has no account to deploy with");
    return new GasMeter(signer, async () => (connection as { close?: () => Promise<void> }).close?.());
  }

  /**
   * Gas of `verifyProof(proof, publicSignals)` on a verifier (as estimated for a transaction: it includes the
   * 21,000 base cost and the calldata), and whether the verifier accepted the proof.
   *
   * @param verifierPath the generated verifier.sol
   * @param contract its contract name
   */
  async verifyGas(verifierPath: string, contract: string, proof: snarkjs.Groth16Proof, publicSignals: readonly string[]): Promise<{ gas: number; accepted: boolean; deployGas: number }> {
    const { abi, bytecode } = compileVerifier(readFileSync(verifierPath, "utf8"), contract);
    const factory = new ContractFactory(abi as never[], bytecode, this.signer);
    const deployed = await factory.deploy();
    const receipt = await deployed.deploymentTransaction()?.wait();
    const calldata = toSolidityCalldata(proof, publicSignals);
    const p = calldata.proof;
    const args = [[p[0], p[1]], [[p[2], p[3]], [p[4], p[5]]], [p[6], p[7]], calldata.publicSignals];
    const verify = deployed.getFunction("verifyProof");
    const accepted = (await verify.staticCall(...args)) as boolean;
    const gas = Number(await verify.estimateGas(...args));
    return { gas, accepted, deployGas: Number(receipt?.gasUsed ?? 0n) };
  }

  /** Stops the network. */
  async close(): Promise<void> {
    await this.close_();
  }
}
