import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { ZkMarginError } from "../core/errors.ts";
import { powMod } from "../core/field.ts";
import { Bn128Arena } from "../prover/kernels/bn128-wasm.ts";
import { bn128Module } from "../prover/kernels/bn128-module.ts";
import { BN254_Q, BN254_R, G1_AFFINE, G2_AFFINE, N8, bigIntToLittleEndian, littleEndianToBigInt } from "../prover/zkey.ts";
import { concat, startMultiplierPool, type MultiplierPool } from "./multiplier-pool.ts";
import { silentProgress, type Progress } from "./progress.ts";
import { readR1cs, type R1cs } from "./r1cs.ts";

/** The secrets of a known-tau Groth16 key: phase 1 (tau, alpha, beta) and phase 2 (delta); gamma is 1 as in snarkjs. */
export interface KnownTauSecrets {
  readonly tau: bigint;
  readonly alpha: bigint;
  readonly beta: bigint;
  readonly delta: bigint;
}

/** Options of {@link writeKnownTauZkey}. */
export interface KnownTauZkeyOptions {
  /** Threads for the group multiplications (default: the machine's available parallelism). */
  readonly threads?: number;
  /** The secrets to use instead of random ones (tests only: compare with snarkjs on a known tau). */
  readonly secrets?: KnownTauSecrets;
  readonly progress?: Progress;
}

/** What {@link writeKnownTauZkey} wrote. */
export interface KnownTauZkey {
  /** snarkjs' circuit hash (section 10), as `snarkjs zkey new` computes it from the same tau, alpha and beta. */
  readonly circuitHash: Uint8Array;
  readonly nConstraints: number;
  readonly nVars: number;
  readonly nPublic: number;
  /** log2 of the evaluation domain. */
  readonly power: number;
}

/** Largest domain: snarkjs reads H from the Lagrange basis of twice the domain, and BN254's Fr has 2-adicity 28. */
const MAX_POWER = 27;
/** snarkjs hashes the H points in chunks of 2^14 and, past one chunk, one point more than it announces. */
const HASH_CHUNK = 1 << 14;

/**
 * Writes a Groth16 proving key (snarkjs' .zkey format, protocol groth16) for the constraint system at
 * `r1csPath`, computed directly from the secrets tau, alpha, beta and delta: every point of the key is a
 * known scalar times a generator, so it costs one fixed-base multiplication instead of snarkjs' ceremony
 * (`zkey new` on a Powers of Tau, then a contribution and a beacon). The scalars are those of snarkjs:
 * A_i(tau), B_i(tau) from the Lagrange basis L_c(tau) of the domain; IC_i = beta A_i + alpha B_i + C_i
 * (gamma = 1) for public wires, the same over delta for private ones; H_i = L2_(2i+1)(tau) / delta with L2 the
 * Lagrange basis of the domain of twice the size (snarkjs' odd-coset layout); the coefficient section as `zkey new` writes it.
 * With delta = 1 the file is byte for byte what `snarkjs zkey new` writes on a known-tau Powers of Tau of a
 * power above the circuit's (at the circuit's own power snarkjs' Lagrange basis lacks the top tau power:
 * other H points, equally valid). Sections are in numeric order, as after a contribution; section 10 holds
 * the circuit hash of the delta = 1 key and no contribution.
 *
 * Without `options.secrets` the secrets are drawn at random here and dropped when the function returns
 * (the worker threads that saw scalars derived from them are ended and this thread's wasm memory is
 * zeroed; JavaScript offers no way to wipe the bigints). INSECURE all the same: this process knew them.
 *
 * @param r1csPath circom's .r1cs output (BN254)
 * @param zkeyPath where to write the key (overwritten)
 * @throws ZkMarginError when the r1cs is not a BN254 constraint system or is too large
 */
export async function writeKnownTauZkey(r1csPath: string, zkeyPath: string, options: KnownTauZkeyOptions = {}): Promise<KnownTauZkey> {
  const progress = options.progress ?? silentProgress;
  const r1cs = readR1cs(readFileSync(r1csPath), r1csPath);
  const nVars = r1cs.nWires;
  const nPublic = r1cs.nOutputs + r1cs.nPublicInputs;
  const nPrivate = nVars - nPublic - 1;
  const nConstraints = r1cs.nConstraints;
  // snarkjs: log2(constraints + public signals) + 1, with its floor log2 (0 for 0).
  const rows = nConstraints + nPublic;
  const power = (rows === 0 ? 0 : 31 - Math.clz32(rows)) + 1;
  if (power > MAX_POWER) throw new ZkMarginError(r1csPath, `needs a domain of 2^${power}; at most 2^${MAX_POWER} is supported`);
  const n = 2 ** power;
  const secrets = options.secrets ?? { tau: randomScalar(), alpha: randomScalar(), beta: randomScalar(), delta: randomScalar() };
  for (const [name, value] of Object.entries(secrets)) {
    if (typeof value !== "bigint" || value <= 0n || value >= BN254_R) throw new ZkMarginError(`secrets.${name}`, "must be a field element other than 0");
  }
  // tau in the (doubled) domain would make Z(tau) = 0 and every H point zero.
  if (modPow(secrets.tau, BigInt(2 * n)) === 1n) throw new ZkMarginError("secrets.tau", `must not be a 2^${power + 1}-th root of unity`);

  const module = await bn128Module();
  const arena = new Bn128Arena(module);
  const pool = startMultiplierPool(module, Math.max(1, Math.floor(options.threads ?? availableParallelism())));
  try {
    // The threads build their tables while this one computes the scalars.
    const warm = pool.warmUp();
    warm.catch(() => undefined);
    const scalars = await computeScalars(arena, r1cs, secrets, power, progress);
    await warm;
    const layout = sectionLayout(nVars, nPublic, n, scalars.coefficients.byteLength);
    const fd = openSync(zkeyPath, "w");
    try {
      const writeAt = (bytes: Uint8Array, position: number) => {
        let at = 0;
        while (at < bytes.byteLength) at += writeSync(fd, bytes, at, bytes.byteLength - at, position + at);
      };
      writeAt(fileHead(), 0);
      for (const [type, size] of layout.sizes) writeAt(sectionHead(type, size), layout.start(type) - 12);
      writeAt(u32(1), layout.start(1));
      writeAt(scalars.coefficients, layout.start(4));

      const hash = createHash("blake2b512");
      const hashPoints = (count: number, group: "g1" | "g2", points: Uint8Array) => {
        // snarkjs announces each section's point count (u32, big endian), then hashes them uncompressed.
        const bytes = new Uint8Array(4);
        new DataView(bytes.buffer).setUint32(0, count, false);
        hash.update(bytes).update(toUncompressed(arena, group, points));
      };

      progress.stage("verification key points");
      const keyScalars = { g1: concatScalars([secrets.alpha, secrets.beta, 1n, secrets.delta]), g2: concatScalars([secrets.beta, 1n, secrets.delta]) };
      const [g1, g2] = await Promise.all([pool.multiply("g1", keyScalars.g1), pool.multiply("g2", keyScalars.g2)]);
      keyScalars.g1.fill(0);
      keyScalars.g2.fill(0);
      const [alpha1, beta1, one1, delta1] = [0, 1, 2, 3].map((i) => g1.subarray(i * G1_AFFINE, (i + 1) * G1_AFFINE)) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
      const [beta2, one2, delta2] = [0, 1, 2].map((i) => g2.subarray(i * G2_AFFINE, (i + 1) * G2_AFFINE)) as [Uint8Array, Uint8Array, Uint8Array];
      writeAt(grothHeader(nVars, nPublic, n, [alpha1, beta1, beta2, one2, delta1, delta2]), layout.start(2));
      // snarkjs' circuit hash is that of the key before any contribution: gamma = delta = 1.
      for (const [group, point] of [["g1", alpha1], ["g1", beta1], ["g2", beta2], ["g2", one2], ["g1", one1], ["g2", one2]] as const) hash.update(toUncompressed(arena, group, point));

      // The sections in the order snarkjs hashes them (IC, H, C, A, B1, B2), each written at its place.
      const jobs: Job[] = [
        { label: "IC points", group: "g1", scalars: scalars.ic, use: (points) => {
          writeAt(points, layout.start(3));
          hashPoints(nPublic + 1, "g1", points);
        } },
        { label: "circuit-hash H points", group: "g1", scalars: scalars.hashH, use: (points) => hashPoints(n - 1, "g1", points) },
        { label: "C points", group: "g1", scalars: scalars.c, use: (points) => {
          if (scalars.cOverDelta === undefined) writeAt(points, layout.start(8));
          hashPoints(nPrivate, "g1", points);
        } },
        ...(scalars.cOverDelta === undefined ? [] : [{ label: "C points over delta", group: "g1" as const, scalars: scalars.cOverDelta, use: (points: Uint8Array) => writeAt(points, layout.start(8)) }]),
        { label: "A points", group: "g1", scalars: scalars.a, use: (points) => {
          writeAt(points, layout.start(5));
          hashPoints(nVars, "g1", points);
        } },
        { label: "B1 points", group: "g1", scalars: scalars.b, use: (points) => {
          writeAt(points, layout.start(6));
          hashPoints(nVars, "g1", points);
        } },
        { label: "B2 points", group: "g2", scalars: scalars.b, use: (points) => {
          writeAt(points, layout.start(7));
          hashPoints(nVars, "g2", points);
        } },
        { label: "H points", group: "g1", scalars: scalars.h, use: (points) => writeAt(points, layout.start(9)) },
      ];
      await runJobs(pool, jobs, progress);

      const circuitHash = new Uint8Array(hash.digest());
      const mpc = new Uint8Array(64 + 4);
      mpc.set(circuitHash, 0);
      writeAt(mpc, layout.start(10));
      for (const job of jobs) job.scalars.fill(0);
      return { circuitHash, nConstraints, nVars, nPublic, power };
    } finally {
      closeSync(fd);
    }
  } finally {
    await pool.close();
    arena.bytes().fill(0);
  }
}

/** One batch of fixed-base multiplications and what to do with its points. */
interface Job {
  readonly label: string;
  readonly group: "g1" | "g2";
  readonly scalars: Uint8Array;
  readonly use: (points: Uint8Array) => void;
}

/**
 * Runs the jobs in order; the next job's multiplications are queued before this one's points are awaited,
 * so the worker threads never wait for this thread to hash and write.
 */
async function runJobs(pool: MultiplierPool, jobs: readonly Job[], progress: Progress): Promise<void> {
  let current = -1;
  const start = (index: number) => {
    const points = pool.multiply(jobs[index]!.group, jobs[index]!.scalars, (done) => {
      if (index === current) progress.done(done);
    });
    // Awaited below unless an earlier job failed; then only pool.close() ends it.
    points.catch(() => undefined);
    return points;
  };
  const pending = new Map<number, Promise<Uint8Array>>([[0, start(0)]]);
  for (let index = 0; index < jobs.length; index++) {
    const job = jobs[index]!;
    current = index;
    if (index + 1 < jobs.length) pending.set(index + 1, start(index + 1));
    progress.stage(job.label, job.scalars.byteLength / N8);
    const points = await pending.get(index)!;
    pending.delete(index);
    job.use(points);
  }
}

/** The scalars of every section (standard form, 32 bytes little endian each) and the coefficient section. */
interface Scalars {
  readonly ic: Uint8Array;
  /** C of private wires with delta = 1 (what the circuit hash covers). */
  readonly c: Uint8Array;
  /** C over delta, or undefined when delta = 1. */
  readonly cOverDelta: Uint8Array | undefined;
  readonly a: Uint8Array;
  readonly b: Uint8Array;
  readonly h: Uint8Array;
  /** tau^i Z(tau): the H points of snarkjs' circuit hash. */
  readonly hashH: Uint8Array;
  /** Section 4 with its count. */
  readonly coefficients: Uint8Array;
}

/**
 * The field side of the setup, in the bn128 wasm: tau powers, the Lagrange bases of the domain and of its
 * double (inverse FFTs of the powers), then one pass over the r1cs accumulating A_i(tau), B_i(tau), C_i(tau)
 * per wire and writing snarkjs' coefficient section (A and B terms, value times R^2, plus the rows binding
 * each public signal). Yields to the event loop now and then, so that progress lines keep coming.
 */
async function computeScalars(arena: Bn128Arena, r1cs: R1cs, secrets: KnownTauSecrets, power: number, progress: Progress): Promise<Scalars> {
  const n = 2 ** power;
  const nVars = r1cs.nWires;
  const nPublic = r1cs.nOutputs + r1cs.nPublicInputs;
  const f = (name: string) => arena.fn(name);
  const [mul, add, ifft, applyKey, fromMontgomery] = [f("frm_mul"), f("frm_add"), f("frm_ifft"), f("frm_batchApplyKey"), f("frm_batchFromMontgomery")];
  const constant = (value: bigint) => arena.allocSet(bigIntToLittleEndian(((value % BN254_R) << 256n) % BN254_R));
  const one = constant(1n);
  const inverseDelta = constant(modInverse(secrets.delta));

  // tau^0 ... tau^(2n - 1) (Montgomery): ones times tau^i.
  const powers = arena.alloc(2 * n * N8);
  const ones = new Uint8Array(2 * n * N8);
  const oneBytes = arena.get(one, N8);
  for (let i = 0; i < 2 * n; i++) ones.set(oneBytes, i * N8);
  arena.set(powers, ones);
  applyKey(powers, 2 * n, one, constant(secrets.tau), powers);
  const lagrange = arena.alloc(n * N8);
  arena.bytes().copyWithin(lagrange, powers, powers + n * N8);
  ifft(lagrange, n);
  const lagrangeDouble = arena.alloc(2 * n * N8);
  arena.bytes().copyWithin(lagrangeDouble, powers, powers + 2 * n * N8);
  ifft(lagrangeDouble, 2 * n);

  // Accumulators per wire, standard form: Montgomery(coefficient as stored) x Montgomery(L) = coefficient L.
  const sums = { a: arena.alloc(nVars * N8), b: arena.alloc(nVars * N8), c: arena.alloc(nVars * N8) };
  arena.bytes().fill(0, sums.a, sums.c + nVars * N8);
  const constraints = arena.allocSet(r1cs.constraints);
  const view = new DataView(r1cs.constraints.buffer, r1cs.constraints.byteOffset, r1cs.constraints.byteLength);
  const bad = (problem: string): never => {
    throw new ZkMarginError("r1cs", problem);
  };
  // First pass: check the layout and count the A and B terms (the coefficient section's records).
  let offset = 0;
  let records = 0;
  const readCount = () => {
    if (offset + 4 > view.byteLength) bad("constraints section is truncated");
    const count = view.getUint32(offset, true);
    offset += 4;
    if (offset + count * (4 + N8) > view.byteLength) bad("constraints section is truncated");
    return count;
  };
  for (let c = 0; c < r1cs.nConstraints; c++) {
    for (let m = 0; m < 3; m++) {
      const count = readCount();
      for (let k = 0; k < count; k++) {
        if (view.getUint32(offset + k * (4 + N8), true) >= nVars) bad(`constraint ${c} refers to wire ${view.getUint32(offset + k * (4 + N8), true)} of ${nVars}`);
      }
      if (m < 2) records += count;
      offset += count * (4 + N8);
    }
  }
  records += nPublic + 1;
  const RECORD = 12 + N8;
  const coefficients = arena.alloc(4 + records * RECORD);
  // Stored coefficient x R^3 / R = coefficient R^2: snarkjs keeps them "twice Montgomery" for its prover.
  const rCubed = arena.allocSet(bigIntToLittleEndian(((1n << 256n) % BN254_R) ** 3n % BN254_R));
  const term = arena.alloc(N8);
  const heads = new DataView(new ArrayBuffer(12));
  let record = coefficients + 4;
  const writeRecord = (matrix: number, constraint: number, wire: number, value: number) => {
    heads.setUint32(0, matrix, true);
    heads.setUint32(4, constraint, true);
    heads.setUint32(8, wire, true);
    arena.set(record, new Uint8Array(heads.buffer));
    mul(value, rCubed, record + 12);
    record += RECORD;
  };
  offset = 0;
  progress.stage("scalars from the r1cs", r1cs.nConstraints);
  for (let c = 0; c < r1cs.nConstraints; c++) {
    if (c % 8192 === 8191) {
      progress.done(c);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const basis = lagrange + c * N8;
    for (const [m, sum] of [[0, sums.a], [1, sums.b], [2, sums.c]] as const) {
      const count = view.getUint32(offset, true);
      offset += 4;
      for (let k = 0; k < count; k++) {
        const wire = view.getUint32(offset, true);
        const value = constraints + offset + 4;
        mul(value, basis, term);
        add(sum + wire * N8, term, sum + wire * N8);
        if (m < 2) writeRecord(m, c, wire, value);
        offset += 4 + N8;
      }
    }
  }
  // Each public signal (and the constant 1) is bound by its own row: A_s gains L_(constraints + s).
  const rawOne = arena.allocSet(bigIntToLittleEndian(1n));
  for (let s = 0; s <= nPublic; s++) {
    fromMontgomery(lagrange + (r1cs.nConstraints + s) * N8, 1, term);
    add(sums.a + s * N8, term, sums.a + s * N8);
    writeRecord(0, r1cs.nConstraints + s, s, rawOne);
  }
  new DataView(arena.bytes().buffer, coefficients, 4).setUint32(0, records, true);

  // beta A_i + alpha B_i + C_i, standard form (standard x Montgomery constant = standard).
  const combined = arena.alloc(nVars * N8);
  const alphaB = arena.alloc(nVars * N8);
  applyKey(sums.a, nVars, constant(secrets.beta), one, combined);
  applyKey(sums.b, nVars, constant(secrets.alpha), one, alphaB);
  for (let i = 0; i < nVars; i++) {
    add(combined + i * N8, alphaB + i * N8, combined + i * N8);
    add(combined + i * N8, sums.c + i * N8, combined + i * N8);
  }
  const overDelta = (pointer: number, count: number) => {
    const out = arena.alloc(count * N8);
    applyKey(pointer, count, inverseDelta, one, out);
    return arena.get(out, count * N8);
  };
  // H: the odd entries of the double domain's basis, over delta; Montgomery in, so convert after.
  const odd = arena.alloc(n * N8);
  for (let i = 0; i < n; i++) arena.bytes().copyWithin(odd + i * N8, lagrangeDouble + (2 * i + 1) * N8, lagrangeDouble + (2 * i + 2) * N8);
  applyKey(odd, n, inverseDelta, one, odd);
  fromMontgomery(odd, n, odd);
  // tau^i (tau^n - 1): as many as snarkjs 0.7.6 hashes (n - 1, or n once n exceeds its chunk).
  const hashCount = n <= HASH_CHUNK ? n - 1 : n;
  const vanishing = arena.alloc(N8);
  const minusOne = constant(BN254_R - 1n);
  add(powers + n * N8, minusOne, vanishing);
  const hashH = arena.alloc(Math.max(1, hashCount) * N8);
  applyKey(powers, hashCount, vanishing, one, hashH);
  fromMontgomery(hashH, hashCount, hashH);
  const deltaIsOne = secrets.delta === 1n;
  return {
    ic: arena.get(combined, (nPublic + 1) * N8),
    c: arena.get(combined + (nPublic + 1) * N8, (nVars - nPublic - 1) * N8),
    cOverDelta: deltaIsOne ? undefined : overDelta(combined + (nPublic + 1) * N8, nVars - nPublic - 1),
    a: arena.get(sums.a, nVars * N8),
    b: arena.get(sums.b, nVars * N8),
    h: arena.get(odd, n * N8),
    hashH: arena.get(hashH, hashCount * N8),
    coefficients: arena.get(coefficients, 4 + records * RECORD),
  };
}

/** Where each section of the key goes: sections 1 to 10 in numeric order, as snarkjs writes a contributed key. */
function sectionLayout(nVars: number, nPublic: number, domainSize: number, coefficientBytes: number) {
  const sizes = new Map<number, number>([
    [1, 4],
    [2, 4 + N8 + 4 + N8 + 12 + 3 * G1_AFFINE + 3 * G2_AFFINE],
    [3, (nPublic + 1) * G1_AFFINE],
    [4, coefficientBytes],
    [5, nVars * G1_AFFINE],
    [6, nVars * G1_AFFINE],
    [7, nVars * G2_AFFINE],
    [8, (nVars - nPublic - 1) * G1_AFFINE],
    [9, domainSize * G1_AFFINE],
    [10, 64 + 4],
  ]);
  const starts = new Map<number, number>();
  let at = 12;
  for (const [type, size] of sizes) {
    starts.set(type, at + 12);
    at += 12 + size;
  }
  return { sizes, start: (type: number) => starts.get(type)! };
}

/** The file head ("zkey", version 1, 10 sections). */
function fileHead(): Uint8Array {
  const bytes = new Uint8Array(12);
  bytes.set(new TextEncoder().encode("zkey"), 0);
  new DataView(bytes.buffer).setUint32(4, 1, true);
  new DataView(bytes.buffer).setUint32(8, 10, true);
  return bytes;
}

/** A section head: type (u32) and size (u64). */
function sectionHead(type: number, size: number): Uint8Array {
  const bytes = new Uint8Array(12);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, type, true);
  view.setBigUint64(4, BigInt(size), true);
  return bytes;
}

/** Section 2: field sizes and primes, counts, then alpha1, beta1, beta2, gamma2, delta1, delta2. */
function grothHeader(nVars: number, nPublic: number, domainSize: number, points: readonly Uint8Array[]): Uint8Array {
  return concat([u32(N8), bigIntToLittleEndian(BN254_Q), u32(N8), bigIntToLittleEndian(BN254_R), u32(nVars), u32(nPublic), u32(domainSize), ...points]);
}

/** Affine Montgomery points to snarkjs' hashing form (wasmcurves' LEMtoU: big-endian standard coordinates). */
function toUncompressed(arena: Bn128Arena, group: "g1" | "g2", points: Uint8Array): Uint8Array {
  const size = group === "g1" ? G1_AFFINE : G2_AFFINE;
  const count = points.byteLength / size;
  const mark = arena.free;
  const pointer = arena.allocSet(points);
  arena.fn(`${group}m_batchLEMtoU`)(pointer, count, pointer);
  const out = arena.get(pointer, points.byteLength);
  arena.release(mark);
  return out;
}

function concatScalars(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * N8);
  values.forEach((value, i) => out.set(bigIntToLittleEndian(value % BN254_R), i * N8));
  return out;
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

/** A uniform nonzero field element (64 random bytes reduced: negligible bias). */
function randomScalar(): bigint {
  return (littleEndianToBigInt(randomBytes(64)) % (BN254_R - 1n)) + 1n;
}

function modInverse(value: bigint): bigint {
  // Fermat: value^(r - 2) mod r.
  return modPow(value, BN254_R - 2n);
}

function modPow(value: bigint, exponent: bigint): bigint {
  return powMod(value, exponent, BN254_R);
}
