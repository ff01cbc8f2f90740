import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { accountCommitment } from "../prover/src/commitment/commitments.ts";
import { isLiquidatable, marginSurplus } from "../prover/src/engine/statement-values.ts";
import { readJsonFile } from "../prover/src/model/json.ts";
import { parseAccount, parseMarkets, parseRound } from "../prover/src/model/parse.ts";
import { splitSubaccounts, subaccount } from "../prover/src/model/subaccounts.ts";
import { zkmargin } from "./helpers/cli.ts";
import { projectPath } from "../prover/src/build/paths.ts";

// Isolated margin (Hyperliquid isolated positions; dYdX v4 holds them in separate subaccounts): an isolated
// position keeps its collateral to itself, passes its own check and is liquidated on its own.
const file = (name: string) => projectPath("examples", "profiles", "isolated", name);
const markets = parseMarkets(readJsonFile(file("markets.json"), "markets"));
const account = parseAccount(readJsonFile(file("account.json"), "account"), markets);
const calm = parseRound(readJsonFile(file("round.json"), "round"), markets);
const rally = parseRound(readJsonFile(file("round-rally.json"), "round"), markets);

describe("isolated positions", () => {
  it("Should split the account into the cross subaccount and one subaccount per isolated position", () => {
    const parts = splitSubaccounts(account);
    expect(parts.map((part) => part.name)).toEqual(["cross", "isolated:ETH-USD"]);
    expect(parts[0]!.account.positions.map((position) => position.market.id)).toEqual(["BTC-USD", "SOL-USD"]);
    expect(parts[1]!.account.collateral).toBe(400n * 10n ** 6n);
    expect(parts[1]!.account.adjustment).toBe(15n * 10n ** 7n * 3000n * 10n ** 8n);
    // Distinct, hidden commitments: the isolated salt is derived, not reused.
    expect(accountCommitment(parts[0]!.account)).not.toBe(accountCommitment(parts[1]!.account));
    expect(parts[1]!.account.salt).not.toBe(account.salt);
    expect(() => accountCommitment(account)).toThrow(/split it with splitSubaccounts/);
  });

  it("Should check each isolated position on its own: the cross collateral does not rescue it", () => {
    const cross = subaccount(account, "cross");
    const eth = subaccount(account, "isolated:ETH-USD");
    expect(marginSurplus(cross, rally, markets, "maintenance", 0n) >= 0n).toBe(true);
    expect(isLiquidatable(eth, rally, markets)).toBe(true);
    expect(isLiquidatable(eth, calm, markets)).toBe(false);
    // Had it been a cross position, the 5,000 of cross collateral would have covered it.
    const merged = { ...cross, positions: [...cross.positions, eth.positions[0]!], adjustment: cross.adjustment + eth.adjustment, collateral: cross.collateral + eth.collateral };
    expect(isLiquidatable(merged, rally, markets)).toBe(false);
  });

  it("Should prove margin for the cross part and liquidation of the isolated one through the CLI, and refuse the reverse", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zkmargin-isolated-"));
    const subject = ["--account", file("account.json"), "--round", file("round-rally.json"), "--markets", file("markets.json")];
    expect((await zkmargin("prove", ...subject, "--out", join(dir, "cross.json"))).code).toBe(0);
    const refused = await zkmargin("prove", ...subject, "--subaccount", "isolated:ETH-USD", "--out", join(dir, "eth.json"));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/short by/);
    expect(existsSync(join(dir, "eth.json"))).toBe(false);
    const liquidation = await zkmargin("prove-liquidation", ...subject, "--subaccount", "isolated:ETH-USD", "--bind", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "--out", join(dir, "eth-liquidation.json"));
    expect(liquidation.code, liquidation.stderr).toBe(0);
    expect((await zkmargin("verify", join(dir, "eth-liquidation.json"))).code).toBe(0);
    expect((await zkmargin("prove-liquidation", ...subject, "--bind", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "--out", join(dir, "x.json"))).code).toBe(1);
    const unknown = await zkmargin("prove", ...subject, "--subaccount", "isolated:DOGE", "--out", join(dir, "y.json"));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--subaccount: no subaccount isolated:DOGE \(the account has cross, isolated:ETH-USD\)/);
  });

  it("Should report every subaccount with check --json", async () => {
    const result = await zkmargin("check", "--account", file("account.json"), "--round", file("round-rally.json"), "--markets", file("markets.json"), "--json");
    const report = JSON.parse(result.stdout) as { liquidatable: boolean; isolated: { subaccount: string; liquidatable: boolean }[] };
    expect(report.liquidatable).toBe(false);
    expect(report.isolated).toEqual([expect.objectContaining({ subaccount: "isolated:ETH-USD", liquidatable: true })]);
  });
});
