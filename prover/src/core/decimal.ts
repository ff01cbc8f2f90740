import { ZkMarginError, shown } from "./errors.ts";
import { pow10 } from "./constants.ts";

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** Options for {@link parseScaled}. */
export interface ScaledOptions {
  /** Allow a leading minus sign (give `min` too: the range is [min, maxExclusive)). */
  signed?: boolean;
  /** Smallest accepted scaled value (inclusive). */
  min?: bigint;
  /** Largest accepted scaled value (exclusive). */
  maxExclusive?: bigint;
  /** Human description of the upper limit for the error message, e.g. "2^64 / 10^8". */
  limitText?: string;
}

/**
 * Parses a human decimal ("3150.25", "-1.5", or a JSON number that prints without an exponent) into an
 * integer scaled by 10^decimals, exactly. Rejects values that would lose precision or leave the range.
 *
 * @param value the JSON value
 * @param field the JSON path, named in errors
 * @param decimals the fixed-point scale
 * @param options sign and range limits
 * @returns the scaled integer
 */
export function parseScaled(value: unknown, field: string, decimals: number, options: ScaledOptions = {}): bigint {
  let text: string;
  if (typeof value === "string") text = value.trim();
  else if (typeof value === "number" && Number.isSafeInteger(value) && decimals === 0) text = String(value);
  else if (typeof value === "bigint") text = value.toString();
  else if (typeof value === "number") throw new ZkMarginError(field, `expected a decimal string such as "${String(value)}", got the JSON number ${String(value)} (JSON numbers lose precision)`);
  else throw new ZkMarginError(field, `expected a decimal number as a string, got ${describe(value)}`);

  const match = DECIMAL.exec(text);
  if (!match) throw new ZkMarginError(field, `${/^[\x20-\x7e]*$/.test(text) ? `"${text}"` : shown(text)} is not a decimal number`);
  const [, sign, whole = "0", fraction = ""] = match;
  if (sign === "-" && !options.signed && /[1-9]/.test(whole + fraction)) {
    throw new ZkMarginError(field, `must not be negative, got ${text}`);
  }
  const significant = trimTrailingZeros(fraction);
  if (significant.length > decimals) {
    throw new ZkMarginError(field, `${text} has more than ${decimals} decimals`);
  }
  const magnitude = BigInt(whole) * pow10(decimals) + BigInt((significant || "0").padEnd(decimals, "0"));
  const scaled = sign === "-" ? -magnitude : magnitude;
  if (options.min !== undefined && scaled < options.min) {
    throw new ZkMarginError(field, `${text} is below the minimum ${formatScaled(options.min, decimals)}`);
  }
  if (options.maxExclusive !== undefined && scaled >= options.maxExclusive) {
    const limit = options.limitText ?? (decimals === 0 ? `at most ${options.maxExclusive - 1n}` : `below ${formatScaled(options.maxExclusive, decimals)}`);
    throw new ZkMarginError(field, `${text} is too large (${options.limitText ? `limit ${limit}` : `must be ${limit}`})`);
  }
  return scaled;
}

/** Parses a non-negative JSON integer (number or decimal string) below `maxExclusive`. */
export function parseInteger(value: unknown, field: string, maxExclusive: bigint): bigint {
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new ZkMarginError(field, `expected a whole number, got ${value}`);
  }
  if (typeof value === "string" && !/^\d+$/.test(value.trim())) {
    throw new ZkMarginError(field, `expected a whole number, got ${JSON.stringify(value)}`);
  }
  return parseScaled(value, field, 0, { min: 0n, maxExclusive });
}

/** Rounding of {@link formatScaled} when it drops digits. */
export type Rounding = "down" | "up" | "nearest";

/**
 * Formats a scaled integer as a decimal string without trailing zeros ("141.76125", "-3", "0.5").
 * With `maxDecimals`, rounds to at most that many decimals (toward zero, away from zero, or to nearest).
 */
export function formatScaled(value: bigint, decimals: number, maxDecimals?: number, rounding: Rounding = "nearest"): string {
  let scaled = value;
  let places = decimals;
  if (maxDecimals !== undefined && maxDecimals < decimals) {
    const divisor = pow10(decimals - maxDecimals);
    const negative = scaled < 0n;
    const magnitude = negative ? -scaled : scaled;
    let quotient = magnitude / divisor;
    const remainder = magnitude % divisor;
    if (remainder !== 0n && (rounding === "up" || (rounding === "nearest" && remainder * 2n >= divisor))) quotient += 1n;
    scaled = negative ? -quotient : quotient;
    places = maxDecimals;
  }
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(places + 1, "0");
  const whole = digits.slice(0, digits.length - places);
  const fraction = trimTrailingZeros(digits.slice(digits.length - places));
  const text = fraction ? `${whole}.${fraction}` : whole;
  return negative && text !== "0" ? `-${text}` : text;
}

/** Divides two scaled integers and formats the quotient with `decimals` decimals (nearest). */
export function formatRatio(numerator: bigint, denominator: bigint, decimals: number): string {
  const negative = (numerator < 0n) !== (denominator < 0n);
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const scaled = (n * pow10(decimals) * 2n + d) / (2n * d);
  return formatScaled(negative ? -scaled : scaled, decimals);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

/** Drops trailing "0" characters in linear time (a /0+$/ regex backtracks quadratically on long inputs). */
function trimTrailingZeros(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 48) end--;
  return text.slice(0, end);
}
