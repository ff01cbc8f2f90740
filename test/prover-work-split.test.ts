import { describe, expect, it } from "vitest";
import { WorkSplit, type SplitSample } from "../prover/src/prover/work-split.ts";

// A simulated proof: this thread computes the polynomial (`polynomial` ms) then its shares of H and of the
// witness MSMs; one worker does the rest of the witness MSMs, then the rest of H. Times per whole MSM.
function simulate(split: WorkSplit, cost: { polynomial: number; h: number; witness: number }): SplitSample & { gap: number } {
  const localHMs = split.h * cost.h;
  const localWitnessMs = split.witness * cost.witness;
  const remoteWitnessMs = (1 - split.witness) * cost.witness;
  const remoteHMs = (1 - split.h) * cost.h;
  const localEndedAt = cost.polynomial + localHMs + localWitnessMs;
  // The worker starts H when both its witness share is done and H has been posted (after the polynomial).
  const remoteEndedAt = Math.max(remoteWitnessMs, cost.polynomial) + remoteHMs;
  return { localEndedAt, remoteEndedAt, localHMs, localWitnessMs, remoteHMs, remoteWitnessMs, gap: localEndedAt - remoteEndedAt };
}

function settle(cost: { polynomial: number; h: number; witness: number }, start?: number): { split: WorkSplit; gaps: number[] } {
  const split = new WorkSplit(1, start);
  const gaps: number[] = [];
  for (let i = 0; i < 12; i++) {
    const sample = simulate(split, cost);
    gaps.push(Math.abs(sample.gap));
    split.record(sample);
  }
  return { split, gaps };
}

describe("WorkSplit (the calling thread's share of a proof's MSMs)", () => {
  it("Should give this thread part of the witness MSMs when they outweigh the polynomial and H (a deposit)", () => {
    const { split, gaps } = settle({ polynomial: 30, h: 70, witness: 290 });
    expect(split.h).toBe(1);
    // Balanced: 30 + 70 + g 290 = (1 - g) 290, g = 0.328
    expect(split.witness).toBeCloseTo(0.328, 2);
    expect(gaps.at(-1)!).toBeLessThan(1);
  });

  it("Should give the worker part of H when the polynomial and H outweigh the witness MSMs, crossing load 1 on the way", () => {
    const { split, gaps } = settle({ polynomial: 90, h: 300, witness: 200 }, 1.5);
    expect(split.witness).toBe(0);
    // 90 + f 300 = 200 + (1 - f) 300 once the worker's witness share is done after the polynomial: f = 0.683
    expect(split.h).toBeCloseTo(0.683, 2);
    expect(gaps.at(-1)!).toBeLessThan(1);
  });

  it("Should stay within its bounds, stopping at load 1 on the way: none of H here at the least, the workers keep 5% of the witness MSMs at the most", () => {
    const split = new WorkSplit(1, 1.5);
    const sample = (gap: number) => ({ localEndedAt: gap, remoteEndedAt: 0, localHMs: 50 * split.h, localWitnessMs: 50 * split.witness, remoteHMs: 50 * (1 - split.h), remoteWitnessMs: 50 * (1 - split.witness) });
    split.record(sample(10_000));
    expect(split.current).toBe(1);
    split.record(sample(10_000));
    expect(split.current).toBe(0);
    split.record(sample(10_000));
    expect(split.current).toBe(0);
    split.record(sample(-10_000));
    expect(split.current).toBe(1);
    split.record(sample(-10_000));
    expect(split.current).toBeCloseTo(1.95, 9);
    expect(split.witness).toBeCloseTo(0.95, 9);
  });

  it("Should split H evenly when the polynomial holds the worker back as long as this thread", () => {
    // The worker's witness share ends before H is posted: both sides start H together.
    expect(settle({ polynomial: 1000, h: 10, witness: 10 }).split.h).toBeCloseTo(0.5, 3);
  });

  it("Should keep its load when a sample gives no rate to step with", () => {
    const split = new WorkSplit(1, 1.2);
    split.record({ localEndedAt: 10, remoteEndedAt: 5, localHMs: 0, localWitnessMs: 0, remoteHMs: 0, remoteWitnessMs: 0 });
    expect(split.current).toBe(1.2);
  });
});
