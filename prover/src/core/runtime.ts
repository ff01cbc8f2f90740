import { createRequire } from "node:module";
import { ZkMarginError } from "./errors.ts";

const require = createRequire(import.meta.url);

// What each part of zkmargin needs of the Node it runs on, checked up front (one line) instead of failing
// halfway: the SDK (parse, check, prove, verify) runs on Node >= 20; Hardhat 3 (the demo, the benchmark's
// gas, deployments) needs Node >= 22.13.

/** The oldest Node the SDK and the CLI's proving commands run on. */
export const SDK_NODE = "20.0.0";
/** The oldest Node Hardhat 3 runs on (the demo, deployments, the benchmark's gas measurements). */
export const HARDHAT_NODE = "22.13.0";

function atLeast(version: string, minimum: string): boolean {
  const have = version.replace(/^v/, "").split(".").map(Number);
  const want = minimum.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) !== (want[i] ?? 0)) return (have[i] ?? 0) > (want[i] ?? 0);
  }
  return true;
}

/**
 * Throws a one-line ZkMarginError when this Node is older than `minimum`.
 *
 * @param minimum e.g. {@link HARDHAT_NODE}
 * @param what what needs it, e.g. "the demo (Hardhat 3)"
 */
export function requireNode(minimum: string, what: string): void {
  if (!atLeast(process.versions.node, minimum)) {
    throw new ZkMarginError(undefined, `${what} needs Node >= ${minimum}; this is Node ${process.versions.node} (the npm package node@24 is one: npm install --prefix ~/.cache/node24 node@24, then put ~/.cache/node24/node_modules/.bin first on PATH)`);
  }
}

/**
 * The packages of `names` that cannot be resolved from zkmargin's location (optional peer dependencies a
 * command needs: hardhat, solc, circom2, ...).
 */
export function missingPackages(names: readonly string[]): string[] {
  return names.filter((name) => {
    try {
      // import.meta.resolve follows ESM-only packages' exports; require.resolve is the fallback where a
      // loader (vitest) does not provide it.
      if (typeof import.meta.resolve === "function") import.meta.resolve(name);
      else require.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * Throws a one-line ZkMarginError naming the packages a command needs and the install line, when any is
 * missing (they are optional peer dependencies: proving needs none of them).
 *
 * @param names npm packages, e.g. ["hardhat", "@nomicfoundation/hardhat-ethers", "ethers", "solc"]
 * @param what what needs them, e.g. "the demo"
 */
export function requirePackages(names: readonly string[], what: string): void {
  const missing = missingPackages(names);
  if (missing.length > 0) {
    throw new ZkMarginError(undefined, `${what} needs the npm package${missing.length === 1 ? "" : "s"} ${missing.join(", ")} (optional peer dependenc${missing.length === 1 ? "y" : "ies"} of zkmargin: proving needs none): npm install --save-dev ${missing.join(" ")}`);
  }
}
