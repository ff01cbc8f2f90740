import { describe, expect, it } from "vitest";
import { FIELD_MODULUS } from "../../prover/src/core/constants.ts";
import { loadCircuitSpecs } from "../../prover/src/circuit/load-specs.ts";
import { liquidationDeficit, marginSurplus } from "../../prover/src/engine/statement-values.ts";
import type { Account, MarketRisk, MarketSet, Profile } from "../../prover/src/model/types.ts";
import { liquidationInput, makeAccount, makeMarketSet, marginInput } from "../helpers/fixtures.ts";
import { round } from "./helpers/books.ts";
import { loadTarget, type Target } from "./helpers/zkmargin-forgery.ts";

// Every private signal must be pinned: change one witness value alone (nothing recomputed) and some
// constraint must break. A signal that can change freely is an under-constrained one, unless nothing
// depends on it. Checked for every witness index after the constant and the public inputs, of every margin
// and liquidation circuit in circuits.json, every profile (a check touches only the constraints of the
// signal, so all of them are cheap).
const DELTAS = [1n, 0x1234567890abcdefn, FIELD_MODULUS - 1n];

/**
 * The witness signals (by name) that no constraint notices when they change alone. Edits one working copy in
 * place (a copy per signal would make the scan quadratic) and yields to the event loop now and then, so the
 * test worker keeps answering vitest's runner (whose RPC times out after 60 s of silence).
 */
async function freeSignals(target: Target, witness: readonly bigint[]): Promise<{ scanned: number; free: string[] }> {
  const { forger, tester } = target;
  const first = 1 + tester.r1cs.nOutputs + tester.r1cs.nPubInputs;
  const free: string[] = [];
  const working = [...witness];
  for (let index = first; index < working.length; index++) {
    if ((index - first) % 1_000 === 0) await new Promise((resolve) => setImmediate(resolve));
    const constraints = forger.constraintsWith(index);
    const original = working[index]!;
    const noticed = DELTAS.some((delta) => {
      working[index] = (original + delta) % FIELD_MODULUS;
      return constraints.some((k) => !forger.holds(k, working));
    });
    working[index] = original;
    if (!noticed) free.push(forger.nameOf(index));
  }
  return { scanned: working.length - first, free };
}

/** Five markets of a profile, prices and confidences of the attack books' round, k = 2.00. */
function marketsOf(profile: Profile): MarketSet {
  const pairs: [bigint, bigint][] = [[30_000n, 50_000n], [50_000n, 100_000n], [10_000n, 20_000n], [1n, 1_000_000n], [1_000_000n, 1_000_000n]];
  const risks: MarketRisk[] = pairs.map(([low, high]) =>
    profile === "cross" ? { profile, maintenanceRate: low, initialRate: high }
      : profile === "lending" ? { profile, liquidationThreshold: 1_000_000n - low, loanToValue: 1_000_000n - high }
        : { profile, tiers: [{ floor: 0n, maintenanceRate: low, initialRate: high }, { floor: 1_000n, maintenanceRate: high, initialRate: high }] });
  return makeMarketSet(profile, risks, 200n);
}

/**
 * A book of `count` positions (M0..M4 in turn, alternating sides) that makes the circuit's statement true
 * by a wide margin: the quote adjustment is solved from the engine's surplus (or deficit), which is affine in it.
 */
function trueBook(markets: MarketSet, kind: "margin" | "liquidation", count: number): Account {
  const positions = Array.from({ length: count }, (_, i) => [i % 5, BigInt(i % 2 === 0 ? i + 1 : -(i + 1)) * 10n ** 7n] as const);
  const base = makeAccount(markets, positions, 100n * 10n ** 6n);
  const lending = markets.profile === "lending";
  if (kind === "margin") {
    const scale = lending ? 10n ** 12n : 10n ** 10n;
    return { ...base, adjustment: 10n ** 20n - marginSurplus(base, round, markets, "maintenance", 0n) / scale };
  }
  const scale = lending ? 10n ** 8n : 10n ** 6n;
  return { ...base, adjustment: liquidationDeficit(base, round, markets) / scale - 10n ** 20n };
}

const circuits = loadCircuitSpecs().filter((spec) => spec.kind !== undefined && spec.profile !== undefined);

describe("Signal scan: every private witness signal is pinned by a constraint", () => {
  for (const spec of circuits) {
    const links = Math.ceil(Math.max(0, 4 + Math.ceil(spec.slots / 3) - 8) / 7);
    it(`Should break a constraint when any single private signal of ${spec.id} changes`, async () => {
      const target = await loadTarget(spec.id);
      const markets = marketsOf(spec.profile!);
      const witnessOf = (account: Account) => target.tester.witness(spec.kind === "margin" ? marginInput(account, round, markets, spec.slots, spec.markets) : liquidationInput(account, round, markets, spec.slots, spec.markets));
      // The only free signals allowed: the inverse witness of IsZero on an all-zero link of a PoseidonChain
      // (`empty[k]`: with in = 0, out = 1 - in * inv = 1 whatever inv is, and only `out` is used). Links are
      // empty where the book has fewer positions, or the round fewer markets, than the circuit's capacity.
      const emptyLinkInverse = /^main\.[\w.[\]]+\.chain\.empty\[\d+\]\.inv$/;
      const small = await witnessOf(trueBook(markets, spec.kind!, Math.min(spec.slots, 3)));
      const { scanned, free } = await freeSignals(target, small);
      expect(scanned).toBe(target.tester.r1cs.nVars - 1 - target.tester.r1cs.nOutputs - target.tester.r1cs.nPubInputs);
      expect(free.filter((name) => !emptyLinkInverse.test(name))).toEqual([]);
      expect(free.filter((name) => small[target.forger.index(name)] !== 0n), "IsZero(0) sets inv = 0: the link is empty").toEqual([]);
      const accountLinks = free.filter((name) => name.includes(".account.chain."));
      expect(accountLinks).toHaveLength(links);
      if (links > 0) {
        // A book filling every slot: the account chain has no empty link, and none of its signals is free.
        const full = (await freeSignals(target, await witnessOf(trueBook(markets, spec.kind!, spec.slots)))).free;
        expect(full.filter((name) => name.includes(".account.chain."))).toEqual([]);
        expect(full.filter((name) => !emptyLinkInverse.test(name))).toEqual([]);
      }
    });
  }
});
