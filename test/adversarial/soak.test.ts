import { describe, expect, it } from "vitest";
import { runSoak } from "../../scripts/soak.ts";

// The short version of `npm run soak` (1,000 proofs): a warm prover proving different accounts in a row must
// not keep anything per proof. Bounds are generous (a leak of one witness or proof per call would still show
// over a thousand proofs in the full soak, whose figures are in the report).
describe("Warm prover soak (short)", () => {
  it("Should prove 24 different accounts with one warm prover without unbounded memory growth", async () => {
    const result = await runSoak({ proofs: 24, warmup: 8, every: 8, verifyEvery: 4 });
    expect(result.proofs).toBe(24);
    expect(result.samples.map((sample) => sample.proofs)).toEqual([8, 16, 24]);
    expect(result.growth.heapUsedMiB).toBeLessThan(32);
    expect(result.growth.rssMiB).toBeLessThan(256);
  }, 300_000);
});
