import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { poseidon2 } from "poseidon-lite";
import { FIELD, RISK_COMMITMENT, deploy, expectRevert, postRound, revertTo, snapshot, type AnyContract, type Fixture } from "./helpers.ts";

let f: Fixture;
let harness: AnyContract;
let snap: string;

beforeAll(async () => {
  f = await deploy();
  harness = await f.ethers.deployContract("PoseidonT3Harness");
});
beforeEach(async () => {
  snap = await snapshot(f.ethers);
});
afterEach(async () => {
  await revertTo(f.ethers, snap);
});

const CASES: [bigint, bigint][] = [
  [0n, 0n],
  [1n, 2n],
  [2n, 1n],
  [FIELD - 1n, FIELD - 1n],
  [0x2b90bba00fca0589f617e7dcbfe82e0df706ab640ceb247b791a93b74e36736dn, 123456789n],
  [(1n << 253n) + 17n, (1n << 200n) - 1n],
];

describe("# PoseidonT3.hash", () => {
  it.each(CASES)("Should equal poseidon-lite poseidon2 for (%s, %s)", async (a, b) => {
    expect(await harness.hash(a, b)).toBe(poseidon2([a, b]));
  });

  it("Should equal poseidon-lite poseidon2 on pseudo-random field elements", async () => {
    let x = 0x5eedn;
    for (let i = 0; i < 8; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) % FIELD;
      const y = (x * x + 7n) % FIELD;
      expect(await harness.hash(x, y)).toBe(poseidon2([x, y]));
    }
  });

  it("Should revert for an input >= the field modulus", async () => {
    await expectRevert(f.errors, harness.hash(FIELD, 1n), "PoseidonT3__InputOutOfField");
    await expectRevert(f.errors, harness.hash(1n, FIELD), "PoseidonT3__InputOutOfField");
  });
});

describe("# OracleRegistry.post (round commitment)", () => {
  it("Should store poseidon2([pricesCommitment, riskCommitment]) as the round commitment", async () => {
    const prices = 0x1d5ac1f31407018b7d413a4f52c8f74463b30e6ac2238220ad8b254de4eaa3a2n;
    const { commitment } = await postRound(f, 1n, undefined, prices);
    expect(commitment).toBe(poseidon2([prices, RISK_COMMITMENT]));
  });
});
