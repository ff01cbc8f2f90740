import { projectPath } from "../build/paths.ts";
import { parseCircuitSpecs, type CircuitSpec, type StatementKind } from "../circuit/registry.ts";
import type { Profile } from "../model/types.ts";

/** The entry template, its file and extra parameters, per profile and statement. */
export const STATEMENT_TEMPLATES: Readonly<Record<Profile, Readonly<Record<StatementKind, { file: string; template: string; extra: readonly number[] }>>>> = {
  cross: {
    margin: { file: "margin_proof", template: "MarginProof", extra: [] },
    liquidation: { file: "liquidation_proof", template: "LiquidationProof", extra: [] },
  },
  lending: {
    margin: { file: "lending_health_proof", template: "LendingHealthProof", extra: [] },
    liquidation: { file: "lending_liquidation_proof", template: "LendingLiquidationProof", extra: [] },
  },
  tiered: {
    margin: { file: "tiered_margin_proof", template: "TieredMarginProof", extra: [4] },
    liquidation: { file: "tiered_liquidation_proof", template: "TieredLiquidationProof", extra: [4] },
  },
};

/** The margin profiles benchmarked. */
export const PROFILES: readonly Profile[] = ["cross", "lending", "tiered"];
/** The statements benchmarked. */
export const KINDS: readonly StatementKind[] = ["margin", "liquidation"];
/** Position slots swept. */
export const SLOT_SWEEP: readonly number[] = [1, 2, 4, 8, 16, 32, 64];
/** Market counts swept, besides the largest that fits (see maxMarkets). */
export const MARKET_SWEEP: readonly number[] = [16, 64];
/** Constraint budget of the largest points: the development Powers of Tau holds 2^16. */
export const MAX_CONSTRAINTS = 2 ** 16;

/** Where a run writes by default: bench/, or bench/quick/ for the quick run so that it never overwrites a full run. */
export function defaultBenchDir(options: { readonly quick?: boolean }): string {
  return options.quick ? projectPath("bench", "quick") : projectPath("bench");
}

/** One circuit of the benchmark. */
export interface BenchCircuit {
  readonly profile: Profile;
  readonly kind: StatementKind;
  readonly slots: number;
  readonly markets: number;
  /** A circuits.json-like spec; `id` names the build folder. */
  readonly spec: CircuitSpec;
  /** "build": a proving circuit of circuits/circuits.json, built by `zkmargin build` under build/; "bench": under build/bench/. */
  readonly origin: "build" | "bench";
}

/** The proving-circuit id zkmargin uses for a shape (cross omits the profile): e.g. lending_health_n16_m16. */
export function provingCircuitId(profile: Profile, kind: StatementKind, slots: number, markets: number): string {
  const statement = profile === "lending" ? (kind === "margin" ? "lending_health" : "lending_liquidation") : profile === "tiered" ? `tiered_${kind}` : kind;
  return `${statement}_n${slots}_m${markets}`;
}

/**
 * The benchmark circuit of a shape: the proving circuit of circuits/circuits.json when there is one and
 * `proving` lists it (already built by `zkmargin build`), else a generated spec `bench_<proving id>` built
 * under build/bench/ (pass no proving circuits to keep a long run apart from build/).
 */
export function benchCircuit(profile: Profile, kind: StatementKind, slots: number, markets: number, proving: readonly CircuitSpec[]): BenchCircuit {
  const id = provingCircuitId(profile, kind, slots, markets);
  const existing = proving.find((spec) => spec.id === id && spec.setup);
  if (existing) return { profile, kind, slots, markets, spec: existing, origin: "build" };
  const { file, template, extra } = STATEMENT_TEMPLATES[profile][kind];
  const [spec] = parseCircuitSpecs({
    [`bench_${id}`]: { file, template, params: [slots, markets, ...extra], pubs: ["accountCommitment", "roundCommitment", "statement"], setup: true },
  });
  return { profile, kind, slots, markets, spec: spec!, origin: "bench" };
}

/**
 * The largest M whose circuit fits in `budget` constraints (with its public inputs and the constant wire),
 * from two compiled points of the same N: constraints grow linearly with M (price and risk tables, their
 * hashing, and the per-slot selection trees).
 *
 * @param low constraints at M = lowMarkets
 * @param high constraints at M = highMarkets
 */
export function maxMarkets(low: { markets: number; constraints: number }, high: { markets: number; constraints: number }, budget = MAX_CONSTRAINTS - 4): number {
  const slope = (high.constraints - low.constraints) / (high.markets - low.markets);
  return Math.floor(high.markets + (budget - high.constraints) / slope);
}
