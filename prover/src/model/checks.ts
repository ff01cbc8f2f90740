import { ZkMarginError, shown } from "../core/errors.ts";

// Pure shape checks of parsed JSON (no node: imports), shared by the Node file reader (json.ts) and the
// parsers (parse.ts), so that parse.ts also runs in a browser.

/** A parsed JSON object whose fields are still unchecked. */
export type JsonObject = Record<string, unknown>;

/** Checks that `value` is a plain JSON object. */
export function expectObject(value: unknown, field: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ZkMarginError(field, `expected an object, got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`);
  }
  return value as JsonObject;
}

/** Checks that `value` is a JSON array. */
export function expectArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new ZkMarginError(field, `expected an array, got ${value === undefined ? "nothing (the field is missing)" : typeof value}`);
  return value;
}

/** Checks that `value` is a non-empty string. */
export function expectString(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new ZkMarginError(field, `expected a non-empty string, got ${value === undefined ? "nothing (the field is missing)" : JSON.stringify(value)}`);
  }
  return value.trim();
}

/** Rejects keys that the schema does not know (a typo would otherwise be silently ignored). */
export function rejectUnknownKeys(object: JsonObject, known: readonly string[], field: string): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) throw new ZkMarginError(`${field}.${shown(key)}`, `unknown field (expected one of ${known.join(", ")})`);
  }
}
