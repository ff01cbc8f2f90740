import { Bn128Arena } from "./kernels/bn128-wasm.ts";
import { FIELD29_BYTES } from "./kernels/field29-kernels.ts";

/** The five multi-exponentiations of a Groth16 proof. */
export type MsmName = "a" | "b1" | "b2" | "c" | "h";

/** The group of each multi-exponentiation: B2 is in G2, the others in G1. */
export const MSM_GROUP: Readonly<Record<MsmName, "g1" | "g2">> = { a: "g1", b1: "g1", b2: "g2", c: "g1", h: "g1" };

/** Bytes of a projective (Jacobian) point in the wasm's Montgomery form. */
export const PROJECTIVE_SIZE: Readonly<Record<"g1" | "g2", number>> = { g1: 96, g2: 192 };
const AFFINE_SIZE: Readonly<Record<"g1" | "g2", number>> = { g1: 64, g2: 128 };
/** Base-field elements per coordinate. */
const DEGREE: Readonly<Record<"g1" | "g2", number>> = { g1: 1, g2: 2 };
/** Bytes of an affine point in the fast representation the shard computes in (field29-kernels.ts). */
const FAST_SIZE: Readonly<Record<"g1" | "g2", number>> = { g1: 2 * FIELD29_BYTES, g2: 4 * FIELD29_BYTES };

/** What a shard's `multiexp` gives: one projective point per name, and the milliseconds each took in the shard. */
export interface MsmReply {
  readonly points: Uint8Array[];
  readonly ms: number[];
  /** When the shard finished (performance.timeOrigin + performance.now(): comparable across threads). */
  readonly finishedAt: number;
}

/** One shard's part of a multi-exponentiation: its base points and, for each, the index of its scalar. */
export interface MsmPart {
  readonly name: MsmName;
  /** Affine points, Montgomery form, little endian (as in the zkey), none at infinity. */
  readonly bases: Uint8Array;
  /** scalarIndex[j]: which scalar (witness wire, or H coefficient) multiplies base j. */
  readonly scalarIndex: Uint32Array;
}

interface Part {
  readonly group: "g1" | "g2";
  readonly pointer: number;
  /** The same points negated. */
  readonly negated: number;
  readonly count: number;
  readonly index: Uint32Array;
}

const MAX_WINDOW = 13;
/** Most windows a multi-exponentiation has (254-bit scalars, c >= 4, one carry window). */
const WINDOWS_MAX = 64;
/** Bucket entries reduced in one go (windows are batched up to this): bounds the scratch memory. */
const ENTRIES = 1 << 18;

/**
 * Which windows of each multi-exponentiation a shard computes: w in [round(from W), round(to W)) of the W
 * windows. Shares that meet at the same boundary values tile the windows exactly.
 */
export interface WindowShare {
  readonly from: number;
  readonly to: number;
}

/** Every window. */
export const ALL_WINDOWS: WindowShare = { from: 0, to: 1 };

/** `count` shares of [from, to) that tile it. */
export function splitShare(share: WindowShare, count: number): WindowShare[] {
  const bounds = Array.from({ length: count + 1 }, (_, i) => (i === count ? share.to : share.from + ((share.to - share.from) * i) / count));
  return Array.from({ length: count }, (_, i) => ({ from: bounds[i]!, to: bounds[i + 1]! }));
}

/**
 * A proving key's base points, resident in one WebAssembly memory for the life of a prover, with the
 * multi-exponentiations over them. A prover with several threads gives each shard a share of the windows
 * of each call (same points, same window size, so the shares add up to the whole) and adds the partial
 * results.
 *
 * The multi-exponentiation is Pippenger's bucket method with batch-affine additions: per window, the points
 * of each bucket are added pairwise in rounds, every round one batch sharing a single field inversion
 * (zkm_g?_batchAddAffine, about 6 multiplications per addition against 11 for a mixed projective one); the
 * weighted bucket sum sum_d d B_d is then sum_k 2^k S_k, where S_k adds the buckets whose index has bit k,
 * again by batch additions. The window size is picked per call from the number of large scalars.
 */
export class MsmShard {
  private readonly arena: Bn128Arena;
  private readonly parts = new Map<MsmName, Part>();
  private readonly capacity: number;
  private readonly scratch: { list: Int32Array; start: Int32Array; length: Int32Array; digits: Int32Array; outputs: number; triples: number; kernel: number; windows: number; total: number; result: number; temporary: number; slow: number; slow2: number };

  /**
   * @param module the compiled bn128 module (with zkmargin's kernels, see bn128-module.ts)
   * @param parts the base points (copied into the shard's memory once)
   */
  constructor(module: WebAssembly.Module, parts: readonly MsmPart[]) {
    this.arena = new Bn128Arena(module);
    const { arena } = this;
    let largest = 1;
    const slow = arena.alloc(AFFINE_SIZE.g2);
    for (const part of parts) {
      const group = MSM_GROUP[part.name];
      const count = part.scalarIndex.length;
      const size = AFFINE_SIZE[group];
      const fast = FAST_SIZE[group];
      const elements = 2 * DEGREE[group];
      // The points, then their negatives (x, -y): signed digits pick either. Both in the fast representation.
      const pointer = arena.alloc(2 * count * fast);
      const negated = pointer + count * fast;
      const fromMontgomery = arena.fn("zkm_fq29_fromMontgomery");
      const neg = arena.fn(`${group === "g1" ? "f1m" : "f2m"}_neg`);
      for (let j = 0; j < count; j++) {
        arena.set(slow, part.bases.subarray(j * size, (j + 1) * size));
        for (let e = 0; e < elements; e++) fromMontgomery(slow + 32 * e, pointer + j * fast + FIELD29_BYTES * e);
        neg(slow + size / 2, slow + size / 2);
        arena.bytes().copyWithin(negated + j * fast, pointer + j * fast, pointer + j * fast + fast / 2);
        for (let e = elements / 2; e < elements; e++) fromMontgomery(slow + 32 * e, negated + j * fast + FIELD29_BYTES * e);
      }
      this.parts.set(part.name, { group, pointer, negated, count, index: part.scalarIndex });
      largest = Math.max(largest, count);
    }
    // Entries of one batch of windows: at most ENTRIES, and at least one window's worth.
    this.capacity = Math.max(ENTRIES, largest + MAX_WINDOW * 2 ** (MAX_WINDOW - 1));
    const capacity = this.capacity;
    const groups = WINDOWS_MAX * (2 ** (MAX_WINDOW - 1) + 1);
    this.scratch = {
      list: new Int32Array(capacity),
      start: new Int32Array(groups + 1),
      length: new Int32Array(groups),
      digits: new Int32Array(capacity),
      outputs: arena.alloc(capacity * FAST_SIZE.g2),
      triples: arena.alloc(capacity * 6 + 12),
      kernel: arena.alloc((capacity + 2) * FAST_SIZE.g2 / 2),
      windows: arena.alloc(WINDOWS_MAX * PROJECTIVE_SIZE.g2),
      total: arena.alloc(PROJECTIVE_SIZE.g2),
      result: arena.alloc(PROJECTIVE_SIZE.g2),
      temporary: arena.alloc(PROJECTIVE_SIZE.g2),
      slow,
      slow2: arena.alloc(AFFINE_SIZE.g2),
    };
  }

  /**
   * Multi-exponentiations of the named parts with scalars taken from `scalars` (32-byte little-endian
   * standard-form field elements, indexed by each part's scalarIndex), over the windows of `share`.
   *
   * @returns one projective point per name (Montgomery form), in the order asked, and the milliseconds each took
   */
  multiexp(names: readonly MsmName[], scalars: Uint8Array, share: WindowShare = ALL_WINDOWS): MsmReply {
    const ms: number[] = [];
    if (share.to <= share.from) return { points: names.map((name) => zeroProjective(MSM_GROUP[name])), ms: names.map(() => 0), finishedAt: performance.timeOrigin + performance.now() };
    const source = aligned(scalars);
    const points = names.map((name) => {
      const started = performance.now();
      const part = this.parts.get(name);
      const point = part ? this.pippenger(part, source, share) : zeroProjective(MSM_GROUP[name]);
      ms.push(performance.now() - started);
      return point;
    });
    return { points, ms, finishedAt: performance.timeOrigin + performance.now() };
  }

  private pippenger(part: Part, source: Uint32Array, share: WindowShare): Uint8Array {
    const { arena, scratch } = this;
    const { group, count, index } = part;
    const affine = FAST_SIZE[group];
    const projective = PROJECTIVE_SIZE[group];
    // Gather this part's scalars as 8 words each; count the large ones (they set the window size).
    const words = new Uint32Array(count * 8);
    let large = 0;
    let topWord = 0;
    for (let j = 0; j < count; j++) {
      const from = index[j]! * 8;
      let high = 0;
      for (let k = 0; k < 8; k++) {
        const word = source[from + k]!;
        words[j * 8 + k] = word;
        if (word !== 0) high = k;
      }
      if (high >= 4) large++;
      if (high > topWord) topWord = high;
    }
    const bits = Math.min((topWord + 1) * 32, 254);
    // Signed digits in (-2^(c-1), 2^(c-1)]: 2^(c-1) buckets per window. Cost per window: one batch addition
    // per large scalar, (c - 1) 2^(c-2) for the bucket sums (step 3).
    let c = 4;
    let best = Infinity;
    for (let candidate = 4; candidate <= MAX_WINDOW; candidate++) {
      const cost = (Math.floor(bits / candidate) + 1) * (Math.max(large, 1) + (candidate - 1) * 2 ** (candidate - 2));
      if (cost < best) {
        best = cost;
        c = candidate;
      }
    }
    const windows = Math.floor(bits / c) + 1; // one more for the last carry
    const half = 1 << (c - 1);
    const mask = (1 << c) - 1;
    const buckets = half + 1; // bucket d = 1 .. 2^(c-1)
    const first = Math.round(share.from * windows);
    const last = Math.round(share.to * windows);
    const mine: number[] = [];
    for (let w = first; w < last; w++) mine.push(w);
    // Signed digits of every scalar in every window (carries run upwards), kept for the windows of this share.
    // Windows per batch: bucket entries (count per window) and bucket-sum entries (c 2^(c-1)) within capacity.
    const perBatch = Math.max(1, Math.floor(this.capacity / (count + c * half)));
    const fn = {
      zero: arena.fn(`${group}m_zero`),
      add: arena.fn(`${group}m_add`),
      addMixed: arena.fn(`${group}m_addMixed`),
      double: arena.fn(`${group}m_double`),
      isZero: arena.fn(`${group}m_isZero`),
    };
    const carry = new Uint8Array(count);
    let nextWindow = 0; // digits computed up to this window (carries need every window in order)
    const digitsFor = (w: number, out: Int32Array, offset: number) => {
      const bit = w * c;
      const word = bit >>> 5;
      const shift = bit & 31;
      for (let j = 0; j < count; j++) {
        let value = 0;
        if (word < 8) {
          value = words[j * 8 + word]! >>> shift;
          if (shift + c > 32 && word < 7) value |= words[j * 8 + word + 1]! << (32 - shift);
          value &= mask;
        }
        value += carry[j]!;
        if (value > half) {
          value -= 1 << c;
          carry[j] = 1;
        } else {
          carry[j] = 0;
        }
        out[offset + j] = value;
      }
    };
    const skip = new Int32Array(count);
    for (let m = 0; m < mine.length; m += perBatch) {
      const batch = mine.slice(m, m + perBatch);
      // 1. digits of the batch's windows (computing, for the carries, the windows in between too)
      for (const [b, w] of batch.entries()) {
        while (nextWindow < w) digitsFor(nextWindow++, skip, 0);
        digitsFor(nextWindow++, scratch.digits, b * count);
      }
      // 2. bucket lists: group (b, d) holds the points (or their negatives) whose digit in window b is +-d
      const groups = batch.length * buckets;
      const { start, length, list } = scratch;
      start.fill(0, 0, groups + 1);
      for (let b = 0; b < batch.length; b++) {
        for (let j = 0; j < count; j++) {
          const digit = scratch.digits[b * count + j]!;
          if (digit !== 0) start[b * buckets + Math.abs(digit) + 1]!++;
        }
      }
      for (let g = 1; g <= groups; g++) start[g]! += start[g - 1]!;
      length.fill(0, 0, groups);
      for (let b = 0; b < batch.length; b++) {
        for (let j = 0; j < count; j++) {
          const digit = scratch.digits[b * count + j]!;
          if (digit === 0) continue;
          const g = b * buckets + Math.abs(digit);
          list[start[g]! + length[g]!++] = (digit > 0 ? part.pointer : part.negated) + j * affine;
        }
      }
      // 3. add up each bucket in rounds of batch-affine additions (all windows of the batch at once)
      const outputAt = this.reduceGroups(group, list, start, length, groups, scratch.outputs);
      // 4. sum_d d B_d = sum_k 2^k S_k, S_k = the buckets whose index has bit k, again by batch additions
      //    (the list is rebuilt in place: bucket points first move to `bitList` positions after `groups`)
      const bitGroups = batch.length * c;
      const bitStart = new Int32Array(bitGroups + 1);
      const bitLength = new Int32Array(bitGroups);
      const bitList = new Int32Array(batch.length * c * half);
      let at = 0;
      for (let b = 0; b < batch.length; b++) {
        for (let k = 0; k < c; k++) {
          bitStart[b * c + k] = at;
          for (let d = 1 << k; d < buckets; d++) {
            const g = b * buckets + d;
            if ((d >> k) & 1 && length[g] === 1) bitList[at++] = list[start[g]!]!;
          }
          bitLength[b * c + k] = at - bitStart[b * c + k]!;
        }
      }
      this.reduceGroups(group, bitList, bitStart, bitLength, bitGroups, outputAt);
      for (let b = 0; b < batch.length; b++) {
        const total = scratch.windows + batch[b]! * projective;
        fn.zero(total);
        for (let k = c - 1; k >= 0; k--) {
          if (!fn.isZero(total)) fn.double(total, total);
          const g = b * c + k;
          if (bitLength[g] === 1) fn.addMixed(total, this.toSlow(group, bitList[bitStart[g]!]!, scratch.slow), total);
        }
      }
    }
    // 5. result = sum over this share's windows of 2^(c w) T_w (Horner from the top window)
    fn.zero(scratch.result);
    for (let w = windows - 1; w >= 0; w--) {
      if (!fn.isZero(scratch.result)) for (let k = 0; k < c; k++) fn.double(scratch.result, scratch.result);
      if (w >= first && w < last) fn.add(scratch.result, scratch.windows + w * projective, scratch.result);
    }
    return arena.get(scratch.result, projective);
  }

  /** Converts an affine point from the fast representation to wasmcurves' at `to`; returns `to`. */
  private toSlow(group: "g1" | "g2", from: number, to: number): number {
    const convert = this.arena.fn("zkm_fq29_toMontgomery");
    for (let e = 0; e < 2 * DEGREE[group]; e++) convert(from + FIELD29_BYTES * e, to + 32 * e);
    return to;
  }

  /** Converts an affine point from wasmcurves' representation to the fast one at `to`. */
  private toFast(group: "g1" | "g2", from: number, to: number): void {
    const convert = this.arena.fn("zkm_fq29_fromMontgomery");
    for (let e = 0; e < 2 * DEGREE[group]; e++) convert(from + 32 * e, to + FIELD29_BYTES * e);
  }

  /**
   * Adds up the affine points of each group (group g: list[start[g] .. start[g] + length[g])) in rounds of
   * pairwise additions, each round one batch with a single inversion, until every group holds at most one
   * point (left at list[start[g]], length[g] = 0 or 1). New points are written from `outputAt` on.
   *
   * @returns where the next new point would go
   */
  private reduceGroups(group: "g1" | "g2", list: Int32Array, start: Int32Array, length: Int32Array, groups: number, outputAt: number): number {
    const { arena, scratch } = this;
    const affine = FAST_SIZE[group];
    const xWords = affine / 8;
    const kernel = arena.fn(`zkm_${group}_batchAdd29`);
    const addAffine = arena.fn(`${group}m_addAffine`);
    const isZero = arena.fn(`${group}m_isZero`);
    const toAffine = arena.fn(`${group}m_toAffine`);
    let next = outputAt;
    for (;;) {
      let pairs = 0;
      let more = false;
      const words = new Uint32Array(arena.bytes().buffer);
      for (let g = 0; g < groups; g++) {
        const n = length[g]!;
        if (n < 2) continue;
        const s = start[g]!;
        let kept = 0;
        for (let k = 0; k + 1 < n; k += 2) {
          const a = list[s + k]!;
          const b = list[s + k + 1]!;
          let sameX = true;
          for (let q = 0; q < xWords; q++) {
            if (words[(a >>> 2) + q] !== words[(b >>> 2) + q]) {
              sameX = false;
              break;
            }
          }
          if (sameX) {
            // a = b or a = -b: the rare case the batch formula cannot take (done by wasmcurves in its form).
            addAffine(this.toSlow(group, a, scratch.slow), this.toSlow(group, b, scratch.slow2), scratch.temporary);
            if (!isZero(scratch.temporary)) {
              toAffine(scratch.temporary, scratch.slow);
              this.toFast(group, scratch.slow, next);
              list[s + kept++] = next;
              next += affine;
            }
            continue;
          }
          const t = (scratch.triples >>> 2) + pairs * 3;
          words[t] = a;
          words[t + 1] = b;
          words[t + 2] = next;
          list[s + kept++] = next;
          next += affine;
          pairs++;
        }
        if (n % 2 === 1) list[s + kept++] = list[s + n - 1]!;
        length[g] = kept;
        if (kept > 1) more = true;
      }
      if (pairs > 0) kernel(scratch.triples, pairs, scratch.kernel);
      if (!more) return next;
    }
  }
}

/** The point at infinity in the wasm's projective form (z = 0 is all wasmcurves checks). */
export function zeroProjective(group: "g1" | "g2"): Uint8Array {
  return new Uint8Array(PROJECTIVE_SIZE[group]);
}

function aligned(bytes: Uint8Array): Uint32Array {
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  return new Uint32Array(bytes.slice().buffer);
}
