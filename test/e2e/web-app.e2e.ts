/**
 * The trader's page end to end in a real Chromium (Debian's /usr/bin/chromium driven by playwright-core):
 * the app is built with Vite and served on 127.0.0.1, the example files are imported as a trader would,
 * the proof is made in the page's Web Worker, downloaded, and checked with the CLI verifier.
 * Run with `npm run test:e2e`; screenshots and timings land in test-results/e2e/.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { build, preview, type PreviewServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectPath } from "../../prover/src/build/paths.ts";
import { loadCircuitSpecs } from "../../prover/src/circuit/load-specs.ts";
import { toHex32 } from "../../prover/src/core/field.ts";
import { marginReport } from "../../prover/src/engine/margin.ts";
import { WarmProver } from "../../prover/src/prover/warm-prover.ts";
import { loadSubject } from "../../prover/src/statements/load.ts";
import { prepareMarginProof, publicSignalsOf } from "../../prover/src/statements/prepare.ts";
import { example, zkmargin } from "../helpers/cli.ts";

const CHROMIUM = process.env.ZKMARGIN_CHROMIUM ?? "/usr/bin/chromium";
const OUT = projectPath("test-results", "e2e");
const DIST = join(OUT, "web-dist");
const BIND = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BUFFER_BPS = 500n;

/** Headless flags that keep Chromium quiet on a closed network (no background services, no QUIC). */
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

/** One HTTP request the browser made (page and workers). */
interface RecordedRequest {
  readonly url: string;
  readonly method: string;
  readonly postData: string | null;
}

let server: PreviewServer;
let browser: Browser;
let appUrl: string;

/** A fresh browser context (own cache and storage) recording every request it makes. */
async function openApp(options: { downloads?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; requests: RecordedRequest[] }> {
  const context = await browser.newContext({ acceptDownloads: options.downloads ?? false, viewport: { width: 1360, height: 900 } });
  const requests: RecordedRequest[] = [];
  context.on("request", (request) => requests.push({ url: request.url(), method: request.method(), postData: request.postData() }));
  const page = await context.newPage();
  page.on("websocket", (socket) => requests.push({ url: socket.url(), method: "WEBSOCKET", postData: null }));
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  await page.goto(appUrl);
  await expect.poll(() => page.textContent("#proof-readiness")).toMatch(/^Waiting for markets, a round, an account/);
  return { context, page, requests };
}

/** Imports markets and account from files and the round from a URL (or a file), as a trader would. */
async function importInputs(page: Page, account: string, round: { url?: string; file?: string }): Promise<void> {
  await page.setInputFiles("#markets-file", example("markets.json"));
  await expect.poll(() => page.textContent("#markets-source")).toBe("markets.json");
  if (round.url) {
    await page.fill("#round-url", round.url);
    await page.click("#round-url-form button");
  } else {
    await page.setInputFiles("#round-file", round.file!);
  }
  await expect.poll(() => page.textContent("#round-source")).toBe("round.json");
  await page.setInputFiles("#account-file", example(account));
  await expect.poll(() => page.textContent("#account-source")).toBe(account);
}

/** Clicks prove and waits for the outcome; returns the max main-thread stall seen meanwhile (ms). */
async function proveInPage(page: Page): Promise<number> {
  // Browser-side code as strings: this file is type-checked without the DOM library.
  await page.evaluate(`(() => {
    const probe = { max: 0, last: performance.now(), running: true };
    window.probe = probe;
    const tick = () => {
      const now = performance.now();
      probe.max = Math.max(probe.max, now - probe.last);
      probe.last = now;
      if (probe.running) setTimeout(tick, 10);
    };
    tick();
  })()`);
  await page.click("#prove");
  await page.waitForSelector("#progress li.done, #progress li.error", { timeout: 120_000 });
  return page.evaluate<number>("(() => { window.probe.running = false; return window.probe.max; })()");
}

async function workerTimings(page: Page): Promise<{ loadMs: number; witnessMs: number; proveMs: number; verifyMs: number; circuit: string }> {
  const data = await page.$eval("#proof-timings", (element) => ({ ...(element as unknown as { dataset: Record<string, string> }).dataset }));
  return { loadMs: Number(data.loadMs), witnessMs: Number(data.witnessMs), proveMs: Number(data.proveMs), verifyMs: Number(data.verifyMs), circuit: String(data.circuit) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set ZKMARGIN_CHROMIUM)`);
  mkdirSync(OUT, { recursive: true });
  const configFile = projectPath("web", "vite.config.ts");
  await build({ configFile, logLevel: "warn", build: { outDir: DIST, emptyOutDir: true } });
  server = await preview({ configFile, logLevel: "warn", build: { outDir: DIST }, preview: { host: "127.0.0.1", port: 0, strictPort: false, open: false } });
  appUrl = server.resolvedUrls?.local[0] ?? "";
  expect(appUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("The trader's page in Chromium", () => {
  it("Should prove the example account in a worker, with a proof the CLI verifies and no request carrying the positions", async () => {
    const { context, page, requests } = await openApp({ downloads: true });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(appUrl).origin });

    // 1. Import markets and account from files, the round from a URL: the report is the SDK's.
    await importInputs(page, "account.json", { url: "examples/round.json" });
    const subject = loadSubject({ account: example("account.json"), round: example("round.json"), markets: example("markets.json") });
    const report = marginReport(subject.account, subject.round, subject.markets);
    expect(await page.getAttribute("#equity", "data-value")).toBe(report.equity);
    expect(await page.getAttribute("#maintenance", "data-value")).toBe(report.maintenanceRequirement);
    expect(await page.getAttribute("#initial", "data-value")).toBe(report.initialRequirement);
    expect(await page.getAttribute("#health", "data-value")).toBe(report.healthRatio);
    expect(await page.textContent("#health-pill")).toBe("Healthy");
    expect(await page.$$eval("#report-rows tr", (rows) => rows.map((row) => row.getAttribute("data-market")))).toEqual(["ETH-USD", "BTC-USD", "SOL-USD"]);
    expect(await page.textContent("#report-rows tr[data-market='ETH-USD']")).toContain("193.47%");

    // 2. The chart: equity, maintenance and initial over 101 price steps of the first position's market.
    expect(await page.inputValue("#chart-market")).toBe("ETH-USD");
    for (const series of ["equity", "maintenance", "initial"]) {
      const d = await page.getAttribute(`#chart path[data-series='${series}']`, "d");
      expect(d?.match(/[ML]/g)).toHaveLength(101);
    }
    await page.selectOption("#chart-market", "SOL-USD");
    expect(await page.getAttribute("svg.health-chart", "aria-label")).toContain("SOL-USD");

    // 3. Statement: maintenance + 5% buffer, bound to an address; ready with the smallest circuit.
    await page.fill("#buffer-bps", String(BUFFER_BPS));
    await page.fill("#bind", BIND);
    const prepared = prepareMarginProof({ ...subject, bufferBps: BUFFER_BPS, binder: BigInt(BIND) }, loadCircuitSpecs());
    await expect.poll(() => page.textContent("#proof-readiness")).toContain(`circuit ${prepared.circuit.id}`);

    // 4. Prove in the worker: progress through each stage, the page stays responsive, the proof is valid.
    const stall = await proveInPage(page);
    expect(await page.textContent("#proof-error")).toBe("");
    expect(await page.$$eval("#progress li", (items) => items.map((item) => item.getAttribute("data-stage")))).toEqual(["artifacts", "witness", "proving", "verifying", "done"]);
    expect(await page.textContent("#proof-verdict")).toBe("valid");
    const cold = await workerTimings(page);
    expect(cold.circuit).toBe(prepared.circuit.id);
    expect(cold.loadMs).toBeGreaterThan(0);
    expect(stall, "the main thread stalled while the worker proved").toBeLessThan(500);
    expect(await page.textContent("#account-commitment")).toBe(toHex32(prepared.accountCommitment));
    await page.screenshot({ path: join(OUT, "web-app.png"), fullPage: true });

    // 5. Copy the commitment; download the proof file and check it with the CLI verifier.
    await page.click("#copy-commitment");
    expect(await page.evaluate<string>("navigator.clipboard.readText()")).toBe(toHex32(prepared.accountCommitment));
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-proof")]);
    const proofPath = join(OUT, "browser-proof.json");
    await download.saveAs(proofPath);
    const file = JSON.parse(readFileSync(proofPath, "utf8")) as Record<string, unknown>;
    expect(file.publicSignals).toEqual(publicSignalsOf(prepared));
    const verified = await zkmargin("verify", proofPath);
    expect(verified.stderr).toBe("");
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^valid: account 0x.* meets the (cross )?maintenance margin with a 5% buffer/);

    // 6. The same proof file as `zkmargin prove` writes, but for the (random) proof points.
    const cliPath = join(OUT, "cli-proof.json");
    const proved = await zkmargin("prove", "--account", example("account.json"), "--round", example("round.json"), "--markets", example("markets.json"), "--buffer-bps", String(BUFFER_BPS), "--bind", BIND, "--out", cliPath);
    expect(proved.code, proved.stderr).toBe(0);
    const cliFile = JSON.parse(readFileSync(cliPath, "utf8")) as Record<string, unknown>;
    const withoutPoints = ({ proof, calldata, ...rest }: Record<string, unknown>) => ({ ...rest, proofKeys: Object.keys(proof as object), calldataSignals: (calldata as { publicSignals: unknown }).publicSignals });
    expect(withoutPoints(file)).toEqual(withoutPoints(cliFile));
    expect(Object.keys(file)).toEqual(Object.keys(cliFile));

    // 7. A tampered download is refused by the CLI (the check above can fail).
    writeFileSync(join(OUT, "browser-proof-tampered.json"), JSON.stringify({ ...file, publicSignals: [...(file.publicSignals as string[]).slice(0, 2), "1"] }));
    expect((await zkmargin("verify", join(OUT, "browser-proof-tampered.json"))).code).toBe(1);

    // 8. Warm proofs in the page and with Node's WarmProver on the same input, interleaved so that both see
    //    the same machine load: the timings side by side.
    const warm: number[] = [];
    const node: number[] = [];
    const nodeProver = await WarmProver.load(prepared.circuit.id);
    try {
      await nodeProver.prove(prepared.input); // the first call builds snarkjs' curve, as the page's first proof did
      for (let run = 0; run < 5; run++) {
        await page.$$eval("#progress li", (items) => items.forEach((item) => item.remove()));
        await proveInPage(page);
        expect(await page.textContent("#proof-verdict")).toBe("valid");
        const timings = await workerTimings(page);
        expect(timings.loadMs).toBeLessThan(50);
        warm.push(timings.witnessMs + timings.proveMs);
        await nodeProver.prove(prepared.input);
        node.push(nodeProver.lastTimings.witnessMs + nodeProver.lastTimings.proveMs);
      }
    } finally {
      await nodeProver.close();
    }
    const timings = {
      circuit: prepared.circuit.id,
      browserFirstProofMs: { artifacts: Math.round(cold.loadMs), witnessAndProve: Math.round(cold.witnessMs + cold.proveMs), verify: Math.round(cold.verifyMs) },
      browserWarmMedianMs: Math.round(median(warm)),
      nodeWarmMedianMs: Math.round(median(node)),
      browserWarmRunsMs: warm.map(Math.round),
      nodeWarmRunsMs: node.map(Math.round),
      mainThreadMaxStallMs: Math.round(stall),
    };
    writeFileSync(join(OUT, "timings.json"), `${JSON.stringify(timings, null, 2)}\n`);
    console.log(`proving ${timings.circuit}: browser warm ${timings.browserWarmMedianMs} ms, Node warm ${timings.nodeWarmMedianMs} ms (witness + prove, median of 5); browser first proof: artifacts ${timings.browserFirstProofMs.artifacts} ms + ${timings.browserFirstProofMs.witnessAndProve} ms`);

    // 9. Nothing about the account left the page: only GETs of the app, the public artifacts and the round.
    const origin = new URL(appUrl).origin;
    const network = requests.filter((request) => !/^(blob|data):/.test(request.url));
    const secrets = [subject.account.salt.toString(), BigInt(BIND).toString(16), subject.account.owner.toString(16), "9789.65", "-1.5"];
    for (const request of network) {
      expect(new URL(request.url).origin, request.url).toBe(origin);
      expect(request.method, request.url).toBe("GET");
      expect(request.postData, request.url).toBeNull();
      for (const secret of secrets) expect(request.url.toLowerCase(), request.url).not.toContain(secret.toLowerCase());
    }
    const paths = new Set(network.map((request) => new URL(request.url).pathname));
    expect(paths.has("/examples/round.json")).toBe(true);
    expect(paths.has("/examples/account.json"), "the account was imported from a file, not fetched").toBe(false);
    // The artifact requests do not depend on the account's size: the circuit's whole family (every N) is fetched.
    const marginCircuits = loadCircuitSpecs().filter((spec) => spec.setup && spec.template === prepared.circuit.template && spec.markets === prepared.circuit.markets).map((spec) => spec.id);
    expect(marginCircuits.length).toBeGreaterThan(1);
    for (const id of marginCircuits) for (const name of ["manifest.json", "main.wasm", "main.zkey", "verification_key.json"]) expect(paths.has(`/artifacts/${id}/${name}`), `${id}/${name}`).toBe(true);
    await context.close();
  });

  it("Should show the insolvent account's shortfall and make no proof", async () => {
    const { context, page, requests } = await openApp();
    await importInputs(page, "account-insolvent.json", { file: example("round.json") });
    expect(await page.textContent("#health-pill")).toBe("Liquidatable");
    expect(await page.textContent("#proof-readiness")).toBe("Cannot prove: account: does not meet the maintenance margin at round 7: short by 803.5375 (quote units)");
    expect(await page.isDisabled("#prove")).toBe(true);
    expect(await page.isVisible("#proof-result")).toBe(false);
    // The chart shades where the account is liquidatable (from ETH -4% up) and marks the liquidation price
    // nearest to the current one: the current price itself.
    expect(await page.inputValue("#chart-market")).toBe("ETH-USD");
    expect(await page.$$eval("#chart rect.zone", (zones) => zones.map((zone) => [zone.getAttribute("data-from-bps"), zone.getAttribute("data-to-bps")]))).toEqual([["-400", "5000"]]);
    expect(await page.getAttribute("#chart line.liquidation", "data-move-bps")).toBe("0");
    await page.screenshot({ path: join(OUT, "web-app-insolvent.png"), fullPage: true });
    expect(requests.filter((request) => request.url.includes("/artifacts/") && !request.url.endsWith("/circuits.json"))).toEqual([]);
    await context.close();
  });

  it("Should report and prove a lending account (health factor) with its profile's circuit", async () => {
    const { context, page } = await openApp();
    const dir = projectPath("examples", "profiles", "lending");
    await page.setInputFiles("#markets-file", join(dir, "markets.json"));
    await page.setInputFiles("#round-file", join(dir, "round.json"));
    await page.setInputFiles("#account-file", join(dir, "account.json"));
    const subject = loadSubject({ account: join(dir, "account.json"), round: join(dir, "round.json"), markets: join(dir, "markets.json") });
    const report = marginReport(subject.account, subject.round, subject.markets);
    await expect.poll(() => page.getAttribute("#health", "data-value")).toBe(report.healthFactor);
    expect(await page.textContent("#health-label")).toBe("Health factor");
    expect(await page.textContent("#profile-chip")).toBe("lending");
    const prepared = prepareMarginProof(subject, loadCircuitSpecs());
    expect(await page.textContent("#proof-readiness")).toContain(`health factor of 1 at round ${subject.round.round}, circuit ${prepared.circuit.id}`);
    await proveInPage(page);
    expect(await page.textContent("#proof-error")).toBe("");
    expect(await page.textContent("#proof-verdict")).toBe("valid");
    expect(await page.textContent("#proof-summary")).toContain("meets the health factor of 1");
    expect(await page.textContent("#account-commitment")).toBe(toHex32(prepared.accountCommitment));
    await context.close();
  });

  it("Should name the field of a bad input, as the CLI does", async () => {
    const { context, page } = await openApp();
    await importInputs(page, "account.json", { file: example("round.json") });
    await page.fill("#position-rows tr:nth-child(2) input[aria-label$='size']", "0.123456789");
    expect(await page.textContent("#account-error")).toBe("account.positions[1].size: 0.123456789 has more than 8 decimals");
    expect(await page.isDisabled("#prove")).toBe(true);
    await page.fill("#position-rows tr:nth-child(2) input[aria-label$='size']", "0.05");
    await expect.poll(() => page.isDisabled("#prove")).toBe(false);
    await context.close();
  });

  it("Should refuse a proving key whose sha256 differs from the manifest, with no proof", async () => {
    const { context, page } = await openApp();
    await importInputs(page, "account.json", { file: example("round.json") });
    const zkey = join(DIST, "artifacts", "margin_n4_m16", "main.zkey");
    const original = `${zkey}.orig`;
    copyFileSync(zkey, original);
    try {
      const bytes = readFileSync(zkey);
      bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
      writeFileSync(zkey, bytes);
      await proveInPage(page);
    } finally {
      copyFileSync(original, zkey);
    }
    expect(await page.textContent("#proof-error")).toMatch(/^margin_n4_m16\/main\.zkey does not match the sha256 in its manifest .*: refusing to prove with it$/);
    expect(await page.isVisible("#proof-result")).toBe(false);
    expect(await page.textContent("#progress li.error")).toBe("No proof");
    await context.close();
  });
});
