import { expect } from "vitest";
import { unpackLiquidationStatement, unpackMarginStatement } from "../../../prover/src/commitment/statement.ts";
import { ACCOUNT_TAG, ADJUSTMENT_BITS, COLLATERAL_BITS, FIELD_MODULUS, SIZE_BITS, SLOT_BITS, SLOTS_PER_ELEMENT } from "../../../prover/src/core/constants.ts";
import { loadCircuitSpecs } from "../../../prover/src/circuit/load-specs.ts";
import { CircuitTester } from "../../helpers/circuit-tester.ts";
import { WitnessForger, type Forgery } from "./forger.ts";
import { poseidonSignals } from "./poseidon-signals.ts";

const P = FIELD_MODULUS;
const mod = (value: bigint): bigint => ((value % P) + P) % P;

/** A zkmargin entry circuit ready for attacks: the tester, the forger and its shape. */
export interface Target {
  readonly tester: CircuitTester;
  readonly forger: WitnessForger;
  readonly kind: "margin" | "liquidation";
  readonly slots: number;
  readonly markets: number;
}

/** Loads (compiling if needed) a margin or liquidation entry circuit of circuits.json. */
export async function loadTarget(id: string): Promise<Target> {
  const spec = loadCircuitSpecs().find((candidate) => candidate.id === id);
  if (!spec?.kind) throw new Error(`${id} is not a margin or liquidation circuit`);
  const tester = await CircuitTester.load(id);
  return { tester, forger: new WitnessForger(tester), kind: spec.kind, slots: spec.slots, markets: spec.markets };
}

/** What the attacker changes, starting from an honest witness. */
export interface Attack {
  /** New values of main inputs, by name ("main.size[0]"); field elements, so negatives wrap. */
  readonly inputs?: Readonly<Record<string, bigint>>;
  /** Intermediate signals the attacker overrides (their consequences are recomputed). */
  readonly set?: Readonly<Record<string, bigint>>;
  /** Bit arrays the attacker decomposes differently from the honest generator (array name -> value). */
  readonly bits?: Readonly<Record<string, bigint>>;
  /**
   * The attacker publishes the commitment of the book it forged (a self-made commitment, as in `update`),
   * instead of having to open the account's existing commitment.
   */
  readonly selfCommitted?: boolean;
}

/** A forged witness and the constraints it breaks. */
export interface ForgedAttack extends Forgery {
  /** Indexes of the broken constraints. */
  readonly broken: number[];
  /** The component of each broken constraint (see WitnessForger.componentOf), deduplicated. */
  readonly guards: string[];
}

/**
 * Builds the attacker's witness: the honest witness generator's computation without its assertions, run on
 * the attacker's values. The statement is decoded again, the account chain is rehashed over the forged book
 * (see poseidonSignals), and the forger derives everything else from the R1CS, every range check's bits
 * included (the low bits of a wrapped value, as `<--` gives them, see WitnessForger). So the result breaks only
 * the constraints that actually stand in the attack's way.
 */
export function forgeAttack(target: Target, honest: readonly bigint[], attack: Attack): ForgedAttack {
  const { forger, tester } = target;
  const input = (name: string) => attack.inputs?.[name] ?? forger.value(honest, name);
  const has = (name: string) => tester.indexOf(name) !== undefined;
  const names = tester.signalNames();
  const statement = input("main.statement");

  // (1) The statement's fields, as the statement template decodes them (wherever --O2 kept them).
  const set: Record<string, bigint> = {};
  const pin = (candidates: readonly string[], value: bigint) => candidates.filter(has).forEach((name) => (set[name] = value));
  const collateralNames = names.filter((name) => /^main\.(decoded|book|core)\.collateral$/.test(name));
  let collateral: bigint;
  if (target.kind === "margin") {
    const fields = unpackMarginStatement(statement);
    collateral = fields.collateral;
    pin(["main.decoded.binder"], fields.binder);
    pin(["main.decoded.bufferBps"], fields.bufferBps);
    pin(["main.decoded.useInitial"], fields.requirement === "initial" ? 1n : 0n);
  } else {
    const fields = unpackLiquidationStatement(statement);
    collateral = fields.collateral;
    pin(["main.decoded.liquidator"], fields.liquidator);
  }
  pin(collateralNames, collateral);

  // (2) The account chain over the forged book: [salt, owner, nonce, balance, slots packed 3 per element].
  const balance = mod(input("main.adjustment") + (1n << BigInt(ADJUSTMENT_BITS)) + (collateral << BigInt(ADJUSTMENT_BITS + 1)) + (ACCOUNT_TAG << BigInt(ADJUSTMENT_BITS + 1 + COLLATERAL_BITS)));
  const elements = [input("main.salt"), input("main.owner"), input("main.nonce"), balance];
  for (let start = 0; start < target.slots; start += SLOTS_PER_ELEMENT) {
    let element = 0n;
    for (let j = 0; j < SLOTS_PER_ELEMENT && start + j < target.slots; j++) {
      const i = start + j;
      element += (input(`main.size[${i}]`) + (input(`main.isShort[${i}]`) << BigInt(SIZE_BITS)) + (input(`main.market[${i}]`) << BigInt(SIZE_BITS + 1))) << BigInt(j * SLOT_BITS);
    }
    elements.push(mod(element));
  }
  const chain = names.map((name) => /^(.*\.account\.chain)\.first\.pEx\./.exec(name)?.[1]).find((prefix) => prefix !== undefined);
  if (!chain) throw new Error(`no account chain in ${tester.id}`);
  const { hashes, digest } = chainHashes(chain, elements);
  // The round commitment combines the prices and risk commitments; the attacks keep both (or replace the
  // whole round), so the combining hash is recomputed from the honest digests.
  const combine = names.map((name) => /^(.*\.combine)\.inputs\[0\]$/.exec(name)?.[1]).find((prefix) => prefix !== undefined);
  if (combine && has(`${combine}.inputs[1]`)) hashes[combine] = [forger.value(honest, `${combine}.inputs[0]`), forger.value(honest, `${combine}.inputs[1]`)];
  const inputs: Record<string, bigint> = { ...attack.inputs };
  if (attack.selfCommitted) inputs["main.accountCommitment"] = digest;

  const forged = forger.forge(honest, { set: { ...inputs, ...set, ...attack.set }, bits: { ...attack.bits }, poseidon: hashes });
  const broken = forger.brokenConstraints(forged.witness);
  return { ...forged, broken, guards: [...new Set(broken.map((k) => forger.componentOf(k)))] };
}

/**
 * The Poseidon calls of a PoseidonChain over `elements` (see poseidon_chain.circom): Poseidon(8) over the
 * first 8, then over (digest, next 7) per link; a link of zeros keeps the digest.
 */
function chainHashes(prefix: string, elements: readonly bigint[]): { hashes: Record<string, bigint[]>; digest: bigint } {
  const take = (from: number, count: number) => Array.from({ length: count }, (_, i) => elements[from + i] ?? 0n);
  const hashes: Record<string, bigint[]> = { [`${prefix}.first`]: take(0, 8) };
  let digest = poseidonSignals(`${prefix}.first`, take(0, 8)).get(`${prefix}.first.out`)!;
  for (let link = 0; 8 + link * 7 < elements.length; link++) {
    const chunk = take(8 + link * 7, 7);
    hashes[`${prefix}.link[${link}]`] = [digest, ...chunk];
    if (chunk.some((element) => element !== 0n)) digest = poseidonSignals(`${prefix}.link[${link}]`, [digest, ...chunk]).get(`${prefix}.link[${link}].out`)!;
  }
  return { hashes, digest };
}

// Poseidon internals of the prices and risk commitments (the attacks keep what they hash), IsZero inverses.
const KEPT = /^main\.(book\.(prices|combine)\.|book\.riskCommitment$|risk\.)|\.inv$/;

/**
 * Forges `attack` from `base` and asserts that it is stopped by the guard named, and only by it: at least one
 * constraint breaks, every broken constraint belongs to a component matching `guard`, and the forger had to
 * guess no signal beyond the hashing internals the attack keeps.
 */
export function expectStoppedBy(target: Target, base: readonly bigint[], attack: Attack, guard: RegExp): ForgedAttack {
  const forged = forgeAttack(target, base, attack);
  expect(forged.broken.length, "the forged witness satisfies every constraint").toBeGreaterThan(0);
  expect(forged.guards.filter((component) => !guard.test(component)), "constraints broken outside the guard").toEqual([]);
  expect(forged.assumedNonBits.filter((name) => !KEPT.test(name)), "signals the forger had to guess").toEqual([]);
  return forged;
}
