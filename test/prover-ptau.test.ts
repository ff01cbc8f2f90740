import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPtauPower, resolvePtau, writeKnownTauPtau } from "../prover/src/build/ptau.ts";
import { Groth16Prover } from "../prover/src/prover/groth16-prover.ts";
import { releaseCurve } from "../prover/src/prover/warm-prover.ts";
import { BN254_R, bigIntToLittleEndian } from "../prover/src/prover/zkey.ts";
import { compileTinyCircuit } from "./helpers/tiny-circuit.ts";

/** The sections of a ptau file (type -> bytes after the 12-byte section head). */
function ptauSections(bytes: Buffer): Map<number, Buffer> {
  const sections = new Map<number, Buffer>();
  let offset = 12;
  for (let i = 0; i < bytes.readUInt32LE(8); i++) {
    const size = Number(bytes.readBigUInt64LE(offset + 4));
    sections.set(bytes.readUInt32LE(offset), bytes.subarray(offset + 12, offset + 12 + size));
    offset += 12 + size;
  }
  return sections;
}

// Known-size computations with nothing to wait on: no timeouts (vitest's 0), so load only slows them down.
describe("Development Powers of Tau from a known tau", { timeout: 0 }, () => {
  let dir: string;
  const secrets = { tau: 0x1234567890abcdefn ** 3n % BN254_R, alpha: 987654321987654321n, beta: 55555555555n };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "zkmargin-ptau-"));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await releaseCurve();
  });

  it("Should write what snarkjs' prepare phase 2 computes from the same tau powers, byte for byte", async () => {
    const power = 5;
    const mine = join(dir, "mine.ptau");
    await writeKnownTauPtau(power, mine, { secrets, threads: 2 });
    expect(readPtauPower(mine)).toBe(power);
    const ours = ptauSections(readFileSync(mine));
    // The same file before phase 2 (sections 1 to 7), prepared by snarkjs.
    const bytes = readFileSync(mine);
    const head = Buffer.alloc(12);
    head.write("ptau");
    head.writeUInt32LE(1, 4);
    head.writeUInt32LE(7, 8);
    const withHeads = (type: number) => {
      const section = ours.get(type)!;
      const sectionHead = Buffer.alloc(12);
      sectionHead.writeUInt32LE(type, 0);
      sectionHead.writeBigUInt64LE(BigInt(section.length), 4);
      return Buffer.concat([sectionHead, section]);
    };
    writeFileSync(join(dir, "unprepared.ptau"), Buffer.concat([head, ...[1, 2, 3, 4, 5, 6, 7].map(withHeads)]));
    await snarkjs.powersOfTau.preparePhase2(join(dir, "unprepared.ptau"), join(dir, "theirs.ptau"));
    const theirs = ptauSections(readFileSync(join(dir, "theirs.ptau")));
    for (const type of [12, 13, 14, 15]) expect(ours.get(type)!.equals(theirs.get(type)!), `section ${type}`).toBe(true);
    expect(bytes.length).toBe(readFileSync(join(dir, "theirs.ptau")).length);

    // And the tau powers are what they claim: spot checks against ffjavascript's own scalar multiplication.
    const curve = await buildBn128(true);
    const G1 = curve.G1 as unknown as { g: Uint8Array; timesScalar(p: Uint8Array, s: Uint8Array): Uint8Array; toAffine(p: Uint8Array): Uint8Array; toRprLEM(b: Uint8Array, o: number, p: Uint8Array): void };
    const G2 = curve.G2 as unknown as typeof G1;
    const affine = (group: typeof G1, size: number, scalar: bigint) => {
      const out = new Uint8Array(size);
      group.toRprLEM(out, 0, group.toAffine(group.timesScalar(group.g, bigIntToLittleEndian(scalar % BN254_R))));
      return Buffer.from(out);
    };
    const tauTo = (i: number) => {
      let value = 1n;
      for (let k = 0; k < i; k++) value = (value * secrets.tau) % BN254_R;
      return value;
    };
    for (const i of [0, 1, 7, 2 ** (power + 1) - 2]) expect(ours.get(2)!.subarray(i * 64, (i + 1) * 64).equals(affine(G1, 64, tauTo(i))), `tau^${i} G1`).toBe(true);
    for (const i of [0, 3, 2 ** power - 1]) expect(ours.get(3)!.subarray(i * 128, (i + 1) * 128).equals(affine(G2, 128, tauTo(i))), `tau^${i} G2`).toBe(true);
    expect(ours.get(4)!.subarray(64, 128).equals(affine(G1, 64, secrets.alpha * tauTo(1)))).toBe(true);
    expect(ours.get(5)!.subarray(128, 192).equals(affine(G1, 64, secrets.beta * tauTo(2)))).toBe(true);
    expect(ours.get(6)!.equals(affine(G2, 128, secrets.beta))).toBe(true);
  });

  it("Should give a working Groth16 setup with snarkjs' zkey new: key, proof from the fast prover, verification", async () => {
    // A tiny circuit: snarkjs' zkey new on it takes a fraction of a second (on margin_n1_m16 it took long
    // enough to trip a fixed timeout on a loaded machine).
    const tiny = await compileTinyCircuit(dir);
    const info = await snarkjs.r1cs.info(tiny.r1cs);
    const power = Math.ceil(Math.log2(info.nConstraints + info.nPubInputs + info.nOutputs + 1));
    const ptau = join(dir, "dev.ptau");
    await writeKnownTauPtau(power, ptau);
    const zkey = join(dir, "dev.zkey");
    await snarkjs.zKey.newZKey(tiny.r1cs, ptau, zkey);
    const verificationKey = await snarkjs.zKey.exportVerificationKey(zkey);
    const { witness } = await tiny.witness();
    const prover = await Groth16Prover.create(readFileSync(zkey), { threads: 1 });
    try {
      const { proof, publicSignals } = await prover.prove(witness);
      await expect(snarkjs.groth16.verify(verificationKey, publicSignals, proof)).resolves.toBe(true);
      const tampered = [...publicSignals.slice(0, 2), (BigInt(publicSignals[2]!) ^ 1n).toString()];
      await expect(snarkjs.groth16.verify(verificationKey, tampered, proof)).resolves.toBe(false);
    } finally {
      await prover.close();
    }
  });

  it("Should make, label INSECURE and cache a development file when no other is available", async () => {
    const saved = { build: process.env.ZKMARGIN_BUILD_DIR, shared: process.env.ZKMARGIN_SHARED_PTAU_DIR, user: process.env.ZKMARGIN_PTAU };
    const build = join(dir, "build");
    const shared = join(dir, "shared");
    mkdirSync(shared);
    process.env.ZKMARGIN_BUILD_DIR = build;
    process.env.ZKMARGIN_SHARED_PTAU_DIR = shared;
    delete process.env.ZKMARGIN_PTAU;
    try {
      const made = await resolvePtau(9);
      expect(made.trust).toBe("development");
      expect(made.power).toBe(9);
      expect(made.source).toMatch(/INSECURE: tau was known to this machine/);
      const index = JSON.parse(readFileSync(join(build, "ptau", "index.json"), "utf8")) as { method: string; insecure: boolean; file: string }[];
      expect(index).toEqual([expect.objectContaining({ method: "known-tau", insecure: true, file: "dev_known_tau_bn128_9.ptau" })]);
      // Cached: the same file again, not a new one.
      const again = await resolvePtau(8);
      expect(again.blake2b).toBe(made.blake2b);
      // A user file that is not a published Hermez file is still refused without --allow-unverified-ptau.
      await expect(resolvePtau(8, { userFile: made.path })).rejects.toThrow(/not a published Hermez Powers of Tau file/);
    } finally {
      for (const [key, value] of [["ZKMARGIN_BUILD_DIR", saved.build], ["ZKMARGIN_SHARED_PTAU_DIR", saved.shared], ["ZKMARGIN_PTAU", saved.user]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
