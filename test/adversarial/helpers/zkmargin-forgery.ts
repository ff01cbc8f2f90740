import { expect } from "vitest";
import type { CircuitInput } from "../../../prover/src/circuit/inputs.ts";
import { loadCircuitSpecs } from "../../../prover/src/circuit/load-specs.ts";
import type { CircuitSpec } from "../../../prover/src/circuit/registry.ts";
import { CONFIDENCE_BITS, FIELD_MODULUS, PRICE_BITS, bound } from "../../../prover/src/core/constants.ts";
import { CircuitTester } from "../../helpers/circuit-tester.ts";
import { WitnessForger, type Forgery } from "./forger.ts";

const P = FIELD_MODULUS;
const mod = (value: bigint): bigint => ((value % P) + P) % P;
const bitsOf = (value: bigint, from: number, count: number): bigint => (mod(value) >> BigInt(from)) & (bound(count) - 1n);

/** A v2 entry circuit ready for attacks: the tester, the forger and its circuits.json entry. */
export interface Target {
  readonly tester: CircuitTester;
  readonly forger: WitnessForger;
  readonly spec: CircuitSpec;
}

const targets = new Map<string, Promise<Target>>();

/** Loads (compiling if needed, once per test file) an entry circuit of circuits.json. */
export function loadTarget(id: string): Promise<Target> {
  let target = targets.get(id);
  if (!target) {
    target = (async () => {
      const spec = loadCircuitSpecs().find((candidate) => candidate.id === id);
      if (!spec?.kind) throw new Error(`${id} is not an entry circuit of circuits.json`);
      const tester = await CircuitTester.load(id);
      return { tester, forger: new WitnessForger(tester), spec };
    })();
    targets.set(id, target);
  }
  return target;
}

/** Main-signal values by full name ("main.size[0]" -> 3n): the form the forger takes. */
export type Signals = Record<string, bigint>;

/** A circuit input as main-signal values (negative values wrap into the field). */
export function asSignals(input: CircuitInput | Record<string, unknown>): Signals {
  const signals: Signals = {};
  const add = (name: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((item, i) => add(`${name}[${i}]`, item));
    else signals[name] = mod(BigInt(value as string));
  };
  for (const [name, value] of Object.entries(input)) add(`main.${name}`, value);
  return signals;
}

/** What the attacker changes, starting from a base witness (usually an honest one). */
export interface Attack {
  /** New values of main inputs ("main.size[0]"), public or private; field elements, so negatives wrap. */
  readonly inputs?: Signals;
  /** Intermediate signals the attacker overrides (their consequences are recomputed). */
  readonly set?: Signals;
  /** Bit arrays the attacker decomposes differently from the honest generator (array name -> value). */
  readonly bits?: Record<string, bigint>;
  /**
   * Public inputs the attacker computes from the witness instead of taking the vault's: a commitment the
   * attacker makes itself (a new state, or a state the vault never held).
   */
  readonly derive?: readonly string[];
}

/** A forged witness and the constraints it breaks. */
export interface ForgedAttack extends Forgery {
  /** Indexes of the broken constraints. */
  readonly broken: number[];
  /** The component of each broken constraint (see WitnessForger.componentOf), deduplicated. */
  readonly guards: string[];
}

/**
 * The values the honest witness generator's `<--` computes from the inputs where the forger cannot derive
 * them from the R1CS (--O2 leaves partial sums of a bit decomposition that only the decomposition fixes):
 * the bits of every quote and of the statement and the fields read off them, the one-hot selectors of the
 * apply-fills statement and of each fill's market. Computed from the (possibly forged) inputs, as the
 * generator without its assertions would.
 */
function generatorHints(target: Target, input: (name: string) => bigint): { set: Signals; bits: Record<string, bigint> } {
  const { tester, spec } = target;
  const has = (name: string) => tester.indexOf(name) !== undefined;
  const set: Signals = {};
  const bits: Record<string, bigint> = {};
  const pin = (name: string, value: bigint) => {
    if (has(name)) set[name] = value;
  };
  const names = tester.signalNames();
  if (has("main.quote[0]")) {
    for (let j = 0; j < spec.markets; j++) {
      const quote = input(`main.quote[${j}]`);
      bits[`main.round.prices.bits[${j}].out`] = quote;
      const price = bitsOf(quote, 0, PRICE_BITS);
      const confidence = bitsOf(quote, PRICE_BITS, CONFIDENCE_BITS);
      for (const name of names) {
        if (new RegExp(`^main\\.\\w+\\.price\\[${j}\\]$`).test(name)) set[name] = price;
        if (new RegExp(`^main\\.\\w+\\.confidence\\[${j}\\]$`).test(name)) set[name] = confidence;
      }
    }
  }
  const statement = has("main.statement") ? input("main.statement") : 0n;
  if (spec.kind === "margin") {
    bits["main.decoded.bits.out"] = statement;
    pin("main.decoded.binder", bitsOf(statement, 0, 160));
    pin("main.decoded.bufferBps", bitsOf(statement, 160, 16));
    pin("main.decoded.useInitial", bitsOf(statement, 176, 1));
    pin("main.decoded.favourable", bitsOf(statement, 177, 1));
  } else if (spec.kind === "takeover") {
    bits["main.decoded.bits.out"] = statement;
    pin("main.decoded.ownerPayout", bitsOf(statement, 0, 64));
    pin("main.decoded.penalty", bitsOf(statement, 64, 64));
    pin("main.decoded.badDebt", bitsOf(statement, 128, 64));
    pin("main.decoded.penaltyBps", bitsOf(statement, 192, 16));
    pin("main.decoded.defaulted", bitsOf(statement, 208, 1));
  } else if (spec.kind === "fills") {
    const count = statement % 65536n;
    for (let c = 0; c <= spec.fills; c++) pin(`main.decoded.pick[${c}]`, BigInt(count) === BigInt(c) ? 1n : 0n);
    for (let i = 0; i < spec.fills; i++) {
      pin(`main.decoded.enabled[${i}]`, count > BigInt(i) && count <= BigInt(spec.fills) ? 1n : 0n);
      const market = input(`main.fillMarket[${i}]`);
      for (let j = 0; j < spec.markets; j++) pin(`main.step[${i}].onehot[${j}]`, market === BigInt(j) ? 1n : 0n);
    }
  }
  return { set, bits };
}

/**
 * Builds the attacker's witness: the honest witness generator's computation without its assertions, run on
 * the attacker's values. The generator's free choices are recomputed from the forged inputs (see
 * generatorHints), every hash is recomputed over what the circuit feeds it, and the forger derives everything
 * else from the R1CS (WitnessForger). So the result breaks only the constraints that actually stand in the
 * attack's way.
 */
export function forgeAttack(target: Target, base: readonly bigint[], attack: Attack): ForgedAttack {
  const { forger } = target;
  const input = (name: string) => (attack.inputs?.[name] !== undefined ? mod(attack.inputs[name]!) : forger.value(base, name));
  const hints = generatorHints(target, input);
  const inputs: Signals = {};
  for (const [name, value] of Object.entries(attack.inputs ?? {})) {
    if (attack.derive?.includes(name)) continue;
    // --O2 drops the inputs a constraint fixes to 0 (cross margin's tiers, every first floor): only 0 fits them.
    if (target.tester.indexOf(name) === undefined) {
      if (mod(value) !== 0n) throw new Error(`${name} is fixed to 0 in ${target.tester.id}: no witness holds ${value}`);
      continue;
    }
    inputs[name] = value;
  }
  const forged = forger.forge(base, { set: { ...hints.set, ...inputs, ...attack.set }, bits: { ...hints.bits, ...attack.bits }, derive: attack.derive });
  const broken = forger.brokenConstraints(forged.witness);
  return { ...forged, broken, guards: [...new Set(broken.map((k) => forger.componentOf(k)))] };
}

/**
 * The free choices an attacker may leave at the base witness's value without weakening the attack: the
 * inverse of an IsZero whose input is 0 (any value satisfies in * inv = 1 - out with out = 1).
 */
const HARMLESS = /\.inv$/;

/**
 * Forges `attack` from `base` and asserts that it is stopped by the guard named, and only by it: at least one
 * constraint breaks, every broken constraint belongs to a component matching `guard`, and the forger had to
 * guess no signal beyond harmless free choices. So removing the guard's constraints would let the forged
 * witness through: the guard is what stops the attack.
 */
export function expectStoppedBy(target: Target, base: readonly bigint[], attack: Attack, guard: RegExp): ForgedAttack {
  const forged = forgeAttack(target, base, attack);
  expect(forged.broken.length, "the forged witness satisfies every constraint").toBeGreaterThan(0);
  if (process.env.FORGE_DEBUG) for (const k of forged.broken) console.log(`broken ${k} [${target.forger.componentOf(k)}] ${target.forger.signalsOf(k).slice(0, 8).join(", ")}`);
  const outside = forged.broken.filter((k) => !guard.test(target.forger.componentOf(k)));
  const described = outside.slice(0, 6).map((k) => `${target.forger.componentOf(k)}: ${target.forger.signalsOf(k).slice(0, 6).join(", ")}`);
  expect(described, `constraints broken outside the guard (guards: ${forged.guards.join("; ")})`).toEqual([]);
  expect(forged.assumedNonBits.filter((name) => !HARMLESS.test(name)), "signals the forger had to guess").toEqual([]);
  return forged;
}

/** Asserts that the forged witness satisfies every constraint (an attack that is not one, or a true statement). */
export function expectAccepted(target: Target, base: readonly bigint[], attack: Attack): ForgedAttack {
  const forged = forgeAttack(target, base, attack);
  expect(forged.broken.map((k) => target.forger.componentOf(k)), "constraints broken").toEqual([]);
  expect(forged.assumedNonBits.filter((name) => !HARMLESS.test(name)), "signals the forger had to guess").toEqual([]);
  return forged;
}

/** The signals of the broken constraints of a forgery (to check which inputs a guard compares). */
export function brokenSignals(target: Target, forged: ForgedAttack): string[] {
  return [...new Set(forged.broken.flatMap((k) => target.forger.signalsOf(k)))];
}
