/** How often a long build step says how far along it is. */
export const PROGRESS_INTERVAL_MS = 3_000;

/** What a long step reports as it goes: the part it is on and, where it knows, how much of it is done. */
export interface Progress {
  /** Starts a part of `total` units (omit `total` when the part cannot tell how far along it is). */
  stage(name: string, total?: number): void;
  /** Sets how many units of the current part are done. */
  done(units: number): void;
}

/** A {@link Progress} that prints nothing (the default of library calls). */
export const silentProgress: Progress = { stage: () => undefined, done: () => undefined };

/**
 * A {@link Progress} that logs a line every `intervalMs` while a step runs: `<subject>: <part> <percent>%`,
 * or the seconds elapsed for parts that cannot tell (a compiler that prints nothing until it ends). Lines
 * come from a timer, so a step that finishes between two ticks prints nothing; the caller logs the result.
 *
 * @returns the progress and `stop`, which must be called when the step ends (also on failure)
 */
export function startProgress(log: (message: string) => void, subject: string, intervalMs = PROGRESS_INTERVAL_MS): Progress & { stop(): void } {
  let name = "starting";
  let total: number | undefined;
  let units = 0;
  let since = performance.now();
  const timer = setInterval(() => {
    const elapsed = `${((performance.now() - since) / 1000).toFixed(0)} s`;
    log(total ? `${subject}: ${name} ${Math.min(100, Math.floor((100 * units) / total))}% (${elapsed})` : `${subject}: ${name} (${elapsed})`);
  }, intervalMs);
  // A pending progress line must never keep the process alive.
  timer.unref();
  return {
    stage(next, nextTotal) {
      name = next;
      total = nextTotal;
      units = 0;
      since = performance.now();
    },
    done(value) {
      units = value;
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * A snarkjs logger that turns snarkjs' own progress messages ("Writing points start A: 8192/13726",
 * "Applying key: H Section: 0/16384", "Starting section: tauG1") into {@link Progress} updates under
 * `step`; its other messages (hashes, notes) are dropped.
 */
export function snarkjsLogger(progress: Progress, step: string): { debug(message: string): void; info(message: string): void; warn(message: string): void; error(message: string): void } {
  let current = "";
  let furthest = 0;
  const debug = (message: string) => {
    const match = /^(.*?):?\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(message);
    if (!match) {
      // A step without a count ("Starting section: tauG1"); hashes come as several lines: not a step.
      const part = `${step}: ${message.replace(/(:\s*|\s+)\d+$/, "")}`;
      if (!message.includes("\n") && message.length < 80 && part !== current) {
        current = part;
        progress.stage(part);
      }
      return;
    }
    const part = `${step}: ${match[1]!.replace(/^Writing points (start|end) /, "").replace(/:$/, "")}`;
    if (part !== current) {
      current = part;
      furthest = 0;
      progress.stage(part, Number(match[3]));
    }
    // snarkjs logs the start and the end of each chunk: keep the furthest.
    furthest = Math.max(furthest, Number(match[2]));
    progress.done(furthest);
  };
  return { debug, info: () => undefined, warn: () => undefined, error: () => undefined };
}
