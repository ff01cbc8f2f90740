import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { ZkMarginError } from "../core/errors.ts";
import type { HostReplies, HostRequest } from "./host.ts";

const require = createRequire(import.meta.url);

/** A benchmark child process holding one warm prover (see host.ts). */
export class BenchHost {
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private waiting: { resolve: (value: unknown) => void; reject: (error: Error) => void } | undefined;

  constructor() {
    const tsx = pathToFileURL(require.resolve("tsx")).href;
    this.child = fork(new URL("./host.ts", import.meta.url), [], { execArgv: ["--import", tsx], serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.ready = new Promise((resolve, reject) => {
      this.child.once("message", () => resolve());
      this.child.once("exit", (code) => reject(new ZkMarginError("benchmark host", `exited (code ${code})`)));
    });
    this.ready.catch(() => undefined);
    this.child.on("message", (message: { ok: boolean; value?: unknown; message?: string; ready?: boolean }) => {
      if (message.ready) return;
      const waiting = this.waiting;
      this.waiting = undefined;
      if (message.ok) waiting?.resolve(message.value);
      else waiting?.reject(new ZkMarginError("benchmark host", message.message ?? "failed"));
    });
    this.child.on("exit", (code) => {
      this.waiting?.reject(new ZkMarginError("benchmark host", `exited (code ${code})`));
      this.waiting = undefined;
    });
  }

  /** Sends one request and waits for the reply. */
  async request<T extends HostRequest>(request: T): Promise<HostReplies[T["type"]]> {
    await this.ready;
    return new Promise((resolve, reject) => {
      this.waiting = { resolve: resolve as (value: unknown) => void, reject };
      this.child.send(request);
    });
  }

  /** Ends the child (it closes its prover first). */
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.disconnect();
    await exited;
  }
}
