import { describe, expect, it } from "vitest";
import { withSection } from "../helpers/iden3-binary.ts";
import { compileCircuit, inspectCircuit, inspectionWarnings } from "../../prover/src/build/compile.ts";
import { artifactPaths } from "../../prover/src/build/paths.ts";
import { readManifest } from "../../prover/src/build/setup.ts";
import { loadCircuitSpecs } from "../../prover/src/circuit/load-specs.ts";

// The constraint count of every entry circuit, pinned: an accidental change to a template (a lost range
// check, an extra constraint) shows up here first. Update deliberately, with the reason, when a circuit
// changes on purpose (README "Cost of the circuits" has the breakdown).
const PINNED: Readonly<Record<string, number>> = {
  margin_n1_m16: 4830,
  margin_n4_m16: 5136,
  margin_n16_m16: 6744,
  liquidation_n1_m16: 4767,
  liquidation_n4_m16: 5073,
  liquidation_n16_m16: 6681,
  lending_health_n4_m16: 5142,
  lending_liquidation_n4_m16: 5079,
  lending_health_n16_m16: 6750,
  lending_liquidation_n16_m16: 6687,
  tiered_margin_n4_m16: 13748,
  tiered_liquidation_n4_m16: 13652,
  tiered_margin_n16_m16: 20948,
  tiered_liquidation_n16_m16: 20852,
  test_margin_n3_m5: 2942,
  test_liquidation_n3_m5: 2901,
  test_chain_l23: 1601,
  test_sided_n4_m5: 56,
  test_lending_health_n3_m5: 2948,
  test_lending_liquidation_n3_m5: 2907,
  test_tiered_margin_n3_m5: 5981,
  test_tiered_liquidation_n3_m5: 5929,
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
    it(`Should keep ${spec.id} at its pinned constraint count`, async () => {
      if (spec.setup) {
        // Proving circuits: the count the build recorded with the keys, and the r1cs it was made from.
        const manifest = readManifest(spec.id);
        expect(manifest, `${spec.id} is not built: run npm test (it builds first)`).toBeDefined();
        expect(manifest!.constraints).toBe(PINNED[spec.id]);
      } else {
        await compileCircuit(spec);
      }
      expect(r1csConstraintCount(artifactPaths(spec.id).r1cs)).toBe(PINNED[spec.id]);
    });
  }

  it("Should read circom's warnings, with their example line, from its output", () => {
    const output = 'template instances: 3\nwarning[CA02]: In template "T(1)": Subcomponent input/output signal c.x does not appear in any constraint of the father component\n = For example: c.x[0].\n\nEverything went okay';
    expect(inspectionWarnings(output)).toEqual(['warning[CA02]: In template "T(1)": Subcomponent input/output signal c.x does not appear in any constraint of the father component (For example: c.x[0].)']);
    expect(inspectionWarnings("Everything went okay")).toEqual([]);
  });

  it("Should get no warning from circom --inspect for one instance of every entry template (the build treats one as an error)", async () => {
    // Warnings are per template; the build inspects every circuit it compiles, this checks the smallest
    // instance of each template whatever the build cache holds.
    const smallest = new Map<string, (typeof specs)[number]>();
    for (const spec of specs) {
      const size = spec.params.reduce((product, param) => product * param, 1);
      const current = smallest.get(spec.template);
      if (!current || size < current.params.reduce((product, param) => product * param, 1)) smallest.set(spec.template, spec);
    }
    for (const spec of smallest.values()) expect(await inspectCircuit(spec), spec.id).toEqual([]);
  });
});
