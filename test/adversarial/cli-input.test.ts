import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../../prover/src/build/files.ts";
import { buildDir, projectPath } from "../../prover/src/build/paths.ts";
import { run, runAndKill, traces } from "./helpers/cli.ts";

// Bad input and bad artifacts: each gets exit code 2, one line naming what is wrong, no stack trace and no
// file (neither the proof nor a temporary sibling). Complements test/cli.test.ts (unknown market, malformed
// number, JSON numbers, missing files, checksums, buffers, a missing binder) and test/parse.test.ts.
const example = (name: string) => projectPath("examples", name);
const readExample = (name: string) => JSON.parse(readFileSync(example(name), "utf8")) as Record<string, unknown>;
const account = readExample("account.json");
const round = readExample("round.json");
const markets = readExample("markets.json");
const marketList = markets.markets as Record<string, string>[];
const BIND = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("zkmargin prove: hostile input files", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "zkmargin-adversarial-cli-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
    return path;
  };
  const subject = (files: { account?: string; round?: string; markets?: string }) => [
    "attest", "--bind", BIND,
    "--account", files.account ?? example("account.json"),
    "--round", files.round ?? example("round.json"),
    "--markets", files.markets ?? example("markets.json"),
  ];
  const expectRefused = async (args: readonly string[], message: RegExp) => {
    const out = join(dir, "proof.json");
    const result = await run(["prove", ...args, "--out", out]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(traces(out)).toEqual([]);
  };

  const cases: [string, () => string[], RegExp][] = [
    ["malformed JSON", () => subject({ account: file("a1.json", '{"owner": , "salt": "1"}') }), /^zkmargin prove: account file .*a1\.json: is not valid JSON/],
    ["a file holding an array instead of an object", () => subject({ account: file("a2.json", [account]) }), /account: expected an object, got an array/],
    ["a list of markets given as a string", () => subject({ markets: file("m1.json", { markets: "ETH-USD" }) }), /markets\.markets: expected an array, got string/],
    ["prices given as an array", () => subject({ round: file("r1.json", { ...round, prices: ["3150.25"] }) }), /round\.prices: expected an object, got an array/],
    ["a size given as a boolean", () => subject({ account: file("a3.json", { ...account, positions: [{ market: "ETH-USD", size: true }] }) }), /account\.positions\[0\]\.size: expected a decimal number as a string, got boolean true/],
    ["a negative price", () => subject({ round: file("r2.json", { ...round, prices: { ...(round.prices as object), "ETH-USD": "-3150.25" } }) }), /round\.prices\.ETH-USD: must not be negative/],
    ["a price with too many decimals", () => subject({ round: file("r3.json", { ...round, prices: { ...(round.prices as object), "ETH-USD": "3150.123456789" } }) }), /round\.prices\.ETH-USD: 3150\.123456789 has more than 8 decimals/],
    ["a margin fraction with too many decimals", () => subject({ markets: file("m2.json", { markets: [{ ...marketList[0], maintenanceMargin: "0.0300001" }, ...marketList.slice(1)] }) }), /markets\.markets\[0\]\.maintenanceMargin: 0\.0300001 has more than 6 decimals/],
    ["a market listed twice", () => subject({ markets: file("m3.json", { markets: [...marketList, marketList[1]] }) }), /markets\.markets\[4\]\.id: market ETH-USD is listed twice/],
    ["a cash of 40 digits", () => subject({ account: file("a4.json", { ...account, cash: `1${"0".repeat(39)}` }) }), /account\.cash: 10{39} is too large/],
    ["a size of 5,000 digits", () => subject({ account: file("a5.json", { ...account, positions: [{ market: "ETH-USD", size: "9".repeat(5000) }] }) }), /account\.positions\[0\]\.size: 9+ is too large/],
    ["a JSON number beyond double range (1e400 is Infinity)", () => subject({ account: file("a6.json", JSON.stringify(account).replace('"nonce":"5"', '"nonce":1e400')) }), /account\.nonce: expected a whole number, got Infinity/],
    ["a nonce above 2^53 given as a JSON number", () => subject({ account: file("a7.json", JSON.stringify(account).replace('"nonce":"5"', '"nonce":18446744073709551616')) }), /account\.nonce: expected a whole number/],
    ["a salt at the field modulus", () => subject({ account: file("a8.json", { ...account, salt: "21888242871839275222246405745257275088548364400416034343698204186575808495617" }) }), /account\.salt: must be below the BN254 field modulus/],
    ["a market id holding a newline", () => subject({ markets: file("m4.json", { markets: [{ ...marketList[0], id: "ETH\nUSD" }] }) }), /markets\.markets\[0\]\.id: "ETH\\nUSD" is not a market id/],
    ["a file of only whitespace", () => subject({ round: file("r4.json", " \n\t\n") }), /round file .*r4\.json: is empty/],
  ];
  for (const [what, args, message] of cases) {
    it(`Should refuse ${what} with one line naming the field and leave no file`, () => expectRefused(args(), message));
  }

  it("Should refuse a buffer beyond 16 bits and a malformed binder address", async () => {
    await expectRefused([...subject({}), "--buffer-bps", "65536"], /--buffer-bps: 65536 is too large \(must be at most 65535\)/);
    await expectRefused(["attest", "--bind", "0x1234", ...subject({}).slice(3)], /--bind: expected an address/);
  });

  // JSON.parse quotes the offending text, newlines included: json.ts flattens it to one line.
  it("Should keep a syntax error in a multi-line JSON file on one line", async () => {
    await expectRefused(subject({ account: file("a9.json", '{\n  "owner": ,\n  "salt": "1"\n}') }), /is not valid JSON/);
  });
});

describe("zkmargin prove: missing and tampered artifacts", () => {
  let dir: string;
  let out: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "zkmargin-adversarial-artifacts-"));
    out = join(dir, "proof.json");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A build folder with copies of the given circuits, changed by `tamper`. */
  const buildWith = (name: string, circuits: readonly string[], tamper: (build: string) => void) => {
    const build = join(dir, name);
    for (const id of circuits) cpSync(join(buildDir(), id), join(build, id), { recursive: true });
    tamper(build);
    return build;
  };
  const prove = (build: string) => run(["prove", "attest", "--bind", BIND, "--account", example("account.json"), "--round", example("round.json"), "--markets", example("markets.json"), "--out", out], { ZKMARGIN_BUILD_DIR: build });
  const expectRefused = async (build: string, message: RegExp) => {
    const result = await prove(build);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim().split("\n").filter((line) => !/^proving /.test(line))).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(traces(out)).toEqual([]);
  };

  it("Should refuse a circuit that was never built", async () => {
    await expectRefused(buildWith("none", [], () => undefined), /circuit cross_margin_m16: is not built: run `npx zkmargin build`/);
  });

  it("Should refuse a missing proving key", async () => {
    await expectRefused(buildWith("missing", ["cross_margin_m16"], (build) => rmSync(join(build, "cross_margin_m16", "main.zkey"))), /proving key .*main\.zkey is missing/);
  });

  it("Should refuse a witness generator whose hash does not match the manifest", async () => {
    await expectRefused(buildWith("wasm", ["cross_margin_m16"], (build) => {
      const wasm = join(build, "cross_margin_m16", "main_js", "main.wasm");
      const bytes = readFileSync(wasm);
      bytes[bytes.length - 1] ^= 1;
      writeFileSync(wasm, bytes);
    }), /witness generator .*main\.wasm does not match the hash recorded at build time/);
  });

  it("Should refuse a proving key taken from another circuit", async () => {
    await expectRefused(buildWith("swapped", ["cross_margin_m16", "lending_margin_m16"], (build) => {
      cpSync(join(build, "lending_margin_m16", "main.zkey"), join(build, "cross_margin_m16", "main.zkey"));
    }), /proving key .*main\.zkey does not match the hash recorded at build time/);
  });

  it("Should refuse a proving key from another circuit even when the manifest was re-hashed to match it", async () => {
    await expectRefused(buildWith("rehashed", ["cross_margin_m16", "deposit_m16"], (build) => {
      const zkey = join(build, "cross_margin_m16", "main.zkey");
      cpSync(join(build, "deposit_m16", "main.zkey"), zkey);
      const manifestPath = join(build, "cross_margin_m16", "manifest.json");
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { artifacts: { zkey: string } };
      manifest.artifacts.zkey = sha256(readFileSync(zkey));
      writeFileSync(manifestPath, JSON.stringify(manifest));
    }), /the proving key expects \d+|Invalid witness length/);
  });

  it("Should refuse a truncated manifest", async () => {
    await expectRefused(buildWith("manifest", ["cross_margin_m16"], (build) => {
      const manifestPath = join(build, "cross_margin_m16", "manifest.json");
      writeFileSync(manifestPath, readFileSync(manifestPath, "utf8").slice(0, 300));
    }), /JSON/);
  });
});

describe("zkmargin prove: interrupted", () => {
  it("Should leave no proof file, complete or partial, when killed while proving", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zkmargin-adversarial-kill-"));
    try {
      const out = join(dir, "proof.json");
      const { killed, stderr } = await runAndKill(["prove", "attest", "--bind", BIND, "--account", example("account.json"), "--round", example("round.json"), "--markets", example("markets.json"), "--out", out], /proving /);
      expect(killed, stderr).toBe(true);
      expect(traces(out)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
