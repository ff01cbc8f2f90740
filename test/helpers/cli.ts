import { spawnSync } from "node:child_process";
import { projectPath } from "../../prover/src/build/paths.ts";

/** The result of one CLI run. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `zkmargin ...args` as a user would (bin/zkmargin.js under this Node), from the project root. */
export function zkmargin(...args: string[]): CliResult {
  const result = spawnSync(process.execPath, [projectPath("bin", "zkmargin.js"), ...args], { cwd: projectPath(), encoding: "utf8", timeout: 120_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Paths of the example files. */
export const example = (name: string) => projectPath("examples", name);
