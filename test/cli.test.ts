import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { example, runProcess, zkmargin } from "./helpers/cli.ts";
import { projectPath } from "../prover/src/build/paths.ts";

const subject = ["--account", example("account.json"), "--round", example("round.json"), "--markets", example("markets.json")];
const insolvent = ["--account", example("account-insolvent.json"), "--round", example("round.json"), "--markets", example("markets.json")];
const LIQUIDATOR = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

describe("zkmargin CLI", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "zkmargin-cli-"));
  });
  const write = (name: string, json: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof json === "string" ? json : JSON.stringify(json));
    return path;
  };

  describe("# build", () => {
    // The longest delay a timer takes (about 24 days): a compile is slow under load, never stuck.
    const NEVER = 2 ** 31 - 1;
    it("Should print one summary line with --quiet, and no progress lines", { timeout: 0 }, async () => {
      const build = mkdtempSync(join(tmpdir(), "zkmargin-cli-build-"));
      const result = await runProcess(process.execPath, [projectPath("bin", "zkmargin.js"), "build", "--quiet", "--circuit", "test_chain_l23"], { env: { ...process.env, ZKMARGIN_BUILD_DIR: build }, timeoutMs: NEVER }).finally(() => rmSync(build, { recursive: true, force: true }));
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^zkmargin build: 1 circuit, 1 compiled, 0 set up, 0 up to date, in \d+\.\d s\n$/);
      expect(result.stderr).toBe("");
    });
  });

  describe("# check", () => {
    it("Should print the report as JSON with exact decimal amounts", async () => {
      const result = await zkmargin("check", ...subject, "--json");
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as Record<string, unknown>;
      // ETH -1.5 @ 3150.25 (entry 3000), BTC 0.05 @ 97250.5 (entry 95000), SOL 12 @ 142.375 (entry 150.5).
      expect(report).toMatchObject({ equity: "9789.65", maintenanceRequirement: "373.062", initialRequirement: "650.245", liquidatable: false });
      expect(report.positions).toHaveLength(3);
    });

    it("Should print a readable table without --json", async () => {
      const result = await zkmargin("check", ...insolvent);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/LIQUIDATABLE/);
      expect(result.stdout).toMatch(/equity\s+-46\.25/);
    });
  });

  describe("# prove and verify", () => {
    it("Should prove the example with a buffer and bind it, and verify it", async () => {
      const out = join(dir, "proof.json");
      const proved = await zkmargin("prove", ...subject, "--out", out, "--buffer-bps", "500", "--bind", LIQUIDATOR);
      expect(proved.code, proved.stderr).toBe(0);
      const file = JSON.parse(readFileSync(out, "utf8")) as { circuit: string; statement: Record<string, unknown>; calldata: { proof: string[] } };
      expect(file.circuit).toBe("margin_n4_m16");
      expect(file.statement).toMatchObject({ kind: "margin", requirement: "maintenance", bufferBps: 500, binder: LIQUIDATOR.toLowerCase(), collateral: "10000" });
      expect(file.calldata.proof).toHaveLength(8);
      const verified = await zkmargin("verify", out);
      expect(verified.code).toBe(0);
      expect(verified.stdout).toMatch(/^valid: .*5% buffer/);
    });

    it("Should refuse a tampered public signal, a tampered proof and a tampered statement summary", async () => {
      const out = join(dir, "tamper.json");
      expect((await zkmargin("prove", ...subject, "--out", out)).code).toBe(0);
      const file = JSON.parse(readFileSync(out, "utf8")) as { publicSignals: string[]; proof: { pi_a: string[] }; statement: { bufferBps: number } };
      const signal = { ...file, publicSignals: [file.publicSignals[0], file.publicSignals[1], (BigInt(file.publicSignals[2]!) + 1n).toString()] };
      expect((await zkmargin("verify", write("t1.json", signal))).code).toBe(1);
      const proof = { ...file, proof: { ...file.proof, pi_a: [(BigInt(file.proof.pi_a[0]!) + 1n).toString(), ...file.proof.pi_a.slice(1)] } };
      expect((await zkmargin("verify", write("t2.json", proof))).code).toBe(1);
      const summary = { ...file, statement: { ...file.statement, bufferBps: 9000 } };
      const result = await zkmargin("verify", write("t3.json", summary));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/statement written in the file does not match/);
    });

    it("Should refuse to prove margin for an insolvent account, say the shortfall and write nothing", async () => {
      const out = join(dir, "never.json");
      const result = await zkmargin("prove", ...insolvent, "--out", out);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/short by 803\.5375/);
      expect(existsSync(out)).toBe(false);
    });

    it("Should prove liquidation of the insolvent account bound to the liquidator, and refuse a healthy one", async () => {
      const out = join(dir, "liquidation.json");
      const proved = await zkmargin("prove-liquidation", ...insolvent, "--bind", LIQUIDATOR, "--out", out);
      expect(proved.code, proved.stderr).toBe(0);
      expect((await zkmargin("verify", out)).stdout).toMatch(/is liquidatable .* liquidator 0x3c44/);
      const healthyOut = join(dir, "healthy-liquidation.json");
      const refused = await zkmargin("prove-liquidation", ...subject, "--bind", LIQUIDATOR, "--out", healthyOut);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/not liquidatable/);
      expect(existsSync(healthyOut)).toBe(false);
    });
  });

  describe("# bad input", () => {
    const account = JSON.parse(readFileSync(example("account.json"), "utf8")) as Record<string, unknown>;
    const round = JSON.parse(readFileSync(example("round.json"), "utf8")) as Record<string, unknown>;
    const cases: [string, () => string[], RegExp][] = [
      ["an unknown market", () => ["--account", write("a1.json", { ...account, positions: [{ market: "DOGE-USD", size: "1" }] }), "--round", example("round.json"), "--markets", example("markets.json")], /account\.positions\[0\]\.market: unknown market DOGE-USD/],
      ["a malformed number", () => ["--account", write("a2.json", { ...account, collateral: "10,000" }), "--round", example("round.json"), "--markets", example("markets.json")], /account\.collateral: "10,000" is not a decimal number/],
      ["a missing file", () => ["--account", join(dir, "nope.json"), "--round", example("round.json"), "--markets", example("markets.json")], /account file .*nope\.json: not found/],
      ["an empty file", () => ["--account", write("empty.json", ""), "--round", example("round.json"), "--markets", example("markets.json")], /account file .*: is empty/],
      ["a round whose prices do not match its commitment", () => ["--account", example("account.json"), "--round", write("r1.json", { ...round, pricesCommitment: "0x1234" }), "--markets", example("markets.json")], /round\.pricesCommitment: does not match/],
      ["too many positions for every circuit", () => {
        const ids = Array.from({ length: 17 }, (_, i) => `M${i}`);
        const markets = write("m17.json", { markets: ids.map((id) => ({ id, maintenanceMargin: "0.05", initialMargin: "0.1" })) });
        const prices = write("r17.json", { round: 1, timestamp: 1, prices: Object.fromEntries(ids.map((id) => [id, "1"])) });
        const many = write("a17.json", { ...account, positions: ids.map((id) => ({ market: id, size: "1" })) });
        return ["--account", many, "--round", prices, "--markets", markets];
      }, /account\.positions: 17 positions over 17 markets fit no cross margin circuit/],
    ];
    for (const [what, args, message] of cases) {
      it(`Should refuse ${what} with one line naming the field, no stack trace and no file`, async () => {
        const out = join(dir, "bad.json");
        const result = await zkmargin("prove", ...args(), "--out", out);
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(message);
        expect(result.stderr.trim().split("\n")).toHaveLength(1);
        expect(result.stderr).not.toMatch(/\n\s+at /);
        expect(existsSync(out)).toBe(false);
      });
    }

    it("Should print usage for a missing required flag and an unknown command", async () => {
      expect((await zkmargin("prove", "--account", example("account.json"))).stderr).toMatch(/--round is required|--out is required/);
      expect((await zkmargin("frobnicate")).code).toBe(2);
    });
  });
});
