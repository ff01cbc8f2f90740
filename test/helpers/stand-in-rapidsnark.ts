import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/**
 * How a stand-in behaves:
 * - "honest": proves what it is given;
 * - "tamper-public": proves, then rewrites public.json (as a broken prover would);
 * - "tamper-proof": proves, then swaps pi_a and pi_c in proof.json (well-formed, wrong);
 * - "fail": writes two lines on stderr and exits 1;
 * - { witness }: proves this other witness file instead of the one given (a valid proof of another statement).
 */
export type StandInMode = "honest" | "tamper-public" | "tamper-proof" | "fail" | { readonly witness: string };

/**
 * Writes a stand-in for a rapidsnark `prover` binary at `path` (a shell script with rapidsnark's arguments:
 * zkey, witness.wtns, proof.json, public.json) that proves with snarkjs' CLI, and makes it executable.
 *
 * @param log a file each run appends its arguments to (one line per run), so a test can tell it ran
 * @returns `path`
 */
export function standInRapidsnark(path: string, mode: StandInMode = "honest", log?: string): string {
  const node = process.execPath;
  const snarkjsCli = join(require.resolve("snarkjs"), "..", "cli.cjs");
  const witness = typeof mode === "object" ? `"${mode.witness}"` : `"$2"`;
  const lines = ["#!/bin/sh"];
  if (log) lines.push(`echo "$1 $2 $3 $4" >> "${log}"`);
  if (mode === "fail") {
    lines.push(`echo "reading zkey $1" >&2`, `echo "Error: invalid zkey: section 2 truncated" >&2`, "exit 1");
  } else {
    lines.push(`"${node}" "${snarkjsCli}" groth16 prove "$1" ${witness} "$3" "$4" >/dev/null || exit 1`);
    if (mode === "tamper-public") lines.push(`printf '["1","2","3"]' > "$4"`);
    if (mode === "tamper-proof") lines.push(`"${node}" -e 'const fs = require("fs"); const p = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); [p.pi_a, p.pi_c] = [p.pi_c, p.pi_a]; fs.writeFileSync(process.argv[1], JSON.stringify(p));' "$3"`);
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${lines.join("\n")}\n`);
  chmodSync(path, 0o755);
  return path;
}
