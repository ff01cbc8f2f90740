import type { CheckReport } from "../engine/check-report.ts";

/** A margin report with the commitments `check` prints above it. */
export type CheckResult = CheckReport;

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  // Columns: the first left-aligned, the others right-aligned.
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
  return [line(headers), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}

/** Formats the margin report for a terminal. */
export function formatReport(report: CheckResult): string {
  const status = report.liquidatable ? "LIQUIDATABLE (a takeover can be proven; no challenge answer exists)" : report.meetsInitial ? "healthy (meets initial margin)" : report.meetsMaintenance ? "healthy (meets maintenance, below initial)" : "can answer a challenge, but no attest (within the oracle's confidence band)";
  const summary = [
    `account    #${report.accountId} nonce ${report.nonce}  ${report.accountCommitment}`,
    `round      ${report.round} (${report.roundCommitment})`,
    `profile    ${report.profile}`,
    `status     ${status}`,
    "",
    table(["", "amount"], [
      ["cash", report.cash],
      ["unsettled funding", report.unsettledFunding],
      ["equity", report.equity],
      ["maintenance requirement", report.maintenanceRequirement],
      ["initial requirement", report.initialRequirement],
      ["margin cushion (to maintenance)", report.marginCushion],
      ["free collateral (over initial)", report.freeCollateral],
      ["withdrawable now (tokens)", report.withdrawable],
      ["health (equity / maintenance)", report.healthRatio ?? "n/a"],
      ["largest provable buffer", report.maxBufferBps === null ? "none" : `${(report.maxBufferBps / 100).toFixed(2)}%${report.maxBufferBps === 65_535 ? " (the most a proof carries)" : ""}`],
      ...(report.healthFactor !== undefined ? [["health factor (Aave)", report.healthFactor ?? "no debt"]] : []),
      ...(report.confidencePenalty !== "0" ? [["oracle confidence penalty", report.confidencePenalty]] : []),
    ]),
  ];
  if (report.positions.length > 0) {
    const tiered = report.profile === "tiered";
    const crossing = report.liquidatable ? "recovers at" : "liq. price";
    summary.push("", table(
      ["market", "size", "mark", "notional", "funding owed", "maintenance", ...(tiered ? ["tier"] : []), crossing, "move %"],
      report.positions.map((position) => [position.market, position.size, position.markPrice, position.notional, position.fundingOwed, position.maintenanceRequirement, ...(tiered ? [String(position.tier)] : []), position.liquidationPrice ?? "none", position.priceMovePercent ?? "-"]),
    ));
  }
  return summary.join("\n");
}
