import { existsSync, readFileSync } from "node:fs";
import { Artifacts } from "../artifacts/store.ts";
import { sha256, writeFileAtomic } from "../build/files.ts";
import { buildCircuits } from "../build/pipeline.ts";
import { startProgress } from "../build/progress.ts";
import { INSTALLED, projectPath } from "../build/paths.ts";
import { loadCircuitSpecs } from "../circuit/load-specs.ts";
import { accountCommitment, genesisState } from "../commitment/account.ts";
import { fillCommitment } from "../commitment/fill.ts";
import { CASH_PER_TOKEN, FEE_ACCOUNT_ID } from "../core/constants.ts";
import { formatScaled } from "../core/decimal.ts";
import { ZkMarginError, ZkMarginRefusal } from "../core/errors.ts";
import { hardhatConfig } from "../chain/hardhat-config.ts";
import { deployClearing, read, send, verifierCircuitIds, type HardhatEthers, type NamedSigner } from "../chain/deployment.ts";
import { marginReport } from "../engine/report.ts";
import { equityAtMark } from "../engine/valuation.ts";
import { readJsonFile } from "../model/json.ts";
import { parseMarkets } from "../model/parse.ts";
import type { AccountState, Fill, OracleRound } from "../model/types.ts";
import { prepareApplyFills, prepareDeposit, prepareMargin, prepareTakeover, prepareWithdraw, type PreparedProof } from "../statements/prepare.ts";
import { ProverSet } from "../statements/prover-set.ts";

/** One step of the story, printed once as it happens. */
export interface StoryStep {
  readonly step: string;
  readonly who: string;
  /** What happened, in plain words. */
  readonly result: string;
  /** Gas of the transaction, when the step sent one. */
  readonly gas?: number;
  /** Time to make the proof, when the step made one. */
  readonly proofMs?: number;
}

/** What the demo returns (and prints with --json). */
export interface StoryResult {
  readonly steps: readonly StoryStep[];
  /** Gas per contract call (the last of each kind). */
  readonly gas: Record<string, number>;
  /** sum of every account's equity (SDK books, fee account included) + insurance == the vault's token balance, exactly. */
  readonly balanced: boolean;
  readonly insecureSetup: true;
}

const USDC = 10n ** 6n;
const E8 = 10n ** 8n;
const E16 = 10n ** 16n;
const usdc = (tokens: bigint) => `${formatScaled(tokens, 6)} USDC`;
const quote = (cash: bigint) => formatScaled(cash, 16, 2);

/**
 * The private-clearing story on an in-process Hardhat chain, with real proofs of every statement: four
 * traders deposit; the venue posts their fills; each side (and the fee account) proves the fills into its
 * book; Alice attests; a challenger challenges Carol, who answers; ETH rallies and Bob's short goes
 * underwater; Dave, a backstop liquidator the venue shares books with, takes Bob over and the insurance fund
 * pays the bad debt; Alice closes her long and withdraws her gains; the venue withdraws its fees. After the
 * last step the vault's token balance equals the sum of every account's equity plus the insurance fund.
 *
 * @param options.log one line per step as it happens (and build progress)
 * @param options.artifacts where the cross circuits' artifacts are (default: build them, in the build folder)
 */
export async function runStory(options: { log?: (message: string) => void; artifacts?: Artifacts } = {}): Promise<StoryResult> {
  const log = options.log ?? (() => undefined);
  const ids = verifierCircuitIds("cross");
  process.chdir(projectPath());
  // The contracts compile beside the circuits (solc runs in a child process): only the verifiers, written by
  // the circuits' setups, are left for a second, short compile.
  const chain = compiledChain(log);
  let artifacts: Artifacts;
  try {
    if (!options.artifacts) await buildCircuits({ only: Object.values(ids), log });
    artifacts = Artifacts.at(options.artifacts);
    await useVerifiersOf(artifacts, Object.values(ids));
  } catch (error) {
    await chain.catch(() => undefined);
    throw error;
  }
  const hre = await chain;
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const connection = await hre.network.create();
  const ethers = (connection as unknown as { ethers: unknown }).ethers as HardhatEthers & { provider: { send(method: string, params: unknown[]): Promise<unknown>; getBlock(tag: string): Promise<{ timestamp: number } | null>; getNetwork(): Promise<{ chainId: bigint }> } };
  const [governance, poster, venue, alice, bob, carol, dave, challenger] = (await ethers.getSigners()) as NamedSigner[];
  const markets = parseMarkets(readJsonFile(projectPath("examples", "markets.json"), "markets"));
  const penaltyBps = 150n;
  const { token, registry, vault } = await deployClearing(ethers, {
    governance: governance!, poster: poster!, venue: venue!, markets, maxAgeSeconds: 3_600n,
    bond: 50n * USDC, answerWindowSeconds: 3_600n, penaltyBps, insuranceBps: 5_000n, challengerBps: 2_000n, artifacts,
  });
  const steps: StoryStep[] = [];
  const gas: Record<string, number> = {};
  const record = (step: StoryStep, gasKey?: string) => {
    steps.push(step);
    if (gasKey && step.gas !== undefined) gas[gasKey] = step.gas;
    const cost = [step.gas === undefined ? "" : `${step.gas.toLocaleString("en-US")} gas`, step.proofMs === undefined ? "" : `proof ${step.proofMs} ms`].filter(Boolean).join(", ");
    log(`${step.step.padEnd(18)} ${step.who.padEnd(11)} ${step.result}${cost ? ` [${cost}]` : ""}`);
  };
  const vaultAddress = await vault.getAddress();
  for (const signer of [governance, alice, bob, carol, dave, challenger]) {
    await send(token, governance!, "mint", signer!.address, 1_000_000n * USDC);
    await send(token, signer!, "approve", vaultAddress, 2n ** 255n);
  }

  const specs = loadCircuitSpecs();
  const provers = new ProverSet({ artifacts });
  try {
    const domain = { chainId: (await ethers.provider.getNetwork()).chainId, vault: BigInt(vaultAddress) };
    const states = new Map<bigint, AccountState>([[FEE_ACCOUNT_ID, genesisState(domain, FEE_ACCOUNT_ID, BigInt(venue!.address))]]);
    const names = new Map<bigint, string>([[FEE_ACCOUNT_ID, "venue"]]);
    const now = async () => BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const prove = async (prepared: PreparedProof) => {
      const started = performance.now();
      const bundle = await provers.prove(prepared);
      return { words: bundle.calldata.proof.map(BigInt), ms: Math.round(performance.now() - started) };
    };
    let round: OracleRound | undefined;
    const postRound = async (id: bigint, prices: Record<string, string>, funding: Record<string, string>, note: string) => {
      const marks = markets.markets.map((market) => BigInt(Math.round(Number(prices[market.id]) * 1e8)));
      // Confidence: 0.02% of each price. Funding: cumulative index per market.
      const next: OracleRound = {
        round: id, timestamp: await now(), prices: marks, confidences: marks.map((price) => price / 5_000n),
        fundingIndexes: markets.markets.map((market) => BigInt(Math.round(Number(funding[market.id] ?? "0") * 1e8))),
      };
      const used = await send(registry, poster!, "post", next.round, next.timestamp, next.prices, next.confidences, next.fundingIndexes);
      round = next;
      record({ step: `round ${id}`, who: "oracle", result: `${note}; the registry hashes the 16 market slots into the round commitment itself`, gas: Number(used) }, "post round");
      return next;
    };
    const open = async (who: string, signer: NamedSigner) => {
      const used = await send(vault, signer, "open");
      const id = (await read<bigint>(vault, "nextAccountId")) - 1n;
      states.set(id, genesisState(domain, id, BigInt(signer.address)));
      names.set(id, who);
      if ((await read<{ commitment: bigint }>(vault, "getAccount", id)).commitment !== accountCommitment(states.get(id)!)) throw new ZkMarginError("demo", "the vault's genesis differs from the SDK's");
      record({ step: `open #${id}`, who, result: "an empty account: the vault computes its genesis commitment (domain, id, owner)", gas: Number(used) }, "open");
      return id;
    };
    const depositTo = async (id: bigint, signer: NamedSigner, amount: bigint) => {
      const prepared = prepareDeposit(states.get(id)!, amount, specs);
      const proof = await prove(prepared);
      const used = await send(vault, signer, "deposit", id, amount, accountCommitment(prepared.next!), proof.words);
      states.set(id, prepared.next!);
      record({ step: "deposit", who: names.get(id)!, result: `${usdc(amount)} in; proves cash + ${usdc(amount)}, nothing else changed`, gas: Number(used), proofMs: proof.ms }, "deposit");
    };
    const postFill = async (a: bigint, b: bigint, fill: Fill, words: string) => {
      const used = await send(vault, venue!, "postFill", a, b, fillCommitment(fill));
      record({ step: "postFill", who: "venue", result: `${words}: one commitment appended to #${a}'s, #${b}'s and the fee account's chains (public: who traded with whom, not what)`, gas: Number(used) }, "postFill");
    };
    const apply = async (id: bigint, fills: readonly Fill[]) => {
      const signer = id === FEE_ACCOUNT_ID ? venue! : governance!; // anyone holding the data may apply: the result is forced
      const prepared = prepareApplyFills(states.get(id)!, fills, markets.markets.length, specs);
      const proof = await prove(prepared);
      const used = await send(vault, signer, "applyFills", id, fills.length, accountCommitment(prepared.next!), proof.words);
      const before = states.get(id)!;
      states.set(id, prepared.next!);
      record({ step: "applyFills", who: names.get(id)!, result: `proves ${fills.length} posted fill(s) into its book in chain order: cash ${quote(prepared.next!.cash - before.cash)}, head = the vault's`, gas: Number(used), proofMs: proof.ms }, "applyFills");
    };
    const fill = (fillId: bigint, market: string, size: bigint, price: bigint, buyerId: bigint, sellerId: bigint, fees: readonly [bigint, bigint]): Fill => ({
      fillId, market: markets.byId.get(market)!.index, size, price, fundingIndex: round!.fundingIndexes[markets.byId.get(market)!.index]!,
      buyerId, sellerId, buyerFee: fees[0], sellerFee: fees[1], blinding: (BigInt(fillId) << 200n) + 0xfeedn,
    });

    // Act 1: deposits and trades.
    await postRound(1n, { "BTC-USD": "97000", "ETH-USD": "3000", "SOL-USD": "140", "LINK-USD": "14" }, {}, "BTC 97,000, ETH 3,000, SOL 140, LINK 14");
    record({ step: "fundInsurance", who: "governance", result: `seeds the insurance fund with ${usdc(300n * USDC)}`, gas: Number(await send(vault, governance!, "fundInsurance", 300n * USDC)) }, "fundInsurance");
    const aliceId = await open("Alice", alice!);
    const bobId = await open("Bob", bob!);
    const carolId = await open("Carol", carol!);
    const daveId = await open("Dave", dave!);
    for (const [id, signer, amount] of [[aliceId, alice, 10_000n], [bobId, bob, 1_500n], [carolId, carol, 5_000n], [daveId, dave, 50_000n]] as const) await depositTo(id, signer!, amount * USDC);

    // Alice takes 2 ETH from Bob's resting offer (taker 0.05%, maker rebate 0.01%); Carol buys 0.05 BTC from Dave.
    const f1 = fill(1n, "ETH-USD", 2n * E8, 3_000n * E8, aliceId, bobId, [3n * E16, -(6n * E16) / 10n]);
    const f2 = fill(2n, "BTC-USD", 5n * E8 / 100n, 97_000n * E8, carolId, daveId, [2_425n * E16 / 1_000n, 0n]);
    await postFill(aliceId, bobId, f1, "Alice buys 2 ETH from Bob at 3,000");
    await postFill(carolId, daveId, f2, "Carol buys 0.05 BTC from Dave at 97,000");
    await apply(aliceId, [f1]);
    await apply(bobId, [f1]);
    await apply(carolId, [f2]);
    await apply(daveId, [f2]);

    const aliceAttest = prepareMargin(states.get(aliceId)!, round!, markets, { binder: BigInt(alice!.address), bufferBps: 500n }, specs);
    const attestProof = await prove(aliceAttest);
    record({ step: "attest", who: "Alice", result: "proves maintenance margin + 5% buffer at round 1 (longs valued at P - 2 conf): nothing about her book is revealed", gas: Number(await send(vault, alice!, "attest", aliceId, 1n, 500n, attestProof.words)), proofMs: attestProof.ms }, "attest");

    // Act 2: ETH +15%, funding accrues; a challenge is answered.
    await postRound(2n, { "BTC-USD": "96500", "ETH-USD": "3450", "SOL-USD": "141", "LINK-USD": "14.1" }, { "ETH-USD": "2", "BTC-USD": "15" }, "ETH +15%; funding: longs pay 2 per ETH, 15 per BTC");
    record({ step: "challenge", who: "Challenger", result: `challenges Carol (#${carolId}) to prove she is not liquidatable at round 2, posting a 50 USDC bond`, gas: Number(await send(vault, challenger!, "challenge", carolId)) }, "challenge");
    const answer = prepareMargin(states.get(carolId)!, round!, markets, { binder: BigInt(carol!.address), side: "favourable" }, specs);
    const answerProof = await prove(answer);
    record({ step: "answer", who: "Carol", result: "proves the exact negation of the liquidation condition at round 2: the 50 USDC bond is hers", gas: Number(await send(vault, carol!, "answer", carolId, 2n, answerProof.words)), proofMs: answerProof.ms }, "answer");
    record({ step: "claim", who: "Carol", result: "collects the bond", gas: Number(await send(vault, carol!, "claim")) }, "claim");

    // Act 3: ETH +30% from the start: Bob's short is underwater; Dave takes him over, insurance pays the rest.
    await postRound(3n, { "BTC-USD": "96800", "ETH-USD": "3900", "SOL-USD": "142", "LINK-USD": "14.3" }, { "ETH-USD": "3", "BTC-USD": "20" }, "ETH +30% from round 1");
    const bobReport = marginReport(states.get(bobId)!, round!, markets);
    try {
      prepareMargin(states.get(bobId)!, round!, markets, { binder: BigInt(bob!.address), side: "favourable" }, specs);
      throw new ZkMarginError("demo", "Bob should not be able to answer at round 3");
    } catch (error) {
      if (!(error instanceof ZkMarginRefusal)) throw error;
    }
    const takeover = prepareTakeover(states.get(bobId)!, states.get(daveId)!, round!, markets, { penaltyBps }, specs);
    const takeoverProof = await prove(takeover);
    const insuranceBefore = await read<bigint>(vault, "insuranceFund");
    const takeoverGas = await send(vault, dave!, "takeover", bobId, daveId, 3n, takeover.takeover!.ownerPayout, takeover.takeover!.penalty, takeover.takeover!.badDebt, accountCommitment(takeover.next!), takeoverProof.words);
    states.set(daveId, takeover.next!);
    states.delete(bobId);
    const paid = insuranceBefore - (await read<bigint>(vault, "insuranceFund"));
    record({ step: "takeover", who: "Dave", result: `proves Bob (equity ${bobReport.equity} < maintenance ${bobReport.maintenanceRequirement}) liquidatable at the latest round and absorbs his short 2 ETH at 3,900; Bob gets ${usdc(takeover.takeover!.ownerPayout)}, the insurance fund pays his bad debt of ${usdc(paid)}`, gas: Number(takeoverGas), proofMs: takeoverProof.ms }, "takeover");

    // Act 4: Alice closes her long against Dave and withdraws her gains; the venue withdraws its fees.
    const f3 = fill(3n, "ETH-USD", 2n * E8, 3_900n * E8, daveId, aliceId, [0n, 39n * E16 / 10n]);
    await postFill(aliceId, daveId, f3, "Alice sells her 2 ETH to Dave at 3,900");
    await apply(aliceId, [f3]);
    await apply(daveId, [f3]);
    const aliceEquity = equityAtMark(states.get(aliceId)!, round!);
    const gains = aliceEquity / CASH_PER_TOKEN;
    const withdrawal = prepareWithdraw(states.get(aliceId)!, gains, round!, markets, specs);
    const withdrawalProof = await prove(withdrawal);
    const aliceBefore = await read<bigint>(token, "balanceOf", alice!.address);
    const withdrawGas = await send(vault, alice!, "withdraw", aliceId, gains, 3n, accountCommitment(withdrawal.next!), withdrawalProof.words);
    states.set(aliceId, withdrawal.next!);
    const received = (await read<bigint>(token, "balanceOf", alice!.address)) - aliceBefore;
    record({ step: "withdraw", who: "Alice", result: `flat again, withdraws ${usdc(received)} (deposited 10,000): her gains are what Bob and the insurance fund paid; proves initial margin after it`, gas: Number(withdrawGas), proofMs: withdrawalProof.ms }, "withdraw");

    await apply(FEE_ACCOUNT_ID, [f1, f2, f3]);
    const fees = states.get(FEE_ACCOUNT_ID)!.cash / CASH_PER_TOKEN;
    const feeWithdrawal = prepareWithdraw(states.get(FEE_ACCOUNT_ID)!, fees, round!, markets, specs);
    const feeProof = await prove(feeWithdrawal);
    await send(vault, venue!, "withdraw", FEE_ACCOUNT_ID, fees, 3n, accountCommitment(feeWithdrawal.next!), feeProof.words);
    states.set(FEE_ACCOUNT_ID, feeWithdrawal.next!);
    record({ step: "withdraw fees", who: "venue", result: `the fee account proved all 3 fills (taker fees net of the maker rebate) and withdraws ${usdc(fees)}`, proofMs: feeProof.ms });

    // The invariant, exactly, in the cash scale (16 decimals).
    const equity = [...states.values()].reduce((sum, state) => sum + equityAtMark(state, round!), 0n);
    const insurance = await read<bigint>(vault, "insuranceFund");
    const held = (await read<bigint>(token, "balanceOf", vaultAddress)) - (await read<bigint>(vault, "totalBonds")) - (await read<bigint>(vault, "totalClaimable"));
    const balanced = equity + insurance * CASH_PER_TOKEN === held * CASH_PER_TOKEN;
    record({ step: "invariant", who: "anyone", result: `sum of equities ${quote(equity)} + insurance ${usdc(insurance)} ${balanced ? "=" : "!="} what the vault holds for them, ${usdc(held)}` });
    return { steps, gas, balanced, insecureSetup: true };
  } finally {
    await provers.close();
    await (connection as { close?: () => Promise<void> }).close?.();
  }
}

/** The demo's closing summary: gas per call (each step was printed once as it happened). */
export function formatStory(result: StoryResult): string {
  const rows = Object.entries(result.gas).map(([call, used]) => [call, used.toLocaleString("en-US")]);
  const width = Math.max(...rows.map((row) => row[0]!.length), 4);
  return [
    "",
    "gas per call (real Groth16 verifiers; development keys: INSECURE, for demonstration only)",
    ...rows.map(([call, used]) => `  ${call!.padEnd(width)}  ${used!.padStart(9)}`),
    "",
    `balance invariant: ${result.balanced ? "holds (sum of equities + insurance = the vault's balance, exactly)" : "BROKEN"}`,
  ].join("\n");
}

/**
 * The Hardhat runtime with the contracts compiled: the repository's hardhat.config.ts, or (installed: Node
 * loads no .ts from node_modules) the same configuration passed to Hardhat directly, the package's folder as
 * the project.
 */
async function compiledChain(log: (message: string) => void) {
  const hre = INSTALLED
    ? await (await import("hardhat/hre")).createHardhatRuntimeEnvironment(await hardhatConfig(), {}, projectPath())
    : (await import("hardhat")).default;
  const started = Date.now();
  const progress = startProgress(log, "compile contracts");
  progress.stage("solc running");
  try {
    await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  } finally {
    progress.stop();
  }
  if (Date.now() - started > 1_000) log(`compiled the contracts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return hre;
}

/**
 * Makes the verifier contracts Hardhat compiles (contracts/generated/) those of the artifacts the demo proves
 * with: in the repository it writes the artifacts' verifiers there (build outputs, git-ignored); an
 * installed package's are never rewritten, so a mismatch is refused.
 */
async function useVerifiersOf(artifacts: Artifacts, circuitIds: readonly string[]): Promise<void> {
  for (const id of circuitIds) {
    const manifest = await artifacts.manifest(id);
    const verifier = await artifacts.file(id, "verifier");
    const path = projectPath("contracts", "generated", `${manifest.verifierContract}.sol`);
    if (existsSync(path) && sha256(readFileSync(path)) === sha256(verifier)) continue;
    if (INSTALLED) {
      throw new ZkMarginError(`circuit ${id}`, `the package's ${manifest.verifierContract}.sol was generated from another key than the artifacts at ${artifacts.location}: run the demo with the artifacts the package was packed with (contracts/generated/verifiers.json names them), or from a clone of the repository`);
    }
    writeFileAtomic(path, verifier);
  }
}
