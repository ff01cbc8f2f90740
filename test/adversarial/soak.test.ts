import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSoak } from "../../scripts/soak.ts";
import { scratchBuild, type ScratchBuild } from "./helpers/provable.ts";

// The short version of `npm run soak` (1,000 proofs with a vault circuit): a warm prover proving different
// accounts in a row must not keep anything per proof. Here on the small test circuits, made provable with a
// development setup in a build folder of their own (no vault key is built). Bounds are generous (a leak of one
// witness or proof per call would still show over a thousand proofs in the full soak). The margin circuit's
// setup (a Powers of Tau of power 12) takes about a minute on 2 cores: it runs with ZKMARGIN_LONG=1 only.
const CIRCUITS = process.env.ZKMARGIN_LONG ? ["test_deposit_m4", "test_cross_margin_m4"] : ["test_deposit_m4"];

describe("Warm prover soak (short)", () => {
  let build: ScratchBuild;
  beforeAll(async () => {
    build = await scratchBuild(CIRCUITS, "zkmargin-soak-");
    for (const circuit of CIRCUITS) await build.provable(circuit);
  }, 300_000);
  afterAll(() => build?.dispose());

  for (const circuit of CIRCUITS) {
    it(`Should prove 24 different statements with one warm prover (${circuit}) without unbounded memory growth`, async () => {
      const result = await runSoak({ circuit, proofs: 24, warmup: 8, every: 8, verifyEvery: 4 });
      expect(result.proofs).toBe(24);
      expect(result.samples.map((sample) => sample.proofs)).toEqual([8, 16, 24]);
      expect(result.growth.heapUsedMiB).toBeLessThan(32);
      expect(result.growth.rssMiB).toBeLessThan(256);
    }, 300_000);
  }
});
