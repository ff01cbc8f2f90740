import { formatScaled, parseScaled } from "../../prover/src/core/decimal.ts";
import type { MarginReport, PositionReport } from "../../prover/src/engine/report.ts";
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

/** The three states of an account at a round, as the vault sees them. */
export type AccountStatus = "healthy" | "answer-only" | "liquidatable";

/** healthy: an attest proof can be made; answer-only: a challenge can be answered but no attest made; liquidatable. */
export function accountStatus(report: Pick<MarginReport, "liquidatable" | "meetsMaintenance">): AccountStatus {
  return report.liquidatable ? "liquidatable" : report.meetsMaintenance ? "healthy" : "answer-only";
}

const STATUS_TEXT: Record<AccountStatus, [string, string]> = {
  healthy: ["Healthy", "good"],
  "answer-only": ["Can answer, cannot attest", "warn"],
  liquidatable: ["Liquidatable", "bad"],
};

/** Report fields shown as amounts, with their labels per profile. Each element carries data-field and the exact data-value. */
const AMOUNT_FIELDS = ["cash", "unsettledFunding", "equity", "maintenanceRequirement", "initialRequirement", "withdrawable", "marginCushion", "freeCollateral", "confidencePenalty"] as const;

const LABELS: Record<Profile, Record<(typeof AMOUNT_FIELDS)[number], string> & { profile: string }> = {
  cross: {
    profile: "cross margin", cash: "Cash", unsettledFunding: "Unsettled funding (owed)", equity: "Equity", maintenanceRequirement: "Maintenance requirement",
    initialRequirement: "Initial requirement", withdrawable: "Withdrawable now (tokens)", marginCushion: "Cushion over maintenance", freeCollateral: "Free collateral over initial",
    confidencePenalty: "Oracle confidence penalty",
  },
  tiered: {
    profile: "tiered margin", cash: "Cash", unsettledFunding: "Unsettled funding (owed)", equity: "Equity", maintenanceRequirement: "Maintenance requirement",
    initialRequirement: "Initial requirement", withdrawable: "Withdrawable now (tokens)", marginCushion: "Cushion over maintenance", freeCollateral: "Free collateral over initial",
    confidencePenalty: "Oracle confidence penalty",
  },
  lending: {
    profile: "lending", cash: "Cash", unsettledFunding: "Unsettled interest (owed)", equity: "Net value", maintenanceRequirement: "Haircut at liq. threshold",
    initialRequirement: "Haircut at loan-to-value", withdrawable: "Withdrawable now (tokens)", marginCushion: "Cushion over liq. threshold", freeCollateral: "Borrowing capacity left",
    confidencePenalty: "Oracle confidence penalty",
  },
};

function setValue(element: HTMLElement, exact: string | null, shown: string): void {
  element.textContent = shown;
  element.dataset.value = exact ?? "";
  if (exact !== null) element.title = exact;
}

function card(field: string, label: string, exact: string | null, shown: string, main: boolean): HTMLElement {
  const box = make("div", undefined, main ? "card" : "card minor");
  const value = make("span", undefined, "value");
  value.dataset.field = field;
  setValue(value, exact, shown);
  box.append(make("span", label, "label"), value);
  return box;
}

/** Position fields in the table, in column order, with how each is shown. */
const POSITION_COLUMNS: readonly { field: keyof PositionReport; show(position: PositionReport): string }[] = [
  { field: "size", show: (position) => position.size },
  { field: "markPrice", show: (position) => displayDecimal(position.markPrice) },
  { field: "notional", show: (position) => displayDecimal(position.notional) },
  { field: "fundingOwed", show: (position) => displayDecimal(position.fundingOwed, 4) },
  { field: "maintenanceRequirement", show: (position) => displayDecimal(position.maintenanceRequirement) },
  { field: "liquidationPrice", show: (position) => (position.liquidationPrice === null ? "none" : displayDecimal(position.liquidationPrice)) },
  { field: "priceMovePercent", show: (position) => (position.priceMovePercent === null ? "—" : `${position.priceMovePercent.startsWith("-") ? "" : "+"}${position.priceMovePercent}%`) },
];

/** Renders the v2 margin report: profile, status, the amount cards, what can be proven and the positions table. */
export function renderReport(report: MarginReport): void {
  const labels = LABELS[report.profile];
  const chip = byId("profile-chip");
  chip.hidden = false;
  chip.textContent = labels.profile;

  const status = accountStatus(report);
  const pill = byId("health-pill");
  pill.hidden = false;
  const [text, tone] = STATUS_TEXT[status];
  pill.textContent = text;
  pill.className = `status-pill ${tone}`;
  Object.assign(pill.dataset, { status, liquidatable: String(report.liquidatable), canAnswer: String(report.canAnswer), meetsMaintenance: String(report.meetsMaintenance), meetsInitial: String(report.meetsInitial) });

  const main = new Set<string>(["cash", "unsettledFunding", "equity", "maintenanceRequirement", "initialRequirement", "withdrawable"]);
  const cards = AMOUNT_FIELDS.map((field) => card(field, labels[field], report[field], displayDecimal(report[field], field === "unsettledFunding" ? 4 : 2), main.has(field)));
  if (report.profile === "lending") {
    const factor = report.healthFactor ?? null;
    cards.push(card("healthFactor", "Health factor", factor, factor === null ? "no debt" : displayDecimal(factor), true));
  } else {
    cards.push(card("healthRatio", "Health (equity / maintenance)", report.healthRatio, report.healthRatio === null ? "no positions" : `${displayDecimal(report.healthRatio)}×`, true));
  }
  const buffer = report.maxBufferBps;
  cards.push(card("maxBufferBps", "Largest attest buffer", buffer === null ? null : String(buffer), buffer === null ? "none" : buffer >= 65_535 ? "≥ 655.35%" : `${(buffer / 100).toFixed(2)}%`, false));
  byId("report-cards").replaceChildren(...cards);

  const meaning: Record<AccountStatus, string> = {
    healthy: "An attest proof can be made now (maintenance, valued against the account); a challenge can be answered.",
    "answer-only": "Below maintenance valued against the account, so no attest proof; but valued in its favour it is not liquidatable: a challenge can still be answered.",
    liquidatable: "Below maintenance even valued in the account's favour: anyone can prove a takeover, and no challenge answer exists.",
  };
  byId("status-note").textContent = `${meaning[status]}${report.meetsInitial ? "" : " Below the initial requirement: nothing can be withdrawn."}`;

  const recovering = report.liquidatable;
  byId("liquidation-heading").textContent = recovering ? "Recovers at" : "Liq. price";
  const rows = report.positions.map((position) => {
    const row = make("tr");
    row.dataset.market = position.market;
    const name = make("td", position.tier === undefined ? position.market : `${position.market} · tier ${position.tier + 1}`);
    row.append(name);
    for (const column of POSITION_COLUMNS) {
      const cell = make("td", undefined, "num");
      cell.dataset.field = column.field;
      setValue(cell, (position[column.field] as string | null) ?? null, column.show(position));
      row.append(cell);
    }
    return row;
  });
  byId("report-rows").replaceChildren(...rows);
}
