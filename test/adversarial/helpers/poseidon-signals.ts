import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { FIELD_MODULUS } from "../../../prover/src/core/constants.ts";

const P = FIELD_MODULUS;
const require = createRequire(import.meta.url);

interface PoseidonConstants {
  readonly C: bigint[];
  readonly S: bigint[];
  readonly M: bigint[][];
  readonly P: bigint[][];
}

const N_ROUNDS_P = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
const N_ROUNDS_F = 8;
let source: string | undefined;
const cache = new Map<number, PoseidonConstants>();

/** The numbers of `function NAME(t)`'s branch for width t in circomlib's poseidon_constants.circom. */
function constantsOf(name: string, t: number): bigint[] {
  source ??= readFileSync(require.resolve("circomlib/circuits/poseidon_constants.circom"), "utf8");
  const start = source.indexOf(`function ${name}(t)`);
  const end = source.indexOf("\nfunction ", start + 1);
  const body = source.slice(start, end === -1 ? undefined : end);
  const branch = new RegExp(`t\\s*==\\s*${t}\\s*\\)\\s*\\{\\s*return\\s*\\[`).exec(body);
  if (!branch) throw new Error(`no ${name}(${t}) in poseidon_constants.circom`);
  const from = branch.index + branch[0].length - 1;
  let depth = 0;
  let to = from;
  for (; to < body.length; to++) {
    if (body[to] === "[") depth++;
    else if (body[to] === "]" && --depth === 0) break;
  }
  return [...body.slice(from, to + 1).matchAll(/0x[0-9a-fA-F]+|\d+/g)].map((match) => BigInt(match[0]));
}

function constants(t: number): PoseidonConstants {
  let found = cache.get(t);
  if (!found) {
    const square = (flat: bigint[]) => Array.from({ length: t }, (_, i) => flat.slice(i * t, (i + 1) * t));
    found = { C: constantsOf("POSEIDON_C", t), S: constantsOf("POSEIDON_S", t), M: square(constantsOf("POSEIDON_M", t)), P: square(constantsOf("POSEIDON_P", t)) };
    cache.set(t, found);
  }
  return found;
}

/** The constant circomlib's Poseidon of width t adds to state element j before its first round. */
export function poseidonFirstConstant(t: number, j: number): bigint {
  return constants(t).C[j]!;
}

/**
 * Every signal of a circomlib `Poseidon(n)` component named `prefix`, computed as circomlib's templates
 * compute them (Ark, Sigma, Mix, MixS, MixLast of PoseidonEx), for any field elements as inputs. The
 * forger pins these when an attack changes what a commitment hashes: the attacker recomputes the hash of
 * the book they choose, as an honest prover would.
 *
 * @param prefix the component's full name, e.g. "main.core.account.chain.first"
 * @param inputs the n hashed elements (reduced mod p)
 * @returns signal name -> value, including `${prefix}.out`
 */
export function poseidonSignals(prefix: string, inputs: readonly bigint[]): Map<string, bigint> {
  const t = inputs.length + 1;
  const { C, S, M, P: PM } = constants(t);
  const nRoundsP = N_ROUNDS_P[t - 2]!;
  const half = N_ROUNDS_F / 2;
  const out = new Map<string, bigint>();
  const x = `${prefix}.pEx`;
  const set = (name: string, value: bigint) => out.set(name, ((value % P) + P) % P);
  const sigma = (name: string, value: bigint) => {
    const v = ((value % P) + P) % P;
    const in2 = (v * v) % P;
    const in4 = (in2 * in2) % P;
    const result = (in4 * v) % P;
    set(`${name}.in`, v);
    set(`${name}.in2`, in2);
    set(`${name}.in4`, in4);
    set(`${name}.out`, result);
    return result;
  };
  const mix = (name: string, matrix: bigint[][], state: bigint[]) => {
    const result = state.map((_, i) => state.reduce((sum, value, j) => (sum + matrix[j]![i]! * value) % P, 0n));
    state.forEach((value, j) => set(`${name}.in[${j}]`, value));
    result.forEach((value, i) => set(`${name}.out[${i}]`, value));
    return result;
  };
  const ark = (r: number, offset: number, state: bigint[]) => {
    const result = state.map((value, j) => (value + C[j + offset]!) % P);
    state.forEach((value, j) => set(`${x}.ark[${r}].in[${j}]`, value));
    result.forEach((value, j) => set(`${x}.ark[${r}].out[${j}]`, value));
    return result;
  };

  inputs.forEach((value, i) => {
    set(`${prefix}.inputs[${i}]`, value);
    set(`${x}.inputs[${i}]`, value);
  });
  set(`${x}.initialState`, 0n);
  let state = ark(0, 0, [0n, ...inputs.map((value) => ((value % P) + P) % P)]);
  for (let r = 0; r < half - 1; r++) {
    const sigmas = state.map((value, j) => sigma(`${x}.sigmaF[${r}][${j}]`, value));
    state = mix(`${x}.mix[${r}]`, M, ark(r + 1, (r + 1) * t, sigmas));
  }
  let sigmas = state.map((value, j) => sigma(`${x}.sigmaF[${half - 1}][${j}]`, value));
  state = mix(`${x}.mix[${half - 1}]`, PM, ark(half, half * t, sigmas));
  for (let r = 0; r < nRoundsP; r++) {
    const s0 = sigma(`${x}.sigmaP[${r}]`, state[0]!);
    const input = [(s0 + C[(half + 1) * t + r]!) % P, ...state.slice(1)];
    const base = (t * 2 - 1) * r;
    const first = input.reduce((sum, value, i) => (sum + S[base + i]! * value) % P, 0n);
    const rest = input.slice(1).map((value, i) => (value + input[0]! * S[base + t + i]!) % P);
    input.forEach((value, j) => set(`${x}.mixS[${r}].in[${j}]`, value));
    state = [first, ...rest];
    state.forEach((value, j) => set(`${x}.mixS[${r}].out[${j}]`, value));
  }
  for (let r = 0; r < half - 1; r++) {
    sigmas = state.map((value, j) => sigma(`${x}.sigmaF[${half + r}][${j}]`, value));
    state = mix(`${x}.mix[${half + r}]`, M, ark(half + r + 1, (half + 1) * t + nRoundsP + r * t, sigmas));
  }
  sigmas = state.map((value, j) => sigma(`${x}.sigmaF[${N_ROUNDS_F - 1}][${j}]`, value));
  const digest = sigmas.reduce((sum, value, j) => (sum + M[j]![0]! * value) % P, 0n);
  sigmas.forEach((value, j) => set(`${x}.mixLast[0].in[${j}]`, value));
  set(`${x}.mixLast[0].out`, digest);
  set(`${x}.out[0]`, digest);
  set(`${prefix}.out`, digest);
  return out;
}
