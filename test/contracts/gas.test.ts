/**
 * Gas of every vault operation, one transaction each (all storage cold, as on chain), with the mock verifier.
 * The mock's own cost is measured and replaced by a real snarkjs 3-public-input Groth16 verifier's cost to
 * project the real attest transaction: measured on the generated MarginN1M16Verifier when contracts/generated/
 * is built (with an on-curve dummy proof: the verifier runs the same pairing and returns false), else on
 * REFERENCE_VERIFIER_GAS, measured once on a snarkjs 0.7.6 verifier of a toy 3-input circuit.
 */
import { beforeAll, describe, expect, it } from "vitest";
import hre from "hardhat";
import {
  FIELD,
  WINDOW,
  deploy,
  gasOf,
  increaseTime,
  postRound,
  proofWords,
  type AnyContract,
  type Fixture,
} from "./helpers.ts";

/** verifyProof of a snarkjs 0.7.6 Groth16 verifier with 3 public signals, incl. the cold call (GasMeter). */
const REFERENCE_VERIFIER_GAS = 205_156n;
/** The budgets. */
const VERIFIER_BUDGET = 215_000n;
const ATTEST_TX_BUDGET = 260_000n;

/** BN254 G1 and G2 generators, in the verifier's calldata order: an on-curve proof that fails verification. */
const G1 = [1n, 2n];
const G2 = [
  [11559732032986387107991004021392285783925812861821192530917403151452391805634n, 10857046999023057135944570762232829481370756359578518086990519993285655852781n],
  [4082367875863433681332203403145435568316851327593401208105741076214120093531n, 8495653923123431417604973247489272438418190587263600148770280649306958101930n],
];

let f: Fixture;
let meter: AnyContract;
/** Proof words as large as real ones (calldata gas counts nonzero bytes). */
const PROOF = proofWords(9n).map((w, i) => (FIELD - 1n - w * 0x9e3779b97f4a7c15n * BigInt(i + 1)) % FIELD);
const gas: Record<string, bigint> = {};

async function verifierGas(verifier: AnyContract, signals: bigint[], proof: bigint[][] = [G1, ...G2, G1]): Promise<bigint> {
  const data = verifier.interface.encodeFunctionData("verifyProof", [proof[0], [proof[1], proof[2]], proof[3], signals]);
  const [used, ok] = await meter.measure(verifier.target, data);
  expect(ok).toBe(true);
  return used;
}

beforeAll(async () => {
  f = await deploy();
  meter = await f.ethers.deployContract("GasMeter");
  const [, , alice, bob, carol, dave] = f.signers;
  const v = (s: { address: string }) => f.vault.connect(s);
  const harness = await f.ethers.deployContract("PoseidonT3Harness");
  gas["PoseidonT3.hash (in-contract)"] = (await harness.hashGas(123n, 456n))[1];

  gas["registry.post (first round)"] = await gasOf(f.registry.connect(f.signers[1]).post(1n, (await f.ethers.provider.getBlock("latest"))!.timestamp, 11n));
  await postRound(f, 2n);
  const ts = BigInt((await f.ethers.provider.getBlock("latest"))!.timestamp);
  gas["registry.post (later round)"] = await gasOf(f.registry.connect(f.signers[1]).post(3n, ts, 33n));

  gas["vault.open (first account)"] = await gasOf(v(alice).open(111n, 1_000_000_000n));
  gas["vault.open"] = await gasOf(v(dave).open(222n, 1_000_000_000n));
  await v(carol).open(333n, 1_000_000_000n);
  gas["vault.attest (mock verifier)"] = await gasOf(v(alice).attest(1n, 3n, 1, 0, PROOF));
  gas["vault.challenge"] = await gasOf(v(bob).challenge(2n));
  gas["vault.answer (mock verifier)"] = await gasOf(v(dave).answer(2n, 3n, 1, PROOF));
  gas["vault.update, trade (mock verifier)"] = await gasOf(v(alice).update(1n, 444n, 1_000_000_000n, 3n, 1, PROOF));
  gas["vault.update, withdraw (mock verifier)"] = await gasOf(v(alice).update(1n, 555n, 500_000_000n, 3n, 1, PROOF));
  gas["vault.claim"] = await gasOf(v(dave).claim());
  await postRound(f, 4n);
  await v(bob).challenge(3n);
  await increaseTime(f.ethers, WINDOW + 1n);
  gas["vault.liquidateUnanswered"] = await gasOf(v(carol).liquidateUnanswered(3n));
  await postRound(f, 5n);
  gas["vault.liquidateByProof (mock verifier)"] = await gasOf(v(carol).liquidateByProof(2n, 5n, 1, PROOF));

  gas["mock verifyProof (incl. call)"] = await verifierGas(f.margin[1], [1n, 2n, 3n]);
  const getRound = f.registry.interface.encodeFunctionData("getRound", [5n]);
  gas["registry.getRound (incl. call)"] = (await meter.measure(f.registry.target, getRound))[0];
  const verify = f.adapter.interface.encodeFunctionData("verifyMargin", [1, PROOF, 1n, 2n, 3n]);
  gas["adapter.verifyMargin -> mock (incl. calls)"] = (await meter.measure(f.adapter.target, verify))[0];
  if (await hre.artifacts.artifactExists("MarginN1M16Verifier")) {
    const real = await f.ethers.deployContract("MarginN1M16Verifier");
    gas["MarginN1M16Verifier verifyProof (incl. call)"] = await verifierGas(real, [1n, 2n, 3n]);
  }
});

describe("# gas", () => {
  it("Should print the gas of every operation", () => {
    const rows = Object.entries(gas).map(([op, g]) => `  ${op.padEnd(48)} ${g.toLocaleString("en-US").padStart(9)}`);
    console.log(["gas used (one transaction each, EDR, solc 0.8.28 optimizer 200 runs):", ...rows].join("\n"));
  });

  it("Should keep a real attest transaction within the issue's budget", () => {
    const realVerifier = gas["MarginN1M16Verifier verifyProof (incl. call)"] ?? REFERENCE_VERIFIER_GAS;
    const overhead = gas["vault.attest (mock verifier)"] - gas["mock verifyProof (incl. call)"];
    const projected = overhead + realVerifier;
    console.log(
      [
        `  attest without the verifier call (base tx + calldata + vault + registry + adapter): ${overhead.toLocaleString("en-US")}`,
        `  verifier (${gas["MarginN1M16Verifier verifyProof (incl. call)"] ? "generated MarginN1M16Verifier" : "reference snarkjs verifier"}): ${realVerifier.toLocaleString("en-US")}`,
        `  projected attest transaction: ${projected.toLocaleString("en-US")} (budget ${ATTEST_TX_BUDGET.toLocaleString("en-US")})`,
      ].join("\n"),
    );
    expect(realVerifier).toBeLessThanOrEqual(VERIFIER_BUDGET);
    expect(projected).toBeLessThanOrEqual(ATTEST_TX_BUDGET);
  });
});
