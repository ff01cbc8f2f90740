import { readFileSync } from "node:fs";
import { ZkMarginError } from "../core/errors.ts";
import { expectObject, type JsonObject } from "./checks.ts";

export { expectArray, expectObject, expectString, rejectUnknownKeys, type JsonObject } from "./checks.ts";

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
    throw new ZkMarginError(`${role} file ${path}`, `is not valid JSON (${(error as Error).message.replace(/\s+/g, " ")})`);
  }
  return expectObject(parsed, role);
}
