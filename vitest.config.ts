import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Forks, not threads: snarkjs and Hardhat keep worker threads and native state per process.
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: more parallel files only fight over them (proving is itself multi-threaded).
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // Vitest's worker RPC has a fixed 60 s timeout ("[vitest-worker]: Timeout calling onTaskUpdate",
    // vitest-dev/vitest#6479, #8164): a test file that keeps a worker's event loop busy that long under CI load
    // (the ceremony and Powers of Tau tests run snarkjs' long synchronous loops) makes the run exit 1 although
    // every test passed. Failed tests still fail the run. TODO: find the blocking section and yield there.
    dangerouslyIgnoreUnhandledErrors: true,
  },
});
