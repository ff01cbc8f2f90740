/**
 * `zkmargin bench` (also `npm run bench`): option parsing and the four modes (measure, --render, --dev-ptau,
 * --dev-setup).
 * One implementation for the CLI and the npm script, so the two never accept different flags.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../build/files.ts";
import { projectPath } from "../build/paths.ts";
import { startProgress } from "../build/progress.ts";
import { writeKnownTauPtau } from "../build/ptau.ts";
import { ZkMarginError } from "../core/errors.ts";
import { renderMarkdown, renderPlots } from "./report.ts";
import type { BenchOptions, BenchResults } from "./run.ts";
import { defaultBenchDir } from "./specs.ts";

export { BENCH_OPTIONS, BENCH_USAGE } from "./usage.ts";

type Values = Record<string, string | boolean | string[] | undefined>;

function wholeNumber(values: Values, name: string, minimum: number, maximum = Number.MAX_SAFE_INTEGER): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (typeof text !== "string" || !/^\d+$/.test(text) || value < minimum || value > maximum) {
    throw new ZkMarginError(`--${name}`, `must be a whole number from ${minimum} to ${maximum}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * Checks the flags of `zkmargin bench` and turns them into runBench options (or a render / dev-ptau /
 * dev-setup request).
 * Throws ZkMarginError naming the flag on a bad value or a contradictory combination.
 */
export function benchRequest(values: Values): { mode: "render"; dir: string } | { mode: "dev-ptau"; power: number } | { mode: "dev-setup"; circuit: string } | { mode: "measure"; options: BenchOptions } {
  const out = typeof values.out === "string" ? resolve(values.out) : undefined;
  if (values.quick === true && values.grid === true) throw new ZkMarginError("--grid", "cannot be combined with --quick");
  if (values.render === true && values["dev-ptau"] !== undefined) throw new ZkMarginError("--render", "cannot be combined with --dev-ptau");
  const devSetup = values["dev-setup"];
  if (devSetup !== undefined && (values.render === true || values["dev-ptau"] !== undefined)) throw new ZkMarginError("--dev-setup", "cannot be combined with --render or --dev-ptau");
  if (values.render === true) return { mode: "render", dir: out ?? defaultBenchDir({ quick: values.quick === true }) };
  if (typeof devSetup === "string") return { mode: "dev-setup", circuit: devSetup };
  const power = wholeNumber(values, "dev-ptau", 1, 28);
  if (power !== undefined) return { mode: "dev-ptau", power };
  const runs = wholeNumber(values, "runs", 1, 1000);
  const poolProofs = wholeNumber(values, "pool-proofs", 0, 10_000);
  const rapidsnark = typeof values.rapidsnark === "string" ? resolve(values.rapidsnark) : undefined;
  if (rapidsnark !== undefined && !existsSync(rapidsnark)) throw new ZkMarginError("--rapidsnark", `no such file: ${rapidsnark}`);
  return {
    mode: "measure",
    options: {
      quick: values.quick === true,
      grid: values.grid === true,
      noGas: values["no-gas"] === true,
      resume: values.resume === true,
      ...(runs !== undefined ? { runs } : {}),
      ...(Array.isArray(values.circuit) ? { circuits: values.circuit } : {}),
      ...(rapidsnark !== undefined ? { rapidsnark } : {}),
      ...(poolProofs !== undefined ? { poolProofs } : {}),
      ...(out !== undefined ? { outDir: out } : {}),
    },
  };
}

/**
 * Runs `zkmargin bench` with parsed flags: prints the Markdown table on stdout, progress on stderr.
 * @returns the process exit code (0)
 */
export async function runBenchCommand(values: Values, log: (message: string) => void, print: (text: string) => void): Promise<number> {
  const request = benchRequest(values);
  if (request.mode === "render") {
    const source = join(request.dir, "results.json");
    if (!existsSync(source)) throw new ZkMarginError("--render", `no results to render: ${source} does not exist (run the benchmark first)`);
    const results = JSON.parse(readFileSync(source, "utf8")) as BenchResults;
    const markdown = renderMarkdown(results);
    writeFileAtomic(join(request.dir, "results.md"), `${markdown}\n`);
    for (const [name, svg] of Object.entries(renderPlots(results))) writeFileAtomic(join(request.dir, name), svg);
    print(markdown);
    return 0;
  }
  if (request.mode === "dev-ptau") {
    const dir = mkdtempSync(join(tmpdir(), "zkmargin-ptau-"));
    try {
      const started = performance.now();
      const progress = startProgress(log, `ptau power ${request.power}`);
      try {
        await writeKnownTauPtau(request.power, join(dir, "dev.ptau"), { progress });
      } finally {
        progress.stop();
      }
      const seconds = (performance.now() - started) / 1000;
      const record = {
        date: new Date().toISOString(),
        power: request.power,
        seconds: Math.round(seconds * 10) / 10,
        bytes: statSync(join(dir, "dev.ptau")).size,
        threads: availableParallelism(),
        node: process.version,
        method: "known tau (INSECURE), fixed-base multiplications, Lagrange scalars by inverse FFT",
      };
      writeFileAtomic(projectPath("bench", "dev-ptau.json"), `${JSON.stringify(record, null, 2)}\n`);
      print(`development Powers of Tau of power ${request.power}: ${record.seconds} s (${(record.bytes / 2 ** 20).toFixed(0)} MB), bench/dev-ptau.json`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return 0;
  }
  if (request.mode === "dev-setup") {
    const { timeDevelopmentSetups } = await import("./dev-setup.ts");
    const { releaseCurve } = await import("../prover/warm-prover.ts");
    // snarkjs' curve keeps worker threads (and so the process) alive until released.
    const record = await timeDevelopmentSetups(request.circuit, log).finally(releaseCurve);
    writeFileAtomic(projectPath("bench", "dev-setup.json"), `${JSON.stringify(record, null, 2)}\n`);
    print(`development setup of ${record.circuit} (${record.constraints} constraints, domain 2^${record.power}): known-tau key ${record.knownTauSeconds} s, snarkjs zkey new + contribute + beacon ${record.snarkjs.total} s (${record.snarkjs.newZKey} + ${record.snarkjs.contribute} + ${record.snarkjs.beacon}): ${record.ratio}x; CPU ${record.cpuSeconds.knownTau} s against ${record.cpuSeconds.snarkjs} s; bench/dev-setup.json`);
    return 0;
  }
  const { runBench } = await import("./run.ts");
  const { markdown } = await runBench({ ...request.options, log });
  print(markdown);
  return 0;
}
