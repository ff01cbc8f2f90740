import { ZkMarginError } from "../core/errors.ts";

import type { Profile } from "../model/types.ts";

/** What an entry circuit proves. */
export type StatementKind = "margin" | "liquidation";

/** The profile and statement of each entry template. */
const ENTRY_TEMPLATES: Readonly<Record<string, { profile: Profile; kind: StatementKind }>> = {
  MarginProof: { profile: "cross", kind: "margin" },
  LiquidationProof: { profile: "cross", kind: "liquidation" },
  LendingHealthProof: { profile: "lending", kind: "margin" },
  LendingLiquidationProof: { profile: "lending", kind: "liquidation" },
  TieredMarginProof: { profile: "tiered", kind: "margin" },
  TieredLiquidationProof: { profile: "tiered", kind: "liquidation" },
};

/** One entry of circuits/circuits.json. */
export interface CircuitSpec {
  /** Circuit id, e.g. "margin_n4_m16". */
  readonly id: string;
  /** File under circuits/ without extension. */
  readonly file: string;
  readonly template: string;
  readonly params: readonly number[];
  readonly pubs: readonly string[];
  /** Whether the build runs a Groth16 setup for it (test-only circuits are compiled only). */
  readonly setup: boolean;
  /** Statement kind, for entry circuits. */
  readonly kind: StatementKind | undefined;
  /** Margin profile, for entry circuits. */
  readonly profile: Profile | undefined;
  /** Position slots (N). */
  readonly slots: number;
  /** Markets (M). */
  readonly markets: number;
}

interface RawSpec {
  file: string;
  template: string;
  params: number[];
  pubs: string[];
  setup?: boolean;
}

/**
 * Interprets the declarative circuit list (circuits/circuits.json, like circomkit's): each entry names a
 * file, a template, its parameters (N, M) and its public inputs. Pure, so it also runs in a browser.
 *
 * @param raw the parsed circuits.json
 */
export function parseCircuitSpecs(raw: Record<string, unknown>): CircuitSpec[] {
  return Object.entries(raw as Record<string, RawSpec | string>)
    .filter((entry): entry is [string, RawSpec] => !entry[0].startsWith("$") && typeof entry[1] === "object")
    .map(([id, spec]) => ({
      id,
      file: spec.file,
      template: spec.template,
      params: spec.params,
      pubs: spec.pubs,
      setup: spec.setup ?? false,
      kind: ENTRY_TEMPLATES[spec.template]?.kind,
      profile: ENTRY_TEMPLATES[spec.template]?.profile,
      slots: spec.params[0] ?? 0,
      markets: spec.params[1] ?? 0,
    }));
}

/**
 * Picks the smallest proving circuit of `profile` and `kind` that holds `positions` positions over `markets`
 * markets.
 *
 * @throws ZkMarginError when no circuit is large enough
 */
export function selectCircuit(specs: readonly CircuitSpec[], profile: Profile, kind: StatementKind, positions: number, markets: number): CircuitSpec {
  const fitting = specs
    .filter((spec) => spec.profile === profile && spec.kind === kind && spec.setup && spec.slots >= Math.max(positions, 1) && spec.markets >= markets)
    .sort((a, b) => a.slots * a.markets - b.slots * b.markets);
  const chosen = fitting[0];
  if (!chosen) {
    const largest = specs.filter((spec) => spec.profile === profile && spec.kind === kind && spec.setup).map((spec) => `${spec.slots} positions x ${spec.markets} markets`);
    throw new ZkMarginError("account.positions", `${positions} positions over ${markets} markets fit no ${profile} ${kind} circuit (available: ${largest.join(", ") || "none"})`);
  }
  return chosen;
}
