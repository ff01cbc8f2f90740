import { readFileSync } from "node:fs";
import { projectPath } from "../build/paths.ts";
import { parseCircuitSpecs, type CircuitSpec } from "./registry.ts";

/**
 * Reads circuits/circuits.json, the declarative list of entry circuits (see parseCircuitSpecs).
 *
 * @param path the list to read (default: the project's)
 */
export function loadCircuitSpecs(path = projectPath("circuits", "circuits.json")): CircuitSpec[] {
  return parseCircuitSpecs(JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>);
}
