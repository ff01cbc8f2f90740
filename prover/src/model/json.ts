import { readFileSync } from "node:fs";
import { ZkMarginError } from "../core/errors.ts";

/** A parsed JSON object whose fields are still unchecked. */
export type JsonObject = Record<string, unknown>;

/**
 * Reads and parses a JSON file, with errors that name the file's role and path.
 *
 * @param path file to read
 * @param role what the file holds, e.g. "account", named in errors
 */
export function readJsonFile(path: string, role: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ZkMarginError(`${role} file ${path}`, code === "ENOENT" ? "not found" : `cannot be read (${code ?? String(error)})`);
  }
  if (text.trim() === "") throw new ZkMarginError(`${role} file ${path}`, "is empty");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ZkMarginError(`${role} file ${path}`, `is not valid JSON (${(error as Error).message})`);
  }
  return expectObject(parsed, role);
}

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
    if (!known.includes(key)) throw new ZkMarginError(`${field}.${key}`, `unknown field (expected one of ${known.join(", ")})`);
  }
}
