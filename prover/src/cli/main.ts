#!/usr/bin/env node
/**
 * zkmargin command line: build circuits, check an account, record fills, prove transitions and margin
 * statements, verify, export verifiers, bench, demo.
 * Errors print one line naming the field (a stack trace only with --verbose); exit codes: 0 success,
 * 1 a statement or proof that does not hold, 2 bad input or usage.
 */
import { parseArgs } from "node:util";
import { ZkMarginError } from "../core/errors.ts";
import { commands } from "./commands.ts";
import { joinNegativeValues, type Command } from "./options.ts";
import { UsageError } from "./usage-error.ts";

const USAGE = `zkmargin: zero-knowledge margin proofs for private accounts

Usage: zkmargin <command> [options]

Commands:
${Object.entries(commands).map(([name, command]) => `  ${name.padEnd(18)} ${command.summary}`).join("\n")}

Common options: --verbose (stack traces), --help
Run \`zkmargin <command> --help\` for a command's options.`;


async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const command: Command | undefined = commands[name];
  if (!command) {
    process.stderr.write(`zkmargin: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(rest, command.options), options: { ...command.options, help: { type: "boolean" }, verbose: { type: "boolean" } }, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs explains at length; one line is enough.
    process.stderr.write(`zkmargin ${name}: ${(error as Error).message.split("\n")[0]!.replace(/\. To specify.*$/, "")}\n${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(parsed.values as Record<string, string | boolean | string[] | undefined>, parsed.positionals);
  } catch (error) {
    if (parsed.values.verbose) process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    if (error instanceof UsageError) {
      process.stderr.write(`zkmargin ${name}: ${error.message}\n${command.usage}\n`);
      return 2;
    }
    if (error instanceof ZkMarginError) {
      process.stderr.write(`zkmargin ${name}: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`zkmargin ${name}: unexpected error: ${(error as Error).message ?? String(error)}${parsed.values.verbose ? "" : " (run with --verbose for details)"}\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
