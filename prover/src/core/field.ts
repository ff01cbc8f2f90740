import { keccak_256 } from "@noble/hashes/sha3";
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
    const checksummed = checksumAddress(digits.toLowerCase());
    if (checksummed !== text) throw new ZkMarginError(field, `${text} has a wrong EIP-55 checksum (did you mean ${checksummed}?)`);
  }
  return BigInt(text);
}

/** EIP-55: each hex letter upper-cased where the keccak-256 of the lower-case hex has a nibble >= 8. */
function checksumAddress(lowerHex: string): string {
  const hash = keccak_256(new TextEncoder().encode(lowerHex));
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const nibble = (hash[i >> 1]! >> (i % 2 === 0 ? 4 : 0)) & 0xf;
    out += nibble >= 8 ? lowerHex[i]!.toUpperCase() : lowerHex[i]!;
  }
  return out;
}

/** Formats a field element or commitment as 0x-prefixed 32-byte hex. */
export function toHex32(value: bigint): string {
  return `0x${value.toString(16).padStart(64, "0")}`;
}

/** Formats a 160-bit integer as a 0x-prefixed address (lower case). */
export function toAddress(value: bigint): string {
  return `0x${value.toString(16).padStart(40, "0")}`;
}

/** base^exponent mod modulus (exponent >= 0), by square and multiply. */
export function powMod(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let square = ((base % modulus) + modulus) % modulus;
  for (let rest = exponent; rest > 0n; rest >>= 1n) {
    if (rest & 1n) result = (result * square) % modulus;
    square = (square * square) % modulus;
  }
  return result;
}
