/**
 * npm run bench [-- --quick | --grid] [--runs N] [--circuit ID ...] [--rapidsnark PATH] [--no-gas] [--pool-proofs N]
 *
 * The reference benchmark (see prover/src/bench/run.ts): writes bench/results.json, bench/results.md and the
 * SVG plots. `zkmargin bench` runs the same with --quick / --runs / --circuit (rapidsnark through
 * $ZKMARGIN_RAPIDSNARK there).
 */
import { parseArgs } from "node:util";
import { runBench } from "../prover/src/bench/run.ts";
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
    help: { type: "boolean" },
  },
  strict: true,
});
if (values.help) {
  console.log("Usage: npm run bench [-- --quick | --grid] [--runs N] [--circuit ID ...] [--rapidsnark PATH] [--no-gas] [--pool-proofs N]");
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
