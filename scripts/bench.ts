/**
 * npm run bench [-- --quick] [--runs N] [--circuit ID ...]: the proof-time benchmark, same as `zkmargin bench`
 * (see prover/src/bench/run.ts).
 */
process.argv.splice(2, 0, "bench");
await import("../prover/src/cli/main.ts");
