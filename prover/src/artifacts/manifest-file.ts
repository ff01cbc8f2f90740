import { existsSync, readFileSync } from "node:fs";
import { artifactPaths } from "../build/paths.ts";
import { ZkMarginError } from "../core/errors.ts";
import type { CircuitManifest } from "./manifest.ts";

/** Reads a circuit's manifest, or undefined when it has not been set up. */
export function readManifest(circuitId: string): CircuitManifest | undefined {
  const path = artifactPaths(circuitId).manifest;
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as CircuitManifest;
  } catch (error) {
    throw new ZkMarginError(`manifest ${path}`, `is not valid JSON (${(error as Error).message.replace(/\s+/g, " ")}): rebuild with \`npx zkmargin build --force\``);
  }
}
