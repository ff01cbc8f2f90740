import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Bn128Arena } from "../prover/src/prover/kernels/bn128-wasm.ts";
import { bn128Module } from "../prover/src/prover/kernels/bn128-module.ts";
import { FixedBaseMultiplier } from "../prover/src/prover/fixed-base.ts";
import { MsmShard, PROJECTIVE_SIZE, splitShare } from "../prover/src/prover/msm-shard.ts";
import { BN254_R, bigIntToLittleEndian, littleEndianToBigInt } from "../prover/src/prover/zkey.ts";

const scalarBytes = (values: readonly bigint[]) => {
  const out = new Uint8Array(values.length * 32);
  values.forEach((value, i) => out.set(bigIntToLittleEndian(((value % BN254_R) + BN254_R) % BN254_R), i * 32));
  return out;
};

/** The reference: wasmcurves' own multi-exponentiation, as snarkjs uses it, then affine. */
async function reference(group: "g1" | "g2", bases: Uint8Array, scalars: Uint8Array): Promise<Uint8Array> {
  const arena = new Bn128Arena(await bn128Module(), 1 << 25);
  const pointer = arena.allocSet(bases);
  const pScalars = arena.allocSet(scalars);
  const result = arena.alloc(PROJECTIVE_SIZE[group]);
  arena.fn(`${group}m_multiexpAffine`)(pointer, pScalars, 32, scalars.byteLength / 32, result);
  return affineOf(arena, group, arena.get(result, PROJECTIVE_SIZE[group]));
}

function affineOf(arena: Bn128Arena, group: "g1" | "g2", projective: Uint8Array): Uint8Array {
  const pointer = arena.allocSet(projective);
  const out = arena.alloc(group === "g1" ? 64 : 128);
  arena.fn(`${group}m_toAffine`)(pointer, out);
  return arena.get(out, group === "g1" ? 64 : 128);
}

describe("MsmShard (batch-affine Pippenger)", () => {
  for (const group of ["g1", "g2"] as const) {
    it(`Should equal wasmcurves' multiexp in ${group.toUpperCase()}, with repeated and opposite points in one bucket`, async () => {
      const module = await bn128Module();
      const multiplier = new FixedBaseMultiplier(module);
      // Points k G: repeats (G twice, 5G three times), opposites (G and -G, 7G and -7G) and random ones.
      const random = Array.from({ length: 300 }, () => littleEndianToBigInt(randomBytes(32)) % BN254_R);
      const ks = [1n, 1n, -1n, 5n, 5n, 5n, 7n, -7n, 2n, ...random];
      const bases = multiplier.multiply(group, scalarBytes(ks));
      // Scalars: equal ones put repeats in one bucket; small, large and zero ones besides.
      const scalars = ks.map((_, i) => (i < 9 ? 3n : i % 7 === 0 ? 0n : i % 3 === 0 ? BigInt(i) : littleEndianToBigInt(randomBytes(32)) % BN254_R));
      const scalarData = scalarBytes(scalars);
      const shard = new MsmShard(module, [{ name: group === "g1" ? "a" : "b2", bases, scalarIndex: Uint32Array.from(ks.keys()) }]);
      const { points: [ours] } = shard.multiexp([group === "g1" ? "a" : "b2"], scalarData);
      const arena = new Bn128Arena(module);
      expect(Buffer.from(affineOf(arena, group, ours!)).toString("hex")).toBe(Buffer.from(await reference(group, bases, scalarData)).toString("hex"));
      // Shares of the windows (as threads take them: uneven, several, one empty) add up to the whole.
      const name0 = group === "g1" ? "a" : "b2";
      const shares = [{ from: 0, to: 0.37 }, ...splitShare({ from: 0.37, to: 1 }, 3), { from: 1, to: 1 }];
      const total = arena.alloc(PROJECTIVE_SIZE[group]);
      const part = arena.alloc(PROJECTIVE_SIZE[group]);
      arena.set(total, new Uint8Array(PROJECTIVE_SIZE[group]));
      for (const share of shares) {
        arena.set(part, shard.multiexp([name0], scalarData, share).points[0]!);
        arena.fn(`${group}m_add`)(total, part, total);
      }
      expect(Buffer.from(affineOf(arena, group, arena.get(total, PROJECTIVE_SIZE[group]))).equals(Buffer.from(affineOf(arena, group, ours!)))).toBe(true);
      expect(shard.multiexp([name0], scalarData, { from: 0.5, to: 0.5 }).points[0]!.every((byte) => byte === 0)).toBe(true);
      // Only opposite points: the sum is the point at infinity.
      const opposite = multiplier.multiply(group, scalarBytes([11n, -11n]));
      const name = group === "g1" ? "h" : "b2";
      const cancel = new MsmShard(module, [{ name, bases: opposite, scalarIndex: Uint32Array.from([0, 1]) }]);
      const { points: [zero] } = cancel.multiexp([name], scalarBytes([9n, 9n]));
      const z = group === "g1" ? zero!.subarray(64) : zero!.subarray(128);
      expect(z.every((byte) => byte === 0)).toBe(true);
    });
  }
});
