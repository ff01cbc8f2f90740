import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { STATEMENTS, STATEMENT_ARITY, verifierCircuitIds, type Statement } from "../../prover/src/chain/deployment.ts";
import { FIELD, type Fixture, expectRevert, proofWords, seen, withFixture } from "./helpers.ts";

let f: Fixture;
withFixture((fixture) => (f = fixture));

const ENTRY: Record<Statement, string> = {
  deposit: "verifyDeposit", applyFills: "verifyApplyFills", withdraw: "verifyWithdraw", margin: "verifyMargin", takeover: "verifyTakeover",
};
const inputs = (n: number, base = 100n): bigint[] => Array.from({ length: n }, (_, i) => base + BigInt(i));

describe("# verifier circuit ids (prover/src/chain/deployment.ts) against circuits/circuits.json", () => {
  it("Should name, per profile and statement, a proving circuit with the statement's public-input count", () => {
    const specs = JSON.parse(readFileSync(new URL("../../circuits/circuits.json", import.meta.url), "utf8")) as Record<string, { pubs?: string[]; setup?: boolean }>;
    for (const profile of ["cross", "lending", "tiered"] as const) {
      const ids = verifierCircuitIds(profile);
      for (const statement of STATEMENTS) {
        const spec = specs[ids[statement]];
        expect(spec, `${profile} ${statement}: ${ids[statement]}`).toBeDefined();
        expect(spec!.setup).toBe(true);
        expect(spec!.pubs).toHaveLength(STATEMENT_ARITY[statement]);
      }
    }
  });
});

describe("# ZkMarginVerifier", () => {
  it("Should hold one verifier per statement and the profile's risk tag", async () => {
    expect(await f.adapter.riskTag()).toBe(3n);
    expect(await f.adapter.depositVerifier()).toBe(f.verifiers.deposit.target);
    expect(await f.adapter.applyFillsVerifier()).toBe(f.verifiers.applyFills.target);
    expect(await f.adapter.withdrawVerifier()).toBe(f.verifiers.withdraw.target);
    expect(await f.adapter.marginVerifier()).toBe(f.verifiers.margin.target);
    expect(await f.adapter.takeoverVerifier()).toBe(f.verifiers.takeover.target);
  });

  for (const statement of STATEMENTS) {
    const n = STATEMENT_ARITY[statement];
    describe(`# ${ENTRY[statement]} (${n} public inputs)`, () => {
      it("Should pass the proof words and the inputs unchanged to its own verifier", async () => {
        const proof = proofWords(7n);
        const got = await seen(f, f.verifiers[statement], () => f.adapter[ENTRY[statement]](proof, inputs(n)));
        expect(got).toEqual({ proof, signals: inputs(n) });
        await f.adapter[ENTRY[statement]](proof, inputs(n)); // the (accepting) mock: no revert
      });

      it("Should revert InvalidProof when its verifier returns false, or for other inputs than the proof's", async () => {
        await (await f.verifiers[statement].expectSignals(inputs(n))).wait();
        await f.adapter[ENTRY[statement]](proofWords(), inputs(n));
        await expectRevert(f.errors, f.adapter[ENTRY[statement]](proofWords(), inputs(n, 101n)), "ZkMarginVerifier__InvalidProof");
        await (await f.verifiers[statement].setResult(false)).wait();
        await expectRevert(f.errors, f.adapter[ENTRY[statement]](proofWords(), inputs(n)), "ZkMarginVerifier__InvalidProof");
      });

      it("Should revert InputOutOfField for any input >= r (r - 1 passes)", async () => {
        for (let i = 0; i < n; i++) {
          const bad = inputs(n);
          bad[i] = FIELD;
          await expectRevert(f.errors, f.adapter[ENTRY[statement]](proofWords(), bad), "ZkMarginVerifier__InputOutOfField", [BigInt(i)]);
          bad[i] = FIELD - 1n;
          await f.adapter[ENTRY[statement]](proofWords(), bad);
        }
      });
    });
  }

  it("Should refuse an unknown risk tag and a verifier without code at construction", async () => {
    const v = f.verifiers;
    const addresses = [v.deposit.target, v.applyFills.target, v.withdraw.target, v.margin.target, v.takeover.target];
    await expectRevert(f.errors, f.ethers.deployContract("ZkMarginVerifier", [2, ...addresses]), "ZkMarginVerifier__UnknownProfile", [2]);
    await expectRevert(f.errors, f.ethers.deployContract("ZkMarginVerifier", [6, ...addresses]), "ZkMarginVerifier__UnknownProfile", [6]);
    const noCode = f.signers[9]!.address;
    await expectRevert(f.errors, f.ethers.deployContract("ZkMarginVerifier", [3, ...addresses.slice(0, 4), noCode]), "ZkMarginVerifier__NotAContract", [noCode]);
  });
});
