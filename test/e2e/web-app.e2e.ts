/**
 * The trader's page end to end in a real Chromium (Debian's /usr/bin/chromium driven by playwright-core), on
 * state v2: the app is built with Vite and served on 127.0.0.1, the example files are imported as a trader
 * would, the report is compared with the SDK's marginReport, an attest proof and a challenge answer are made in
 * the page's Web Worker, downloaded, and checked with the CLI verifier. Run with `npm run test:e2e`;
 * screenshots, proof files and timings land in test-results/e2e/.
 *
 * Needs the margin circuits built once (cached in build/): cross_margin_m16 and lending_margin_m16.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { build, preview, type PreviewServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactPaths, projectPath } from "../../prover/src/build/paths.ts";
import { loadCircuitSpecs } from "../../prover/src/circuit/load-specs.ts";
import { PRICE_DECIMALS } from "../../prover/src/core/constants.ts";
import { formatScaled, parseScaled } from "../../prover/src/core/decimal.ts";
import { toHex32 } from "../../prover/src/core/field.ts";
import { marginReport, type MarginReport } from "../../prover/src/engine/report.ts";
import { LIQUIDATION_QUESTION, surplus } from "../../prover/src/engine/valuation.ts";
import { parseAccount } from "../../prover/src/model/parse.ts";
import type { AccountState, MarketSet, OracleRound } from "../../prover/src/model/types.ts";
import { WarmProver } from "../../prover/src/prover/warm-prover.ts";
import { loadAccount, loadMarkets, loadRound } from "../../prover/src/statements/load.ts";
import { prepareMargin, type PreparedProof } from "../../prover/src/statements/prepare.ts";
import { example, zkmargin } from "../helpers/cli.ts";

const CHROMIUM = process.env.ZKMARGIN_CHROMIUM ?? "/usr/bin/chromium";
const OUT = projectPath("test-results", "e2e");
const DIST = join(OUT, "web-dist");
/** The address the proofs are bound to (EIP-55 checksummed, as a user would paste it). */
const BIND = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BUFFER_BPS = 500n;
const ARTIFACT_FILES = ["manifest.json", "main.wasm", "main.zkey", "verification_key.json"];
const WARM_RUNS = 5;

/** Headless flags that keep Chromium quiet on a closed network (no background services, no QUIC). */
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

/** One HTTP request the browser made (page and workers), with everything it could carry. */
interface RecordedRequest {
  readonly url: string;
  readonly method: string;
  readonly postData: string | null;
  readonly headers: Record<string, string>;
}

interface Subject {
  readonly markets: MarketSet;
  readonly round: OracleRound;
  readonly account: AccountState;
}

let server: PreviewServer;
let browser: Browser;
let appUrl: string;

function loadSubject(dir: string, account: string): Subject {
  const markets = loadMarkets(join(dir, "markets.json"));
  return { markets, round: loadRound(join(dir, "round.json"), markets), account: loadAccount(join(dir, account), markets) };
}

/** A fresh browser context (own cache and storage) recording every request it makes. */
async function openApp(options: { downloads?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; requests: RecordedRequest[] }> {
  const context = await browser.newContext({ acceptDownloads: options.downloads ?? false, viewport: { width: 1360, height: 900 } });
  const requests: RecordedRequest[] = [];
  context.on("request", (request) => requests.push({ url: request.url(), method: request.method(), postData: request.postData(), headers: request.headers() }));
  const page = await context.newPage();
  page.on("websocket", (socket) => requests.push({ url: socket.url(), method: "WEBSOCKET", postData: null, headers: {} }));
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  await page.goto(appUrl);
  await expect.poll(() => page.textContent("#proof-readiness")).toMatch(/^Waiting for markets, a round, an account state/);
  return { context, page, requests };
}

/** Imports markets and account state from files and the round from a URL (or a file), as a trader would. */
async function importInputs(page: Page, dir: string, account: string, round: { url?: string } = {}): Promise<void> {
  await page.setInputFiles("#markets-file", join(dir, "markets.json"));
  await expect.poll(() => page.textContent("#markets-source")).toBe("markets.json");
  if (round.url) {
    await page.fill("#round-url", round.url);
    await page.click("#round-url-form button");
  } else {
    await page.setInputFiles("#round-file", join(dir, "round.json"));
  }
  await expect.poll(() => page.textContent("#round-source")).toBe("round.json");
  await page.setInputFiles("#account-file", join(dir, account));
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

/** Every [data-field] value of the report: the cards, and per position row its cells. */
async function shownReport(page: Page): Promise<{ fields: Record<string, string>; positions: Record<string, string>[]; status: Record<string, string> }> {
  return page.evaluate(`(() => {
    const fields = {};
    for (const element of document.querySelectorAll("#report-cards [data-field]")) fields[element.dataset.field] = element.dataset.value;
    const positions = [...document.querySelectorAll("#report-rows tr")].map((row) => {
      const cells = { market: row.dataset.market };
      for (const cell of row.querySelectorAll("[data-field]")) cells[cell.dataset.field] = cell.dataset.value;
      return cells;
    });
    return { fields, positions, status: { ...document.querySelector("#health-pill").dataset } };
  })()`);
}

/** The report as the page shows it: every scalar as its exact string ("" for null), booleans in the pill. */
function expectedReport(report: MarginReport): { fields: Record<string, string>; positions: Record<string, string>[]; status: Record<string, string> } {
  const text = (value: string | number | null | undefined) => (value === null || value === undefined ? "" : String(value));
  const fields: Record<string, string> = {};
  for (const key of ["cash", "unsettledFunding", "equity", "maintenanceRequirement", "initialRequirement", "withdrawable", "marginCushion", "freeCollateral", "confidencePenalty", "maxBufferBps"] as const) fields[key] = text(report[key]);
  if (report.profile === "lending") fields.healthFactor = text(report.healthFactor);
  else fields.healthRatio = text(report.healthRatio);
  const positions = report.positions.map((position) => ({
    market: position.market,
    ...Object.fromEntries((["size", "markPrice", "notional", "fundingOwed", "maintenanceRequirement", "liquidationPrice", "priceMovePercent"] as const).map((key) => [key, text(position[key])])),
  }));
  const status = report.liquidatable ? "liquidatable" : report.meetsMaintenance ? "healthy" : "answer-only";
  return { fields, positions, status: { status, liquidatable: String(report.liquidatable), canAnswer: String(report.canAnswer), meetsMaintenance: String(report.meetsMaintenance), meetsInitial: String(report.meetsInitial) } };
}

/** The chart as drawn: each series' vertices (SVG user units), the liquidation marker and the zones. */
interface ChartGeometry {
  readonly market: string;
  readonly series: Record<string, [number, number][]>;
  readonly marker: { x: number; price: string } | null;
  readonly zones: { kind: string; from: string; to: string }[];
}

async function chartGeometry(page: Page): Promise<ChartGeometry> {
  return page.evaluate(`(() => {
    const svg = document.querySelector("#chart svg.health-chart");
    const series = {};
    for (const path of svg.querySelectorAll("path[data-series]")) {
      series[path.dataset.series] = path.getAttribute("d").trim().split(/\\s+/).map((step) => step.slice(1).split(",").map(Number));
    }
    const marker = svg.querySelector("line.liquidation-marker");
    const zones = [...svg.querySelectorAll("rect.zone")].map((zone) => ({ kind: zone.dataset.kind, from: zone.dataset.fromPrice, to: zone.dataset.toPrice }));
    return { market: svg.dataset.market, series, marker: marker ? { x: Number(marker.dataset.x), price: marker.dataset.price } : null, zones };
  })()`);
}

/**
 * The marked liquidation price lies where the drawn equity and liquidation lines cross: at the vertex under the
 * marker they meet (within half a pixel of the 300-unit-high chart), and equity is on opposite sides of the
 * line just left and right of it. The marker is also an edge of the liquidatable zone.
 */
function expectCrossingAtMarker(geometry: ChartGeometry): void {
  const { marker } = geometry;
  expect(marker).not.toBeNull();
  const equity = geometry.series.equity!;
  const line = geometry.series.liquidation!;
  expect(equity.length).toBe(line.length);
  const at = equity.findIndex(([x]) => Math.abs(x - marker!.x) < 0.01);
  expect(at, "a vertex lies under the marker").toBeGreaterThanOrEqual(0);
  expect(Math.abs(equity[at]![1] - line[at]![1])).toBeLessThan(0.5);
  const side = (index: number) => Math.sign(equity[index]![1] - line[index]![1]);
  let left = at;
  while (left > 0 && marker!.x - equity[left]![0] < 1) left--;
  let right = at;
  while (right < equity.length - 1 && equity[right]![0] - marker!.x < 1) right++;
  expect(side(left) * side(right), "equity crosses the liquidation line at the marker").toBe(-1);
  expect(geometry.zones.filter((zone) => zone.kind === "liquidatable").flatMap((zone) => [zone.from, zone.to])).toContain(marker!.price);
}

/**
 * The liquidation price is exact: it is liquidatable and its neighbour on the healthy side is not (toward the
 * mark for a healthy account, away from it for one that is already liquidatable and recovers there).
 */
function expectExactCrossing(subject: Subject, market: string, price: string): void {
  const index = subject.markets.byId.get(market)!.index;
  const crossing = parseScaled(price, "price", PRICE_DECIMALS);
  const mark = subject.round.prices[index]!;
  const at = (value: bigint) => surplus(subject.account, { ...subject.round, prices: subject.round.prices.map((p, j) => (j === index ? value : p)) }, subject.markets, LIQUIDATION_QUESTION) < 0n;
  const toward = mark > crossing ? 1n : -1n;
  expect(at(crossing)).toBe(true);
  expect(at(crossing + (at(mark) ? -toward : toward))).toBe(false);
}

/** The paths of the artifacts the browser fetched (/artifacts/<circuit>/<file>, circuits.json excluded). */
function artifactRequests(requests: readonly RecordedRequest[]): string[] {
  return [...new Set(requests.map((request) => new URL(request.url).pathname).filter((path) => path.startsWith("/artifacts/") && !path.endsWith("/circuits.json")))].sort();
}

const expectedArtifacts = (circuits: readonly string[]) => circuits.flatMap((id) => ARTIFACT_FILES.map((file) => `/artifacts/${id}/${file}`)).sort();

/** The secrets of an account state as they could appear in a request (decimal and hex forms). */
function secretsOf(account: AccountState, files: { cash: string; sizes: readonly string[] }): string[] {
  return [account.salt.toString(), account.salt.toString(16), toHex32(account.salt).slice(2), files.cash, ...files.sizes, formatScaled(account.cash, 16)];
}

/** Nothing about the account left the page: same-origin GETs without a body, no secret in a URL or a header. */
function expectNothingCarried(requests: readonly RecordedRequest[], origin: string, secrets: readonly string[]): void {
  const network = requests.filter((request) => !/^(blob|data):/.test(request.url));
  expect(network.length).toBeGreaterThan(0);
  for (const request of network) {
    expect(new URL(request.url).origin, request.url).toBe(origin);
    expect(request.method, request.url).toBe("GET");
    expect(request.postData, request.url).toBeNull();
    const url = decodeURIComponent(request.url).toLowerCase();
    const headers = JSON.stringify(request.headers).toLowerCase();
    for (const secret of secrets) {
      expect(url, `${request.url} carries ${secret}`).not.toContain(secret.toLowerCase());
      // Short values (a size) also occur in version strings of the user agent: headers are checked for the long ones.
      if (secret.length >= 8) expect(headers, `the headers of ${request.url} carry ${secret}`).not.toContain(secret.toLowerCase());
    }
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const withoutPoints = ({ proof, calldata, ...rest }: Record<string, unknown>) => ({ ...rest, proofKeys: Object.keys(proof as object), calldataSignals: (calldata as { publicSignals: unknown }).publicSignals });

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set ZKMARGIN_CHROMIUM)`);
  for (const id of ["cross_margin_m16", "lending_margin_m16"]) {
    if (!existsSync(artifactPaths(id).manifest)) throw new Error(`${id} is not built: npx zkmargin build --circuit cross_margin_m16 --circuit lending_margin_m16`);
  }
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

describe("The trader's page in Chromium (state v2)", () => {
  it("Should prove an attest and a challenge answer in a worker, with proof files the CLI verifies and no request carrying the account", async () => {
    const { context, page, requests } = await openApp({ downloads: true });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(appUrl).origin });
    const examples = projectPath("examples");

    // 1. Import markets and the account state from files, the round from a URL: the report is the SDK's.
    await importInputs(page, examples, "account.json", { url: "examples/round.json" });
    const subject = loadSubject(examples, "account.json");
    const report = marginReport(subject.account, subject.round, subject.markets);
    expect(await shownReport(page)).toEqual(expectedReport(report));
    expect(await page.textContent("#health-pill")).toBe("Healthy");
    expect(await page.$$eval("#report-rows tr", (rows) => rows.map((row) => row.getAttribute("data-market")))).toEqual(["BTC-USD", "ETH-USD", "SOL-USD"]);
    expect(await page.textContent("#liquidation-heading")).toBe("Liq. price");

    // 2. The chart: equity and the three lines over the 101 steps of +-50% of the first held market; no price
    //    of BTC alone liquidates this account, and ETH's liquidation price (+193%) lies off the chart.
    expect(await page.inputValue("#chart-market")).toBe("BTC-USD");
    const btc = await chartGeometry(page);
    for (const series of ["equity", "attest", "liquidation", "initial"]) expect(btc.series[series]).toHaveLength(101);
    expect(btc.marker).toBeNull();
    expect(await page.textContent("#chart-note")).toContain("No BTC-USD price alone makes the account liquidatable");
    await page.selectOption("#chart-market", "ETH-USD");
    expect((await chartGeometry(page)).market).toBe("ETH-USD");
    expect(await page.textContent("#chart-note")).toContain("at ETH-USD 9,248.59 (193.58%), outside the chart");

    // 3. Attest: maintenance + 5% buffer, bound to a typed address (required, EIP-55 checked).
    await page.fill("#buffer-bps", String(BUFFER_BPS));
    expect(await page.textContent("#proof-readiness")).toBe("Type the address the proof is bound to (the one that sends it to the vault).");
    expect(await page.isDisabled("#prove")).toBe(true);
    const typo = `${BIND.slice(0, -2)}c8`;
    await page.fill("#bind", typo);
    expect(await page.textContent("#statement-error")).toBe(`bind: ${typo} has a wrong EIP-55 checksum (did you mean ${BIND}?)`);
    expect(await page.isDisabled("#prove")).toBe(true);
    await page.fill("#bind", BIND);
    expect(await page.isVisible("#statement-error")).toBe(false);
    const specs = loadCircuitSpecs();
    const attest = prepareMargin(subject.account, subject.round, subject.markets, { binder: BigInt(BIND), requirement: "maintenance", side: "conservative", bufferBps: BUFFER_BPS }, specs);
    expect(attest.circuit.id).toBe("cross_margin_m16");
    await expect.poll(() => page.textContent("#proof-readiness")).toBe("Ready: meets the maintenance margin (valued against the account) with a 5% buffer at round 7, circuit cross_margin_m16.");

    // 4. Prove in the worker: each stage in turn, the page stays responsive, the proof is valid.
    const stall = await proveInPage(page);
    expect(await page.textContent("#proof-error")).toBe("");
    expect(await page.$$eval("#progress li", (items) => items.map((item) => item.getAttribute("data-stage")))).toEqual(["artifacts", "witness", "proving", "verifying", "done"]);
    expect(await page.textContent("#proof-verdict")).toBe("valid");
    const cold = await workerTimings(page);
    expect(cold.circuit).toBe("cross_margin_m16");
    expect(cold.loadMs).toBeGreaterThan(0);
    expect(stall, "the main thread stalled while the worker proved").toBeLessThan(500);
    expect(await page.textContent("#account-commitment")).toBe(toHex32(attest.publicInputs[0]!));
    await page.screenshot({ path: join(OUT, "web-app.png"), fullPage: true });

    // 5. Copy the commitment; download the proof file and verify it with the CLI.
    await page.click("#copy-commitment");
    expect(await page.evaluate<string>("navigator.clipboard.readText()")).toBe(toHex32(attest.publicInputs[0]!));
    const attestPath = join(OUT, "browser-attest.json");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-proof")]);
    expect(download.suggestedFilename()).toBe("zkmargin-attest-round7.json");
    await download.saveAs(attestPath);
    const file = JSON.parse(readFileSync(attestPath, "utf8")) as Record<string, unknown>;
    expect(file.zkmargin).toBe("zkmargin proof v2");
    expect(file.publicSignals).toEqual(attest.publicInputs.map(String));
    const verified = await zkmargin("verify", attestPath);
    expect(verified.stderr).toBe("");
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^valid: the committed account meets its cross maintenance requirement with a 5\.00% buffer, bound to 0x70997970c51812dc3a010c7d01b50e0d17dc79c8 \(cross_margin_m16\)/);

    // 6. The same file as `zkmargin prove attest` writes, but for the (random) proof points.
    const cliPath = join(OUT, "cli-attest.json");
    const proved = await zkmargin("prove", "attest", "--account", example("account.json"), "--round", example("round.json"), "--markets", example("markets.json"), "--buffer-bps", String(BUFFER_BPS), "--bind", BIND, "--out", cliPath);
    expect(proved.code, proved.stderr).toBe(0);
    const cliFile = JSON.parse(readFileSync(cliPath, "utf8")) as Record<string, unknown>;
    expect(withoutPoints(file)).toEqual(withoutPoints(cliFile));
    expect(Object.keys(file)).toEqual(Object.keys(cliFile));

    // 7. A tampered download is refused by the CLI (the checks above can fail).
    const tampered = join(OUT, "browser-attest-tampered.json");
    writeFileSync(tampered, JSON.stringify({ ...file, publicSignals: [...(file.publicSignals as string[]).slice(0, 2), "1"] }));
    expect((await zkmargin("verify", tampered)).code).toBe(1);

    // 8. Warm proofs in the page and with Node's WarmProver (its default fast engine, and snarkjs' own) on the
    //    same input, interleaved so that all see the same machine load: the timings side by side.
    const browserRuns: number[] = [];
    const nodeRuns: number[] = [];
    const nodeSnarkjsRuns: number[] = [];
    const nodeProver = await WarmProver.load("cross_margin_m16");
    const nodeSnarkjs = await WarmProver.load("cross_margin_m16", { engine: "snarkjs" });
    const loadBefore = loadavg()[0]!;
    try {
      await nodeProver.prove(attest.input); // first calls build the curve and the workers, as the page's first proof did
      await nodeSnarkjs.prove(attest.input);
      for (let run = 0; run < WARM_RUNS; run++) {
        await page.$$eval("#progress li", (items) => items.forEach((item) => item.remove()));
        await proveInPage(page);
        expect(await page.textContent("#proof-verdict")).toBe("valid");
        const timings = await workerTimings(page);
        expect(timings.loadMs, "the worker stays warm").toBeLessThan(50);
        browserRuns.push(timings.witnessMs + timings.proveMs);
        await nodeProver.prove(attest.input);
        nodeRuns.push(nodeProver.lastTimings.witnessMs + nodeProver.lastTimings.proveMs);
        await nodeSnarkjs.prove(attest.input);
        nodeSnarkjsRuns.push(nodeSnarkjs.lastTimings.witnessMs + nodeSnarkjs.lastTimings.proveMs);
      }
    } finally {
      await nodeProver.close();
      await nodeSnarkjs.close();
    }
    const manifest = JSON.parse(readFileSync(artifactPaths("cross_margin_m16").manifest, "utf8")) as { constraints: number };
    const timings = {
      circuit: "cross_margin_m16",
      constraints: manifest.constraints,
      measured: "witness + Groth16 prove, warm (artifacts loaded, curve built), browser and Node runs interleaved in the same process run",
      // The 1-minute load average around the runs: the machine's cores are shared, and the interleaving only
      // makes the three see the same load, it does not remove it.
      machine: { cores: cpus().length, node: process.version, chromium: browser.version(), loadAverage1m: { before: Number(loadBefore.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) } },
      browserFirstProofMs: { artifacts: Math.round(cold.loadMs), witnessAndProve: Math.round(cold.witnessMs + cold.proveMs), verify: Math.round(cold.verifyMs) },
      browserWarmMedianMs: Math.round(median(browserRuns)),
      nodeWarmMedianMs: Math.round(median(nodeRuns)),
      nodeSnarkjsWarmMedianMs: Math.round(median(nodeSnarkjsRuns)),
      browserWarmRunsMs: browserRuns.map(Math.round),
      nodeWarmRunsMs: nodeRuns.map(Math.round),
      nodeSnarkjsWarmRunsMs: nodeSnarkjsRuns.map(Math.round),
      mainThreadMaxStallMs: Math.round(stall),
    };
    writeFileSync(join(OUT, "timings.json"), `${JSON.stringify(timings, null, 2)}\n`);
    console.log(`proving ${timings.circuit} (${timings.constraints} constraints), median of ${WARM_RUNS}: browser (snarkjs in a worker) ${timings.browserWarmMedianMs} ms, Node WarmProver ${timings.nodeWarmMedianMs} ms, Node WarmProver snarkjs engine ${timings.nodeSnarkjsWarmMedianMs} ms; browser first proof: artifacts ${timings.browserFirstProofMs.artifacts} ms + ${timings.browserFirstProofMs.witnessAndProve} ms`);

    // 9. The challenge answer (maintenance, valued in the account's favour, no buffer) with the same circuit.
    await page.selectOption("#statement-kind", "answer");
    expect(await page.isDisabled("#buffer-bps")).toBe(true);
    await expect.poll(() => page.textContent("#proof-readiness")).toBe("Ready: is not liquidatable (a challenge answer: maintenance, valued in its favour) at round 7, circuit cross_margin_m16.");
    await proveInPage(page);
    expect(await page.textContent("#proof-verdict")).toBe("valid");
    const answerPath = join(OUT, "browser-answer.json");
    const [answerDownload] = await Promise.all([page.waitForEvent("download"), page.click("#download-proof")]);
    await answerDownload.saveAs(answerPath);
    const answerFile = JSON.parse(readFileSync(answerPath, "utf8")) as Record<string, unknown>;
    expect(answerFile.statement).toEqual({ kind: "margin", requirement: "maintenance", side: "favourable", bufferBps: 0, binder: BIND.toLowerCase() });
    const answerVerified = await zkmargin("verify", answerPath);
    expect(answerVerified.code, answerVerified.stdout + answerVerified.stderr).toBe(0);
    expect(answerVerified.stdout).toContain("is not liquidatable (a challenge answer)");
    const cliAnswerPath = join(OUT, "cli-answer.json");
    const answered = await zkmargin("prove", "answer", "--account", example("account.json"), "--round", example("round.json"), "--markets", example("markets.json"), "--bind", BIND, "--out", cliAnswerPath);
    expect(answered.code, answered.stderr).toBe(0);
    expect(withoutPoints(answerFile)).toEqual(withoutPoints(JSON.parse(readFileSync(cliAnswerPath, "utf8")) as Record<string, unknown>));

    // 10. Nothing about the account left the page: only GETs of the app, the public artifacts and the round;
    //     the worker fetched exactly the profile's proving circuits (one at M = 16), whatever the account.
    const origin = new URL(appUrl).origin;
    expectNothingCarried(requests, origin, secretsOf(subject.account, { cash: "7944", sizes: ["-1.5", "0.05", "-2.5"] }));
    const paths = new Set(requests.map((request) => new URL(request.url).pathname));
    expect(paths.has("/examples/round.json")).toBe(true);
    expect(paths.has("/examples/account.json"), "the account was imported from a file, not fetched").toBe(false);
    expect(artifactRequests(requests)).toEqual(expectedArtifacts(["cross_margin_m16"]));
    await context.close();
  });

  it("Should show the insolvent account's shortfall, make no proof, and mark where it recovers on the chart", async () => {
    const { context, page, requests } = await openApp();
    const examples = projectPath("examples");
    await importInputs(page, examples, "account-insolvent.json");
    const subject = loadSubject(examples, "account-insolvent.json");
    const report = marginReport(subject.account, subject.round, subject.markets);
    expect(await shownReport(page)).toEqual(expectedReport(report));
    expect(await page.textContent("#health-pill")).toBe("Liquidatable");
    expect(await page.textContent("#liquidation-heading")).toBe("Recovers at");
    await page.fill("#bind", BIND);
    const refusal = (side: "conservative" | "favourable") => {
      try {
        prepareMargin(subject.account, subject.round, subject.markets, { binder: BigInt(BIND), requirement: "maintenance", side, bufferBps: 0n }, loadCircuitSpecs());
      } catch (error) {
        return `Cannot prove: ${(error as Error).message}`;
      }
      throw new Error("the insolvent example can be proven");
    };
    expect(refusal("conservative")).toMatch(/^Cannot prove: account: does not meet the maintenance margin at round 7: short by [\d.]+ \(quote units, confidence included\)$/);
    expect(await page.textContent("#proof-readiness")).toBe(refusal("conservative"));
    expect(await page.isDisabled("#prove")).toBe(true);
    await page.selectOption("#statement-kind", "answer");
    await expect.poll(() => page.textContent("#proof-readiness")).toBe(refusal("favourable"));
    expect(await page.textContent("#proof-readiness")).toContain("it is liquidatable");
    expect(await page.isDisabled("#prove")).toBe(true);
    expect(await page.isVisible("#proof-result")).toBe(false);

    // The chart of ETH: liquidatable from where the account recovers (-1.2%) upward; the marker is the
    // report's price, exact, and the drawn lines cross under it. Same for SOL.
    for (const market of ["ETH-USD", "SOL-USD"]) {
      await page.selectOption("#chart-market", market);
      const geometry = await chartGeometry(page);
      const position = report.positions.find((candidate) => candidate.market === market)!;
      expect(geometry.marker?.price).toBe(position.liquidationPrice);
      expectExactCrossing(subject, market, position.liquidationPrice!);
      expectCrossingAtMarker(geometry);
      const index = subject.markets.byId.get(market)!.index;
      const top = formatScaled((subject.round.prices[index]! * 15_000n) / 10_000n, PRICE_DECIMALS);
      expect(geometry.zones.filter((zone) => zone.kind === "liquidatable")).toEqual([{ kind: "liquidatable", from: position.liquidationPrice, to: top }]);
    }
    await page.screenshot({ path: join(OUT, "web-app-insolvent.png"), fullPage: true });
    expect(artifactRequests(requests), "no artifact is fetched without a proof").toEqual([]);
    await context.close();
  });

  it("Should report and prove a lending account (health factor) with its profile's circuit only", async () => {
    const { context, page, requests } = await openApp();
    const dir = projectPath("examples", "profiles", "lending");
    await importInputs(page, dir, "account.json");
    const subject = loadSubject(dir, "account.json");
    const report = marginReport(subject.account, subject.round, subject.markets);
    expect(await shownReport(page)).toEqual(expectedReport(report));
    expect(await page.textContent("#profile-chip")).toBe("lending");
    await page.fill("#bind", BIND);
    const prepared: PreparedProof = prepareMargin(subject.account, subject.round, subject.markets, { binder: BigInt(BIND), requirement: "maintenance", side: "conservative", bufferBps: 0n }, loadCircuitSpecs());
    expect(prepared.circuit.id).toBe("lending_margin_m16");
    await expect.poll(() => page.textContent("#proof-readiness")).toBe(`Ready: meets the health factor of 1 (valued against the account) at round ${subject.round.round}, circuit lending_margin_m16.`);
    await proveInPage(page);
    expect(await page.textContent("#proof-error")).toBe("");
    expect(await page.textContent("#proof-verdict")).toBe("valid");
    expect(await page.textContent("#account-commitment")).toBe(toHex32(prepared.publicInputs[0]!));
    expect(artifactRequests(requests)).toEqual(expectedArtifacts(["lending_margin_m16"]));
    await context.close();
  });

  it("Should report typed positions and cash without an identity, mark the liquidation price where the lines cross, and name a bad field as the CLI does", async () => {
    const { context, page, requests } = await openApp();
    await page.setInputFiles("#markets-file", example("markets.json"));
    await page.setInputFiles("#round-file", example("round.json"));
    // Typed: cash, a short ETH and a long SOL with their funding indexes at settlement; no identity.
    await page.fill("#cash", "17000");
    for (const [market, size, funding] of [["ETH-USD", "-5.25", "-2"], ["SOL-USD", "12.125", "0.05"]] as const) {
      await page.click("#add-position");
      const row = `#position-rows tr:last-child`;
      await page.fill(`${row} input[aria-label$='market']`, market);
      await page.fill(`${row} input[aria-label$='size']`, size);
      await page.fill(`${row} input[aria-label$='funding index']`, funding);
    }
    const markets = loadMarkets(example("markets.json"));
    const typed = parseAccount({
      zkmargin: "zkmargin account v2", vault: { chainId: "0", address: `0x${"0".repeat(40)}` }, accountId: "1", owner: `0x${"0".repeat(40)}`, salt: "0", nonce: "0", cash: "17000",
      positions: [{ market: "ETH-USD", size: "-5.25", fundingIndex: "-2" }, { market: "SOL-USD", size: "12.125", fundingIndex: "0.05" }],
    }, markets);
    const subject: Subject = { markets, round: loadRound(example("round.json"), markets), account: typed };
    const report = marginReport(subject.account, subject.round, subject.markets);
    await expect.poll(async () => (await shownReport(page)).fields.equity).toBe(report.equity);
    expect(await shownReport(page)).toEqual(expectedReport(report));
    expect(report.liquidatable).toBe(false);
    expect(await page.textContent("#proof-readiness")).toMatch(/^Cannot prove: the account state's identity .* is missing/);

    // ETH turns the account liquidatable a few percent up: the marker is where equity crosses the liquidation line.
    expect(await page.inputValue("#chart-market")).toBe("ETH-USD");
    const eth = report.positions.find((position) => position.market === "ETH-USD")!;
    expect(Math.abs(Number(eth.priceMovePercent))).toBeLessThan(50);
    const geometry = await chartGeometry(page);
    expect(geometry.marker?.price).toBe(eth.liquidationPrice);
    expectExactCrossing(subject, "ETH-USD", eth.liquidationPrice!);
    expectCrossingAtMarker(geometry);
    expect(geometry.zones.find((zone) => zone.kind === "liquidatable")?.from).toBe(eth.liquidationPrice);
    await page.screenshot({ path: join(OUT, "web-app-typed.png"), fullPage: true });

    // A bad size is named by its JSON path, as parseAccount (and the CLI) name it.
    await page.fill("#position-rows tr:nth-child(2) input[aria-label$='size']", "0.123456789");
    expect(await page.textContent("#account-error")).toBe("account.positions[1].size: 0.123456789 has more than 8 decimals");
    expect(await page.isVisible("#report-body")).toBe(false);
    expectNothingCarried(requests, new URL(appUrl).origin, ["17000", "-5.25", "12.125", "0.123456789"]);
    await context.close();
  });

  it("Should refuse a proving key whose sha256 differs from the manifest, with no proof", async () => {
    const { context, page } = await openApp();
    await importInputs(page, projectPath("examples"), "account.json");
    await page.fill("#bind", BIND);
    await expect.poll(() => page.isDisabled("#prove")).toBe(false);
    const zkey = join(DIST, "artifacts", "cross_margin_m16", "main.zkey");
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
    expect(await page.textContent("#proof-error")).toMatch(/^cross_margin_m16\/main\.zkey does not match the sha256 in its manifest .*: refusing to prove with it$/);
    expect(await page.isVisible("#proof-result")).toBe(false);
    expect(await page.textContent("#progress li.error")).toBe("No proof");
    await context.close();
  });
});
