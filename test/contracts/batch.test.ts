/**
 * Batch verification with real Groth16 proofs (cross profile): the generated margin batch verifier against the
 * snarkjs verifier of the same key (constants, single proofs, valid and forged batches, malformed points and
 * inputs), and the vault's attestBatch (forged, repeated and misplaced proofs, another vault's proof, another
 * sender's, effects) with its gas at n = 1, 4, 16, 64 (README-batch-section.md).
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { genesisState } from "../../prover/src/commitment/account.ts";
import { loadCircuitSpecs } from "../../prover/src/circuit/load-specs.ts";
import { batchVerifierPath, batchVerifierSource, BASE_FIELD, DEVELOPMENT_NOTE, readVerificationKey, SCALAR_FIELD, verificationKeyHash } from "../../prover/src/build/batch-verifier.ts";
import { buildCircuits } from "../../prover/src/build/pipeline.ts";
import { readManifest } from "../../prover/src/build/setup.ts";
import { verifierCircuitIds } from "../../prover/src/chain/deployment.ts";
import type { OracleRound } from "../../prover/src/model/types.ts";
import { loadMarkets } from "../../prover/src/statements/load.ts";
import { prepareMargin } from "../../prover/src/statements/prepare.ts";
import { ProverSet } from "../../prover/src/statements/prover-set.ts";
import { example } from "../helpers/cli.ts";
import { BOND, CHALLENGER_BPS, INSURANCE_BPS, PENALTY_BPS, WINDOW, deploy, expectRevert, latestTimestamp, revertTo, snapshot, type Fixture } from "./helpers.ts";

const E8 = 10n ** 8n;
const ACCOUNTS = 64;
const SIZES = [1, 4, 16, 64];
const markets = loadMarkets(example("markets.json"));
const specs = loadCircuitSpecs();
const CIRCUIT = verifierCircuitIds("cross").margin;
const Q = BASE_FIELD;

type Words = bigint[];

// Affine BN254 G1 arithmetic (y^2 = x^3 + 3 over Fq), to build forged proofs from valid points.
const modq = (a: bigint) => ((a % Q) + Q) % Q;
function invq(a: bigint): bigint {
  let [r, e, b] = [1n, Q - 2n, modq(a)];
  while (e > 0n) {
    if (e & 1n) r = (r * b) % Q;
    b = (b * b) % Q;
    e >>= 1n;
  }
  return r;
}
function g1Add([x1, y1]: [bigint, bigint], [x2, y2]: [bigint, bigint]): [bigint, bigint] {
  const l = x1 === x2 ? modq(3n * x1 * x1 * invq(2n * y1)) : modq((y2 - y1) * invq(x2 - x1));
  const x3 = modq(l * l - x1 - x2);
  return [x3, modq(l * (x1 - x3) - y1)];
}
const G1: [bigint, bigint] = [1n, 2n];
const negG1 = ([x, y]: [bigint, bigint]): [bigint, bigint] => [x, modq(-y)];
const withC = (proof: Words, c: [bigint, bigint]): Words => [...proof.slice(0, 6), c[0], c[1]];
const cOf = (proof: Words): [bigint, bigint] => [proof[6]!, proof[7]!];

/** The `uint256 constant NAME = VALUE;` lines of a Solidity source (the verification key). */
function constantsOf(source: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const match of source.matchAll(/uint256 (?:internal )?constant (\w+)\s*=\s*(\d+);/g)) out.set(match[1]!, BigInt(match[2]!));
  return out;
}

describe("# batch verification with real proofs", { timeout: 0 }, () => {
  let f: Fixture;
  let provers: ProverSet;
  let round: OracleRound;
  let keeper: Fixture["signers"][number];
  const ids: bigint[] = [];
  const proofs: Words[] = [];
  const inputs: Words[] = [];
  const gas = new Map<number, bigint>();
  let fresh: string;

  beforeAll(async () => {
    await buildCircuits({ only: Object.values(verifierCircuitIds("cross")) });
    f = await deploy("cross", { verifiers: "generated", markets });
    keeper = f.signers[5]!;
    provers = new ProverSet();
    const domain = { chainId: (await f.ethers.provider.getNetwork()).chainId, vault: BigInt(f.vault.target) };
    const owner = f.signers[3]!;
    for (let i = 0; i < ACCOUNTS; i++) {
      await (await f.vault.connect(owner).open()).wait();
      ids.push((await f.vault.nextAccountId()) - 1n);
    }
    const timestamp = await latestTimestamp(f.ethers);
    round = { round: 1n, timestamp, prices: [97_000n * E8, 3_000n * E8, 140n * E8, 14n * E8], confidences: [0n, 0n, 0n, 0n], fundingIndexes: [0n, 0n, 0n, 0n] };
    await (await f.registry.connect(f.signers[1]).post(round.round, round.timestamp, round.prices, round.confidences, round.fundingIndexes)).wait();
    for (const id of ids) {
      const prepared = prepareMargin(genesisState(domain, id, BigInt(owner.address)), round, markets, { binder: BigInt(keeper.address) }, specs);
      const bundle = await provers.prove(prepared);
      proofs.push(bundle.calldata.proof.map(BigInt));
      inputs.push([...prepared.publicInputs]);
    }
    await provers.close();
    fresh = await snapshot(f.ethers);
  });

  const flat = (rows: Words[]) => rows.flat();
  const verify = (ps: Words[], xs: Words[]) => f.batchVerifier.verifyBatch(ps, flat(xs)) as Promise<boolean>;

  describe("# the generated batch verifier", () => {
    it("Should hold the margin verifier's verification key (same constants) and be the generator's output", () => {
      const single = constantsOf(readFileSync(new URL(`../../contracts/generated/${readManifest(CIRCUIT)!.verifierContract}.sol`, import.meta.url), "utf8"));
      const batch = constantsOf(readFileSync(batchVerifierPath(CIRCUIT), "utf8"));
      const keyNames = [...single.keys()].filter((name) => /^(alpha|beta|gamma|delta|IC)/.test(name));
      expect(keyNames).toHaveLength(2 + 4 * 3 + 2 * 4);
      for (const name of keyNames) expect(batch.get(name), name).toBe(single.get(name));
      expect([...batch.keys()].filter((name) => /^(alpha|beta|gamma|delta|IC)/.test(name)).sort()).toEqual([...keyNames].sort());
      const spec = specs.find((candidate) => candidate.id === CIRCUIT)!;
      expect(readFileSync(batchVerifierPath(CIRCUIT), "utf8")).toBe(batchVerifierSource(spec, readVerificationKey(CIRCUIT), DEVELOPMENT_NOTE));
    });

    it("Should report 3 public inputs and the key's hash", async () => {
      expect(await f.batchVerifier.publicInputCount()).toBe(3n);
      expect(await f.batchVerifier.verificationKeyHash()).toBe(verificationKeyHash(readVerificationKey(CIRCUIT)));
    });

    it("Should accept a single proof exactly when the snarkjs verifier does", async () => {
      const single = f.verifiers.margin;
      const split = (p: Words) => [[p[0], p[1]], [[p[2], p[3]], [p[4], p[5]]], [p[6], p[7]]] as const;
      const cases: [Words, Words][] = [[proofs[0]!, inputs[0]!], [proofs[0]!, inputs[1]!], [withC(proofs[2]!, negG1(cOf(proofs[2]!))), inputs[2]!], [proofs[3]!, inputs[3]!]];
      for (const [proof, x] of cases) {
        const expected = (await single.verifyProof(...split(proof), x)) as boolean;
        expect(await verify([proof], [x])).toBe(expected);
      }
      expect(await verify([proofs[0]!], [inputs[0]!])).toBe(true);
    });

    it("Should accept a batch of valid proofs, a proof repeated, and a malleated proof (-A, -B, C)", async () => {
      expect(await verify(proofs.slice(0, 4), inputs.slice(0, 4))).toBe(true);
      expect(await verify([proofs[0]!, proofs[1]!, proofs[0]!], [inputs[0]!, inputs[1]!, inputs[0]!])).toBe(true);
      const p = proofs[1]!;
      const malleated = [p[0]!, modq(-p[1]!), p[2]!, p[3]!, modq(-p[4]!), modq(-p[5]!), p[6]!, p[7]!];
      expect(await verify([proofs[0]!, malleated], [inputs[0]!, inputs[1]!])).toBe(true);
    });

    it("Should reject a batch with one forged proof, wherever it is", async () => {
      for (let at = 0; at < 4; at++) {
        const ps = proofs.slice(0, 4).map((p, i) => (i === at ? withC(p, g1Add(cOf(p), G1)) : p));
        expect(await verify(ps, inputs.slice(0, 4)), `forged at ${at}`).toBe(false);
      }
    });

    it("Should reject another account's proof (another commitment) and a proof for other inputs", async () => {
      expect(await verify([proofs[0]!, proofs[2]!, proofs[1]!], [inputs[0]!, inputs[1]!, inputs[2]!])).toBe(false);
      const otherStatement = [inputs[1]![0]!, inputs[1]![1]!, inputs[1]![2]! + 1n];
      expect(await verify([proofs[0]!, proofs[1]!], [inputs[0]!, otherStatement])).toBe(false);
    });

    it("Should reject two forged proofs whose errors cancel in an unweighted sum (the randomness matters)", async () => {
      // C_0 + G and C_1 - G: with every r_i = 1 the errors cancel exactly; r_1 is random, so they do not.
      const ps = [withC(proofs[0]!, g1Add(cOf(proofs[0]!), G1)), withC(proofs[1]!, g1Add(cOf(proofs[1]!), negG1(G1)))];
      expect(await verify(ps, inputs.slice(0, 2))).toBe(false);
    });

    it("Should name the proof and point of a coordinate >= q, a point off its curve, the point at infinity", async () => {
      const bad = (proof: Words, index: number, value: bigint) => proof.map((w, i) => (i === index ? value : w));
      const ps = proofs.slice(0, 3);
      const cases: [number, number, bigint, number][] = [
        [1, 0, proofs[1]![0]! + Q, 0], [2, 1, proofs[2]![1]! + 1n, 0], // A: x >= q; off the curve
        [0, 3, proofs[0]![3]! + Q, 1], [1, 5, proofs[1]![5]! ^ 1n, 1], // B: x_re >= q; off the twist
        [2, 6, Q, 2], [0, 7, proofs[0]![7]! + 1n, 2], // C
      ];
      for (const [at, word, value, point] of cases) {
        const batch = ps.map((p, i) => (i === at ? bad(p, word, value) : p));
        await expectRevert(f.errors, verify(batch, inputs.slice(0, 3)), "Groth16BatchVerifier__PointNotOnCurve", [BigInt(at), BigInt(point)]);
      }
      const infinity = [0n, 0n, ...proofs[1]!.slice(2)];
      await expectRevert(f.errors, verify([proofs[0]!, infinity], inputs.slice(0, 2)), "Groth16BatchVerifier__PointNotOnCurve", [1n, 0n]);
      const noB = [...proofs[1]!.slice(0, 2), 0n, 0n, 0n, 0n, ...proofs[1]!.slice(6)];
      await expectRevert(f.errors, verify([proofs[0]!, noB], inputs.slice(0, 2)), "Groth16BatchVerifier__PointNotOnCurve", [1n, 1n]);
    });

    it("Should name the proof and index of a public input >= r, and refuse an empty or misshapen batch", async () => {
      for (let j = 0; j < 3; j++) {
        const xs = inputs.slice(0, 2).map((x, i) => (i === 1 ? x.map((v, k) => (k === j ? v + SCALAR_FIELD : v)) : x));
        await expectRevert(f.errors, verify(proofs.slice(0, 2), xs), "Groth16BatchVerifier__InputOutOfField", [1n, BigInt(j)]);
      }
      await expectRevert(f.errors, verify([], []), "Groth16BatchVerifier__EmptyBatch");
      await expectRevert(f.errors, f.batchVerifier.verifyBatch(proofs.slice(0, 2), inputs[0]!), "Groth16BatchVerifier__LengthMismatch", [2n, 3n]);
    });
  });

  describe("# attestBatch", () => {
    const attest = (n: number, options: { ps?: Words[]; accountIds?: bigint[]; from?: Fixture["signers"][number] } = {}) =>
      f.vault.connect(options.from ?? keeper).attestBatch(options.accountIds ?? ids.slice(0, n), round.round, 0, options.ps ?? proofs.slice(0, n));

    it("Should attest every account of a batch at n = 1, 4, 16, 64 (gas per proof in README-batch-section.md)", async () => {
      for (const n of SIZES) {
        await revertTo(f.ethers, fresh);
        fresh = await snapshot(f.ethers);
        const receipt = await (await attest(n)).wait();
        gas.set(n, receipt.gasUsed as bigint);
        for (const id of [ids[0]!, ids[n - 1]!]) expect((await f.vault.getAccount(id)).lastHealthyRound).toBe(1n);
        if (n < ACCOUNTS) expect((await f.vault.getAccount(ids[n]!)).lastHealthyRound).toBe(0n);
        const event = receipt.logs.map((log: { topics: string[]; data: string }) => f.vault.interface.parseLog(log)).find((parsed: { name?: string } | null) => parsed?.name === "AttestedBatch");
        expect([...event.args.accountIds]).toEqual(ids.slice(0, n));
        expect([event.args.roundId, event.args.attester, event.args.bufferBps]).toEqual([1n, keeper.address, 0n]);
      }
      await revertTo(f.ethers, fresh);
      fresh = await snapshot(f.ethers);
      const single = await (await f.vault.connect(keeper).attest(ids[0]!, round.round, 0, proofs[0]!)).wait();
      const rows = SIZES.map((n) => `| ${n} | ${gas.get(n)!.toLocaleString("en-US")} | ${(gas.get(n)! / BigInt(n)).toLocaleString("en-US")} |`);
      console.log(`attestBatch gas (real verifier, cross_margin_m16)\n| n | gas | per proof |\n|---|---|---|\n${rows.join("\n")}\nattest (one proof): ${single.gasUsed.toLocaleString("en-US")}`);
      // Regression bounds at what this implementation reaches (README-batch-section.md explains the floor).
      expect(gas.get(16)! / 16n).toBeLessThan(78_000n);
      expect(gas.get(64)! / 64n).toBeLessThan(68_000n);
      await revertTo(f.ethers, fresh);
      fresh = await snapshot(f.ethers);
    });

    it("Should reject a batch with one forged proof (InvalidBatch, naming no account) and change nothing", async () => {
      const ps = proofs.slice(0, 16).map((p, i) => (i === 9 ? withC(p, g1Add(cOf(p), G1)) : p));
      await expectRevert(f.errors, attest(16, { ps }), "ZkMarginVerifier__InvalidBatch", []);
      expect((await f.vault.getAccount(ids[0]!)).lastHealthyRound).toBe(0n);
    });

    it("Should refuse an account twice (a repeated proof) and ids out of order", async () => {
      const accountIds = [ids[0]!, ids[1]!, ids[1]!];
      await expectRevert(f.errors, attest(3, { accountIds, ps: [proofs[0]!, proofs[1]!, proofs[1]!] }), "ClearingVault__BatchOrder", [2n]);
      await expectRevert(f.errors, attest(2, { accountIds: [ids[1]!, ids[0]!], ps: [proofs[1]!, proofs[0]!] }), "ClearingVault__BatchOrder", [1n]);
      await expectRevert(f.errors, attest(0), "ClearingVault__BadBatch", [0n, 0n]);
      await expectRevert(f.errors, attest(2, { ps: proofs.slice(0, 3) }), "ClearingVault__BadBatch", [2n, 3n]);
    });

    it("Should reject one account's proof sent for another account (another commitment), and the same proof twice", async () => {
      const swapped = [proofs[0]!, proofs[2]!, proofs[1]!, proofs[3]!];
      await expectRevert(f.errors, attest(4, { ps: swapped }), "ZkMarginVerifier__InvalidBatch", []);
      await expectRevert(f.errors, attest(2, { ps: [proofs[0]!, proofs[0]!] }), "ZkMarginVerifier__InvalidBatch", []);
    });

    it("Should reject proofs bound to another sender", async () => {
      await expectRevert(f.errors, attest(4, { from: f.signers[6]! }), "ZkMarginVerifier__InvalidBatch", []);
    });

    it("Should reject a proof of another vault's account with the same id (another domain in the commitment)", async () => {
      const args = [f.token.target, f.registry.target, f.adapter.target, f.signers[2]!.address, f.signers[0]!.address, BOND, WINDOW, PENALTY_BPS, INSURANCE_BPS, CHALLENGER_BPS];
      const other = await f.ethers.deployContract("ClearingVault", args, { libraries: { PoseidonT3: f.poseidon.PoseidonT3, PoseidonT5: f.poseidon.PoseidonT5 } });
      const domain = { chainId: (await f.ethers.provider.getNetwork()).chainId, vault: BigInt(other.target as string) };
      const prover = new ProverSet();
      const there = prepareMargin(genesisState(domain, ids[1]!, BigInt(f.signers[3]!.address)), round, markets, { binder: BigInt(keeper.address) }, specs);
      const words = (await prover.prove(there)).calldata.proof.map(BigInt);
      await prover.close();
      await expectRevert(f.errors, attest(3, { ps: [proofs[0]!, words, proofs[2]!] }), "ZkMarginVerifier__InvalidBatch", []);
      expect(await verify([proofs[0]!, words], [inputs[0]!, [...there.publicInputs]])).toBe(true); // valid there, not here
    });

    it("Should name the account that fails attest's checks (not up to date, unknown, stale round)", async () => {
      await (await f.vault.connect(f.signers[2]).postFill(ids[2]!, ids[5]!, 12345n)).wait();
      await expectRevert(f.errors, attest(4), "ClearingVault__NotUpToDate", [ids[2]!, 0n, 1n]);
      await expectRevert(f.errors, attest(2, { accountIds: [ids[0]!, 1000n] }), "ClearingVault__UnknownAccount", [1000n]);
      await expectRevert(f.errors, f.vault.connect(keeper).attestBatch(ids.slice(0, 1), 2n, 0, proofs.slice(0, 1)), "ClearingVault__UnknownRound", [2n]);
    });
  });
});
