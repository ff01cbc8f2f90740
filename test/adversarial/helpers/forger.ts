import { readFileSync } from "node:fs";
import { artifactPaths } from "../../../prover/src/build/paths.ts";
import { FIELD_MODULUS } from "../../../prover/src/core/constants.ts";
import type { CircuitTester } from "../../helpers/circuit-tester.ts";
import { poseidonFirstConstant, poseidonSignals } from "./poseidon-signals.ts";

const P = FIELD_MODULUS;
const mod = (value: bigint): bigint => ((value % P) + P) % P;

/** a^-1 mod p by the extended Euclidean algorithm (a != 0 mod p). */
function inverse(a: bigint): bigint {
  let [oldR, r] = [mod(a), P];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return mod(oldS);
}

/** One linear combination of a constraint as (witness index, coefficient) pairs. */
type Terms = readonly (readonly [number, bigint])[];

/** What an attacker fixes before the rest of the witness is recomputed. */
export interface ForgeRequest {
  /** Signals set to chosen values (inputs or intermediates), by full name. */
  readonly set?: Readonly<Record<string, bigint>>;
  /**
   * Bit decompositions to recompute, by the name of the bit array (a Num2Bits output such as
   * "main.core.slots[0].sizeBits.out"): each surviving `<name>[k]` becomes bit k of the value (reduced mod
   * p), which is what the honest `out[k] <-- (in >> k) & 1` computes, even for a wrapped value.
   */
  readonly bits?: Readonly<Record<string, bigint>>;
  /** Main inputs the attacker lets the solver derive instead of keeping (e.g. a self-made commitment). */
  readonly derive?: readonly string[];
  /**
   * Poseidon components to recompute, by component name, with the elements they hash: every signal of the
   * hash is set as circomlib computes it (see poseidonSignals), as when an attacker hashes a book of their own.
   */
  readonly poseidon?: Readonly<Record<string, readonly bigint[]>>;
}

/** A forged witness and how it was obtained. */
export interface Forgery {
  readonly witness: bigint[];
  /** Signals the solver could not derive and took unchanged from the base witness (names). */
  readonly assumed: string[];
  /** The assumed signals that are not bits (boolean-constrained). */
  readonly assumedNonBits: string[];
}

/**
 * A malicious witness builder that needs no knowledge of the circuit: it keeps what the attacker fixes (all
 * main inputs, chosen intermediates, chosen bit decompositions) and recomputes every other signal from the
 * R1CS itself, by propagation: a constraint A * B = C with a single unknown signal that enters it linearly
 * determines that signal. A Poseidon component whose inputs are known is hashed as circomlib hashes it (see
 * poseidonSignals: --O2 leaves its rounds as equations that propagation alone cannot run forward), so a hash
 * always covers what the circuit feeds it. Signals no constraint determines (the free choices of `<--`: bits,
 * inverses) keep their value from the base witness, bits first, and are reported. Starting from an honest witness of a
 * true statement, the result is the best witness an attacker can build for the chosen values: it satisfies
 * every constraint except those that stand in the attack's way, which `brokenConstraints` lists.
 */
export class WitnessForger {
  private readonly a: Terms[];
  private readonly b: Terms[];
  private readonly c: Terms[];
  private readonly constraintsOf: number[][];
  private readonly bitLike: Set<number>;
  private readonly names: Map<number, string>;
  private readonly inputEnd: number;
  /** Bit arrays: signal index -> [array name, bit index], for signals named `<array>[k]` that are boolean. */
  private readonly bitOf = new Map<number, readonly [string, number]>();
  /** Bit arrays: array name -> surviving bit indexes. */
  private readonly arrays = new Map<string, Set<number>>();
  /** Bit arrays of range checks (`*.bits.out`): array name -> width, dropped bits included. */
  private readonly widths: Map<string, number>;
  /**
   * Poseidon components: name -> per input i, the constraint (rho x) * x = rho sigmaF[0][i + 1].in2 of its
   * first round, whose B is x = input i plus the round's constant (a linear combination of witness signals).
   */
  private readonly hashes = new Map<string, { readonly width: number; readonly firstRound: Map<number, number> }>();

  constructor(readonly tester: CircuitTester) {
    const { r1cs } = tester;
    const terms = (lc: Record<string, bigint>): Terms => Object.entries(lc).map(([key, coefficient]) => [Number(key), mod(coefficient)] as const).filter(([, coefficient]) => coefficient !== 0n);
    this.a = r1cs.constraints.map(([lc]) => terms(lc));
    this.b = r1cs.constraints.map(([, lc]) => terms(lc));
    this.c = r1cs.constraints.map(([, , lc]) => terms(lc));
    this.constraintsOf = Array.from({ length: r1cs.nVars }, () => []);
    this.bitLike = new Set();
    for (let k = 0; k < r1cs.constraints.length; k++) {
      const signals = new Set([...this.a[k]!, ...this.b[k]!, ...this.c[k]!].map(([index]) => index));
      for (const index of signals) if (index !== 0) this.constraintsOf[index]!.push(k);
      // x * (x - 1) = 0 in either order: a boolean constraint on x.
      const onlyX = (lc: Terms) => lc.filter(([index]) => index !== 0);
      const [aSignals, bSignals] = [onlyX(this.a[k]!), onlyX(this.b[k]!)];
      if (aSignals.length === 1 && bSignals.length === 1 && aSignals[0]![0] === bSignals[0]![0] && onlyX(this.c[k]!).length === 0) this.bitLike.add(aSignals[0]![0]);
    }
    this.names = new Map(tester.signalNames().map((name) => [tester.indexOf(name)!, name]));
    // The main component's outputs and inputs are its first labels; --O2 drops the inputs a constraint fixes to
    // a constant (cross margin's tiers), so they end at the last of them that survives in the witness.
    const mainSignals = r1cs.nOutputs + r1cs.nPubInputs + r1cs.nPrvInputs;
    let inputEnd = 0;
    // The width of every bit array, dropped bits included (their labels have witness index -1).
    const widths = new Map<string, number>();
    for (const line of readFileSync(artifactPaths(tester.id).sym, "utf8").split("\n")) {
      const [labelText, witnessText, , name] = line.split(",");
      const [label, witnessIndex] = [Number(labelText), Number(witnessText)];
      if (label <= mainSignals && witnessIndex > inputEnd) inputEnd = witnessIndex;
      const bit = name === undefined ? null : /^(.*\.bits\.out)\[(\d+)\]$/.exec(name);
      if (bit) widths.set(bit[1]!, Math.max(widths.get(bit[1]!) ?? 0, Number(bit[2]) + 1));
    }
    this.inputEnd = inputEnd;
    this.widths = widths;
    for (const index of this.bitLike) {
      // A signed range's top bit survives under the name of the output it feeds (SignedRange.nonNegative,
      // MarketPosition.isLong): it is bit BITS - 1 of the range check's bits.
      const name = this.nameOf(index);
      const lendingSide = /^(.*)\.lending\[(\d+)\]\.isLong$/.exec(name);
      const top = /^(.*)\.nonNegative$/.exec(name)?.[1] ?? (lendingSide ? `${lendingSide[1]}.position[${lendingSide[2]}].sign` : /^(.*)\.isLong$/.exec(name)?.[1]?.concat(".sign"));
      if (top !== undefined && widths.has(`${top}.bits.out`)) {
        const array = `${top}.bits.out`;
        this.bitOf.set(index, [array, widths.get(array)! - 1]);
        if (!this.arrays.has(array)) this.arrays.set(array, new Set());
        this.arrays.get(array)!.add(widths.get(array)! - 1);
        continue;
      }
      const match = /^(.*)\[(\d+)\]$/.exec(name);
      if (!match) continue;
      this.bitOf.set(index, [match[1]!, Number(match[2])]);
      if (!this.arrays.has(match[1]!)) this.arrays.set(match[1]!, new Set());
      this.arrays.get(match[1]!)!.add(Number(match[2]));
    }
    for (const [index, name] of this.names) {
      const match = /^(.*)\.pEx\.sigmaF\[0\]\[(\d+)\]\.in2$/.exec(name);
      if (!match || match[2] === "0") continue;
      const k = this.constraintsOf[index]!.find((candidate) => {
        const [a, b, c] = [this.a[candidate]!, this.b[candidate]!, this.c[candidate]!];
        if (c.length !== 1 || c[0]![0] !== index || a.length !== b.length || a.length === 0) return false;
        // A = rho B (circom normalises signs into A and C; B is the sigma's input as written).
        const rho = mod(a[0]![1] * inverse(b[0]![1]));
        return a.every(([i, coefficient], n) => b[n]![0] === i && mod(rho * b[n]![1]) === coefficient) && rho === c[0]![1];
      });
      if (k === undefined) continue;
      const entry = this.hashes.get(match[1]!) ?? { width: 0, firstRound: new Map<number, number>() };
      entry.firstRound.set(Number(match[2]) - 1, k);
      this.hashes.set(match[1]!, { width: Math.max(entry.width, Number(match[2]) + 1), firstRound: entry.firstRound });
    }
  }

  /** The Poseidon components found in the circuit (by name) and their input count. */
  poseidonComponents(): Map<string, number> {
    return new Map([...this.hashes].map(([name, { width }]) => [name, width - 1]));
  }

  /** The witness index of a named signal (throws when the signal was optimised away). */
  index(name: string): number {
    const index = this.tester.indexOf(name);
    if (index === undefined) throw new Error(`signal ${name} is not in the witness of ${this.tester.id}`);
    return index;
  }

  /** The name of a witness index. */
  nameOf(index: number): string {
    return index === 0 ? "1" : (this.names.get(index) ?? `w${index}`);
  }

  /** Value of a named signal in a witness. */
  value(witness: readonly bigint[], name: string): bigint {
    return witness[this.index(name)]!;
  }

  /** Builds the attacker's witness from `base` (usually an honest witness) and the attacker's choices. */
  forge(base: readonly bigint[], request: ForgeRequest): Forgery {
    const n = this.tester.r1cs.nVars;
    const value = new Array<bigint>(n).fill(0n);
    const known = new Uint8Array(n);
    const pin = (index: number, v: bigint) => {
        value[index] = mod(v);
      known[index] = 1;
    };
    pin(0, 1n);
    const derived = new Set((request.derive ?? []).map((name) => this.index(name)));
    for (let index = 1 + this.tester.r1cs.nOutputs; index <= this.inputEnd; index++) if (!derived.has(index)) pin(index, base[index]!);
    for (const [prefix, elements] of Object.entries(request.poseidon ?? {})) {
      for (const [name, v] of poseidonSignals(prefix, elements)) {
        const index = this.tester.indexOf(name);
        if (index !== undefined && index > this.inputEnd) pin(index, v);
      }
    }
    for (const [name, v] of Object.entries(request.set ?? {})) pin(this.index(name), v);
    for (const [prefix, v] of Object.entries(request.bits ?? {})) {
      const reduced = mod(v);
      let found = 0;
      for (let k = 0; k < 254; k++) {
        const index = this.tester.indexOf(`${prefix}[${k}]`);
        if (index === undefined) continue;
        pin(index, (reduced >> BigInt(k)) & 1n);
        found++;
      }
      if (found === 0) throw new Error(`no bits of ${prefix} in the witness of ${this.tester.id}`);
    }

    const assumed: string[] = [];
    const assumedNonBits: string[] = [];
    const queue: number[] = Array.from({ length: this.a.length }, (_, k) => k);
    const queued = new Uint8Array(this.a.length).fill(1);
    const propagate = () => {
      while (queue.length > 0) {
        const k = queue.pop()!;
        queued[k] = 0;
        const solved = this.solve(k, value, known);
        if (solved === undefined) continue;
        known[solved] = 1;
        for (const next of this.constraintsOf[solved]!) {
          if (!queued[next]) {
            queued[next] = 1;
            queue.push(next);
          }
        }
      }
    };
    const assume = (index: number) => {
      pin(index, base[index]!);
      assumed.push(this.nameOf(index));
      if (!this.bitLike.has(index)) assumedNonBits.push(this.nameOf(index));
      for (const next of this.constraintsOf[index]!) {
        if (!queued[next]) {
          queued[next] = 1;
          queue.push(next);
        }
      }
    };
    const settle = (index: number, bit: bigint) => {
      pin(index, bit);
      for (const next of this.constraintsOf[index]!) {
        if (!queued[next]) {
          queued[next] = 1;
          queue.push(next);
        }
      }
    };
    // A Poseidon component not yet hashed whose first round is computable: its inputs are known.
    const pending = new Set([...this.hashes.keys()].filter((name) => !Object.hasOwn(request.poseidon ?? {}, name)));
    const hashForward = (): boolean => {
      let hashed = false;
      for (const name of pending) {
        const { width, firstRound } = this.hashes.get(name)!;
        if (firstRound.size !== width - 1) continue;
        const inputs: bigint[] = [];
        for (let i = 0; i < width - 1; i++) {
          const terms = this.b[firstRound.get(i)!]!;
          if (!terms.every(([index]) => known[index])) break;
          // B is x or -x (both square to in2): x = input + C holds the round constant C, the input a small one.
          const constant = poseidonFirstConstant(width, i + 1);
          const offset = mod((terms.find(([index]) => index === 0)?.[1] ?? 0n) - constant);
          const sign = offset < 1n << 128n || P - offset < 1n << 128n ? 1n : P - 1n;
          inputs.push(mod(sign * terms.reduce((sum, [index, c]) => sum + c * value[index]!, 0n) - constant));
        }
        if (inputs.length !== width - 1) continue;
        pending.delete(name);
        for (const [signal, v] of poseidonSignals(name, inputs)) {
          const index = this.tester.indexOf(signal);
          if (index !== undefined && index > this.inputEnd && !known[index]) settle(index, v);
        }
        hashed = true;
      }
      return hashed;
    };
    propagate();
    for (;;) {
      const unknown: number[] = [];
      for (let index = 1; index < n; index++) if (!known[index]) unknown.push(index);
      if (unknown.length === 0) break;
      if (hashForward()) {
        propagate();
        continue;
      }
      // A bit decomposition whose value is known: its bits, as `out[k] <-- (in >> k) & 1` gives them.
      const decomposed = this.decompose(unknown, value, known);
      if (decomposed) {
        decomposed.forEach(([index, bit]) => settle(index, bit));
      } else {
        // Otherwise, from the base witness: the bits of one array (free choices of `<--`; the array declared
        // first, as the witness generator would compute it first), or else the first unknown signal.
        const firstBit = unknown.find((index) => this.bitLike.has(index));
        if (firstBit === undefined) assume(unknown[0]!);
        else {
          const array = this.bitOf.get(firstBit)?.[0];
          unknown.filter((index) => index === firstBit || (array !== undefined && this.bitOf.get(index)?.[0] === array)).forEach(assume);
        }
      }
      propagate();
    }
    return { witness: value, assumed, assumedNonBits };
  }

  /**
   * Finds a constraint whose only unknowns are bits of one array and computes the value they decompose, in
   * the two shapes circom's --O2 leaves a Num2Bits in: (1) the sum of all bits equated to the value, the bits
   * entering one side linearly with coefficients c * 2^k; (2) one bit eliminated by that sum, its boolean
   * constraint L * (L - 1) = 0 then holding L = (value - sum of the other bits * 2^k) / 2^m. Returns each
   * unknown bit with its value (bit k of the value reduced mod p), or undefined when no constraint fits.
   */
  private decompose(unknown: readonly number[], value: bigint[], known: Uint8Array): [number, bigint][] | undefined {
    // Every array decomposable now, in one pass (one pass per array would make forging quadratic).
    const results: [number, bigint][] = [];
    const done = new Set<string>();
    const tried = new Set<number>();
    for (const bit of unknown) {
      const array = this.bitOf.get(bit)?.[0];
      if (array === undefined || done.has(array)) continue;
      for (const k of this.constraintsOf[bit]!) {
        if (tried.has(k)) continue;
        tried.add(k);
        const free = new Set<number>();
        let others = false;
        for (const lc of [this.a[k]!, this.b[k]!, this.c[k]!]) {
          for (const [index] of lc) {
            if (known[index]) continue;
            if (this.bitOf.get(index)?.[0] !== array) others = true;
            free.add(index);
          }
        }
        if (others) continue;
        const result = this.decomposeWith(k, [...free], value, array);
        if (result) {
          results.push(...result);
          done.add(array);
          break;
        }
      }
    }
    return results.length > 0 ? results : undefined;
  }

  private decomposeWith(k: number, free: readonly number[], value: bigint[], array: string): [number, bigint][] | undefined {
    const position = (index: number) => BigInt(this.bitOf.get(index)![1]);
    const split = (lc: Terms) => {
      const coefficients = new Map<number, bigint>();
      let rest = 0n;
      for (const [index, c] of lc) {
        if (free.includes(index)) coefficients.set(index, c);
        else rest += c * value[index]!;
      }
      return { coefficients, rest: mod(rest) };
    };
    const [A, B, C] = [split(this.a[k]!), split(this.b[k]!), split(this.c[k]!)];
    const bitsOf = (v: bigint): [number, bigint][] => free.map((index) => [index, (mod(v) >> position(index)) & 1n]);
    const inA = A.coefficients.size > 0;
    const inB = B.coefficients.size > 0;
    const inC = C.coefficients.size > 0;
    // The common scale c of coefficients c * 2^k, if they have one.
    const scale = (coefficients: Map<number, bigint>) => {
      const [first, c0] = [...coefficients.entries()][0]!;
      const c = mod(c0 * inverse(1n << position(first)));
      return [...coefficients.entries()].every(([index, ci]) => mod(c * (1n << position(index))) === ci) ? c : undefined;
    };
    if (Number(inA) + Number(inB) + Number(inC) === 1) {
      // Shape (1): sum * c on one side.
      const side = inA ? A : inB ? B : C;
      const c = scale(side.coefficients);
      if (c === undefined) return undefined;
      let sum: bigint;
      if (inC) sum = A.rest * B.rest - C.rest;
      else {
        const other = inA ? B.rest : A.rest;
        if (other === 0n) return undefined;
        sum = C.rest * inverse(other) - side.rest;
      }
      return bitsOf(mod(sum) * inverse(c));
    }
    if (inA && inB && !inC && C.rest === 0n) {
      // Shape (2): A = sA (L - rA), B = sB (L - rB), {rA, rB} = {0, 1}, L = (V - sum) / 2^m.
      // m: the eliminated bit, next to the bits of this constraint (--O2 eliminates the highest of a run).
      const surviving = this.arrays.get(array)!;
      const positions = free.map((index) => this.bitOf.get(index)![1]);
      const above = Math.max(...positions) + 1;
      const below = Math.min(...positions) - 1;
      const width = this.widths.get(array);
      const missing = width === undefined ? [] : Array.from({ length: width }, (_, position) => position).filter((position) => !surviving.has(position));
      const m = missing.length === 1 ? missing[0]! : !surviving.has(above) ? above : below >= 0 && !surviving.has(below) ? below : undefined;
      if (m === undefined) return undefined;
      const twoM = 1n << BigInt(m);
      const factor = (coefficients: Map<number, bigint>) => {
        const [first, c0] = [...coefficients.entries()][0]!;
        return mod(-c0 * twoM * inverse(1n << position(first)));
      };
      const [sA, sB] = [factor(A.coefficients), factor(B.coefficients)];
      if (sA === 0n || sB === 0n) return undefined;
      const x = mod(A.rest * inverse(sA));
      const y = mod(B.rest * inverse(sB));
      const scaled = mod(x - y) === 1n ? x : mod(y - x) === 1n ? y : undefined;
      if (scaled === undefined) return undefined;
      return bitsOf(mod(scaled * twoM));
    }
    return undefined;
  }

  /** Solves constraint k for its only unknown signal when it enters linearly; returns that signal's index. */
  private solve(k: number, value: bigint[], known: Uint8Array): number | undefined {
    // A factor that is known and 0 makes the product 0 whatever the other factor holds (IsZero of 0).
    const zero = (lc: Terms) => lc.every(([index]) => known[index]) && mod(lc.reduce((sum, [index, c]) => sum + c * value[index]!, 0n)) === 0n;
    const [aZero, bZero] = [zero(this.a[k]!), zero(this.b[k]!)];
    const lcs = aZero || bZero ? [[], [], this.c[k]!] : [this.a[k]!, this.b[k]!, this.c[k]!];
    let unknown = -1;
    for (const lc of lcs) {
      for (const [index] of lc) {
        if (known[index]) continue;
        if (unknown !== -1 && unknown !== index) return undefined;
        unknown = index;
      }
    }
    if (unknown === -1) return undefined;
    const split = (lc: Terms): [bigint, bigint] => {
      let coefficient = 0n;
      let rest = 0n;
      for (const [index, c] of lc) {
        if (index === unknown) coefficient += c;
        else rest += c * value[index]!;
      }
      return [mod(coefficient), mod(rest)];
    };
    const [ax, a0] = aZero || bZero ? [0n, 0n] : split(this.a[k]!);
    const [bx, b0] = aZero || bZero ? [0n, 0n] : split(this.b[k]!);
    const [cx, c0] = split(this.c[k]!);
    if (ax !== 0n && bx !== 0n) return undefined; // quadratic in the unknown (a bit constraint)
    const coefficient = mod(ax * b0 + bx * a0 - cx);
    if (coefficient === 0n) return undefined;
    value[unknown] = mod((c0 - a0 * b0) * inverse(coefficient));
    return unknown;
  }

  /** Indexes of every constraint the witness breaks. */
  brokenConstraints(witness: readonly bigint[]): number[] {
    const evaluate = (lc: Terms) => {
      let sum = 0n;
      for (const [index, c] of lc) sum += c * witness[index]!;
      return sum % P;
    };
    const broken: number[] = [];
    for (let k = 0; k < this.a.length; k++) {
      if ((evaluate(this.a[k]!) * evaluate(this.b[k]!) - evaluate(this.c[k]!)) % P !== 0n) broken.push(k);
    }
    return broken;
  }

  /** The signals of constraint k, by name. */
  signalsOf(k: number): string[] {
    const indexes = new Set([...this.a[k]!, ...this.b[k]!, ...this.c[k]!].map(([index]) => index).filter((index) => index !== 0));
    return [...indexes].map((index) => this.nameOf(index));
  }

  /**
   * The component a constraint belongs to: the component (signal name without its last part) that most of
   * its signals belong to, e.g. "main.core.slots[0].sizeBits" for a bit of that Num2Bits.
   */
  componentOf(k: number): string {
    const counts = new Map<string, number>();
    const signals = this.signalsOf(k);
    const intermediate = signals.filter((name) => this.index(name) > this.inputEnd);
    for (const name of intermediate.length > 0 ? intermediate : signals) {
      const component = name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : name;
      counts.set(component, (counts.get(component) ?? 0) + 1);
    }
    return [...counts.entries()].sort((x, y) => y[1] - x[1] || y[0].length - x[0].length)[0]?.[0] ?? "(constant)";
  }

  /** The constraints a signal appears in. */
  constraintsWith(index: number): readonly number[] {
    return this.constraintsOf[index]!;
  }

  /** Whether constraint k holds for the witness. */
  holds(k: number, witness: readonly bigint[]): boolean {
    const evaluate = (lc: Terms) => {
      let sum = 0n;
      for (const [index, c] of lc) sum += c * witness[index]!;
      return sum % P;
    };
    return (evaluate(this.a[k]!) * evaluate(this.b[k]!) - evaluate(this.c[k]!)) % P === 0n;
  }
}
