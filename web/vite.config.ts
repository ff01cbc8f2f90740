import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { zkmarginArtifacts } from "./plugins/artifacts.ts";
import { browserOnly } from "./plugins/browser-only.ts";

// The trader's page: `npm run web:dev` (dev server, artifacts served from build/) or `npm run web:build`
// (static bundle in web/dist with the artifacts copied in). Everything is relative to web/.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  plugins: [browserOnly(), zkmarginArtifacts()],
  worker: { format: "es", plugins: () => [browserOnly()] },
  // Pre-bundled at dev-server start: the worker's imports are otherwise found only on the first proof, and
  // Vite's re-optimization would reload the page mid-proof.
  optimizeDeps: { include: ["snarkjs", "circom_runtime", "poseidon-lite"] },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // snarkjs' browser bundle is ~0.5 MB on its own; the proving keys are separate assets.
    chunkSizeWarningLimit: 2048,
  },
  server: { host: "127.0.0.1", port: 5173 },
  preview: { host: "127.0.0.1", port: 4173 },
});
