import { Interface, type Contract } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { read, send, type Deployment, type HardhatEthers } from "../../prover/src/chain/deployment.ts";
import { accountCommitment, pricesCommitment } from "../../prover/src/commitment/commitments.ts";
import { loadCircuitSpecs } from "../../prover/src/circuit/load-specs.ts";
import { parseAccount, parseMarkets, parseRound } from "../../prover/src/model/parse.ts";
import { readJsonFile } from "../../prover/src/model/json.ts";
import { prepareLiquidationProof, prepareMarginProof } from "../../prover/src/statements/prepare.ts";
import { ProverSet } from "../../prover/src/statements/prover-set.ts";
import { example } from "../helpers/cli.ts";
import { expectRevert } from "./helpers.ts";
import { realDeployment, type ChainEthers } from "./real-deployment.ts";

// The vault with the generated Groth16 verifiers and real proofs from the SDK (the other contract tests use
// mock verifiers): what a protocol embedding zkmargin runs.
const BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

describe("PrivateMarginVault with real proofs", () => {
  const markets = parseMarkets(readJsonFile(example("markets.json"), "markets"));
  const healthy = parseAccount(readJsonFile(example("account.json"), "account"), markets);
  const insolvent = parseAccount(readJsonFile(example("account-insolvent.json"), "account"), markets);
  const provers = new ProverSet();
  let ethers: ChainEthers;
  let signers: Awaited<ReturnType<HardhatEthers["getSigners"]>>;
  let vault: Contract;
  let adapter: Contract;
  let errors: Interface;
  let round: ReturnType<typeof parseRound>;
  let healthyId: bigint;
  let insolventId: bigint;

  beforeAll(async () => {
    let deployment: Deployment;
    ({ ethers, signers, deployment } = await realDeployment(markets));
    vault = deployment.vault;
    adapter = deployment.adapter;
    errors = new Interface([deployment.vault, deployment.adapter, deployment.registry].flatMap((contract) => contract.interface.fragments.filter((fragment) => fragment.type === "error")));
    const timestamp = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    round = parseRound({ ...(readJsonFile(example("round.json"), "round")), round: 1, timestamp: Number(timestamp) }, markets);
    await send(deployment.registry, signers[1]!, "post", 1n, timestamp, pricesCommitment(round));
    for (const [signer, account] of [[signers[2]!, healthy], [signers[3]!, insolvent]] as const) {
      await send(deployment.token, signers[0]!, "mint", signer.address, account.collateral);
      await send(deployment.token, signer, "approve", await vault.getAddress(), account.collateral);
      await send(vault, signer, "open", accountCommitment(account), account.collateral);
    }
    healthyId = 1n;
    insolventId = 2n;
  });
  afterAll(async () => {
    await provers.close();
  });

  const marginProof = async (binder: string, bufferBps = 0n) => {
    const prepared = prepareMarginProof({ account: healthy, round, markets, binder: BigInt(binder), bufferBps }, loadCircuitSpecs());
    return { words: (await provers.prove(prepared)).calldata.proof.map(BigInt), capacity: prepared.circuit.slots };
  };
  const malleate = (words: bigint[]) => [words[0]!, BASE_FIELD - words[1]!, words[2]!, words[3]!, BASE_FIELD - words[4]!, BASE_FIELD - words[5]!, words[6]!, words[7]!];

  it("Should attest with a real margin proof, and revert for another buffer, another sender or a tampered proof", async () => {
    const trader = signers[2]!;
    const proof = await marginProof(trader.address, 500n);
    const gas = await send(vault, trader, "attest", healthyId, 1n, proof.capacity, 500n, proof.words);
    expect(gas).toBeLessThan(260_000n);
    expect((await read<{ lastHealthyRound: bigint }>(vault, "getAccount", healthyId)).lastHealthyRound).toBe(1n);
    await expectRevert(errors, (vault.connect(trader) as Contract).getFunction("attest")(healthyId, 1n, proof.capacity, 400n, proof.words), "ZkMarginVerifier__InvalidProof");
    await expectRevert(errors, (vault.connect(signers[5]!) as Contract).getFunction("attest")(healthyId, 1n, proof.capacity, 500n, proof.words), "ZkMarginVerifier__InvalidProof");
    const tampered = [...proof.words];
    tampered[6] = tampered[6]! ^ 1n;
    await expectRevert(errors, (vault.connect(trader) as Contract).getFunction("attest")(healthyId, 1n, proof.capacity, 500n, tampered), "ZkMarginVerifier__InvalidProof");
  });

  it("Should accept a malleated proof only where it changes nothing, never as a second liquidation", async () => {
    const keeper = signers[4]!;
    const prepared = prepareLiquidationProof({ account: insolvent, round, markets, liquidator: BigInt(keeper.address) }, loadCircuitSpecs());
    const words = (await provers.prove(prepared)).calldata.proof.map(BigInt);
    // Negating A and B gives another valid proof of the same statement (Groth16 malleability) ...
    const statement = await read<bigint>(vault, "liquidationStatement", keeper.address, insolvent.collateral);
    await adapter.getFunction("verifyLiquidation").staticCall(prepared.circuit.slots, malleate(words), prepared.accountCommitment, prepared.roundCommitment, statement);
    // ... but a copy sent by someone else, even malleated, is bound to the keeper.
    await expectRevert(errors, (vault.connect(signers[5]!) as Contract).getFunction("liquidateByProof")(insolventId, 1n, prepared.circuit.slots, malleate(words)), "ZkMarginVerifier__InvalidProof");
    await send(vault, keeper, "liquidateByProof", insolventId, 1n, prepared.circuit.slots, words);
    // Replaying it, as is or malleated (negated A and B verify too), finds the account closed.
    await expectRevert(errors, (vault.connect(keeper) as Contract).getFunction("liquidateByProof")(insolventId, 1n, prepared.circuit.slots, malleate(words)), "PrivateMarginVault__AccountClosed");
    await expectRevert(errors, (vault.connect(keeper) as Contract).getFunction("liquidateByProof")(insolventId, 1n, prepared.circuit.slots, words), "PrivateMarginVault__AccountClosed");
  });

  it("Should refuse a liquidation proof of a healthy account made by proving against another commitment", async () => {
    // The prover refuses outright; the contract independently refuses the insolvent account's proof for the healthy one.
    expect(() => prepareLiquidationProof({ account: healthy, round, markets, liquidator: BigInt(signers[4]!.address) }, loadCircuitSpecs())).toThrow(/not liquidatable/);
    const keeper = signers[4]!;
    const other = prepareLiquidationProof({ account: { ...insolvent, nonce: 9n }, round, markets, liquidator: BigInt(keeper.address) }, loadCircuitSpecs());
    const words = (await provers.prove(other)).calldata.proof.map(BigInt);
    await expectRevert(errors, (vault.connect(keeper) as Contract).getFunction("liquidateByProof")(healthyId, 1n, other.circuit.slots, words), "ZkMarginVerifier__InvalidProof");
  });
});
