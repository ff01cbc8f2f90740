import { describe, expect, it } from "vitest";
import { runStory } from "../prover/src/demo/story.ts";

// `npm start` runs this story with real proofs of every statement; the test holds it to its promises: every
// act happens, the invariant holds exactly, and attest stays within its gas budget (gas is deterministic).
describe("demo (npm start)", () => {
  it("Should play the whole private-clearing story with real proofs and keep the vault balanced", async () => {
    const result = await runStory();
    expect(result.balanced).toBe(true);
    const steps = result.steps.map((step) => step.step);
    expect(steps).toEqual(expect.arrayContaining(["deposit", "postFill", "applyFills", "attest", "challenge", "answer", "takeover", "withdraw", "withdraw fees", "invariant"]));
    // Each step is printed once: no step line repeats in the summary (the summary lists gas per call only).
    expect(new Set(result.steps.map((step) => `${step.step} ${step.who} ${step.result}`)).size).toBe(result.steps.length);
    expect(result.steps.find((step) => step.step === "takeover")!.result).toMatch(/insurance fund pays his bad debt of 293.4 USDC/);
    expect(Object.keys(result.gas)).toEqual(expect.arrayContaining(["post round", "open", "deposit", "postFill", "applyFills", "attest", "challenge", "answer", "takeover", "withdraw"]));
    expect(result.gas.attest).toBeLessThanOrEqual(260_000);
  });
});
