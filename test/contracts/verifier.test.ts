import { describe, expect, it } from "vitest";
import {
  CAPACITIES,
  FIELD,
  expectRevert,
  proofWords,
  revertOf,
  type Fixture,
  withFixture,
} from "./helpers.ts";

let f: Fixture;
withFixture((fixture) => (f = fixture));

const SIGNALS = [11n, 22n, 33n] as const;

describe("# constructor", () => {
  it("Should hold the capacities and their verifiers", async () => {
    expect(await f.adapter.circuitCount()).toBe(3n);
    expect([...(await f.adapter.capacities())]).toEqual([1n, 4n, 16n]);
    for (const n of CAPACITIES) {
      const [m, l] = await f.adapter.verifiersFor(n);
      expect(m).toBe(f.margin[n].target);
      expect(l).toBe(f.liquidation[n].target);
    }
  });

  it("Should reject bad configurations", async () => {
    const m = f.margin[1].target;
    const l = f.liquidation[1].target;
    const factory = await f.ethers.getContractFactory("ZkMarginVerifier");
    await expectRevert(f.errors, factory.deploy([], [], []), "ZkMarginVerifier__BadConfiguration");
    await expectRevert(f.errors, factory.deploy([1], [m, m], [l]), "ZkMarginVerifier__BadConfiguration");
    await expectRevert(f.errors, factory.deploy([1], [m], []), "ZkMarginVerifier__BadConfiguration");
    await expectRevert(
      f.errors,
      factory.deploy([1, 2, 3, 4, 5], [m, m, m, m, m], [l, l, l, l, l]),
      "ZkMarginVerifier__BadConfiguration",
    );
    await expectRevert(f.errors, factory.deploy([0], [m], [l]), "ZkMarginVerifier__BadCapacity", [0]);
    await expectRevert(f.errors, factory.deploy([4, 4], [m, m], [l, l]), "ZkMarginVerifier__BadCapacity", [4]);
    const eoa = f.signers[5].address;
    await expectRevert(f.errors, factory.deploy([1], [eoa], [l]), "ZkMarginVerifier__NotAContract", [eoa]);
    await expectRevert(f.errors, factory.deploy([1], [m], [eoa]), "ZkMarginVerifier__NotAContract", [eoa]);
  });

  it("Should accept up to four capacities", async () => {
    const m = f.margin[1].target;
    const l = f.liquidation[1].target;
    const adapter = await f.ethers.deployContract("ZkMarginVerifier", [[1, 2, 4, 16], [m, m, m, m], [l, l, l, l]]);
    expect([...(await adapter.capacities())]).toEqual([1n, 2n, 4n, 16n]);
    await adapter.verifyMargin(2, proofWords(), ...SIGNALS);
  });
});

describe("# verifyMargin", () => {
  it("Should pass the proof words and public signals to the verifier in snarkjs order", async () => {
    const proof = proofWords(7n);
    await f.margin[4].setCapture(true);
    const seen = await revertOf(f.errors, f.adapter.verifyMargin(4, proof, ...SIGNALS));
    expect(seen.name).toBe("MockGroth16Verifier__Seen");
    const [pA, pB, pC, pub] = seen.args;
    expect([...pA]).toEqual([proof[0], proof[1]]);
    expect(pB.map((row: bigint[]) => [...row])).toEqual([
      [proof[2], proof[3]],
      [proof[4], proof[5]],
    ]);
    expect([...pC]).toEqual([proof[6], proof[7]]);
    expect([...pub]).toEqual([...SIGNALS]);
  });

  it("Should route each capacity to its own margin verifier", async () => {
    for (const n of CAPACITIES) {
      await f.margin[n].setResult(false);
      await expectRevert(f.errors, f.adapter.verifyMargin(n, proofWords(), ...SIGNALS), "ZkMarginVerifier__InvalidProof");
      for (const other of CAPACITIES.filter((o) => o !== n)) {
        await f.adapter.verifyMargin(other, proofWords(), ...SIGNALS);
      }
      // the liquidation verifier of the same capacity is a different contract
      await f.adapter.verifyLiquidation(n, proofWords(), ...SIGNALS);
      await f.margin[n].setResult(true);
    }
  });

  it("Should revert InvalidProof when the verifier returns false (tampered proof)", async () => {
    await f.margin[1].setResult(false);
    await expectRevert(f.errors, f.adapter.verifyMargin(1, proofWords(), ...SIGNALS), "ZkMarginVerifier__InvalidProof");
  });

  it("Should revert UnknownCircuit for a capacity without verifier", async () => {
    for (const n of [0, 2, 8, 255]) {
      await expectRevert(f.errors, f.adapter.verifyMargin(n, proofWords(), ...SIGNALS), "ZkMarginVerifier__UnknownCircuit", [n]);
    }
  });

  it("Should revert InputOutOfField for any public input >= r and accept r - 1", async () => {
    for (let i = 0; i < 3; i++) {
      const signals: bigint[] = [...SIGNALS];
      signals[i] = FIELD;
      await expectRevert(f.errors, f.adapter.verifyMargin(1, proofWords(), ...signals), "ZkMarginVerifier__InputOutOfField");
      signals[i] = 2n ** 256n - 1n;
      await expectRevert(f.errors, f.adapter.verifyMargin(1, proofWords(), ...signals), "ZkMarginVerifier__InputOutOfField");
      signals[i] = FIELD - 1n;
      await f.adapter.verifyMargin(1, proofWords(), ...signals);
    }
    // the decoy value from the brief is below r, so it is a valid input
    await f.adapter.verifyMargin(
      1,
      proofWords(),
      21888242871839275222246405745257275088548364400416034343696093572700000000000n,
      1n,
      1n,
    );
  });
});

describe("# verifyLiquidation", () => {
  it("Should route to the liquidation verifier and pass the exact signals", async () => {
    await f.liquidation[16].setCapture(true);
    const seen = await revertOf(f.errors, f.adapter.verifyLiquidation(16, proofWords(), ...SIGNALS));
    expect(seen.name).toBe("MockGroth16Verifier__Seen");
    expect([...seen.args[3]]).toEqual([...SIGNALS]);
    await f.liquidation[16].setCapture(false);
    await f.liquidation[16].setResult(false);
    await expectRevert(f.errors, f.adapter.verifyLiquidation(16, proofWords(), ...SIGNALS), "ZkMarginVerifier__InvalidProof");
    await f.adapter.verifyMargin(16, proofWords(), ...SIGNALS);
  });

  it("Should revert UnknownCircuit and InputOutOfField like verifyMargin", async () => {
    await expectRevert(f.errors, f.adapter.verifyLiquidation(3, proofWords(), ...SIGNALS), "ZkMarginVerifier__UnknownCircuit", [3]);
    await expectRevert(f.errors, f.adapter.verifyLiquidation(1, proofWords(), 1n, 2n, FIELD), "ZkMarginVerifier__InputOutOfField");
  });
});
