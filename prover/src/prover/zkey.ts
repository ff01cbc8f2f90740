import { ZkMarginError } from "../core/errors.ts";

/** Size in bytes of one BN254 base field element (Fq) and of one scalar (Fr). */
export const N8 = 32;
/** Affine G1 point in snarkjs' files: x, y in Montgomery form, little endian. */
export const G1_AFFINE = 2 * N8;
/** Affine G2 point: x = (x0, x1), y = (y0, y1), each in Montgomery form, little endian. */
export const G2_AFFINE = 4 * N8;

/** The BN254 scalar field order r. */
export const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** The BN254 base field order q. */
export const BN254_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/**
 * A Groth16 proving key (snarkjs' .zkey format) split into its sections, as views of one buffer: nothing is
 * copied or converted, so parsing a multi-megabyte key costs microseconds.
 */
export interface Groth16Zkey {
  /** Witness length (wires), including the constant 1 at index 0. */
  readonly nVars: number;
  /** Public signals (outputs then public inputs). */
  readonly nPublic: number;
  /** Evaluation domain size, a power of two greater than constraints + public inputs. */
  readonly domainSize: number;
  /** log2(domainSize). */
  readonly power: number;
  /** Verification-key points (affine, Montgomery, little endian). */
  readonly alpha1: Uint8Array;
  readonly beta1: Uint8Array;
  readonly beta2: Uint8Array;
  readonly gamma2: Uint8Array;
  readonly delta1: Uint8Array;
  readonly delta2: Uint8Array;
  /** Number of QAP coefficients (section 4). */
  readonly nCoefficients: number;
  /** Coefficient records (matrix u32, constraint u32, signal u32, value 32 bytes), without the count. */
  readonly coefficients: Uint8Array;
  /** nVars affine G1 points: the A query. */
  readonly pointsA: Uint8Array;
  /** nVars affine G1 points: the B query in G1. */
  readonly pointsB1: Uint8Array;
  /** nVars affine G2 points: the B query in G2. */
  readonly pointsB2: Uint8Array;
  /** nVars - nPublic - 1 affine G1 points: the C query over private wires. */
  readonly pointsC: Uint8Array;
  /** domainSize affine G1 points: the H query (odd-coset form, as snarkjs writes it). */
  readonly pointsH: Uint8Array;
}

/**
 * Parses a Groth16 .zkey (snarkjs binary format: "zkey", version, sections 1 to 10) over the BN254 curve.
 *
 * @param bytes the whole file
 * @param name how errors name the file
 * @throws ZkMarginError when the file is not a BN254 Groth16 key or a section has the wrong size
 */
export function parseGroth16Zkey(bytes: Uint8Array, name = "zkey"): Groth16Zkey {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (problem: string): never => {
    throw new ZkMarginError(name, problem);
  };
  if (bytes.byteLength < 12 || String.fromCharCode(...bytes.subarray(0, 4)) !== "zkey") fail("is not a zkey file");
  const sections = new Map<number, Uint8Array>();
  const count = view.getUint32(8, true);
  let offset = 12;
  for (let i = 0; i < count; i++) {
    if (offset + 12 > bytes.byteLength) fail("is truncated");
    const type = view.getUint32(offset, true);
    const size = Number(view.getBigUint64(offset + 4, true));
    if (offset + 12 + size > bytes.byteLength) fail(`section ${type} is truncated`);
    if (sections.has(type)) fail(`has section ${type} twice`);
    sections.set(type, bytes.subarray(offset + 12, offset + 12 + size));
    offset += 12 + size;
  }
  const section = (type: number): Uint8Array => sections.get(type) ?? fail(`has no section ${type}`);
  const header = section(1);
  if (header.byteLength < 4 || new DataView(header.buffer, header.byteOffset).getUint32(0, true) !== 1) fail("is not a Groth16 key");

  const groth = section(2);
  const g = new DataView(groth.buffer, groth.byteOffset, groth.byteLength);
  let at = 0;
  const n8q = g.getUint32(at, true);
  const q = littleEndianToBigInt(groth.subarray(at + 4, at + 4 + n8q));
  at += 4 + n8q;
  const n8r = g.getUint32(at, true);
  const r = littleEndianToBigInt(groth.subarray(at + 4, at + 4 + n8r));
  at += 4 + n8r;
  if (n8q !== N8 || n8r !== N8 || q !== BN254_Q || r !== BN254_R) fail("is not over the BN254 (bn128) curve");
  const nVars = g.getUint32(at, true);
  const nPublic = g.getUint32(at + 4, true);
  const domainSize = g.getUint32(at + 8, true);
  at += 12;
  const power = Math.log2(domainSize);
  if (!Number.isInteger(power)) fail(`has a domain size ${domainSize} that is not a power of two`);
  const point = (size: number) => {
    const value = groth.subarray(at, at + size);
    at += size;
    return value;
  };
  const alpha1 = point(G1_AFFINE);
  const beta1 = point(G1_AFFINE);
  const beta2 = point(G2_AFFINE);
  const gamma2 = point(G2_AFFINE);
  const delta1 = point(G1_AFFINE);
  const delta2 = point(G2_AFFINE);
  if (at > groth.byteLength) fail("has a short Groth16 header");

  const coefficientsSection = section(4);
  const nCoefficients = new DataView(coefficientsSection.buffer, coefficientsSection.byteOffset).getUint32(0, true);
  const coefficients = coefficientsSection.subarray(4);
  if (coefficients.byteLength !== nCoefficients * (12 + N8)) fail("has a coefficient section of the wrong size");
  const sized = (type: number, points: number, size: number) => {
    const data = section(type);
    if (data.byteLength !== points * size) fail(`section ${type} holds ${data.byteLength} bytes, expected ${points * size}`);
    return data;
  };
  return {
    nVars, nPublic, domainSize, power, alpha1, beta1, beta2, gamma2, delta1, delta2, nCoefficients, coefficients,
    pointsA: sized(5, nVars, G1_AFFINE),
    pointsB1: sized(6, nVars, G1_AFFINE),
    pointsB2: sized(7, nVars, G2_AFFINE),
    pointsC: sized(8, nVars - nPublic - 1, G1_AFFINE),
    pointsH: sized(9, domainSize, G1_AFFINE),
  };
}

/**
 * The witness of a .wtns file (circom's witness calculator output): nVars elements of 32 bytes, standard
 * (not Montgomery) form, little endian, as a view of `bytes`.
 *
 * @throws ZkMarginError when the file is not a BN254 witness
 */
export function wtnsWitness(bytes: Uint8Array, name = "witness"): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || String.fromCharCode(...bytes.subarray(0, 4)) !== "wtns") throw new ZkMarginError(name, "is not a wtns file");
  let offset = 12;
  let nWitness = -1;
  let data: Uint8Array | undefined;
  for (let i = 0; i < view.getUint32(8, true); i++) {
    const type = view.getUint32(offset, true);
    const size = Number(view.getBigUint64(offset + 4, true));
    if (type === 1) {
      const n8 = view.getUint32(offset + 12, true);
      if (n8 !== N8 || littleEndianToBigInt(bytes.subarray(offset + 16, offset + 16 + n8)) !== BN254_R) throw new ZkMarginError(name, "is not a BN254 witness");
      nWitness = view.getUint32(offset + 16 + n8, true);
    } else if (type === 2) {
      data = bytes.subarray(offset + 12, offset + 12 + size);
    }
    offset += 12 + size;
  }
  if (!data || nWitness < 0 || data.byteLength !== nWitness * N8) throw new ZkMarginError(name, "has no witness section of the declared length");
  return data;
}

/** Reads a little-endian unsigned integer. */
export function littleEndianToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.byteLength - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

/** Writes `value` (0 <= value < 2^(8 length)) as `length` little-endian bytes. */
export function bigIntToLittleEndian(value: bigint, length = N8): Uint8Array {
  const out = new Uint8Array(length);
  let rest = value;
  for (let i = 0; i < length; i++) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}
