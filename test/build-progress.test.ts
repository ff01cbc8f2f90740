import { availableParallelism } from "node:os";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { buildJobs } from "../prover/src/build/pipeline.ts";
import { snarkjsLogger, startProgress } from "../prover/src/build/progress.ts";

describe("Progress lines of long build steps", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("Should say every interval which part is running and how far along, and nothing once stopped", () => {
    const lines: string[] = [];
    const progress = startProgress((line) => lines.push(line), "setup margin_x", 3_000);
    progress.stage("H points", 200);
    progress.done(80);
    vi.advanceTimersByTime(2_999);
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(lines).toEqual(["setup margin_x: H points 40% (3 s)"]);
    // A part that cannot tell how far along it is gives the time it has taken.
    progress.stage("circom2 running");
    vi.advanceTimersByTime(3_000);
    expect(lines.at(-1)).toBe("setup margin_x: circom2 running (3 s)");
    progress.stop();
    vi.advanceTimersByTime(30_000);
    expect(lines).toHaveLength(2);
  });

  it("Should read snarkjs' chunk messages as parts and counts, keeping the furthest count", () => {
    const seen: string[] = [];
    const progress = { stage: (name: string, total?: number) => seen.push(`stage ${name} ${total ?? "-"}`), done: (units: number) => seen.push(`done ${units}`) };
    const logger = snarkjsLogger(progress, "snarkjs zkey new");
    logger.debug("Writing points start A: 0/13726");
    logger.debug("Writing points start A: 8192/13726");
    logger.debug("Writing points end A: 0/13726");
    logger.debug("Starting section: tauG1");
    logger.debug("Hashing tauG1: 1234");
    logger.debug("Hashing tauG1: 5678");
    logger.debug("Blank Contribution Hash:\n\t\t786a02f7 42015903");
    logger.info("Circuit hash: ...");
    expect(seen).toEqual(["stage snarkjs zkey new: A 13726", "done 0", "done 8192", "done 8192", "stage snarkjs zkey new: Starting section: tauG1 -", "stage snarkjs zkey new: Hashing tauG1 -"]);
  });
});

describe("build jobs (compiles at once)", () => {
  it("Should default to the machine's cores, take ZKMARGIN_BUILD_JOBS, and refuse a bad value naming it", () => {
    const saved = process.env.ZKMARGIN_BUILD_JOBS;
    try {
      delete process.env.ZKMARGIN_BUILD_JOBS;
      expect(buildJobs()).toBe(availableParallelism());
      expect(buildJobs(3)).toBe(3);
      process.env.ZKMARGIN_BUILD_JOBS = "1";
      expect(buildJobs()).toBe(1);
      process.env.ZKMARGIN_BUILD_JOBS = "2";
      expect(buildJobs()).toBe(2);
      for (const bad of ["0", "-2", "1.5", "two"]) {
        process.env.ZKMARGIN_BUILD_JOBS = bad;
        expect(() => buildJobs()).toThrow(/ZKMARGIN_BUILD_JOBS: must be a whole number from 1/);
      }
    } finally {
      if (saved === undefined) delete process.env.ZKMARGIN_BUILD_JOBS;
      else process.env.ZKMARGIN_BUILD_JOBS = saved;
    }
  });
});
