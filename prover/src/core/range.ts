import { bound, signedLimit, signedMin } from "./constants.ts";
import { ZkMarginError } from "./errors.ts";

/** Throws a ZkMarginError naming `field` unless `0 <= value < 2^bits`. */
export function checkUnsigned(value: bigint, bits: number, field: string): bigint {
  if (value < 0n || value >= bound(bits)) throw new ZkMarginError(field, `${value} is outside [0, 2^${bits})`);
  return value;
}

/** Throws a ZkMarginError naming `field` unless `-2^(bits-1) <= value < 2^(bits-1)`. */
export function checkSigned(value: bigint, bits: number, field: string): bigint {
  if (value < signedMin(bits) || value >= signedLimit(bits)) throw new ZkMarginError(field, `${value} is outside [-2^${bits - 1}, 2^${bits - 1})`);
  return value;
}
