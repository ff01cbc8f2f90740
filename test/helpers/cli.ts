import { spawn } from "node:child_process";
import { projectPath } from "../../prover/src/build/paths.ts";

/** The result of one CLI run. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a child process to its end without blocking this event loop (a synchronous spawn would starve vitest's
 * worker RPC, which times out after 60 s); kills it after `timeoutMs` (code -1; 0: never).
 */
export function runProcess(command: string, args: readonly string[], options: { readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectPath(), env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    // timeoutMs 0: no limit (long steps get no fixed timeout; a loaded machine must not fail them).
    const timer = options.timeoutMs === 0 ? undefined : setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Runs `zkmargin ...args` as a user would (bin/zkmargin.js under this Node), from the project root. */
export function zkmargin(...args: string[]): Promise<CliResult> {
  return runProcess(process.execPath, [projectPath("bin", "zkmargin.js"), ...args]);
}

/** Paths of the example files. */
export const example = (name: string) => projectPath("examples", name);
