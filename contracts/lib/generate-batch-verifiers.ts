/**
 * Writes contracts/generated/<Circuit>BatchVerifier.sol for every built circuit of a bulk statement (the margin
 * circuits: attestBatch), from build/<circuit>/verification_key.json, the key the circuit's snarkjs verifier was
 * exported from. `zkmargin build` does the same after every build; this script is for a key that changed outside it.
 *
 *   npx tsx contracts/lib/generate-batch-verifiers.ts          # rewrite those out of date
 *   npx tsx contracts/lib/generate-batch-verifiers.ts --check  # exit 1 if any is out of date or missing
 *
 * The outputs are generated verifier contracts: git-ignored, like the snarkjs verifiers beside them.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { batchVerifierPath, batchVerifierSource, DEVELOPMENT_NOTE, hasBatchVerifier, publishBatchVerifier, readVerificationKey } from "../../prover/src/build/batch-verifier.ts";
import { readManifest } from "../../prover/src/build/setup.ts";
import { loadCircuitSpecs } from "../../prover/src/circuit/load-specs.ts";

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const spec of loadCircuitSpecs().filter(hasBatchVerifier)) {
    const manifest = readManifest(spec.id);
    if (!manifest) {
      console.log(`${spec.id}: not built (run npx zkmargin build)`);
      continue;
    }
    const path = batchVerifierPath(spec.id);
    if (check) {
      const expected = batchVerifierSource(spec, readVerificationKey(spec.id), manifest.ceremony.insecure ? DEVELOPMENT_NOTE : "");
      const current = existsSync(path) && readFileSync(path, "utf8") === expected;
      if (!current) stale++;
      console.log(`${path} ${current ? "is current" : "is out of date"}`);
    } else {
      console.log(`${path} ${publishBatchVerifier(spec, manifest.ceremony.insecure) ? "written" : "is current"}`);
    }
  }
  if (stale > 0) {
    console.error(`${stale} batch verifier(s) out of date: run npx tsx contracts/lib/generate-batch-verifiers.ts`);
    process.exit(1);
  }
}
