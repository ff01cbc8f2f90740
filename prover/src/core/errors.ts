/**
 * The one error type the SDK throws for bad input or state. `field` names what was wrong (a JSON path such
 * as `account.positions[2].size`, a CLI flag, or an artifact), so the CLI can print a one-line message.
 */
export class ZkMarginError extends Error {
  readonly field: string | undefined;

  constructor(field: string | undefined, problem: string) {
    super(field ? `${field}: ${problem}` : problem);
    this.name = "ZkMarginError";
    this.field = field;
  }
}

/**
 * A statement the account does not meet (a shortfall, a healthy victim, an unpriced holding): the input is
 * well-formed, the proof would be false. The CLI exits 1 for it (2 for bad input).
 */
export class ZkMarginRefusal extends ZkMarginError {
  constructor(field: string, problem: string) {
    super(field, problem);
    this.name = "ZkMarginRefusal";
  }
}

/** Throws a ZkMarginError naming `field` unless `condition` holds. */
export function check(condition: unknown, field: string | undefined, problem: string): asserts condition {
  if (!condition) throw new ZkMarginError(field, problem);
}

/**
 * User text as it may appear in a one-line error: unchanged when it is printable ASCII, else JSON-quoted, so a
 * newline or control character in a file can never split or forge an error line.
 */
export function shown(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : JSON.stringify(text);
}
