/** Thrown for a usage problem: the CLI exits with code 2 and prints the command's usage. */
export class UsageError extends Error {}
