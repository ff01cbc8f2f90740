#!/usr/bin/env node
// Entry point of the `zkmargin` command. The installed package runs the compiled CLI (dist/); a clone of the
// repository runs the TypeScript sources through tsx (a development dependency), so edits take effect at once.
import { existsSync } from "node:fs";

const [major] = process.versions.node.split(".").map(Number);
if (major < 20) {
  process.stderr.write(`zkmargin: needs Node >= 20 (the demo and deployments: >= 22.13); this is Node ${process.versions.node}\n`);
  process.exit(2);
}
const sources = new URL("../prover/src/cli/main.ts", import.meta.url);
if (existsSync(sources)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(sources.href);
} else {
  await import("../dist/cli/main.js");
}
