/** `zkmargin keeper`: usage and refusals with one line (no Redis needed). The round itself: test/keeper.test.ts. */
import { describe, expect, it } from "vitest";
import { zkmargin } from "./helpers/cli.ts";

describe("# zkmargin keeper (refusals)", () => {
  it("Should print usage for a missing or unknown subcommand", async () => {
    for (const args of [[], ["nope"]]) {
      const result = await zkmargin("keeper", ...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^zkmargin keeper: (give a subcommand: worker or run|unknown subcommand nope \(worker or run\))\nUsage: zkmargin keeper worker/);
    }
  });

  it("Should refuse, with one line naming --redis, a URL that is not redis:// and a Redis that does not answer", async () => {
    const notRedis = await zkmargin("keeper", "worker", "--redis", "http://127.0.0.1:6379");
    expect([notRedis.code, notRedis.stderr]).toEqual([2, "zkmargin keeper: --redis: http://127.0.0.1:6379 is not a redis:// URL\n"]);
    const nobody = await zkmargin("keeper", "run", "--redis", "redis://127.0.0.1:1");
    expect([nobody.code, nobody.stderr]).toEqual([2, "zkmargin keeper: --redis: no Redis answers at redis://127.0.0.1:1 (start one: redis-server --daemonize yes)\n"]);
  });

  it("Should refuse a backend it cannot use before looking for a Redis, naming the option", async () => {
    const unknown = await zkmargin("keeper", "worker", "--backend", "gpu", "--redis", "redis://127.0.0.1:1");
    expect([unknown.code, unknown.stderr]).toEqual([2, "zkmargin keeper: --backend: must be wasm or rapidsnark, got gpu\n"]);
    const missing = await zkmargin("keeper", "run", "--rapidsnark", "/nonexistent/prover", "--redis", "redis://127.0.0.1:1");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^zkmargin keeper: rapidsnark: \/nonexistent\/prover \(given with --rapidsnark \/ the rapidsnark option\) is not an executable file\n$/);
    const both = await zkmargin("keeper", "worker", "--backend", "wasm", "--rapidsnark", "/bin/true", "--redis", "redis://127.0.0.1:1");
    expect(both.stderr).toMatch(/^zkmargin keeper: --rapidsnark: is a binary of the rapidsnark backend/);
  });

  it("Should refuse a count below 1", async () => {
    const result = await zkmargin("keeper", "run", "--accounts", "0");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^zkmargin keeper: --accounts must be at least 1\n/);
  });
});
