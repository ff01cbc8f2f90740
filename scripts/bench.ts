/**
 * npm run bench [-- --quick | --grid] [--runs N] [--circuit ID ...] [--rapidsnark PATH] [--no-gas] [--pool-proofs N]
 * npm run bench -- --render      (rewrite bench/results.md and the plots from bench/results.json)
 * npm run bench -- --dev-ptau P  (time a development Powers of Tau of power P from a known tau; bench/dev-ptau.json)
 *
 * The reference benchmark (see prover/src/bench/run.ts): writes bench/results.json, bench/results.md and the
 * SVG plots. `zkmargin bench` runs the same with --quick / --runs / --circuit (rapidsnark through
 * $ZKMARGIN_RAPIDSNARK there).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { writeKnownTauPtau } from "../prover/src/build/ptau.ts";
import { parseArgs } from "node:util";
import { writeFileAtomic } from "../prover/src/build/files.ts";
import { projectPath } from "../prover/src/build/paths.ts";
import { renderMarkdown, renderPlots } from "../prover/src/bench/report.ts";
import { runBench, type BenchResults } from "../prover/src/bench/run.ts";
import { ZkMarginError } from "../prover/src/core/errors.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean" },
    grid: { type: "boolean" },
    runs: { type: "string" },
    circuit: { type: "string", multiple: true },
    rapidsnark: { type: "string" },
    "no-gas": { type: "boolean" },
    "pool-proofs": { type: "string" },
    render: { type: "boolean" },
    "dev-ptau": { type: "string" },
    help: { type: "boolean" },
  },
  strict: true,
});
if (values.help) {
  console.log("Usage: npm run bench [-- --quick | --grid] [--runs N] [--circuit ID ...] [--rapidsnark PATH] [--no-gas] [--pool-proofs N]\n       npm run bench -- --render");
  process.exit(0);
}
if (values["dev-ptau"] !== undefined) {
  const power = Number(values["dev-ptau"]);
  const dir = mkdtempSync(join(tmpdir(), "zkmargin-ptau-"));
  try {
    const started = performance.now();
    await writeKnownTauPtau(power, join(dir, "dev.ptau"), { log: (message) => console.error(message) });
    const seconds = (performance.now() - started) / 1000;
    const record = { date: new Date().toISOString(), power, seconds: Math.round(seconds * 10) / 10, bytes: statSync(join(dir, "dev.ptau")).size, threads: availableParallelism(), node: process.version, method: "known tau (INSECURE), fixed-base multiplications, Lagrange scalars by inverse FFT" };
    writeFileAtomic(projectPath("bench", "dev-ptau.json"), `${JSON.stringify(record, null, 2)}\n`);
    console.log(`development Powers of Tau of power ${power}: ${record.seconds} s (${(record.bytes / 2 ** 20).toFixed(0)} MB)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}
if (values.render) {
  const results = JSON.parse(readFileSync(projectPath("bench", "results.json"), "utf8")) as BenchResults;
  const markdown = renderMarkdown(results);
  writeFileAtomic(projectPath("bench", "results.md"), `${markdown}\n`);
  for (const [name, svg] of Object.entries(renderPlots(results))) writeFileAtomic(projectPath("bench", name), svg);
  console.log(markdown);
  process.exit(0);
}
const count = (name: string, text: string | undefined) => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new ZkMarginError(`--${name}`, `must be a whole number, got ${text}`);
  return value;
};
try {
  const runs = count("runs", values.runs);
  const poolProofs = count("pool-proofs", values["pool-proofs"]);
  const { markdown } = await runBench({
    quick: values.quick === true,
    grid: values.grid === true,
    ...(runs ? { runs } : {}),
    ...(values.circuit ? { circuits: values.circuit } : {}),
    ...(values.rapidsnark ? { rapidsnark: values.rapidsnark } : {}),
    noGas: values["no-gas"] === true,
    ...(poolProofs !== undefined ? { poolProofs } : {}),
    log: (message) => console.error(message),
  });
  console.log(markdown);
  process.exit(0);
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof ZkMarginError ? 2 : 1);
}
