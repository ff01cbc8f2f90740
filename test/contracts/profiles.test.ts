import type { Contract } from "ethers";
import { beforeAll, describe, expect, it } from "vitest";
import { read, send, type Deployment, type HardhatEthers } from "../../prover/src/chain/deployment.ts";
import { accountCommitment, pricesCommitment } from "../../prover/src/commitment/commitments.ts";
import { loadCircuitSpecs } from "../../prover/src/circuit/load-specs.ts";
import { projectPath } from "../../prover/src/build/paths.ts";
import { parseAccount, parseMarkets, parseRound } from "../../prover/src/model/parse.ts";
import { readJsonFile } from "../../prover/src/model/json.ts";
import type { Profile } from "../../prover/src/model/types.ts";
import { prepareLiquidationProof, prepareMarginProof } from "../../prover/src/statements/prepare.ts";
import { ProverSet } from "../../prover/src/statements/prover-set.ts";
import { realDeployment, type ChainEthers } from "./real-deployment.ts";

// Each margin profile through the same vault: a deployment differs only in its verifiers and the registry's
// risk commitment. The example account attests with a real proof at one round and is liquidated by proof at
// a round where one price has moved against it.
const CRASH: Record<Exclude<Profile, "cross">, Record<string, string>> = {
  lending: { WETH: "1200", WBTC: "60000" },
  tiered: { "BTC-USD": "90000" },
};

describe.each(["lending", "tiered"] as const)("PrivateMarginVault with the %s profile and real proofs", (profile) => {
  const file = (name: string) => projectPath("examples", "profiles", profile, name);
  const markets = parseMarkets(readJsonFile(file("markets.json"), "markets"));
  const account = parseAccount(readJsonFile(file("account.json"), "account"), markets);
  const provers = new ProverSet();
  let ethers: ChainEthers;
  let signers: Awaited<ReturnType<HardhatEthers["getSigners"]>>;
  let vault: Contract;
  let registry: Contract;

  beforeAll(async () => {
    let deployment: Deployment;
    ({ ethers, signers, deployment } = await realDeployment(markets));
    vault = deployment.vault;
    registry = deployment.registry;
    await send(deployment.token, signers[0]!, "mint", signers[2]!.address, account.collateral);
    await send(deployment.token, signers[2]!, "approve", await vault.getAddress(), account.collateral);
    await send(vault, signers[2]!, "open", accountCommitment(account), account.collateral);
  });

  const postRound = async (id: number, prices: Record<string, string>) => {
    const timestamp = (await ethers.provider.getBlock("latest"))!.timestamp;
    const example = readJsonFile(file("round.json"), "round") as { prices: Record<string, string> };
    const round = parseRound({ ...example, round: id, timestamp, prices: { ...example.prices, ...prices } }, markets);
    await send(registry, signers[1]!, "post", BigInt(id), BigInt(timestamp), pricesCommitment(round));
    return round;
  };

  it("Should attest the healthy example, then liquidate it by proof after the price moves", async () => {
    const trader = signers[2]!;
    const round1 = await postRound(1, {});
    const health = prepareMarginProof({ account, round: round1, markets, binder: BigInt(trader.address) }, loadCircuitSpecs());
    expect(health.circuit.profile).toBe(profile);
    const words = (await provers.prove(health)).calldata.proof.map(BigInt);
    await send(vault, trader, "attest", 1n, 1n, health.circuit.slots, 0n, words);
    expect((await read<{ lastHealthyRound: bigint }>(vault, "getAccount", 1n)).lastHealthyRound).toBe(1n);

    const round2 = await postRound(2, CRASH[profile]);
    expect(() => prepareMarginProof({ account, round: round2, markets, binder: BigInt(trader.address) }, loadCircuitSpecs())).toThrow(/short by/);
    const keeper = signers[4]!;
    const liquidation = prepareLiquidationProof({ account, round: round2, markets, liquidator: BigInt(keeper.address) }, loadCircuitSpecs());
    const proof = (await provers.prove(liquidation)).calldata.proof.map(BigInt);
    await send(vault, keeper, "liquidateByProof", 1n, 2n, liquidation.circuit.slots, proof);
    expect((await read<{ status: bigint }>(vault, "getAccount", 1n)).status).toBe(2n); // Liquidated
    await provers.close();
  });
});
