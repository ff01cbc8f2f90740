import { formatScaled, parseScaled } from "../../prover/src/core/decimal.ts";
import type { MarginReport } from "../../prover/src/engine/margin.ts";
import type { Profile } from "../../prover/src/model/types.ts";
import { byId, make } from "./dom.ts";

/** An exact decimal string rounded for display, with thousands separators: "10141.76125" -> "10,141.76". */
export function displayDecimal(exact: string, decimals = 2): string {
  const scaled = parseScaled(exact, "amount", 30, { signed: true });
  const rounded = formatScaled(scaled, 30, decimals);
  const [whole, fraction = ""] = rounded.replace("-", "").split(".");
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const padded = decimals > 0 ? `.${fraction.padEnd(decimals, "0")}` : "";
  return `${rounded.startsWith("-") ? "−" : ""}${grouped}${padded}`;
}

function setAmount(id: string, exact: string): void {
  const element = byId(id);
  element.textContent = displayDecimal(exact);
  element.dataset.value = exact;
  element.title = exact;
}

const LABELS: Record<Profile, { equity: string; maintenance: string; initial: string; profile: string }> = {
  cross: { equity: "Equity", maintenance: "Maintenance requirement", initial: "Initial requirement", profile: "cross margin" },
  tiered: { equity: "Equity", maintenance: "Maintenance requirement", initial: "Initial requirement", profile: "tiered margin" },
  lending: { equity: "Net value", maintenance: "Haircut at liq. threshold", initial: "Haircut at loan-to-value", profile: "lending" },
};

/** Renders the margin report: profile, the four cards, the health pill and the positions table. */
export function renderReport(report: MarginReport): void {
  const labels = LABELS[report.profile];
  byId("equity-label").textContent = labels.equity;
  byId("maintenance-label").textContent = labels.maintenance;
  byId("initial-label").textContent = labels.initial;
  const chip = byId("profile-chip");
  chip.hidden = false;
  chip.textContent = labels.profile;
  setAmount("equity", report.equity);
  setAmount("maintenance", report.maintenanceRequirement);
  setAmount("initial", report.initialRequirement);

  const health = byId("health");
  if (report.profile === "lending") {
    byId("health-label").textContent = "Health factor";
    const factor = report.healthFactor ?? null;
    health.textContent = factor === null ? "no debt" : displayDecimal(factor);
    health.dataset.value = factor ?? "";
  } else {
    byId("health-label").textContent = "Health (equity / maintenance)";
    health.textContent = report.healthRatio === null ? "no positions" : `${displayDecimal(report.healthRatio)}×`;
    health.dataset.value = report.healthRatio ?? "";
  }
  const confidence = byId("confidence-note");
  confidence.hidden = /^-?0$/.test(report.confidencePenalty);
  confidence.textContent = `The oracle's confidence intervals take ${displayDecimal(report.confidencePenalty)} off the equity in margin proofs (and count in the account's favour in liquidation proofs).`;

  const pill = byId("health-pill");
  pill.hidden = false;
  const [text, tone] = report.liquidatable ? ["Liquidatable", "bad"] : !report.meetsMaintenance ? ["Below maintenance", "bad"] : !report.meetsInitial ? ["Below initial", "warn"] : ["Healthy", "good"];
  pill.textContent = text;
  pill.className = `status-pill ${tone}`;

  const rows = report.positions.map((position) => {
    const row = make("tr");
    const cells = [
      position.tier === undefined ? position.market : `${position.market} · tier ${position.tier + 1}`,
      position.size,
      displayDecimal(position.markPrice),
      displayDecimal(position.notional),
      displayDecimal(position.maintenanceRequirement),
      position.liquidationPrice === null ? "—" : displayDecimal(position.liquidationPrice),
      position.priceMoveToLiquidation ?? "—",
    ];
    cells.forEach((value, index) => row.append(make("td", value, index === 0 ? undefined : "num")));
    row.dataset.market = position.market;
    return row;
  });
  byId("report-rows").replaceChildren(...rows);
}
