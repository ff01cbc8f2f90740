import { randomBytes } from "node:crypto";
import hre from "hardhat";
import poseidonSolidity from "poseidon-solidity";
import { beforeAll, describe, expect, it } from "vitest";
import { deployPoseidon, librariesFor, type HardhatEthers, type PoseidonAddresses } from "../../prover/src/chain/deployment.ts";
import { poseidonHash, sponge } from "../../prover/src/commitment/sponge.ts";
import { Interface } from "ethers";
import { FIELD, ensureBuilt, expectRevert, type AnyContract } from "./helpers.ts";

const randomField = (): bigint => BigInt(`0x${randomBytes(32).toString("hex")}`) % FIELD;

describe("# poseidon-solidity PoseidonT2..T6 and ZkMarginHash.sponge5", () => {
  let harness: AnyContract;
  let deterministic: AnyContract;
  let addresses: PoseidonAddresses;

  beforeAll(async () => {
    await ensureBuilt();
    const { ethers } = await hre.network.create();
    const plain = await deployPoseidon(ethers as unknown as HardhatEthers);
    harness = await ethers.deployContract("ZkMarginHashHarness", [], { libraries: librariesFor("ZkMarginHashHarness", plain) });
    addresses = await deployPoseidon(ethers as unknown as HardhatEthers, { deterministic: true });
    deterministic = await ethers.deployContract("ZkMarginHashHarness", [], { libraries: librariesFor("ZkMarginHashHarness", addresses) });
  });

  it("Should equal poseidon-lite (circomlib) for 1 to 5 random field elements, 12 draws each", async () => {
    for (let n = 1; n <= 5; n++) {
      for (let draw = 0; draw < 12; draw++) {
        const inputs = Array.from({ length: n }, randomField);
        expect(await harness.poseidon(inputs)).toBe(poseidonHash(inputs));
      }
    }
  });

  it("Should equal poseidon-lite at the edges: zeros and r - 1", async () => {
    for (let n = 1; n <= 5; n++) {
      expect(await harness.poseidon(new Array(n).fill(0n))).toBe(poseidonHash(new Array(n).fill(0n)));
      expect(await harness.poseidon(new Array(n).fill(FIELD - 1n))).toBe(poseidonHash(new Array(n).fill(FIELD - 1n)));
    }
    // circomlibjs known vector
    expect(await harness.poseidon([1n, 2n])).toBe(7853200120776062878684798364095072458815029376092732009249414926327459813530n);
  });

  it("Should compute Sponge(5, list) as the SDK for every length 1 to 40 (every last-chunk size)", async () => {
    for (let n = 1; n <= 40; n++) {
      const list = Array.from({ length: n }, randomField);
      expect(await harness.sponge5(list), `length ${n}`).toBe(sponge(5, list));
    }
  });

  it("Should revert EmptyList for an empty list", async () => {
    await expectRevert(new Interface(["error ZkMarginHash__EmptyList()"]), harness.sponge5([]), "ZkMarginHash__EmptyList");
  });

  it("Should deploy at poseidon-solidity's deterministic addresses and hash the same there", async () => {
    for (const name of ["PoseidonT2", "PoseidonT3", "PoseidonT4", "PoseidonT5", "PoseidonT6"] as const) {
      expect(addresses[name].toLowerCase()).toBe(poseidonSolidity[name].address.toLowerCase());
    }
    const list = Array.from({ length: 17 }, randomField);
    expect(await deterministic.sponge5(list)).toBe(sponge(5, list));
    for (let n = 1; n <= 5; n++) {
      const inputs = Array.from({ length: n }, randomField);
      expect(await deterministic.poseidon(inputs)).toBe(poseidonHash(inputs));
    }
  });

  it("Should report the gas of a 17-element sponge (a round's prices: 4 x PoseidonT6)", async () => {
    const [, gas] = await harness.sponge5Gas(Array.from({ length: 17 }, randomField));
    console.log(`sponge5 over 17 elements: ${gas} gas`);
    expect(gas).toBeLessThan(320_000n);
  });
});
