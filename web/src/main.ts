/**
 * The trader's page (state v2): markets, round and account state -> the margin report and the health chart ->
 * a Groth16 margin proof (attest or challenge answer) made in a Web Worker. Parsing, the report, the chart's
 * values, commitments and the witness layout are the SDK's own pure modules; nothing the trader enters is sent
 * over the network (the only requests fetch the app, the public artifacts and, when asked, a round or markets
 * file from a URL).
 */
import { parseCircuitSpecs, type CircuitSpec } from "../../prover/src/circuit/registry.ts";
import { PRICE_DECIMALS } from "../../prover/src/core/constants.ts";
import { parseScaled } from "../../prover/src/core/decimal.ts";
import { ZkMarginError } from "../../prover/src/core/errors.ts";
import { parseAddress } from "../../prover/src/core/field.ts";
import { marginReport, type MarginReport } from "../../prover/src/engine/report.ts";
import { accountToJson, parseAccount, parseBufferBps, parseMarkets, parseRound } from "../../prover/src/model/parse.ts";
import type { AccountState, MarketSet, OracleRound, Profile } from "../../prover/src/model/types.ts";
import { prepareMargin, type PreparedProof } from "../../prover/src/statements/prepare.ts";
import type { ProofFile } from "../../prover/src/statements/proof-file-shape.ts";
import type { ValuationSide } from "../../prover/src/commitment/statement.ts";
import { AccountForm } from "./account-form.ts";
import { healthCurve, renderHealthChart } from "./chart.ts";
import { byId, make, showError } from "./dom.ts";
import { browserProofFile, downloadText } from "./proof-file.ts";
import type { CircuitRef, ProofStage } from "./protocol.ts";
import { BrowserProver } from "./prover-client.ts";
import { displayDecimal, renderReport } from "./report-view.ts";
import "./style.css";

/** A JSON document the page holds, and where it came from. */
interface Loaded {
  readonly json: unknown;
  readonly source: string;
}

/** The margin statements the page proves: the vault's attest and challenge answer. */
type StatementKind = "attest" | "answer";

interface Statement {
  readonly kind: StatementKind;
  readonly side: ValuationSide;
  readonly bufferBps: bigint;
  /** undefined while the address field is empty. */
  readonly binder: bigint | undefined;
}

const state: {
  markets?: Loaded;
  round?: Loaded;
  circuits: CircuitSpec[];
  circuitsError?: string;
  prepared?: { prepared: PreparedProof; statement: StatementKind };
  /** Bumped on every input change, so a proof of older inputs is not shown as current. */
  generation: number;
  proving: boolean;
  proofFile?: ProofFile;
  /** What the chart draws, kept so that picking another market redraws only the chart. */
  chart?: { account: AccountState; round: OracleRound; markets: MarketSet; report: MarginReport; bufferBps: bigint };
} = { circuits: [], generation: 0, proving: false };

const prover = new BrowserProver();
const form = new AccountForm(() => refresh());

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function readJson(file: File, role: string): Promise<unknown> {
  const text = await file.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${role} file ${file.name}: is not valid JSON (${errorText(error)})`);
  }
}

async function fetchJson(url: string, role: string): Promise<unknown> {
  const response = await fetch(url, { credentials: "omit", referrerPolicy: "no-referrer", cache: "no-cache" });
  if (!response.ok) throw new Error(`${role} ${url}: HTTP ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new Error(`${role} ${url}: is not valid JSON`);
  }
}

/** Wires a file input and a URL form to one of the public documents (markets or round). */
function wireSource(kind: "markets" | "round"): void {
  const error = byId(`${kind}-error`);
  const set = (loaded: Loaded) => {
    state[kind] = loaded;
    byId(`${kind}-source`).textContent = loaded.source;
    showError(error, undefined);
    refresh();
  };
  byId<HTMLInputElement>(`${kind}-file`).addEventListener("change", async (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    try {
      set({ json: await readJson(file, kind), source: file.name });
    } catch (failure) {
      showError(error, errorText(failure));
    }
    (event.target as HTMLInputElement).value = ""; // the same file can be imported again after edits
  });
  byId<HTMLFormElement>(`${kind}-url-form`).addEventListener("submit", async (event) => {
    event.preventDefault();
    const url = byId<HTMLInputElement>(`${kind}-url`).value.trim();
    if (!url) return;
    try {
      const resolved = new URL(url, document.baseURI).href;
      set({ json: await fetchJson(resolved, kind), source: resolved.split("/").pop() ?? resolved });
    } catch (failure) {
      showError(error, errorText(failure));
    }
  });
}

/** The account state is imported from a file only: it never comes from (or goes to) the network. */
function wireAccountImport(): void {
  const error = byId("account-error");
  byId<HTMLInputElement>("account-file").addEventListener("change", async (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    try {
      form.fill(await readJson(file, "account"));
      byId("account-source").textContent = file.name;
    } catch (failure) {
      showError(error, errorText(failure));
    }
    (event.target as HTMLInputElement).value = "";
  });
  byId("export-account").addEventListener("click", () => {
    try {
      if (!state.markets) throw new ZkMarginError("markets", "load the markets file first (it gives each market its slot)");
      const markets = parseMarkets(state.markets.json);
      downloadText("account.json", `${JSON.stringify(accountToJson(parseAccount(form.toJson(), markets), markets), null, 2)}\n`);
    } catch (failure) {
      showError(error, errorText(failure));
    }
  });
}

function parseStatement(): Statement {
  const kind = byId<HTMLSelectElement>("statement-kind").value as StatementKind;
  const bufferBps = kind === "answer" ? 0n : parseBufferBps(byId<HTMLInputElement>("buffer-bps").value.trim() || "0", "bufferBps");
  const bind = byId<HTMLInputElement>("bind").value.trim();
  return { kind, side: kind === "answer" ? "favourable" : "conservative", bufferBps, binder: bind === "" ? undefined : parseAddress(bind, "bind") };
}

/** Re-parses everything and re-renders the report, the chart and the proof readiness. */
function refresh(): void {
  state.generation++;
  state.prepared = undefined;
  byId("proof-result").hidden = true;
  showError(byId("proof-error"), undefined);
  if (!state.proving) byId("progress").replaceChildren();
  byId<HTMLInputElement>("buffer-bps").disabled = byId<HTMLSelectElement>("statement-kind").value === "answer";

  let markets: MarketSet | undefined;
  let round: OracleRound | undefined;
  let account: AccountState | undefined;
  const attempt = <T>(errorId: string, run: () => T): T | undefined => {
    try {
      const value = run();
      showError(byId(errorId), undefined);
      return value;
    } catch (error) {
      showError(byId(errorId), errorText(error));
      return undefined;
    }
  };
  if (state.markets) markets = attempt("markets-error", () => parseMarkets(state.markets!.json));
  if (markets) byId("market-ids").replaceChildren(...markets.markets.map((market) => Object.assign(make("option"), { value: market.id })));
  if (markets && state.round) round = attempt("round-error", () => parseRound(state.round!.json, markets));
  if (markets && !form.isEmpty()) account = attempt("account-error", () => parseAccount(form.reportJson(), markets));
  const statement = attempt("statement-error", parseStatement);

  const missing = [!state.markets && "markets", !state.round && "a round", form.isEmpty() && "an account state"].filter(Boolean);
  const ready = markets && round && account;
  byId("report-empty").hidden = Boolean(ready);
  byId("report-body").hidden = !ready;
  if (!ready) {
    byId("health-pill").hidden = true;
    state.chart = undefined;
  }
  const readiness = byId("proof-readiness");
  readiness.className = "readiness";
  if (ready) {
    const report = marginReport(account!, round!, markets!);
    renderReport(report);
    state.chart = { account: account!, round: round!, markets: markets!, report, bufferBps: statement?.bufferBps ?? 0n };
    renderChart();
  }
  const refuse = (text: string) => {
    readiness.textContent = `Cannot prove: ${text}`;
    readiness.classList.add("refused");
  };
  if (!ready) {
    readiness.textContent = missing.length > 0 ? `Waiting for ${missing.join(", ")}.` : "Fix the inputs above to prove.";
  } else if (state.circuitsError) {
    refuse(state.circuitsError);
  } else if (form.identityEmpty()) {
    refuse("the account state's identity (vault, account id, owner, salt, nonce, fill head) is missing: import the account state file (the report needs only cash and positions)");
  } else if (!statement) {
    readiness.textContent = "Fix the statement above to prove.";
  } else {
    try {
      // The engine first, with or without the address: an account that cannot meet the statement gets its
      // shortfall whatever it is bound to.
      const request = { binder: statement.binder ?? 0n, requirement: "maintenance" as const, side: statement.side, bufferBps: statement.bufferBps };
      const prepared = prepareMargin(account!, round!, markets!, request, state.circuits);
      if (statement.binder === undefined) {
        readiness.textContent = "Type the address the proof is bound to (the one that sends it to the vault).";
      } else {
        state.prepared = { prepared, statement: statement.kind };
        readiness.textContent = `Ready: ${describeStatement(statement.kind, statement.bufferBps, markets!.profile)} at round ${round!.round}, circuit ${prepared.circuit.id}.`;
        readiness.classList.add("ok");
      }
    } catch (error) {
      refuse(errorText(error));
    }
  }
  byId<HTMLButtonElement>("prove").disabled = !state.prepared || state.proving;
}

function renderChart(): void {
  if (!state.chart) return;
  const { account, round, markets, report, bufferBps } = state.chart;
  const select = byId<HTMLSelectElement>("chart-market");
  const chart = byId("chart");
  const note = byId("chart-note");
  const previous = select.value;
  select.replaceChildren(...report.positions.map((position) => Object.assign(make("option", position.market), { value: position.market })));
  note.textContent = "";
  if (report.positions.length === 0) {
    chart.replaceChildren(make("p", "No positions: equity is the cash whatever the prices.", "empty"));
    return;
  }
  const chosen = report.positions.find((position) => position.market === previous) ?? report.positions[0]!;
  select.value = chosen.market;
  const index = markets.byId.get(chosen.market)!.index;
  const liquidation = chosen.liquidationPrice === null ? null : parseScaled(chosen.liquidationPrice, "liquidationPrice", PRICE_DECIMALS);
  const curve = healthCurve(account, round, markets, index, { bufferBps, extraPrices: liquidation === null ? [] : [liquidation] });
  chart.replaceChildren(renderHealthChart(curve, chosen.market, liquidation, markets.profile));
  const what = report.liquidatable ? "recovers" : "becomes liquidatable";
  const lines = "Lines: the equity at which each statement stops holding (the engine's surplus), so equity crosses them exactly where the statement changes; confidence and funding included.";
  if (liquidation === null) note.textContent = `No ${chosen.market} price alone makes the account ${report.liquidatable ? "recover" : "liquidatable"}. ${lines}`;
  else if (Math.abs(Number(chosen.priceMovePercent)) > curve.rangeBps / 100) note.textContent = `The account ${what} at ${chosen.market} ${displayDecimal(chosen.liquidationPrice!)} (${chosen.priceMovePercent}%), outside the chart. ${lines}`;
  else note.textContent = `The account ${what} at ${chosen.market} ${displayDecimal(chosen.liquidationPrice!)} (${chosen.priceMovePercent}%), where equity crosses the liquidation line. ${lines}`;
}

function progressStep(stage: ProofStage | "done" | "error", message: string): void {
  const list = byId("progress");
  list.querySelector("li.active")?.classList.replace("active", "finished");
  const item = make("li", message, stage === "done" || stage === "error" ? stage : "active");
  item.dataset.stage = stage;
  list.append(item);
}

/**
 * The circuits the worker loads for a proof: every proving circuit of the profile that the page proves with
 * (at the vault's capacity, one margin circuit), the same set whatever the account and the statement.
 */
function workerCircuits(circuit: CircuitSpec): CircuitRef[] {
  return state.circuits
    .filter((spec) => spec.setup && spec.kind === "margin" && spec.profile === circuit.profile && spec.markets === circuit.markets)
    .map((spec) => ({ id: spec.id, baseUrl: new URL(`artifacts/${spec.id}/`, document.baseURI).href }));
}

async function prove(): Promise<void> {
  const current = state.prepared;
  if (!current || state.proving) return;
  const generation = state.generation;
  state.proving = true;
  state.proofFile = undefined;
  byId<HTMLButtonElement>("prove").disabled = true;
  byId("proof").classList.add("busy");
  byId("progress").replaceChildren();
  byId("proof-result").hidden = true;
  showError(byId("proof-error"), undefined);
  const { prepared, statement } = current;
  try {
    const result = await prover.prove(workerCircuits(prepared.circuit), prepared.circuit.id, prepared.input, progressStep);
    const expected = prepared.publicInputs.map(String);
    if (result.publicSignals.join() !== expected.join()) throw new Error("the proof's public signals differ from the prepared statement");
    if (!result.valid) throw new Error("the proof does not verify against the verification key");
    if (generation !== state.generation) throw new Error("the inputs changed while proving: prove again");
    const file = browserProofFile(prepared, result, result.verificationKeySha256, result.insecureSetup);
    state.proofFile = file;
    const t = result.timings;
    progressStep("done", `Proof verified in this browser (${Math.round(t.witnessMs + t.proveMs + t.verifyMs)} ms)`);
    byId("proof-verdict").textContent = "valid";
    byId("proof-verdict").className = "badge good";
    const summary = prepared.summary.kind === "margin" ? prepared.summary : undefined;
    byId("proof-summary").textContent = `account #${summary?.accountId ?? "?"} ${describeStatement(statement, BigInt(summary?.bufferBps ?? 0), prepared.circuit.profile)} at round ${summary?.round ?? "?"}, bound to ${summary?.binder ?? "?"} · ${file.circuit}`;
    const timings = byId("proof-timings");
    timings.textContent = `witness ${Math.round(t.witnessMs)} ms · proving ${Math.round(t.proveMs)} ms · verifying ${Math.round(t.verifyMs)} ms${t.loadMs >= 1 ? ` · artifacts ${Math.round(t.loadMs)} ms (first proof only)` : ""}`;
    Object.assign(timings.dataset, { loadMs: t.loadMs.toFixed(1), witnessMs: t.witnessMs.toFixed(1), proveMs: t.proveMs.toFixed(1), verifyMs: t.verifyMs.toFixed(1), circuit: file.circuit });
    byId("account-commitment").textContent = file.publicInputs.accountCommitment ?? "";
    byId("round-commitment").textContent = file.publicInputs.roundCommitment ?? "";
    byId("statement").textContent = file.publicInputs.statement ?? "";
    byId("setup-warning").hidden = !file.insecureSetup;
    byId("proof-result").hidden = false;
  } catch (error) {
    progressStep("error", "No proof");
    showError(byId("proof-error"), errorText(error));
  } finally {
    state.proving = false;
    byId("proof").classList.remove("busy");
    byId<HTMLButtonElement>("prove").disabled = !state.prepared;
  }
}

/** What a margin proof states, in words. */
function describeStatement(kind: StatementKind, bufferBps: bigint, profile: Profile | undefined): string {
  if (kind === "answer") return "is not liquidatable (a challenge answer: maintenance, valued in its favour)";
  const what = profile === "lending" ? "health factor of 1" : "maintenance margin";
  return `meets the ${what} (valued against the account)${bufferBps > 0n ? ` with a ${Number(bufferBps) / 100}% buffer` : ""}`;
}

async function copy(text: string, button: HTMLElement): Promise<void> {
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    button.textContent = "Copy failed";
  }
  setTimeout(() => (button.textContent = label), 1500);
}

/** The example files (served with the app): markets, round and account state of each example. */
const EXAMPLES: Record<string, { dir: string; account: string }> = {
  cross: { dir: "examples/", account: "account.json" },
  insolvent: { dir: "examples/", account: "account-insolvent.json" },
  lending: { dir: "examples/profiles/lending/", account: "account.json" },
  tiered: { dir: "examples/profiles/tiered/", account: "account.json" },
};

async function loadExample(name: string): Promise<void> {
  const example = EXAMPLES[name];
  if (!example) return;
  const base = new URL(example.dir, document.baseURI).href;
  try {
    const [markets, round, account] = await Promise.all(["markets.json", "round.json", example.account].map((file) => fetchJson(`${base}${file}`, file)));
    state.markets = { json: markets, source: `markets.json (example ${name})` };
    state.round = { json: round, source: `round.json (example ${name})` };
    byId("markets-source").textContent = state.markets.source;
    byId("round-source").textContent = state.round.source;
    form.fill(account);
    byId("account-source").textContent = `${example.account} (example ${name})`;
  } catch (error) {
    showError(byId("markets-error"), `the example could not be loaded: ${errorText(error)}`);
  }
}

async function loadCircuits(): Promise<void> {
  try {
    const raw = (await fetchJson(new URL("artifacts/circuits.json", document.baseURI).href, "circuit list")) as Record<string, unknown>;
    state.circuits = parseCircuitSpecs(raw);
    if (!state.circuits.some((spec) => spec.kind === "margin" && spec.setup)) state.circuitsError = "no margin circuit is built: run `npx zkmargin build --circuit cross_margin_m16`";
  } catch (error) {
    state.circuitsError = `the circuit list could not be loaded (${errorText(error)})`;
  }
  refresh();
}

wireSource("markets");
wireSource("round");
wireAccountImport();
for (const id of ["statement-kind", "buffer-bps", "bind"]) byId(id).addEventListener("input", () => refresh());
byId("chart-market").addEventListener("change", () => renderChart());
byId("prove").addEventListener("click", () => void prove());
for (const button of document.querySelectorAll<HTMLButtonElement>("button[data-example]")) button.addEventListener("click", () => void loadExample(button.dataset.example!));
byId("copy-commitment").addEventListener("click", (event) => void copy(byId("account-commitment").textContent ?? "", event.currentTarget as HTMLElement));
byId("copy-calldata").addEventListener("click", (event) => state.proofFile && void copy(JSON.stringify(state.proofFile.calldata, null, 2), event.currentTarget as HTMLElement));
byId("download-proof").addEventListener("click", () => {
  const file = state.proofFile;
  const kind = state.prepared?.statement ?? "margin";
  if (file) downloadText(`zkmargin-${kind}-round${state.chart?.round.round ?? ""}.json`, `${JSON.stringify(file, null, 2)}\n`);
});
void loadCircuits();
