/**
 * A tiny Groth16 test circuit compiled on the spot (about a second), for setup tests that compare with
 * snarkjs: snarkjs' own setup of it takes well under a second, whatever the load.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WitnessCalculatorBuilder } from "circom_runtime";
import { detectCompiler } from "../../prover/src/build/compile.ts";
import { projectPath } from "../../prover/src/build/paths.ts";
import { wtnsWitness } from "../../prover/src/prover/zkey.ts";

/**
 * Public inputs a, b, a public output, private inputs x, quadratic constraints, and (kept by --O1) one
 * linear constraint with a constant: every kind of coefficient the zkey sections hold.
 */
const SOURCE = `pragma circom 2.1.0;
template Tiny(N) {
  signal input a;
  signal input b;
  signal input x[N];
  signal output out;
  signal acc[N + 1];
  acc[0] <== a;
  for (var i = 0; i < N; i++) acc[i + 1] <== acc[i] * x[i] + b;
  signal square <== x[0] * x[0];
  out <== acc[N] + 3 * square + 7;
}
component main {public [a, b]} = Tiny(40);
`;

/** The compiled tiny circuit. */
export interface TinyCircuit {
  readonly r1cs: string;
  readonly wasm: string;
  /** An input that satisfies it. */
  readonly input: Record<string, unknown>;
  /** The .wtns file of `input` (default: the satisfying one) and its witness (32-byte little-endian elements). */
  witness(input?: Record<string, unknown>): Promise<{ wtns: Uint8Array; witness: Uint8Array }>;
}

/** Compiles the tiny circuit into `dir` with the project's compiler (circom2 unless a native circom is on PATH). */
export async function compileTinyCircuit(dir: string): Promise<TinyCircuit> {
  const source = join(dir, "tiny.circom");
  writeFileSync(source, SOURCE);
  const compiler = detectCompiler();
  const output = await new Promise<{ code: number; text: string }>((resolve, reject) => {
    const child = spawn(compiler.command, [...compiler.args, source, "--r1cs", "--wasm", "--O1", "-o", dir], { cwd: projectPath(), stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, text }));
  });
  if (output.code !== 0) throw new Error(`circom failed on the tiny circuit:\n${output.text}`);
  const wasm = join(dir, "tiny_js", "tiny.wasm");
  const input = { a: 3, b: 5, x: Array.from({ length: 40 }, (_, i) => i + 2) };
  return {
    r1cs: join(dir, "tiny.r1cs"),
    wasm,
    input,
    async witness(values = input) {
      const calculator = await WitnessCalculatorBuilder(readFileSync(wasm));
      const wtns = await calculator.calculateWTNSBin(values, true);
      return { wtns, witness: wtnsWitness(wtns) };
    },
  };
}
