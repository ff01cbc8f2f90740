/**
 * The trader's page: inputs -> margin report and chart -> a Groth16 margin proof made in a Web Worker.
 * Parsing, the report, commitments and the witness layout are the SDK's own pure modules; nothing the
 * trader enters is sent over the network (the only requests fetch the app, the public artifacts and, when
 * asked, a round or markets file from a URL).
 */
import { parseCircuitSpecs, type CircuitSpec } from "../../prover/src/circuit/registry.ts";
import { parseAccount, parseBufferBps, parseMarkets, parseRound } from "../../prover/src/model/parse.ts";
import { parseAddress } from "../../prover/src/core/field.ts";
import { marginReport, type MarginReport } from "../../prover/src/engine/margin.ts";
import { prepareMarginProof, publicSignalsOf, type PreparedProof } from "../../prover/src/statements/prepare.ts";
import type { RequirementKind } from "../../prover/src/commitment/statement.ts";
import type { Account, MarketSet, OracleRound, Profile } from "../../prover/src/model/types.ts";
import type { ProofFile } from "../../prover/src/statements/proof-file.ts";
import { AccountForm } from "./account-form.ts";
import { healthCurve, renderHealthChart } from "./chart.ts";
import { byId, make, showError } from "./dom.ts";
import { browserProofFile, downloadText } from "./proof-file.ts";
import type { CircuitRef, ProofStage } from "./protocol.ts";
import { BrowserProver } from "./prover-client.ts";
import { renderReport } from "./report-view.ts";
import "./style.css";

/** A JSON document the page holds, and where it came from. */
interface Loaded {
  readonly json: unknown;
  readonly source: string;
}

const state: {
  markets?: Loaded;
  round?: Loaded;
  circuits: CircuitSpec[];
  circuitsError?: string;
  prepared?: { prepared: PreparedProof; round: OracleRound };
  /** Bumped on every input change, so a proof of older inputs is not shown as current. */
  generation: number;
  proving: boolean;
  proofFile?: ReturnType<typeof browserProofFile>;
  /** What the chart draws, kept so that picking another market redraws only the chart. */
  chart?: { account: Account; round: OracleRound; markets: MarketSet; positions: MarginReport["positions"] };
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

/** Wires a file input and a URL form to one of the documents (markets or round). */
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
  byId("export-account").addEventListener("click", () => downloadText("account.json", `${JSON.stringify(form.toJson(), null, 2)}\n`));
}

function parseStatement(): { requirement: RequirementKind; bufferBps: bigint; binder: bigint } {
  const requirement = byId<HTMLSelectElement>("requirement").value as RequirementKind;
  const bufferBps = parseBufferBps(byId<HTMLInputElement>("buffer-bps").value.trim() || "0", "bufferBps");
  const bind = byId<HTMLInputElement>("bind").value.trim();
  return { requirement, bufferBps, binder: bind === "" ? 0n : parseAddress(bind, "bind") };
}

/** Re-parses everything and re-renders the report, the chart and the proof readiness. */
function refresh(): void {
  state.generation++;
  state.prepared = undefined;
  byId("proof-result").hidden = true;
  showError(byId("proof-error"), undefined);
  if (!state.proving) byId("progress").replaceChildren();

  let markets: MarketSet | undefined;
  let round: OracleRound | undefined;
  let account: Account | undefined;
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
  if (markets && !form.isEmpty()) account = attempt("account-error", () => parseAccount(form.toJson(), markets));
  const statement = attempt("statement-error", parseStatement);

  const missing = [!state.markets && "markets", !state.round && "a round", form.isEmpty() && "an account"].filter(Boolean);
  const ready = markets && round && account;
  byId("report-empty").hidden = Boolean(ready);
  byId("report-body").hidden = !ready;
  if (!ready) byId("health-pill").hidden = true;
  const readiness = byId("proof-readiness");
  readiness.className = "readiness";
  if (ready) {
    const report = marginReport(account!, round!, markets!);
    renderReport(report);
    state.chart = { account: account!, round: round!, markets: markets!, positions: report.positions };
    renderChart();
  }
  if (!ready || !statement) {
    readiness.textContent = missing.length > 0 ? `Waiting for ${missing.join(", ")}.` : "Fix the inputs above to prove.";
  } else {
    try {
      if (state.circuitsError) throw new Error(state.circuitsError);
      const prepared = prepareMarginProof({ account: account!, round: round!, markets: markets!, ...statement }, state.circuits);
      state.prepared = { prepared, round: round! };
      readiness.textContent = `Ready: ${describeStatement(prepared.summary, prepared.circuit.profile).replace(/^meets the /, "")} at round ${round!.round}, circuit ${prepared.circuit.id} (${prepared.circuit.slots} slots).`;
      readiness.classList.add("ok");
    } catch (error) {
      readiness.textContent = `Cannot prove: ${errorText(error)}`;
      readiness.classList.add("refused");
    }
  }
  byId<HTMLButtonElement>("prove").disabled = !state.prepared || state.proving;
}

function renderChart(): void {
  if (!state.chart) return;
  const { account, round, markets, positions } = state.chart;
  const select = byId<HTMLSelectElement>("chart-market");
  const chart = byId("chart");
  const previous = select.value;
  select.replaceChildren(...account.positions.map((position) => Object.assign(make("option", position.market.id), { value: position.market.id })));
  if (account.positions.length === 0) {
    chart.replaceChildren(make("p", "No positions: equity is the collateral whatever the prices.", "empty"));
    return;
  }
  const chosen = account.positions.find((position) => position.market.id === previous) ?? account.positions[0]!;
  select.value = chosen.market.id;
  const liquidation = positions.find((position) => position.market === chosen.market.id)?.liquidationPrice ?? null;
  chart.replaceChildren(renderHealthChart(healthCurve(account, round, markets, chosen.market.index), chosen.market.id, liquidation === null ? null : Number(liquidation), markets.profile));
}

function progressStep(stage: ProofStage | "done" | "error", message: string): void {
  const list = byId("progress");
  list.querySelector("li.active")?.classList.replace("active", "finished");
  const item = make("li", message, stage === "done" || stage === "error" ? stage : "active");
  item.dataset.stage = stage;
  list.append(item);
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
  const { prepared, round } = current;
  // The chosen circuit's whole family (same template and markets, every slot count N): the artifact requests
  // then tell nothing about how many positions the account holds.
  const circuits: CircuitRef[] = state.circuits
    .filter((spec) => spec.setup && spec.kind === prepared.circuit.kind && spec.template === prepared.circuit.template && spec.markets === prepared.circuit.markets)
    .map((spec) => ({ id: spec.id, baseUrl: new URL(`artifacts/${spec.id}/`, document.baseURI).href }));
  try {
    const result = await prover.prove(circuits, prepared.circuit.id, prepared.input, progressStep);
    const expected = publicSignalsOf(prepared);
    if (result.publicSignals.join() !== expected.join()) throw new Error("the proof's public signals differ from the prepared statement");
    if (!result.valid) throw new Error("the proof does not verify against the verification key");
    if (generation !== state.generation) throw new Error("the inputs changed while proving: prove again");
    const file = browserProofFile(prepared, result, round.round, result.insecureSetup);
    state.proofFile = file;
    const t = result.timings;
    progressStep("done", `Proof verified in this browser (${Math.round(t.witnessMs + t.proveMs + t.verifyMs)} ms)`);
    byId("proof-verdict").textContent = "valid";
    byId("proof-verdict").className = "badge good";
    byId("proof-summary").textContent = `${describeStatement(file.statement, prepared.circuit.profile)} at round ${file.round} · ${file.circuit}`;
    const timings = byId("proof-timings");
    timings.textContent = `witness ${Math.round(t.witnessMs)} ms · proving ${Math.round(t.proveMs)} ms · verifying ${Math.round(t.verifyMs)} ms${t.loadMs >= 1 ? ` · artifacts ${Math.round(t.loadMs)} ms (first proof only)` : ""}`;
    Object.assign(timings.dataset, { loadMs: t.loadMs.toFixed(1), witnessMs: t.witnessMs.toFixed(1), proveMs: t.proveMs.toFixed(1), verifyMs: t.verifyMs.toFixed(1), circuit: file.circuit });
    byId("account-commitment").textContent = file.publicInputs.accountCommitment;
    byId("round-commitment").textContent = file.publicInputs.roundCommitment;
    byId("statement").textContent = file.publicInputs.statement;
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

/** What a margin proof states, in the SDK's words (statements/proof-file.ts). */
function describeStatement(statement: ProofFile["statement"], profile: Profile | undefined): string {
  if (statement.kind !== "margin") return "is liquidatable";
  const what = profile === "lending" ? (statement.requirement === "initial" ? "loan-to-value limit" : "health factor of 1") : `${statement.requirement} margin`;
  return `meets the ${what}${statement.bufferBps > 0 ? ` with a ${statement.bufferBps / 100}% buffer` : ""}`;
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

async function loadExamples(): Promise<void> {
  const base = new URL("examples/", document.baseURI).href;
  try {
    const [markets, round, account] = await Promise.all(["markets", "round", "account"].map((name) => fetchJson(`${base}${name}.json`, name)));
    state.markets = { json: markets, source: "markets.json (example)" };
    state.round = { json: round, source: "round.json (example)" };
    byId("markets-source").textContent = state.markets.source;
    byId("round-source").textContent = state.round.source;
    form.fill(account);
    byId("account-source").textContent = "account.json (example)";
  } catch (error) {
    showError(byId("markets-error"), `the examples could not be loaded: ${errorText(error)}`);
  }
}

async function loadCircuits(): Promise<void> {
  try {
    const raw = (await fetchJson(new URL("artifacts/circuits.json", document.baseURI).href, "circuit list")) as Record<string, unknown>;
    state.circuits = parseCircuitSpecs(raw);
    if (!state.circuits.some((spec) => spec.kind === "margin" && spec.setup)) state.circuitsError = "no margin circuit is built: run `npx zkmargin build`";
  } catch (error) {
    state.circuitsError = `the circuit list could not be loaded (${errorText(error)})`;
  }
  refresh();
}

wireSource("markets");
wireSource("round");
wireAccountImport();
for (const id of ["requirement", "buffer-bps", "bind"]) byId(id).addEventListener("input", () => refresh());
byId("chart-market").addEventListener("change", () => renderChart());
byId("prove").addEventListener("click", () => void prove());
byId("load-examples").addEventListener("click", () => void loadExamples());
byId("copy-commitment").addEventListener("click", (event) => void copy(byId("account-commitment").textContent ?? "", event.currentTarget as HTMLElement));
byId("copy-calldata").addEventListener("click", (event) => state.proofFile && void copy(JSON.stringify(state.proofFile.calldata, null, 2), event.currentTarget as HTMLElement));
byId("download-proof").addEventListener("click", () => {
  if (state.proofFile) downloadText(`zkmargin-proof-round${state.proofFile.round}.json`, `${JSON.stringify(state.proofFile, null, 2)}\n`);
});
void loadCircuits();
