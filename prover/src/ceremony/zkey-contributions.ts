import { closeSync, openSync, readSync } from "node:fs";
import { ZkMarginError } from "../core/errors.ts";

/** One phase-2 contribution recorded in a zkey (section 10 of snarkjs' Groth16 zkey format). */
export interface ZkeyContribution {
  /** "contribution" (type 0) or "beacon" (type 1). */
  readonly kind: "contribution" | "beacon";
  readonly name: string;
  /** Beacon only: the beacon value (hex) and the exponent of its hash iterations. */
  readonly beaconHash?: string;
  readonly iterationsExp?: number;
}

/** What a zkey says about its circuit and its phase-2 history. */
export interface ZkeyHistory {
  readonly nVars: number;
  readonly nPublic: number;
  readonly domainSize: number;
  /** blake2b of the circuit-specific part, hex. */
  readonly circuitHash: string;
  readonly contributions: readonly ZkeyContribution[];
}

/**
 * Reads a Groth16 zkey's header and contributions section directly from the file, without snarkjs. snarkjs'
 * `zkey verify` accepts a key with zero contributions, so the ceremony counts them from here.
 *
 * @param path the zkey file
 * @throws ZkMarginError when the file is not a Groth16 zkey
 */
export function readZkeyHistory(path: string): ZkeyHistory {
  const fd = openSync(path, "r");
  const read = (position: number, length: number) => {
    const buffer = Buffer.alloc(length);
    if (readSync(fd, buffer, 0, length, position) !== length) throw new ZkMarginError(`zkey ${path}`, "is truncated");
    return buffer;
  };
  try {
    if (read(0, 4).toString("latin1") !== "zkey") throw new ZkMarginError(`zkey ${path}`, "is not a zkey file");
    const sectionCount = read(8, 4).readUInt32LE(0);
    const sections = new Map<number, { start: number; size: number }>();
    let offset = 12;
    for (let i = 0; i < sectionCount; i++) {
      const head = read(offset, 12);
      const size = Number(head.readBigUInt64LE(4));
      sections.set(head.readUInt32LE(0), { start: offset + 12, size });
      offset += 12 + size;
    }
    const header = sections.get(2);
    const mpc = sections.get(10);
    if (read(sections.get(1)?.start ?? 0, 4).readUInt32LE(0) !== 1 || !header || !mpc) throw new ZkMarginError(`zkey ${path}`, "is not a Groth16 zkey with a contributions section");

    // Section 2: n8q, q, n8r, r, nVars, nPublic, domainSize, ...
    const n8q = read(header.start, 4).readUInt32LE(0);
    const n8r = read(header.start + 4 + n8q, 4).readUInt32LE(0);
    const counts = read(header.start + 8 + n8q + n8r, 12);
    // Section 10: circuit hash (64), count (u32), then per contribution: deltaAfter, g1_s, g1_sx (G1),
    // g2_spx (G2), transcript (64), type (u32), parameter length (u32), parameters (1 name, 2 exp, 3 beacon).
    const g1 = 2 * n8q;
    let cursor = mpc.start;
    const circuitHash = read(cursor, 64).toString("hex");
    const count = read(cursor + 64, 4).readUInt32LE(0);
    cursor += 68;
    const contributions: ZkeyContribution[] = [];
    for (let i = 0; i < count; i++) {
      cursor += 3 * g1 + 2 * g1 + 64;
      const type = read(cursor, 4).readUInt32LE(0);
      const length = read(cursor + 4, 4).readUInt32LE(0);
      const parameters = read(cursor + 8, length);
      cursor += 8 + length;
      let name = "";
      let beaconHash: string | undefined;
      let iterationsExp: number | undefined;
      for (let p = 0; p < parameters.length;) {
        const kind = parameters[p]!;
        if (kind === 1) {
          name = parameters.subarray(p + 2, p + 2 + parameters[p + 1]!).toString("utf8");
          p += 2 + parameters[p + 1]!;
        } else if (kind === 2) {
          iterationsExp = parameters[p + 1]!;
          p += 2;
        } else if (kind === 3) {
          beaconHash = parameters.subarray(p + 2, p + 2 + parameters[p + 1]!).toString("hex");
          p += 2 + parameters[p + 1]!;
        } else {
          throw new ZkMarginError(`zkey ${path}`, `contribution ${i + 1} has an unknown parameter ${kind}`);
        }
      }
      contributions.push({ kind: type === 1 ? "beacon" : "contribution", name, ...(beaconHash === undefined ? {} : { beaconHash }), ...(iterationsExp === undefined ? {} : { iterationsExp }) });
    }
    if (cursor !== mpc.start + mpc.size) throw new ZkMarginError(`zkey ${path}`, "has a malformed contributions section");
    return { nVars: counts.readUInt32LE(0), nPublic: counts.readUInt32LE(4), domainSize: counts.readUInt32LE(8), circuitHash, contributions };
  } finally {
    closeSync(fd);
  }
}
