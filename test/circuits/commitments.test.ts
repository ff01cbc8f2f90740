import { beforeAll, describe, expect, it } from "vitest";
import { poseidonChain } from "../../prover/src/commitment/poseidon-chain.ts";
import { CircuitTester } from "../helpers/circuit-tester.ts";

// PoseidonChain(23): links of Poseidon(8) over 8 + 7 + 7 + 1 elements; trailing zero links are skipped.
describe("PoseidonChain: circuit vs poseidon-lite", () => {
  let chain: CircuitTester;
  beforeAll(async () => {
    chain = await CircuitTester.load("test_chain_l23");
  });

  const run = async (elements: bigint[]) => {
    const padded = [...elements, ...new Array<bigint>(23 - elements.length).fill(0n)];
    const witness = await chain.witness({ in: padded.map(String) });
    return chain.outputs(witness)[0];
  };

  it("Should hash like the TypeScript chain for every number of non-zero elements", async () => {
    for (let length = 1; length <= 23; length++) {
      const elements = Array.from({ length }, (_, i) => BigInt(i + 1) * 0x1234567890abcdefn);
      expect(await run(elements)).toBe(poseidonChain(elements));
    }
  });

  it("Should give zero-padded lists the digest of the unpadded list (capacity independence)", async () => {
    const elements = [5n, 6n, 7n, 8n, 9n, 10n, 11n, 12n, 13n];
    expect(await run(elements)).toBe(poseidonChain(elements));
    expect(poseidonChain([...elements, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n])).toBe(poseidonChain(elements));
  });

  it("Should refuse an all-zero link followed by data (no shifting of positional data)", async () => {
    const elements = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 9n];
    await expect(chain.witness({ in: [...elements, ...new Array<bigint>(7).fill(0n)].map(String) })).rejects.toThrow();
    expect(() => poseidonChain(elements)).toThrow(/trailing zeros/);
  });

  it("Should break a constraint when an empty link's digest is forged to skip a non-empty link", async () => {
    const elements = Array.from({ length: 20 }, (_, i) => BigInt(i + 1));
    const witness = await chain.witness({ in: [...elements, 0n, 0n, 0n].map(String) });
    expect(chain.satisfies(witness)).toBe(true);
    // Claim link 2 is empty (IsZero out = 1) without changing its elements.
    const name = chain.signalNames().find((signal) => /^main\.empty\[1\]\.out$/.test(signal));
    expect(name).toBeDefined();
    expect(chain.satisfies(chain.edit(witness, { [name!]: 1n }))).toBe(false);
  });
});
