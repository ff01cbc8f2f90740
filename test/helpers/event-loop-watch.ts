/**
 * Vitest setup file: warns when a test keeps its worker's event loop blocked for 20 s or more.
 *
 * Vitest's worker RPC times out after a fixed 60 s ("[vitest-worker]: Timeout calling onTaskUpdate",
 * vitest-dev/vitest#6479) and then fails the whole run although every test passed. The cause was a synchronous
 * child process (spawnSync of a `zkmargin ceremony finalize`, blocked 57 s under load); the CLI helpers now
 * spawn asynchronously. This names the test if some other synchronous section grows that long.
 */
import { expect } from "vitest";

const TICK_MS = 1_000;
const WARN_AFTER_MS = 20_000;

let last = performance.now();
setInterval(() => {
  const now = performance.now();
  const blocked = now - last - TICK_MS;
  if (blocked >= WARN_AFTER_MS) {
    const { testPath, currentTestName } = expect.getState();
    console.warn(`[event-loop-watch] the event loop was blocked ${(blocked / 1000).toFixed(1)} s (vitest's worker RPC gives up at 60 s) in ${testPath ?? "?"} :: ${currentTestName ?? "(between tests)"}: make that section asynchronous`);
  }
  last = now;
}, TICK_MS).unref();
