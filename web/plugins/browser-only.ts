import { builtinModules } from "node:module";
import type { Plugin } from "vite";

/**
 * Fails the build when browser code imports a Node built-in (node:fs, path, ...), e.g. through one of the
 * SDK's Node-only modules (build/, model/json.ts, prover/warm-prover.ts ...). Type-only imports are erased
 * before resolution and do not count. Vite would otherwise only warn and ship a module that throws.
 */
export function browserOnly(): Plugin {
  const builtins = new Set(builtinModules);
  return {
    name: "zkmargin-browser-only",
    enforce: "pre",
    resolveId(id, importer) {
      if (importer && (id.startsWith("node:") || builtins.has(id))) {
        this.error(`${importer} imports the Node built-in "${id}": only the SDK's pure modules may run in the browser`);
      }
      return null;
    },
  };
}
