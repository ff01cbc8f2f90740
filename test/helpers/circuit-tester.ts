import { readFileSync } from "node:fs";
import { WitnessCalculatorBuilder, type WitnessCalculator } from "circom_runtime";
import { F1Field } from "ffjavascript";
import { readR1cs, type R1cs } from "r1csfile";
import { compileCircuit } from "../../prover/src/build/compile.ts";
import { artifactPaths } from "../../prover/src/build/paths.ts";
import { loadCircuitSpecs } from "../../prover/src/circuit/load-specs.ts";
import { FIELD_MODULUS } from "../../prover/src/core/constants.ts";
import type { CircuitInput } from "../../prover/src/circuit/inputs.ts";
import { captureConsole } from "../../prover/src/prover/capture-console.ts";

const P = FIELD_MODULUS;

/**
 * A witness tester in the spirit of circomkit's: compiles a circuit from circuits/circuits.json (cached),
 * computes witnesses with the circuit's own wasm, and checks a witness against the R1CS directly, so a
 * forged witness (one the wasm would never produce) can be tested against the constraints alone.
 */
export class CircuitTester {
  private constructor(
    readonly id: string,
    private readonly calculator: WitnessCalculator,
    readonly r1cs: R1cs,
    private readonly signalIndex: ReadonlyMap<string, number>,
  ) {}

  static async load(id: string): Promise<CircuitTester> {
    const spec = loadCircuitSpecs().find((candidate) => candidate.id === id);
    if (!spec) throw new Error(`no circuit ${id} in circuits.json`);
    await compileCircuit(spec);
    const paths = artifactPaths(id);
    const calculator = await WitnessCalculatorBuilder(readFileSync(paths.wasm));
    const r1cs = await readR1cs(paths.r1cs, { loadConstraints: true, loadMap: false, getFieldFromPrime: (prime: bigint) => new F1Field(prime) });
    const signalIndex = new Map<string, number>();
    for (const line of readFileSync(paths.sym, "utf8").split("\n")) {
      const [, witnessIndex, , name] = line.split(",");
      if (name && Number(witnessIndex) >= 0) signalIndex.set(name, Number(witnessIndex));
    }
    return new CircuitTester(id, calculator, r1cs, signalIndex);
  }

  get constraintCount(): number {
    return this.r1cs.nConstraints;
  }

  /** Computes the witness; throws when an assertion or constraint of the wasm fails. */
  async witness(input: CircuitInput | Record<string, unknown>): Promise<bigint[]> {
    const computed = await captureConsole(() => this.calculator.calculateWitness(input as Record<string, unknown>, true));
    if (computed.result === undefined) throw new Error(`witness generation failed: ${computed.output || String(computed.error)}`);
    return computed.result;
  }

  /** Whether the witness computation succeeds (the honest prover can prove). */
  async accepts(input: CircuitInput | Record<string, unknown>): Promise<boolean> {
    try {
      const witness = await this.witness(input);
      return this.satisfies(witness);
    } catch {
      return false;
    }
  }

  /** The main component's outputs (they follow the constant 1 in the witness). */
  outputs(witness: readonly bigint[]): bigint[] {
    return witness.slice(1, 1 + this.r1cs.nOutputs);
  }

  /** Index of a signal in the witness, by its full name ("main.core.equity"); undefined if optimised away. */
  indexOf(name: string): number | undefined {
    return this.signalIndex.get(name);
  }

  /** Names of all signals that survive in the witness. */
  signalNames(): string[] {
    return [...this.signalIndex.keys()];
  }

  /** Checks every R1CS constraint <A,w> * <B,w> = <C,w> (mod p); returns the index of the first broken one or -1. */
  firstBrokenConstraint(witness: readonly bigint[]): number {
    const evaluate = (lc: Record<string, bigint>) => {
      let sum = 0n;
      for (const key in lc) sum += lc[key]! * witness[Number(key)]!;
      return sum % P;
    };
    for (let i = 0; i < this.r1cs.constraints.length; i++) {
      const [a, b, c] = this.r1cs.constraints[i]!;
      if ((evaluate(a) * evaluate(b) - evaluate(c)) % P !== 0n) return i;
    }
    return -1;
  }

  /** Whether the witness satisfies all constraints. */
  satisfies(witness: readonly bigint[]): boolean {
    return witness[0] === 1n && this.firstBrokenConstraint(witness) === -1;
  }

  /** A copy of `witness` with the named signals set to new values (mod p), nothing else recomputed. */
  edit(witness: readonly bigint[], changes: Record<string, bigint>): bigint[] {
    const edited = [...witness];
    for (const [name, value] of Object.entries(changes)) {
      const index = this.indexOf(name);
      if (index === undefined) throw new Error(`signal ${name} is not in the witness of ${this.id}`);
      edited[index] = ((value % P) + P) % P;
    }
    return edited;
  }
}
