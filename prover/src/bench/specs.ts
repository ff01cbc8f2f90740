import { projectPath } from "../build/paths.ts";
import { parseCircuitSpecs, type CircuitSpec, type StatementKind } from "../circuit/registry.ts";
import { FILLS_PER_PROOF, MARKETS, TIER_COUNT } from "../core/constants.ts";
import type { Profile } from "../model/types.ts";

/**
 * What a benchmark circuit proves and at which size: a statement (with its margin profile for margin,
 * withdraw and takeover), the vault capacity M (markets = account slots) and, for apply-fills, K fills.
 */
export interface BenchShape {
  readonly kind: StatementKind;
  /** Margin profile of margin, withdraw and takeover (undefined for deposit and fills). */
  readonly profile?: Profile;
  /** Markets M (the account's slots). */
  readonly markets: number;
  /** Fill positions K of an apply-fills proof (default FILLS_PER_PROOF; ignored by the other statements). */
  readonly fills?: number;
}

/** One statement of the benchmark, without its size. */
export interface BenchStatement {
  readonly kind: StatementKind;
  readonly profile?: Profile;
}

/** The entry template, its file and public inputs, per statement (as circuits/circuits.json lists them). */
const TEMPLATES: Readonly<Record<StatementKind, { file: string; template: string; pubs: readonly string[] }>> = {
  deposit: { file: "deposit_proof", template: "DepositProof", pubs: ["oldCommitment", "newCommitment", "amount"] },
  fills: { file: "apply_fills_proof", template: "ApplyFillsProof", pubs: ["oldCommitment", "newCommitment", "newHead", "statement"] },
  margin: { file: "margin_proof", template: "MarginProof", pubs: ["accountCommitment", "roundCommitment", "statement"] },
  withdraw: { file: "withdraw_proof", template: "WithdrawProof", pubs: ["oldCommitment", "newCommitment", "roundCommitment", "amount"] },
  takeover: { file: "takeover_proof", template: "TakeoverProof", pubs: ["victimCommitment", "liquidatorCommitment", "liquidatorNewCommitment", "roundCommitment", "statement"] },
};

const PROFILE_PARAM: Readonly<Record<Profile, number>> = { cross: 0, lending: 1, tiered: 2 };

/** The margin profiles benchmarked. */
export const PROFILES: readonly Profile[] = ["cross", "lending", "tiered"];
/** Every statement the vault uses, in report order: the transitions, then per profile margin, withdraw, takeover. */
export const STATEMENTS: readonly BenchStatement[] = [
  { kind: "deposit" },
  { kind: "fills" },
  ...PROFILES.flatMap((profile) => (["margin", "withdraw", "takeover"] as const).map((kind) => ({ kind, profile }))),
];
/** Vault capacities M swept (the proving circuits use MARKETS = 16). */
export const MARKET_SWEEP: readonly number[] = [4, 8, 16, 32, 64];
/** Fill positions K swept for apply-fills at M = 16 (the proving circuit uses FILLS_PER_PROOF = 8). */
export const FILL_SWEEP: readonly number[] = [1, 2, 4, 8, 16];
/** Constraint budget of the largest points: the development Powers of Tau holds 2^16. */
export const MAX_CONSTRAINTS = 2 ** 16;

/** Where a run writes by default: bench/, or bench/quick/ for the quick run so that it never overwrites a full run. */
export function defaultBenchDir(options: { readonly quick?: boolean }): string {
  return options.quick ? projectPath("bench", "quick") : projectPath("bench");
}

/** Fill positions of a shape's circuit: K for apply-fills, 0 for the others. */
export function fillsOf(shape: BenchShape): number {
  return shape.kind === "fills" ? (shape.fills ?? FILLS_PER_PROOF) : 0;
}

/** The readable name of a statement, as the README uses it: "deposit", "fills", "cross margin", "tiered takeover". */
export function statementName(statement: BenchStatement): string {
  return statement.profile ? `${statement.profile} ${statement.kind}` : statement.kind;
}

/** The circuit id zkmargin uses for a shape (circuits/circuits.json): deposit_m16, fills_m16_k8, cross_margin_m16. */
export function circuitIdOf(shape: BenchShape): string {
  if (shape.kind === "deposit") return `deposit_m${shape.markets}`;
  if (shape.kind === "fills") return `fills_m${shape.markets}_k${fillsOf(shape)}`;
  if (!shape.profile) throw new Error(`a ${shape.kind} circuit needs a margin profile`);
  return `${shape.profile}_${shape.kind}_m${shape.markets}`;
}

/** The circuits.json entry of a shape under `id` (a proving circuit: setup true). */
export function specOf(shape: BenchShape, id = circuitIdOf(shape)): CircuitSpec {
  const { file, template, pubs } = TEMPLATES[shape.kind];
  const params = shape.kind === "deposit" ? [shape.markets]
    : shape.kind === "fills" ? [shape.markets, fillsOf(shape)]
    : [shape.markets, shape.profile === "tiered" ? TIER_COUNT : 1, PROFILE_PARAM[shape.profile!]];
  return parseCircuitSpecs({ [id]: { file, template, params, pubs, setup: true } })[0]!;
}

/** One circuit of the benchmark. */
export interface BenchCircuit extends BenchShape {
  /** A circuits.json-like spec; `id` names the build folder. */
  readonly spec: CircuitSpec;
  /** "build": a proving circuit of circuits/circuits.json, built by `zkmargin build` under build/; "bench": under build/bench/. */
  readonly origin: "build" | "bench";
}

/**
 * The benchmark circuit of a shape: the proving circuit of circuits/circuits.json when `proving` lists it
 * (built by `zkmargin build`), else a generated spec `bench_<id>` built under build/bench/ (pass no proving
 * circuits to keep a long run apart from build/).
 */
export function benchCircuit(shape: BenchShape, proving: readonly CircuitSpec[]): BenchCircuit {
  const id = circuitIdOf(shape);
  const normal: BenchShape = { kind: shape.kind, markets: shape.markets, ...(shape.profile ? { profile: shape.profile } : {}), ...(shape.kind === "fills" ? { fills: fillsOf(shape) } : {}) };
  const existing = proving.find((spec) => spec.id === id && spec.setup);
  if (existing) return { ...normal, spec: existing, origin: "build" };
  return { ...normal, spec: specOf(shape, `bench_${id}`), origin: "bench" };
}

/** The default shape of every statement: the vault's capacity (M = 16, K = 8). */
export function provingShape(statement: BenchStatement): BenchShape {
  return { ...statement, markets: MARKETS, ...(statement.kind === "fills" ? { fills: FILLS_PER_PROOF } : {}) };
}

/**
 * The largest M whose circuit fits in `budget` constraints (with its public inputs and the constant wire),
 * from two measured points: constraints grow linearly with M (per-slot arithmetic and range checks, the
 * price and risk tables and their hashing).
 *
 * @param low constraints at M = low.markets
 * @param high constraints at M = high.markets
 */
export function maxMarkets(low: { markets: number; constraints: number }, high: { markets: number; constraints: number }, budget = MAX_CONSTRAINTS - 6): number {
  const slope = (high.constraints - low.constraints) / (high.markets - low.markets);
  return Math.floor(high.markets + (budget - high.constraints) / slope);
}
