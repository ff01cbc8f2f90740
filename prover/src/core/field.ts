import jsSha3 from "js-sha3";
import { FIELD_MODULUS } from "./constants.ts";
import { ZkMarginError } from "./errors.ts";

/** Reduces a signed integer into the field [0, p): negative values wrap to p - |x|, as the circuits expect. */
export function toField(value: bigint): bigint {
  const reduced = value % FIELD_MODULUS;
  return reduced < 0n ? reduced + FIELD_MODULUS : reduced;
}

/**
 * Parses a field element given as a decimal string, a 0x-hex string or a safe integer, below `maxExclusive`
 * (default: the field modulus).
 */
export function parseFieldElement(value: unknown, field: string, maxExclusive: bigint = FIELD_MODULUS): bigint {
  let parsed: bigint;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) parsed = BigInt(value);
  else if (typeof value === "string" && /^(0x[0-9a-fA-F]+|\d+)$/.test(value.trim())) parsed = BigInt(value.trim());
  else if (typeof value === "bigint" && value >= 0n) parsed = value;
  else throw new ZkMarginError(field, `expected a non-negative integer as a decimal or 0x-hex string, got ${value === undefined ? "nothing (the field is missing)" : JSON.stringify(value)}`);
  if (parsed >= maxExclusive) {
    throw new ZkMarginError(field, maxExclusive === FIELD_MODULUS ? "must be below the BN254 field modulus" : `must be below ${maxExclusive}`);
  }
  return parsed;
}

/**
 * Parses an Ethereum address (0x + 40 hex digits) into a 160-bit integer. A mixed-case address must carry a
 * valid EIP-55 checksum (a typo in a checksummed address is caught); all-lower or all-upper case is accepted.
 */
export function parseAddress(value: unknown, field: string): bigint {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(value.trim())) {
    throw new ZkMarginError(field, `expected an address (0x followed by 40 hex digits), got ${value === undefined ? "nothing" : JSON.stringify(value)}`);
  }
  const text = value.trim();
  const digits = text.slice(2);
  if (digits !== digits.toLowerCase() && digits !== digits.toUpperCase()) {
    const checksummed = checksumAddress(digits);
    if (checksummed !== text) throw new ZkMarginError(field, `${text} has a wrong EIP-55 checksum (did you mean ${checksummed}?)`);
  }
  return BigInt(text);
}

/**
 * The EIP-55 mixed-case form of an address: hex digit i is upper case when nibble i of
 * keccak256(lower-case hex) is >= 8. (js-sha3 is snarkjs' own dependency: no ethers needed to parse.)
 *
 * @param digits the 40 hex digits, any case
 */
export function checksumAddress(digits: string): string {
  const lower = digits.toLowerCase();
  const hash = jsSha3.keccak_256(lower);
  return `0x${[...lower].map((digit, i) => (parseInt(hash[i]!, 16) >= 8 ? digit.toUpperCase() : digit)).join("")}`;
}

/** Formats a field element or commitment as 0x-prefixed 32-byte hex. */
export function toHex32(value: bigint): string {
  return `0x${value.toString(16).padStart(64, "0")}`;
}

/** Formats a 160-bit integer as a 0x-prefixed address (lower case). */
export function toAddress(value: bigint): string {
  return `0x${value.toString(16).padStart(40, "0")}`;
}
