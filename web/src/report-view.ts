import { formatScaled, parseScaled } from "../../prover/src/core/decimal.ts";
import type { MarginReport } from "../../prover/src/engine/margin.ts";
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

/** Renders the margin report: the four cards, the health pill and the positions table. */
export function renderReport(report: MarginReport): void {
  setAmount("equity", report.equity);
  setAmount("maintenance", report.maintenanceRequirement);
  setAmount("initial", report.initialRequirement);
  const health = byId("health");
  health.textContent = report.healthRatio === null ? "no positions" : `${displayDecimal(report.healthRatio)}×`;
  health.dataset.value = report.healthRatio ?? "";

  const pill = byId("health-pill");
  pill.hidden = false;
  const [text, tone] = report.liquidatable ? ["Liquidatable", "bad"] : !report.meetsInitial ? ["Below initial margin", "warn"] : ["Healthy", "good"];
  pill.textContent = text;
  pill.className = `status-pill ${tone}`;

  const rows = report.positions.map((position) => {
    const row = make("tr");
    const cells = [
      position.market,
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
