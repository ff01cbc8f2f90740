import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDir, projectPath } from "../../prover/src/build/paths.ts";
import { loadCircuitSpecs } from "../../prover/src/circuit/load-specs.ts";
import { batchVerifierContractName, hasBatchVerifier } from "../../prover/src/build/batch-verifier.ts";

// The package as a new user gets it: `npm pack`, installed into a fresh "type": "module" project, then used
// from plain Node (no tsx, no vitest transform): import the SDK, check, prove and verify with the
// repository's build/ as the artifacts location (no circuit is rebuilt), prove from an exported bundle over
// HTTP, compile a contract importing zkmargin/contracts/ClearingVault.sol with Hardhat 3, type-check a strict
// NodeNext consumer and a browser one, include zkmargin's templates in a circuit, run `zkmargin build`.
// Packages come from the registry through npm's cache (--prefer-offline; `npm ci` filled it), at the
// versions this repository locks.

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a process to its end without blocking vitest's event loop (its worker RPC times out after 60 s). */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** npm, without the variables of the `npm test` that runs this file (they would point npm at this repository). */
function npm(args: readonly string[], cwd: string): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("npm_")));
  return run("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], cwd, env);
}

const expectOk = (result: Run, what: string) => expect(result.code, `${what}\n${result.stdout}\n${result.stderr}`).toBe(0);

/** The version of a package installed in this repository (the consumer installs the same: cached by npm ci). */
const repoVersion = (name: string) => (JSON.parse(readFileSync(projectPath("node_modules", name, "package.json"), "utf8")) as { version: string }).version;

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** The packages npm installed (node_modules/<name> and node_modules/@scope/<name>, nested ones included). */
function installedPackages(dir: string): string[] {
  const out: string[] = [];
  const walk = (modules: string) => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const names = entry.name.startsWith("@") ? readdirSync(join(modules, entry.name)).map((name) => `${entry.name}/${name}`) : [entry.name];
      for (const name of names) {
        out.push(name);
        walk(join(modules, name, "node_modules"));
      }
    }
  };
  walk(join(dir, "node_modules"));
  return out;
}

const PROVE_SCRIPT = `
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { ProverSet, checkReport, genesisState, loadCircuitSpecs, parseAccount, parseMarkets, parseRound, prepareDeposit, verifyProofFile } from "zkmargin";
import { marginReport } from "zkmargin/browser";

const require = createRequire(import.meta.url);
const example = (name) => JSON.parse(readFileSync(require.resolve("zkmargin/examples/" + name), "utf8"));
const markets = parseMarkets(example("markets.json"));
const account = parseAccount(example("account.json"), markets);
const round = parseRound(example("round.json"), markets);
const report = checkReport(account, round, markets);
const artifacts = process.argv[2];
const state = genesisState({ chainId: 31337n, vault: 0x5fbdb2315678afecb367f032d93f642f64180aa3n }, 2n, 0x70997970c51812dc3a010c7d01b50e0d17dc79c8n);
const provers = new ProverSet({ artifacts });
const started = performance.now();
const file = await provers.proveFile(prepareDeposit(state, 5_000_000_000n, loadCircuitSpecs()));
const proveMs = Math.round(performance.now() - started);
await provers.close();
const valid = await verifyProofFile(file, { artifacts });
const tampered = await verifyProofFile({ ...file, publicSignals: [file.publicSignals[0], file.publicSignals[1], "1"] }, { artifacts });
console.log(JSON.stringify({ node: process.version, equity: report.equity, same: marginReport(account, round, markets).equity === report.equity, circuit: file.circuit, proveMs, valid, tampered }));
`;

const NODE_CONSUMER = `
import { Artifacts, ProverSet, WarmProver, genesisState, loadCircuitSpecs, prepareDeposit, verifyProofFile, type CheckReport, type ProofFile } from "zkmargin";
import { deployClearing, type ClearingParameters } from "zkmargin/hardhat";

const artifacts: Artifacts = Artifacts.at(process.env.ZKMARGIN_ARTIFACTS ?? "./zkmargin-build");
const provers = new ProverSet({ artifacts, threads: 2 });
const state = genesisState({ chainId: 1n, vault: 1n }, 2n, 3n);
const file: ProofFile = await provers.proveFile(prepareDeposit(state, 1n, loadCircuitSpecs()));
const outcome: { valid: boolean; message: string } = await verifyProofFile(file, { artifacts });
const prover: WarmProver = await WarmProver.load("deposit_m16", { artifacts });
const report: CheckReport | undefined = undefined;
const parameters: Partial<ClearingParameters> = { artifacts };
export { outcome, prover, report, parameters, deployClearing };
`;

const BROWSER_CONSUMER = `
import { checkArtifactIndex, checkReport, parseCircuitSpecs, parseMarkets, prepareMargin, assembleProofFile, type ProofFile } from "zkmargin/browser";
const markets = parseMarkets({ profile: "cross", markets: [] });
const file: ProofFile | undefined = undefined;
export { markets, file, checkArtifactIndex, checkReport, parseCircuitSpecs, prepareMargin, assembleProofFile };
`;

describe("# the npm package, installed into a fresh project", () => {
  let root: string;
  let tarball: string;
  let app: string;
  const measured: Record<string, unknown> = {};

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "zkmargin-consumer-"));
    // prepack: the compiled dist/ and the build's verifiers in contracts/generated/ (npm test built them).
    const packed = await npm(["pack", "--json", "--pack-destination", root], projectPath());
    expectOk(packed, "npm pack");
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.search(/^\[/m))) as { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }[];
    tarball = join(root, info!.filename);
    measured.pack = { size: info!.size, unpackedSize: info!.unpackedSize, files: info!.entryCount };
    measured.files = info!.files.map((file) => file.path);
    app = join(root, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`);
    const installed = await npm(["install", tarball], app);
    expectOk(installed, "npm install <tarball>");
    const packages = installedPackages(app);
    measured.install = { packages: packages.length, bytes: folderBytes(join(app, "node_modules")) };
  }, 300_000);

  afterAll(async () => {
    mkdirSync(projectPath("test-results", "package"), { recursive: true });
    writeFileSync(projectPath("test-results", "package", "consumer.json"), `${JSON.stringify({ ...measured, files: undefined }, null, 2)}\n`);
    // Asynchronously: the project holds tens of thousands of files once Hardhat is in it.
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("Should ship the compiled SDK, its workers, the contracts with the generated verifiers and the circuits, and nothing else", () => {
    const files = measured.files as string[];
    for (const wanted of ["dist/index.js", "dist/index.d.ts", "dist/browser.js", "dist/hardhat.js", "dist/cli/main.js", "dist/prover/msm-worker.js", "dist/prover/pool-worker.js", "dist/prover/kernels/bn128.wasm", "dist/prover/kernels/bn128.json", "bin/zkmargin.js", "contracts/ClearingVault.sol", "contracts/generated/verifiers.json", "circuits/circuits.json", "circuits/lib/range/unsigned_range.circom", "LICENSE", "LICENSES.md"]) {
      expect(files, wanted).toContain(wanted);
    }
    const verifiers = loadCircuitSpecs().filter((spec) => spec.setup).length;
    expect(files.filter((file) => /^contracts\/generated\/\w+(?<!Batch)Verifier\.sol$/.test(file))).toHaveLength(verifiers);
    // The batch verifiers of the bulk statements (attestBatch), generated from the same keys.
    expect(files.filter((file) => /^contracts\/generated\/\w+BatchVerifier\.sol$/.test(file)).sort()).toEqual(loadCircuitSpecs().filter(hasBatchVerifier).map((spec) => `contracts/generated/${batchVerifierContractName(spec.id)}.sol`).sort());
    expect(files.filter((file) => /^(test|web|scripts|build|bench|prover|\.ci)\/|\.test\.|\.tgz$|^dist\/bench\/(run|accounts)/.test(file))).toEqual([]);
    expect(files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).toEqual([]);
  });

  it("Should install for proving without Hardhat, solc, circom2, tsx or ethers", () => {
    const packages = installedPackages(app);
    for (const absent of ["hardhat", "solc", "circom2", "tsx", "ethers", "@nomicfoundation/hardhat-ethers", "typescript"]) expect(packages, absent).not.toContain(absent);
    expect(packages).toEqual(expect.arrayContaining(["zkmargin", "snarkjs", "circomlib", "poseidon-lite", "poseidon-solidity"]));
    expect((measured.install as { bytes: number }).bytes).toBeLessThan(100 * 2 ** 20);
  });

  it("Should import in plain Node, check, prove and verify with the repository's build as the artifacts location", async () => {
    writeFileSync(join(app, "prove.mjs"), PROVE_SCRIPT);
    const result = await run(process.execPath, ["prove.mjs", buildDir()], app);
    expectOk(result, "node prove.mjs");
    const outcome = JSON.parse(result.stdout) as { equity: string; same: boolean; circuit: string; proveMs: number; valid: { valid: boolean; message: string }; tampered: { valid: boolean } };
    expect(outcome).toMatchObject({ equity: "9790.495", same: true, circuit: "deposit_m16", tampered: { valid: false } });
    expect(outcome.valid).toEqual({ valid: true, message: expect.stringMatching(/a deposit of 5000 into the committed account/) });
    measured.prove = { [process.version]: outcome.proveMs };
  });

  it("Should run under the machine's own Node too (>= 20 proves; older ones get one line)", async () => {
    const system = ["/usr/bin/node", "/usr/local/bin/node"].find((path) => existsSync(path));
    if (!system) return;
    const version = (await run(system, ["--version"], app)).stdout.trim();
    if (version === process.version) return;
    const result = await run(system, ["prove.mjs", buildDir()], app);
    if (Number(version.slice(1).split(".")[0]) < 20) {
      expect(result.stderr).toMatch(/zkmargin needs Node >= 20/);
      return;
    }
    expectOk(result, `${system} prove.mjs`);
    expect(JSON.parse(result.stdout)).toMatchObject({ node: version, valid: { valid: true }, tampered: { valid: false } });
    (measured.prove as Record<string, number>)[version] = (JSON.parse(result.stdout) as { proveMs: number }).proveMs;
  });

  it("Should prove with the CLI from an exported bundle served over HTTP, and refuse a bundle whose file was swapped", async () => {
    const zkmargin = (...args: string[]) => run(process.execPath, [join(app, "node_modules", "zkmargin", "bin", "zkmargin.js"), ...args], app);
    const bundle = join(root, "bundle");
    const exported = await zkmargin("export-artifacts", "--artifacts", buildDir(), "--circuit", "deposit_m16", "--out", bundle);
    expectOk(exported, "zkmargin export-artifacts");
    const pin = /index\.json sha256 ([0-9a-f]{64})/.exec(exported.stdout)![1]!;
    const server: Server = createServer((request, response) => {
      const path = join(bundle, decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname));
      if (!path.startsWith(bundle) || !existsSync(path) || statSync(path).isDirectory()) {
        response.statusCode = 404;
        response.end();
        return;
      }
      response.end(readFileSync(path));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const markets = join(app, "node_modules", "zkmargin", "examples", "markets.json");
      expectOk(await zkmargin("account", "--chain-id", "31337", "--vault", "0x5FbDB2315678afecb367f032d93F642f64180aa3", "--account-id", "2", "--owner", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "--markets", markets, "--out", "a.json"), "zkmargin account");
      const proved = await zkmargin("prove", "deposit", "--account", "a.json", "--markets", markets, "--amount", "100", "--next", "a2.json", "--out", "p.json", "--artifacts", url, "--artifacts-sha256", pin);
      expectOk(proved, "zkmargin prove --artifacts URL");
      const verified = await zkmargin("verify", "p.json", "--artifacts", url, "--artifacts-sha256", pin);
      expect(verified.stdout).toMatch(/^valid: a deposit of 100 into the committed account/);
      // Another pin, then a verification key swapped on the server: refused, one line naming the file.
      expect((await zkmargin("verify", "p.json", "--artifacts", url, "--artifacts-sha256", "0".repeat(64))).stderr).toMatch(/index\.json is not the expected bundle/);
      const key = join(bundle, "deposit_m16", "verification_key.json");
      writeFileSync(key, `${readFileSync(key, "utf8")} `);
      const swapped = await zkmargin("verify", "p.json", "--artifacts", url);
      expect(swapped.code).toBe(2);
      expect(swapped.stderr).toMatch(/verification key http:\S+\/deposit_m16\/verification_key\.json does not match the sha256 in the bundle's index\.json/);
    } finally {
      server.close();
    }
    // The package's verifiers are the ones generated from these artifacts' keys.
    const record = JSON.parse(readFileSync(join(app, "node_modules", "zkmargin", "contracts", "generated", "verifiers.json"), "utf8")) as { circuits: Record<string, { manifest: string; sha256: string }> };
    const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
    expect(record.circuits.deposit_m16!.manifest).toBe(sha(join(bundle, "deposit_m16", "manifest.json")));
    expect(record.circuits.deposit_m16!.sha256).toBe(sha(join(bundle, "deposit_m16", "verifier.sol")));
  });

  it("Should refuse a command that needs a missing optional package with one line naming it", async () => {
    const zkmargin = (...args: string[]) => run(process.execPath, [join(app, "node_modules", "zkmargin", "bin", "zkmargin.js"), ...args], app);
    const build = await zkmargin("build", "--circuit", "test_deposit_m4");
    expect(build.code).toBe(2);
    expect(build.stderr).toMatch(/^zkmargin build: building circuits needs a circom compiler: .*npm install --save-dev circom2\n$/);
    const demo = await zkmargin("demo");
    expect(demo.code).toBe(2);
    expect(demo.stderr).toMatch(/^zkmargin demo: the demo needs the npm packages hardhat, @nomicfoundation\/hardhat-ethers, ethers, solc .*\n$/);
    expect((await zkmargin("bench", "--quick")).stderr).toMatch(/the benchmark runs from a clone of the repository/);
  });

  it("Should compile a contract importing zkmargin/contracts/ClearingVault.sol with Hardhat 3 and with remappings, and type-check strict TypeScript consumers", async () => {
    const tools = ["hardhat", "@nomicfoundation/hardhat-ethers", "ethers", "solc", "typescript", "@types/node", "circom2"].map((name) => `${name}@${repoVersion(name)}`);
    expectOk(await npm(["install", "--save-dev", ...tools], app), "npm install hardhat solc typescript ...");
    mkdirSync(join(app, "contracts"));
    writeFileSync(join(app, "contracts", "MyVenue.sol"), [
      "// SPDX-License-Identifier: MIT",
      "pragma solidity ^0.8.28;",
      "",
      'import {ClearingVault} from "zkmargin/contracts/ClearingVault.sol";',
      'import {IGroth16Verifier3} from "zkmargin/contracts/interfaces/IGroth16Verifier3.sol";',
      "",
      "contract MyVenue {",
      "    ClearingVault public immutable vault;",
      "    IGroth16Verifier3 public immutable marginVerifier;",
      "",
      "    constructor(ClearingVault vault_, IGroth16Verifier3 marginVerifier_) {",
      "        vault = vault_;",
      "        marginVerifier = marginVerifier_;",
      "    }",
      "}",
      "",
    ].join("\n"));
    writeFileSync(join(app, "hardhat.config.js"), [
      'import { createRequire } from "node:module";',
      "const require = createRequire(import.meta.url);",
      "export default {",
      "  solidity: {",
      '    version: require("solc/package.json").version,',
      '    path: require.resolve("solc/soljson.js"),',
      '    npmFilesToBuild: ["zkmargin/contracts/generated/CrossMarginM16Verifier.sol", "zkmargin/contracts/ZkMarginVerifier.sol"],',
      '    settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 200 } },',
      "  },",
      "};",
      "",
    ].join("\n"));
    const compiled = await run(process.execPath, [join(app, "node_modules", "hardhat", "dist", "src", "cli.js"), "build"], app);
    expectOk(compiled, "hardhat build");
    for (const artifact of ["contracts/MyVenue.sol/MyVenue.json", "zkmargin/contracts/generated/CrossMarginM16Verifier.sol/CrossMarginM16Verifier.json", "zkmargin/contracts/ZkMarginVerifier.sol/ZkMarginVerifier.json"]) {
      expect(existsSync(join(app, "artifacts", artifact)), artifact).toBe(true);
    }

    // The same contract with Foundry-style remappings (solc's standard JSON, the files read from the project
    // as forge reads them): remappings.txt would hold these two lines.
    writeFileSync(join(app, "remapped.cjs"), [
      'const { readFileSync } = require("node:fs");',
      'const solc = require("solc");',
      'const input = { language: "Solidity", sources: { "contracts/MyVenue.sol": { content: readFileSync("contracts/MyVenue.sol", "utf8") } },',
      '  settings: { remappings: ["zkmargin/=node_modules/zkmargin/", "poseidon-solidity/=node_modules/poseidon-solidity/"], evmVersion: "cancun",',
      '    optimizer: { enabled: true, runs: 200 }, outputSelection: { "contracts/MyVenue.sol": { MyVenue: ["evm.bytecode.object"] } } } };',
      'const read = (path) => { try { return { contents: readFileSync(path, "utf8") }; } catch { return { error: `not found: ${path}` }; } };',
      "const output = JSON.parse(solc.compile(JSON.stringify(input), { import: read }));",
      'const errors = (output.errors ?? []).filter((error) => error.severity === "error").map((error) => error.formattedMessage);',
      'console.log(JSON.stringify({ errors, bytecode: output.contracts?.["contracts/MyVenue.sol"]?.MyVenue?.evm.bytecode.object.length ?? 0 }));',
      "",
    ].join("\n"));
    const remapped = await run(process.execPath, ["remapped.cjs"], app);
    expectOk(remapped, "solc with remappings");
    expect(JSON.parse(remapped.stdout)).toMatchObject({ errors: [], bytecode: expect.any(Number) });
    expect((JSON.parse(remapped.stdout) as { bytecode: number }).bytecode).toBeGreaterThan(0);

    mkdirSync(join(app, "src"));
    writeFileSync(join(app, "src", "consumer.ts"), NODE_CONSUMER);
    mkdirSync(join(app, "web"));
    writeFileSync(join(app, "web", "page.ts"), BROWSER_CONSUMER);
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: false, types: ["node"] }, include: ["src"] }));
    writeFileSync(join(app, "tsconfig.web.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022", "DOM"], strict: true, noEmit: true, skipLibCheck: false, types: [] }, include: ["web"] }));
    const tsc = join(app, "node_modules", "typescript", "bin", "tsc");
    expectOk(await run(process.execPath, [tsc, "-p", "tsconfig.json"], app), "tsc (NodeNext, strict)");
    expectOk(await run(process.execPath, [tsc, "-p", "tsconfig.web.json"], app), "tsc (browser, strict, no Node types)");
  });

  it("Should let a protocol include zkmargin's templates from node_modules, and build a circuit in the consumer", async () => {
    mkdirSync(join(app, "circuits"));
    writeFileSync(join(app, "circuits", "my_check.circom"), [
      "pragma circom 2.1.0;",
      "",
      'include "zkmargin/circuits/lib/range/unsigned_range.circom";',
      'include "zkmargin/circuits/lib/hash/poseidon_sponge.circom";',
      "",
      "template MyCheck() {",
      "    signal input x;",
      "    signal output h;",
      "    component range = UnsignedRange(64);",
      "    range.in <== x;",
      "    h <== PoseidonSponge(5, 2)([x, 1]);",
      "}",
      "",
      "component main = MyCheck();",
      "",
    ].join("\n"));
    mkdirSync(join(app, "out"));
    const circom = join(app, "node_modules", "circom2", "cli.js");
    const compiled = await run(process.execPath, [circom, "circuits/my_check.circom", "--r1cs", "-l", "node_modules", "-o", "out"], app);
    expectOk(compiled, "circom2 -l node_modules");
    expect(existsSync(join(app, "out", "my_check.r1cs"))).toBe(true);
    // zkmargin build from the package (circomlib found beside it), into ./zkmargin-build.
    const built = await run(process.execPath, [join(app, "node_modules", "zkmargin", "bin", "zkmargin.js"), "build", "--circuit", "test_deposit_m4", "--quiet"], app);
    expectOk(built, "zkmargin build");
    expect(existsSync(join(app, "zkmargin-build", "test_deposit_m4", "main.r1cs"))).toBe(true);
  });
});
