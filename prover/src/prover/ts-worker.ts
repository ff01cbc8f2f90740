import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker, type Transferable } from "node:worker_threads";
import { ZkMarginError } from "../core/errors.ts";

const require = createRequire(import.meta.url);

/** What a worker answers to one request. */
export type WorkerReply<T> = { readonly id: number; readonly ok: true; readonly value: T } | { readonly id: number; readonly ok: false; readonly message: string };

/** tsx's ESM loader API (a development dependency: only TypeScript worker entries need it). */
function tsxLoaderUrl(): string | undefined {
  try {
    return typeof import.meta.resolve === "function" ? import.meta.resolve("tsx/esm/api") : pathToFileURL(require.resolve("tsx/esm/api")).href;
  } catch {
    return undefined;
  }
}

/**
 * The entry module of a worker that lives next to `base` (an `import.meta.url`): `name`.ts when running from
 * the TypeScript sources (repository, tests), `name`.js in the compiled package (dist/).
 *
 * @param name the module's path relative to `base`, without extension, e.g. "./msm-worker"
 */
export function workerEntry(name: string, base: string): URL {
  return new URL(`${name}${base.endsWith(".ts") ? ".ts" : ".js"}`, base);
}

interface WorkerEnvelope {
  readonly mod: string;
  readonly zkmargin: unknown;
}

/** Inside a worker started by {@link TsWorker}: the data its creator passed. */
export function workerPayload(data: unknown): unknown {
  return (data as WorkerEnvelope).zkmargin;
}

/**
 * A worker thread running a module of this package, with request/reply messaging. A compiled entry (.js, the
 * installed package) is imported as it is; a TypeScript entry (the repository's sources, under tsx or vitest)
 * is loaded by Node's own type stripping for modules that allow it, else through tsx's loader (a development
 * dependency). The worker must post `{ ready: true }` once set up, then answer each `{ id, ...request }` with
 * a {@link WorkerReply}.
 */
export class TsWorker<Request extends object, Reply> {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (value: Reply) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private failure: Error | undefined;
  private readonly ready: Promise<void>;
  private isReady = false;

  /**
   * @param entry file URL of the worker module
   * @param workerData data the module reads from worker_threads' workerData
   * @param transferList buffers moved (not copied) into the worker
   * @param erasable the module and its imports use only erasable TypeScript: where Node strips types itself,
   *   it starts without tsx (faster)
   */
  constructor(entry: URL, workerData: unknown, transferList: readonly Transferable[] = [], erasable = false) {
    const typescript = entry.pathname.endsWith(".ts");
    const native = !typescript || (erasable && Boolean((process.features as { typescript?: unknown }).typescript));
    const tsx = native ? undefined : tsxLoaderUrl();
    if (!native && !tsx) throw new ZkMarginError("prover worker", `${entry.pathname} is TypeScript and tsx is not installed: use the compiled package (dist/) or npm install tsx`);
    const bootstrap = [
      "(async () => {",
      tsx ? `  (await import(${JSON.stringify(tsx)})).register();` : "",
      `  await import(${JSON.stringify(entry.href)});`,
      "})();",
    ].join("\n");
    // `mod` keeps the web-worker package quiet should the module load ffjavascript (which imports web-worker):
    // in a worker thread web-worker require()s workerData.mod, expecting to be the one that started it.
    const data: WorkerEnvelope = { mod: "node:path", zkmargin: workerData };
    this.worker = new Worker(bootstrap, { eval: true, workerData: data, transferList: [...transferList], stdout: false, stderr: false });
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: unknown) => {
        if (typeof message === "object" && message !== null && "ready" in message) {
          this.worker.off("message", onMessage);
          this.worker.on("message", (reply: WorkerReply<Reply>) => this.settle(reply));
          this.isReady = true;
          resolve();
        }
      };
      this.worker.on("message", onMessage);
      this.worker.once("error", (error: Error) => {
        this.fail(error);
        reject(error);
      });
      this.worker.once("exit", (code) => {
        const error = new ZkMarginError("prover worker", `exited (code ${code})`);
        this.fail(error);
        reject(error);
      });
    });
    this.ready.catch(() => undefined);
  }

  /** Resolves when the worker has loaded its module and set itself up. */
  started(): Promise<void> {
    return this.ready;
  }

  /**
   * Sends one request and waits for its reply. Once the worker is ready the request is posted before this
   * returns, so the worker starts on it while the caller goes on computing in its own thread.
   */
  async call(request: Request, transferList: readonly Transferable[] = []): Promise<Reply> {
    if (!this.isReady) await this.ready;
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, ...request }, [...transferList]);
    });
  }

  /** Ends the thread; pending requests fail. */
  async terminate(): Promise<void> {
    this.fail(new ZkMarginError("prover worker", "was closed"));
    await this.worker.terminate();
  }

  private settle(reply: WorkerReply<Reply>): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(new ZkMarginError(undefined, reply.message));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

/**
 * Serves requests inside a worker started by {@link TsWorker}: runs `handle` for each and replies with its
 * value (and the buffers to move), or with the error's message.
 */
export async function serveRequests<Request extends object, Reply>(
  port: { on(event: "message", listener: (message: Request & { id: number }) => void): void; postMessage(message: unknown, transferList?: readonly Transferable[]): void },
  handle: (request: Request) => Promise<{ value: Reply; transfer?: readonly Transferable[] }>,
): Promise<void> {
  let queue = Promise.resolve();
  port.on("message", (message) => {
    queue = queue.then(async () => {
      try {
        const { value, transfer } = await handle(message);
        port.postMessage({ id: message.id, ok: true, value } satisfies WorkerReply<Reply>, transfer ?? []);
      } catch (error) {
        port.postMessage({ id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply<Reply>);
      }
    });
  });
  port.postMessage({ ready: true });
}
