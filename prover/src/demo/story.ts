import type { Signer } from "ethers";
import { loadCircuitSpecs } from "../circuit/load-specs.ts";
import { accountCommitment, pricesCommitment, riskCommitment, roundCommitments } from "../commitment/commitments.ts";
import { formatScaled } from "../core/decimal.ts";
import { ZkMarginError } from "../core/errors.ts";
import { projectPath } from "../build/paths.ts";
import { buildCircuits } from "../build/pipeline.ts";
import { readManifest } from "../build/setup.ts";
import { deployZkMargin, read, send, type HardhatEthers } from "../chain/deployment.ts";
import { parseAccount, parseMarkets } from "../model/parse.ts";
import { readJsonFile } from "../model/json.ts";
import type { Account, OracleRound } from "../model/types.ts";
import { prepareLiquidationProof, prepareMarginProof, type PreparedProof } from "../statements/prepare.ts";
import { ProverSet } from "../statements/prover-set.ts";

/** One line of the story. */
export interface StoryStep {
  readonly step: string;
  readonly who: string;
  readonly result: string;
  /** Gas of the transaction, when the step sent one. */
  readonly gas?: number;
  /** Time to make the proof, when the step made one. */
  readonly proofMs?: number;
}

/** What the demo returns (and prints with --json). */
export interface StoryResult {
  readonly steps: readonly StoryStep[];
  /** Gas per contract call, one transaction each. */
  readonly gas: Record<string, number>;
  /** The vault's token balance equals what accounts, bonds, insurance and credits hold. */
  readonly balanced: boolean;
  readonly insecureSetup: true;
}

const USDC = 10n ** 6n;

/**
 * The private-liquidation story on an in-process Hardhat chain, with real proofs:
 * Alice attests, answers a challenge and collects the bond; Bob goes underwater, cannot answer and is
 * liquidated when the window closes; a keeper holding Carol's data liquidates her by proof, and a copy of the
 * keeper's proof sent by someone else is refused.
 *
 * @param options.log progress messages (the build and the compile can take minutes on a fresh clone)
 */
export async function runStory(options: { log?: (message: string) => void } = {}): Promise<StoryResult> {
  const log = options.log ?? (() => undefined);
  // The story uses the cross-margin circuits only: build (or reuse) just those.
  await buildCircuits({ only: loadCircuitSpecs().filter((spec) => spec.setup && spec.profile === "cross").map((spec) => spec.id), log });
  process.chdir(projectPath());
  const hre = (await import("hardhat")).default;
  log("compiling contracts (cached)...");
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const connection = await hre.network.create();
  const ethers = connection.ethers as unknown as HardhatEthers & { provider: { send(method: string, params: unknown[]): Promise<unknown>; getBlock(tag: string): Promise<{ timestamp: number } | null> } };
  const [governance, poster, alice, bob, carol, challenger, liquidator, keeper, mallory] = await ethers.getSigners();
  const markets = parseMarkets(readJsonFile(projectPath("examples", "markets.json"), "markets"));
  const deployment = await deployZkMargin(ethers, {
    governance: governance!, poster: poster!, riskCommitment: riskCommitment(markets),
    maxAgeSeconds: 3_600n, bond: 50n * USDC, answerWindowSeconds: 3_600n, liquidatorBonusBps: 500n, insuranceBps: 1_000n,
  });
  const { token, registry, vault } = deployment;
  const steps: StoryStep[] = [];
  const gas: Record<string, number> = {};
  const record = (step: StoryStep, gasKey?: string) => {
    steps.push(step);
    if (gasKey && step.gas !== undefined) gas[gasKey] = step.gas;
    log(`${step.step}: ${step.result}`);
  };
  for (const signer of [alice, bob, carol, challenger]) {
    await send(token, governance!, "mint", (signer as Signer & { address: string }).address, 100_000n * USDC);
    await send(token, signer!, "approve", await vault.getAddress(), 2n ** 255n);
  }
  const provers = new ProverSet();
  const specs = loadCircuitSpecs();
  try {
    const now = async () => BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const rounds: OracleRound[] = [];
    const postRound = async (id: bigint, prices: Record<string, string>, note: string) => {
      const marks = markets.markets.map((market) => BigInt(Math.round(Number(prices[market.id]) * 1e8)));
      // The oracle publishes a confidence interval of 0.02% of each price.
      const round: OracleRound = { round: id, timestamp: await now(), prices: marks, confidences: marks.map((price) => price / 5_000n) };
      rounds.push(round);
      const used = await send(registry, poster!, "post", id, round.timestamp, pricesCommitment(round));
      record({ step: `post round ${id}`, who: "oracle", result: note, gas: Number(used) }, "post");
      return round;
    };
    const account = (file: string) => parseAccount(readJsonFile(projectPath("examples", "demo", file), "account"), markets);
    const prove = async (prepared: PreparedProof) => {
      const started = performance.now();
      const bundle = await provers.prove(prepared);
      return { words: bundle.calldata.proof.map(BigInt), capacity: prepared.circuit.slots, circuit: prepared.circuit.id, ms: Math.round(performance.now() - started) };
    };
    const open = async (who: string, signer: Signer, subject: Account) => {
      const used = await send(vault, signer, "open", accountCommitment(subject), subject.collateral);
      const id = (await read<bigint>(vault, "nextAccountId")) - 1n;
      record({ step: `open account #${id}`, who, result: `deposits ${formatScaled(subject.collateral, 6)} USDC under a commitment (${subject.positions.length} hidden positions)`, gas: Number(used) }, "open");
      return id;
    };

    // Act 1: Alice attests at round 1, then answers a challenge at round 2 and collects the bond.
    const round1 = await postRound(1n, { "BTC-USD": "97250.5", "ETH-USD": "3150.25", "SOL-USD": "142.375", "LINK-USD": "14.2" }, "prices of 4 markets committed");
    const aliceAccount = account("alice.json");
    const bobAccount = account("bob.json");
    const carolAccount = account("carol.json");
    const aliceId = await open("Alice", alice!, aliceAccount);
    const bobId = await open("Bob", bob!, bobAccount);
    const carolId = await open("Carol", carol!, carolAccount);
    const alice1 = await prove(prepareMarginProof({ account: aliceAccount, round: round1, markets, bufferBps: 500n, binder: BigInt(await alice!.getAddress()) }, specs));
    const attestGas = await send(vault, alice!, "attest", aliceId, 1n, alice1.capacity, 500n, alice1.words);
    record({ step: "attest", who: "Alice", result: "maintenance margin + 5% buffer proven at round 1", gas: Number(attestGas), proofMs: alice1.ms }, "attest");

    const round2 = await postRound(2n, { "BTC-USD": "96100", "ETH-USD": "3200", "SOL-USD": "145", "LINK-USD": "14.05" }, "ETH +1.6%, BTC -1.2%");
    record({ step: "challenge", who: "Challenger", result: `challenges Alice's account #${aliceId} at round 2 with a 50 USDC bond`, gas: Number(await send(vault, challenger!, "challenge", aliceId)) }, "challenge");
    const alice2 = await prove(prepareMarginProof({ account: aliceAccount, round: round2, markets, binder: BigInt(await alice!.getAddress()) }, specs));
    record({ step: "answer", who: "Alice", result: "answers with a margin proof at round 2: the bond is hers", gas: Number(await send(vault, alice!, "answer", aliceId, 2n, alice2.capacity, alice2.words)), proofMs: alice2.ms }, "answer");
    record({ step: "claim", who: "Alice", result: "withdraws the 50 USDC bond", gas: Number(await send(vault, alice!, "claim")) }, "claim");

    // Act 2: ETH and SOL rally; Bob's shorts are underwater, he cannot answer and is liquidated.
    const round3 = await postRound(3n, { "BTC-USD": "96500", "ETH-USD": "3400", "SOL-USD": "155", "LINK-USD": "14.4" }, "ETH +6.3%, SOL +6.9%: short sellers hurt");
    record({ step: "challenge", who: "Challenger", result: `challenges Bob's account #${bobId} at round 3`, gas: Number(await send(vault, challenger!, "challenge", bobId)) });
    try {
      prepareMarginProof({ account: bobAccount, round: round3, markets, binder: BigInt(await bob!.getAddress()) }, specs);
      throw new Error("Bob should not be able to prove margin at round 3");
    } catch (error) {
      if (!(error instanceof ZkMarginError)) throw error;
      record({ step: "answer?", who: "Bob", result: `cannot prove: ${error.message.replace(/^account: /, "")}` });
    }
    await ethers.provider.send("evm_increaseTime", [3_601]);
    await ethers.provider.send("evm_mine", []);
    const liquidatorBefore = await read<bigint>(token, "balanceOf", await liquidator!.getAddress());
    const unansweredGas = await send(vault, liquidator!, "liquidateUnanswered", bobId);
    const bonus = (await read<bigint>(token, "balanceOf", await liquidator!.getAddress())) - liquidatorBefore;
    record({ step: "liquidate", who: "Liquidator", result: `window passed unanswered: Bob's collateral seized, bonus ${formatScaled(bonus, 6)} USDC, bond back to the challenger`, gas: Number(unansweredGas) }, "liquidateUnanswered");

    // Act 3: a keeper holding Carol's data liquidates her at once with a proof bound to the keeper.
    const round4 = await postRound(4n, { "BTC-USD": "96500", "ETH-USD": "3400", "SOL-USD": "155", "LINK-USD": "14.4" }, "prices unchanged, fresh round");
    const carolProof = await prove(prepareLiquidationProof({ account: carolAccount, round: round4, markets, liquidator: BigInt(await keeper!.getAddress()) }, specs));
    try {
      await send(vault, mallory!, "liquidateByProof", carolId, 4n, carolProof.capacity, carolProof.words);
      throw new Error("a copied proof must not liquidate");
    } catch (error) {
      if (!/InvalidProof|reverted/i.test(String((error as Error).message))) throw error;
      record({ step: "front-run", who: "Mallory", result: "copies the keeper's proof from the mempool: reverted (the proof is bound to the keeper)" });
    }
    const byProofGas = await send(vault, keeper!, "liquidateByProof", carolId, 4n, carolProof.capacity, carolProof.words);
    record({ step: "liquidate by proof", who: "Keeper", result: "proves Carol is below maintenance at round 4 and liquidates her at once", gas: Number(byProofGas), proofMs: carolProof.ms }, "liquidateByProof");

    // The bare verifier, as one transaction on Alice's round-1 proof.
    const verifierName = readManifest(alice1.circuit)?.verifierContract;
    if (verifierName) {
      const verifier = await ethers.deployContract(verifierName);
      const round1Commitment = roundCommitments(round1, markets).roundCommitment;
      const statement = await read<bigint>(vault, "marginStatement", await alice!.getAddress(), 500, false, aliceAccount.collateral);
      const w = alice1.words;
      const estimate = await verifier.getFunction("verifyProof").estimateGas([w[0], w[1]], [[w[2], w[3]], [w[4], w[5]]], [w[6], w[7]], [accountCommitment(aliceAccount), round1Commitment, statement]);
      gas.verifierTransaction = Number(estimate);
    }
    const balance = await read<bigint>(token, "balanceOf", await vault.getAddress());
    const accounted = await read<bigint>(vault, "accountedBalance");
    record({ step: "invariant", who: "anyone", result: `vault holds ${formatScaled(balance, 6)} USDC = accounts + bonds + insurance + credits (${formatScaled(accounted, 6)})` });
    return { steps, gas, balanced: balance === accounted, insecureSetup: true };
  } finally {
    await provers.close();
    await (connection as { close?: () => Promise<void> }).close?.();
  }
}

/** The demo's table: step, who, result, gas. */
export function formatStory(result: StoryResult): string {
  const rows = result.steps.map((step) => [step.step, step.who, step.gas === undefined ? "" : step.gas.toLocaleString("en-US"), step.proofMs === undefined ? "" : `${step.proofMs} ms`, step.result]);
  const headers = ["step", "who", "gas", "proof", "result"];
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 2 || column === 3 ? cell.padStart(widths[column]!) : column === 4 ? cell : cell.padEnd(widths[column]!))).join("  ");
  return [
    "zkmargin demo: private accounts, oracle rounds, challenges and liquidation on an in-process chain",
    "(development keys: INSECURE, for demonstration only)",
    "",
    line(headers),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...rows.map(line),
    "",
    `balance invariant: ${result.balanced ? "holds" : "BROKEN"}`,
  ].join("\n");
}

