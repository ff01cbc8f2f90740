import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileCircuit, inspectCircuit, inspectionWarnings } from "../../prover/src/build/compile.ts";
import { artifactPaths } from "../../prover/src/build/paths.ts";
import { loadCircuitSpecs } from "../../prover/src/circuit/load-specs.ts";
import { withSection } from "../helpers/iden3-binary.ts";

// The constraint count of every entry circuit of circuits/circuits.json, pinned (compiled only: no keys are
// built here): an accidental change to a template (a lost range check, an extra constraint) shows up here
// first. Update deliberately, with the reason, when a circuit changes on purpose. The M = 16 counts are the
// vault's circuits (M = 16 markets, K = 8 fills, T = 4 tiers); the test_* ones (M = 4, K = 2) are those the
// adversarial suite attacks.
const PINNED: Readonly<Record<string, number>> = {
  deposit_m16: 3928,
  fills_m16_k8: 14896,
  cross_margin_m16: 9271,
  cross_withdraw_m16: 11104,
  cross_takeover_m16: 15864,
  lending_margin_m16: 9293,
  lending_withdraw_m16: 11126,
  lending_takeover_m16: 15908,
  tiered_margin_m16: 21325,
  tiered_withdraw_m16: 23110,
  tiered_takeover_m16: 31998,
  test_deposit_m4: 1792,
  test_fills_m4_k2: 4366,
  test_cross_margin_m4: 3199,
  test_cross_withdraw_m4: 4000,
  test_cross_takeover_m4: 6024,
  test_lending_margin_m4: 3209,
  test_lending_withdraw_m4: 4010,
  test_lending_takeover_m4: 6044,
  test_tiered_margin_m4: 6112,
  test_tiered_withdraw_m4: 6901,
  test_tiered_takeover_m4: 9957,
};

/** nConstraints from an r1cs file's header section (iden3 binary format: type 1 = header). */
function r1csConstraintCount(path: string): number {
  return withSection(path, 1, (offset, read) => {
    const n8 = read(offset, 4).readUInt32LE(0);
    // n8, prime, nWires, nPubOut, nPubIn, nPrvIn (u32 each), nLabels (u64), nConstraints (u32)
    return read(offset + 4 + n8 + 16 + 8, 4).readUInt32LE(0);
  });
}

const specs = loadCircuitSpecs();

describe("Circuit shape", () => {
  it("Should pin a constraint count for every entry circuit in circuits.json", () => {
    expect(Object.keys(PINNED).sort()).toEqual(specs.map((spec) => spec.id).sort());
  });

  for (const spec of specs) {
    // Compiling an M = 16 circuit takes ~10-40 s with the WebAssembly circom on 2 cores (cached afterwards).
    it(`Should keep ${spec.id} at its pinned constraint count, compiled without warnings and without linear constraints`, async () => {
      await compileCircuit(spec);
      expect(r1csConstraintCount(artifactPaths(spec.id).r1cs)).toBe(PINNED[spec.id]);
      // The build compiles with --inspect and refuses any warning; its log of this compile says so again.
      const log = (JSON.parse(readFileSync(artifactPaths(spec.id).compileRecord, "utf8")) as { log: string[] }).log.join("\n");
      expect(inspectionWarnings(log)).toEqual([]);
      expect(log).toMatch(new RegExp(`non-linear constraints: ${PINNED[spec.id]}\nlinear constraints: 0\n`));
    }, 300_000);
  }

  it("Should read circom's warnings, with their example line, from its output", () => {
    const output = 'template instances: 3\nwarning[CA02]: In template "T(1)": Subcomponent input/output signal c.x does not appear in any constraint of the father component\n = For example: c.x[0].\n\nEverything went okay';
    expect(inspectionWarnings(output)).toEqual(['warning[CA02]: In template "T(1)": Subcomponent input/output signal c.x does not appear in any constraint of the father component (For example: c.x[0].)']);
    expect(inspectionWarnings("Everything went okay")).toEqual([]);
  });

  it("Should get no warning from circom --inspect for one instance of every entry template (the build treats one as an error)", async () => {
    // Warnings are per template instance; the build inspects every circuit it compiles (checked above from its
    // log), this runs circom --inspect again on the smallest instance of each template whatever the cache holds.
    const smallest = new Map<string, (typeof specs)[number]>();
    for (const spec of specs) {
      const key = spec.template;
      const size = spec.params.reduce((product, param) => product * param, 1);
      const current = smallest.get(key);
      if (!current || size < current.params.reduce((product, param) => product * param, 1)) smallest.set(key, spec);
    }
    expect(smallest.size).toBe(5);
    for (const spec of smallest.values()) expect(await inspectCircuit(spec), spec.id).toEqual([]);
  }, 300_000);
});
