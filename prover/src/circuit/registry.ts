import { ZkMarginError } from "../core/errors.ts";
import type { Profile } from "../model/types.ts";

/** What an entry circuit proves (circuits/README.md, "Statements"). */
export type StatementKind = "deposit" | "fills" | "margin" | "withdraw" | "takeover";

/** The statement of each entry template; margin templates also take (M, T, PROFILE). */
const ENTRY_TEMPLATES: Readonly<Record<string, StatementKind>> = {
  DepositProof: "deposit",
  ApplyFillsProof: "fills",
  MarginProof: "margin",
  WithdrawProof: "withdraw",
  TakeoverProof: "takeover",
};

const PROFILES: readonly Profile[] = ["cross", "lending", "tiered"];

/** One entry of circuits/circuits.json. */
export interface CircuitSpec {
  /** Circuit id, e.g. "cross_margin_m16". */
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
  /** Margin profile of the margin, withdraw and takeover templates (undefined for deposit and fills). */
  readonly profile: Profile | undefined;
  /** Markets (M = account slots). */
  readonly markets: number;
  /** Fill positions per proof (apply-fills), tiers per market (margin templates), else 0. */
  readonly fills: number;
  readonly tiers: number;
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
 * file, a template, its parameters and its public inputs. Pure, so it also runs in a browser.
 *
 * @param raw the parsed circuits.json
 */
export function parseCircuitSpecs(raw: Record<string, unknown>): CircuitSpec[] {
  return Object.entries(raw as Record<string, RawSpec | string>)
    .filter((entry): entry is [string, RawSpec] => !entry[0].startsWith("$") && typeof entry[1] === "object")
    .map(([id, spec]) => {
      const kind = ENTRY_TEMPLATES[spec.template];
      const withProfile = kind === "margin" || kind === "withdraw" || kind === "takeover";
      return {
        id,
        file: spec.file,
        template: spec.template,
        params: spec.params,
        pubs: spec.pubs,
        setup: spec.setup ?? false,
        kind,
        profile: withProfile ? PROFILES[spec.params[2] ?? -1] : undefined,
        markets: spec.params[0] ?? 0,
        fills: kind === "fills" ? (spec.params[1] ?? 0) : 0,
        tiers: withProfile ? (spec.params[1] ?? 0) : 0,
      };
    });
}

/**
 * The proving circuit of a statement at a vault's capacity: `markets` markets and, for margin statements, the
 * markets' profile. Every statement has exactly one circuit per capacity, so a transaction never reveals how
 * many positions an account holds.
 *
 * @throws ZkMarginError when no such circuit is listed
 */
export function selectCircuit(specs: readonly CircuitSpec[], kind: StatementKind, markets: number, profile?: Profile): CircuitSpec {
  const chosen = specs.find((spec) => spec.setup && spec.kind === kind && spec.markets === markets && (kind === "deposit" || kind === "fills" || spec.profile === profile));
  if (!chosen) {
    const available = specs.filter((spec) => spec.setup && spec.kind === kind).map((spec) => spec.id);
    throw new ZkMarginError("circuit", `no ${profile ? `${profile} ` : ""}${kind} circuit for ${markets} markets (available: ${available.join(", ") || "none"})`);
  }
  return chosen;
}
