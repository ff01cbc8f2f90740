import { ZkMarginError } from "../core/errors.ts";
import { BN254_R, N8, littleEndianToBigInt } from "../prover/zkey.ts";

/** A circom constraint system (iden3 .r1cs, version 1) over BN254: its header and its constraints, unparsed. */
export interface R1cs {
  /** Wires, including the constant 1 at index 0 (snarkjs' nVars). */
  readonly nWires: number;
  readonly nOutputs: number;
  readonly nPublicInputs: number;
  readonly nPrivateInputs: number;
  readonly nConstraints: number;
  /**
   * Section 2 as it is in the file: per constraint, the linear combinations A, B, C, each a u32 count then
   * (wire u32, coefficient 32 bytes little endian, standard form) per term.
   */
  readonly constraints: Uint8Array;
}

/**
 * Reads the header and locates the constraints of an .r1cs file (circom's output), without copying them.
 *
 * @param bytes the whole file
 * @param name how errors name the file
 * @throws ZkMarginError when the file is not a BN254 r1cs or is truncated
 */
export function readR1cs(bytes: Uint8Array, name = "r1cs"): R1cs {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (problem: string): never => {
    throw new ZkMarginError(name, problem);
  };
  if (bytes.byteLength < 12 || String.fromCharCode(...bytes.subarray(0, 4)) !== "r1cs") fail("is not an r1cs file");
  const sections = new Map<number, Uint8Array>();
  let offset = 12;
  for (let i = 0; i < view.getUint32(8, true); i++) {
    if (offset + 12 > bytes.byteLength) fail("is truncated");
    const type = view.getUint32(offset, true);
    const size = Number(view.getBigUint64(offset + 4, true));
    if (offset + 12 + size > bytes.byteLength) fail(`section ${type} is truncated`);
    // circom writes each section once; keep the first as snarkjs does.
    if (!sections.has(type)) sections.set(type, bytes.subarray(offset + 12, offset + 12 + size));
    offset += 12 + size;
  }
  const header = sections.get(1) ?? fail("has no header section");
  const constraints = sections.get(2) ?? fail("has no constraints section");
  const h = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const n8 = h.getUint32(0, true);
  if (n8 !== N8 || littleEndianToBigInt(header.subarray(4, 4 + n8)) !== BN254_R) fail("is not over the BN254 (bn128) scalar field");
  const at = 4 + n8;
  return {
    nWires: h.getUint32(at, true),
    nOutputs: h.getUint32(at + 4, true),
    nPublicInputs: h.getUint32(at + 8, true),
    nPrivateInputs: h.getUint32(at + 12, true),
    // nLabels (u64) sits between the inputs and the constraint count.
    nConstraints: h.getUint32(at + 24, true),
    constraints,
  };
}
