import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// `npm run test:e2e`: the web app end to end in Debian's headless Chromium (test/e2e/*.e2e.ts). Kept apart
// from `npm test` (whose include is test/**/*.test.ts). One file at a time: the browser proves on both cores.
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
