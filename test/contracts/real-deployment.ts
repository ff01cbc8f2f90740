import hre from "hardhat";
import { deployZkMargin, type Deployment, type HardhatEthers } from "../../prover/src/chain/deployment.ts";
import { riskCommitment } from "../../prover/src/commitment/commitments.ts";
import type { MarketSet } from "../../prover/src/model/types.ts";
import { ensureBuilt } from "./helpers.ts";

/** Hardhat's ethers with the provider calls the real-proof tests use. */
export type ChainEthers = HardhatEthers & { provider: { getBlock(tag: string): Promise<{ timestamp: number } | null> } };

/**
 * A fresh in-process chain with the reference system deployed for the markets' profile and the generated
 * (real) verifiers: signer 0 governs, signer 1 posts rounds; bond 50, window and max age one hour.
 */
export async function realDeployment(markets: MarketSet): Promise<{ ethers: ChainEthers; signers: Awaited<ReturnType<HardhatEthers["getSigners"]>>; deployment: Deployment }> {
  await ensureBuilt();
  const connection = await hre.network.create();
  const ethers = connection.ethers as unknown as ChainEthers;
  const signers = await ethers.getSigners();
  const deployment = await deployZkMargin(ethers, {
    profile: markets.profile, governance: signers[0]!, poster: signers[1]!, riskCommitment: riskCommitment(markets),
    maxAgeSeconds: 3_600n, bond: 50_000_000n, answerWindowSeconds: 3_600n, liquidatorBonusBps: 500n, insuranceBps: 1_000n,
  });
  return { ethers, signers, deployment };
}
