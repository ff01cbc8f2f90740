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
    // Names a test that blocks its worker long enough to trip vitest's fixed 60 s worker RPC timeout.
    setupFiles: ["test/helpers/event-loop-watch.ts"],
  },
});
