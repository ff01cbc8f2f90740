import { describe, expect, it } from "vitest";
import { runStory } from "../prover/src/demo/story.ts";

// `npm start` runs this story; the test holds it to the gas budget (gas is deterministic, not timing).
describe("demo (npm start)", () => {
  it("Should play the whole private-liquidation story with real proofs and keep the vault balanced", async () => {
    const result = await runStory();
    expect(result.balanced).toBe(true);
    expect(result.steps.map((step) => step.step)).toEqual(expect.arrayContaining(["attest", "challenge", "answer", "liquidate", "front-run", "liquidate by proof", "invariant"]));
    expect(Object.keys(result.gas)).toEqual(expect.arrayContaining(["attest", "challenge", "answer", "liquidateUnanswered", "liquidateByProof", "verifierTransaction"]));
    expect(result.gas.attest).toBeLessThanOrEqual(260_000);
  });
});
