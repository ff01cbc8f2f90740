/**
 * Runs `task` while collecting what it writes through console.error / console.log, instead of printing it.
 * circom's witness generator reports a failed constraint ("Error in template X line: N") that way; the
 * SDK puts that text into its own error rather than spilling it on the user's terminal.
 */
export async function captureConsole<T>(task: () => Promise<T>): Promise<{ result?: T; error?: unknown; output: string }> {
  const original = { error: console.error, log: console.log };
  const lines: string[] = [];
  const collect = (...parts: unknown[]) => lines.push(parts.map(String).join(" "));
  console.error = collect;
  console.log = collect;
  try {
    return { result: await task(), output: lines.join("\n") };
  } catch (error) {
    return { error, output: lines.join("\n") };
  } finally {
    console.error = original.error;
    console.log = original.log;
  }
}
