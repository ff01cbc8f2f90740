import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { projectPath } from "../prover/src/build/paths.ts";
import { example, runProcess, zkmargin } from "./helpers/cli.ts";

const market = ["--markets", example("markets.json")];
const subject = ["--account", example("account.json"), "--round", example("round.json"), ...market];
const insolvent = ["--account", example("account-insolvent.json"), "--round", example("round.json"), ...market];
const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const VAULT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

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
  const json = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;

  describe("# build", () => {
    it("Should print one summary line with --quiet, and no progress lines", { timeout: 0 }, async () => {
      const build = mkdtempSync(join(tmpdir(), "zkmargin-cli-build-"));
      const result = await runProcess(process.execPath, [projectPath("bin", "zkmargin.js"), "build", "--quiet", "--circuit", "test_deposit_m4"], { env: { ...process.env, ZKMARGIN_BUILD_DIR: build }, timeoutMs: 0 }).finally(() => rmSync(build, { recursive: true, force: true }));
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^zkmargin build: 1 circuit, 1 compiled, 0 set up, 0 up to date, in \d+\.\d s\n$/);
      expect(result.stderr).toBe("");
    });
  });

  describe("# check", () => {
    it("Should print the report as JSON with exact decimal amounts and a stable schema", async () => {
      const result = await zkmargin("check", ...subject, "--json");
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(report).toMatchObject({ profile: "cross", accountId: "2", round: "7", cash: "7944", unsettledFunding: "-0.845", equity: "9790.495", maintenanceRequirement: "373.062", liquidatable: false, canAnswer: true, meetsInitial: true });
      expect(typeof report.maxBufferBps).toBe("number");
      expect(report.positions).toHaveLength(3);
    });

    it("Should print a readable table without --json", async () => {
      const result = await zkmargin("check", ...insolvent);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/LIQUIDATABLE/);
      expect(result.stdout).toMatch(/equity\s+553\.75/);
    });
  });

  describe("# a trader's life: account, deposit, a fill, attest, answer, withdraw", () => {
    it("Should go from genesis through proven transitions, each proof verified and each next state written", { timeout: 0 }, async () => {
      const genesis = join(dir, "alice-0.json");
      const opened = await zkmargin("account", "--chain-id", "31337", "--vault", VAULT, "--account-id", "2", "--owner", ALICE, ...market, "--out", genesis);
      expect(opened.code, opened.stderr).toBe(0);
      expect(json(genesis)).toMatchObject({ nonce: "0", salt: `0x${"0".repeat(64)}`, cash: "0" });
      expect((await zkmargin("account", "--chain-id", "31337", "--vault", VAULT, "--account-id", "2", "--owner", ALICE, ...market, "--out", genesis)).stderr).toMatch(/exists/);

      const deposited = join(dir, "alice-1.json");
      const deposit = await zkmargin("prove", "deposit", "--account", genesis, ...market, "--amount", "5000", "--out", join(dir, "deposit.json"), "--next", deposited);
      expect(deposit.code, deposit.stderr).toBe(0);
      expect(json(deposited)).toMatchObject({ nonce: "1", cash: "5000" });
      expect((await zkmargin("verify", join(dir, "deposit.json"))).stdout).toMatch(/^valid: a deposit of 5000/);

      // The venue records a fill (negative fee: a maker rebate) and the trader proves it into her book.
      const fills = join(dir, "fills.json");
      const recorded = await zkmargin("fill", ...market, "--fill-id", "1", "--market", "ETH-USD", "--size", "1", "--price", "3100", "--buyer", "2", "--seller", "3", "--buyer-fee", "1.55", "--seller-fee", "-0.31", "--out", fills);
      expect(recorded.code, recorded.stderr).toBe(0);
      expect(JSON.parse(recorded.stdout).postFill).toEqual(["2", "3", expect.stringMatching(/^0x[0-9a-f]{64}$/)]);
      const traded = join(dir, "alice-2.json");
      const applied = await zkmargin("prove", "fills", "--account", deposited, ...market, "--fills", fills, "--listed", "4", "--out", join(dir, "fills-proof.json"), "--next", traded);
      expect(applied.code, applied.stderr).toBe(0);
      expect(json(traded)).toMatchObject({ nonce: "2", cash: "1898.45", fills: { applied: "1" }, positions: [{ market: "ETH-USD", size: "1" }] });

      const round = ["--round", example("round.json"), ...market];
      const attest = await zkmargin("prove", "attest", "--account", traded, ...round, "--bind", ALICE, "--buffer-bps", "500", "--out", join(dir, "attest.json"));
      expect(attest.code, attest.stderr).toBe(0);
      expect((await zkmargin("verify", join(dir, "attest.json"))).stdout).toMatch(/meets its cross maintenance requirement with a 5.00% buffer/);
      const answer = await zkmargin("prove", "answer", "--account", traded, ...round, "--bind", ALICE, "--out", join(dir, "answer.json"));
      expect(answer.code, answer.stderr).toBe(0);
      expect((await zkmargin("verify", join(dir, "answer.json"))).stdout).toMatch(/is not liquidatable \(a challenge answer\)/);

      const tooMuch = await zkmargin("prove", "withdraw", "--account", traded, ...round, "--amount", "4900", "--out", join(dir, "never.json"), "--next", join(dir, "never-state.json"));
      expect(tooMuch.code).toBe(1);
      expect(tooMuch.stderr).toMatch(/does not meet the initial requirement after withdrawing 4900 .* short by/);
      expect(existsSync(join(dir, "never.json")) || existsSync(join(dir, "never-state.json"))).toBe(false);
      const withdrawn = join(dir, "alice-3.json");
      const withdraw = await zkmargin("prove", "withdraw", "--account", traded, ...round, "--amount", "1000", "--out", join(dir, "withdraw.json"), "--next", withdrawn);
      expect(withdraw.code, withdraw.stderr).toBe(0);
      expect(json(withdrawn)).toMatchObject({ nonce: "3", cash: "898.45" });
    });

    it("Should take over the insolvent example into the liquidator's account and name the payouts", { timeout: 0 }, async () => {
      const next = join(dir, "liquidator-next.json");
      const result = await zkmargin("prove", "takeover", "--victim", example("account-insolvent.json"), "--liquidator", example("liquidator.json"), "--round", example("round.json"), ...market, "--penalty-bps", "150", "--out", join(dir, "takeover.json"), "--next", next);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/owner gets 232\.05625, penalty 321\.69375, bad debt 0/);
      expect((await zkmargin("verify", join(dir, "takeover.json"))).stdout).toMatch(/takeover of an account below maintenance/);
      const healthy = await zkmargin("prove", "takeover", "--victim", example("account.json"), "--liquidator", example("liquidator.json"), "--round", example("round.json"), ...market, "--penalty-bps", "150", "--out", join(dir, "never.json"), "--next", join(dir, "never-next.json"));
      expect(healthy.code).toBe(1);
      expect(healthy.stderr).toMatch(/victim: is not liquidatable at round 7/);
    });
  });

  describe("# refusals", () => {
    it("Should refuse an attest of the insolvent account with its shortfall and write nothing", async () => {
      const out = join(dir, "never.json");
      const result = await zkmargin("prove", "attest", ...insolvent, "--bind", ALICE, "--out", out);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/refused: account: does not meet the maintenance margin at round 7: short by/);
      expect(existsSync(out)).toBe(false);
    });

    const account = json(example("account.json"));
    const cases: [string, () => string[], RegExp][] = [
      ["an unknown market", () => ["attest", "--account", write("a1.json", { ...account, positions: [{ market: "DOGE-USD", size: "1" }] }), "--round", example("round.json"), ...market, "--bind", ALICE], /account\.positions\[0\]\.market: unknown market DOGE-USD/],
      ["a malformed number", () => ["attest", "--account", write("a2.json", { ...account, cash: "10,000" }), "--round", example("round.json"), ...market, "--bind", ALICE], /account\.cash: "10,000" is not a decimal number/],
      ["a JSON number", () => ["attest", "--account", write("a3.json", { ...account, cash: 10000.5 }), "--round", example("round.json"), ...market, "--bind", ALICE], /account\.cash: expected a decimal string/],
      ["a missing file", () => ["attest", "--account", join(dir, "nope.json"), "--round", example("round.json"), ...market, "--bind", ALICE], /account file .*nope\.json: not found/],
      ["a wrong checksum", () => ["attest", ...subject, "--bind", ALICE.replace("C8", "c8")], /--bind: .* wrong EIP-55 checksum/],
      ["a buffer out of range", () => ["attest", ...subject, "--bind", ALICE, "--buffer-bps", "65536"], /--buffer-bps: 65536 is too large \(must be at most 65535\)/],
      ["a negative buffer", () => ["attest", ...subject, "--bind", ALICE, "--buffer-bps", "-1"], /--buffer-bps: expected a whole number|must not be negative/],
      ["a missing binder", () => ["attest", ...subject], /--bind is required/],
    ];
    for (const [what, args, message] of cases) {
      it(`Should refuse ${what} with one line naming the field, no stack trace and no file`, async () => {
        const out = join(dir, "bad.json");
        const result = await zkmargin("prove", ...args(), "--out", out);
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(message);
        expect(result.stderr).not.toMatch(/\n\s+at /);
        expect(existsSync(out)).toBe(false);
      });
    }

    it("Should print usage for a missing statement and an unknown command", async () => {
      expect((await zkmargin("prove", "--account", example("account.json"))).stderr).toMatch(/name the statement to prove/);
      expect((await zkmargin("frobnicate")).code).toBe(2);
    });

    it("Should export no verifier unless every requested circuit is built", async () => {
      const out = join(dir, "verifiers");
      const result = await zkmargin("export-verifier", "--out", out, "--circuit", "cross_margin_m16", "--circuit", "nope_m16");
      expect(result.code).toBe(2);
      expect(existsSync(out)).toBe(false);
    });
  });
});
