// The usage and options of `zkmargin bench`, apart from the benchmark itself: the CLI lists them without
// loading the benchmark (a tool of the repository, not of the installed package).

/** Usage of `zkmargin bench` / `npm run bench --`. */
export const BENCH_USAGE = `Usage: zkmargin bench [--quick | --grid] [--runs N] [--circuit ID ...] [--rapidsnark PATH] [--no-gas]
                      [--pool-proofs N] [--out DIR] [--resume]
       zkmargin bench --render [--out DIR]     redraw results.md and the plots from DIR/results.json
       zkmargin bench --dev-ptau POWER         time a development (INSECURE, known tau) Powers of Tau
       zkmargin bench --dev-setup CIRCUIT      time the known-tau key against snarkjs' zkey new + contribute
                                               + beacon on the same r1cs, into bench/dev-setup.json
  (npm run bench -- <options> runs the same)
  --quick          cross margin at M = 4 and 16 (built if missing) and every other statement at M = 16
                   that is built, 3 runs, into bench/quick/
  --grid           every statement at every M (default: every statement at M = 16, the M sweep 4 ... 64 of
                   deposit, fills and the cross statements, the K sweep 1 ... 16 of fills)
  --runs N         repetitions per point (default 3 quick, 7 otherwise)
  --circuit ID     only these circuit ids (repeatable)
  --rapidsnark P   also time this rapidsnark binary on the same zkey and witness (or $ZKMARGIN_RAPIDSNARK),
                   and the SDK end to end with --backend rapidsnark on it (SDK rapidsnark / rapidsnark)
  --no-gas         skip the on-chain verification gas (Hardhat in-process chain)
  --pool-proofs N  proofs per side in the ProverPool throughput measurement (0 skips it)
  --out DIR        where results go (default bench/, bench/quick/ for --quick)
  --resume         keep the points already in DIR/results.json (same mode) and measure the rest`;

/** Options of `zkmargin bench`. */
export const BENCH_OPTIONS = {
  quick: { type: "boolean" },
  grid: { type: "boolean" },
  runs: { type: "string" },
  circuit: { type: "string", multiple: true },
  rapidsnark: { type: "string" },
  "no-gas": { type: "boolean" },
  "pool-proofs": { type: "string" },
  out: { type: "string" },
  resume: { type: "boolean" },
  render: { type: "boolean" },
  "dev-ptau": { type: "string" },
  "dev-setup": { type: "string" },
} as const;
