import { ACCOUNT_FILE_TAG } from "../../prover/src/model/parse.ts";
import { ZkMarginError } from "../../prover/src/core/errors.ts";
import { byId, make } from "./dom.ts";

/** One editable position row: a market's slot. */
interface PositionFields {
  readonly market: HTMLInputElement;
  readonly size: HTMLInputElement;
  readonly fundingIndex: HTMLInputElement;
}

/** The identity of a state: what its commitment binds besides cash and slots (from the account file). */
const IDENTITY_FIELDS = ["chain-id", "vault-address", "account-id", "owner", "salt", "nonce", "fills-applied", "fills-head"] as const;
type IdentityField = (typeof IDENTITY_FIELDS)[number];

/** The identity the report uses when none is typed: the report depends on cash and slots only. */
const REPORT_ONLY_IDENTITY = {
  vault: { chainId: "0", address: `0x${"0".repeat(40)}` },
  accountId: "1",
  owner: `0x${"0".repeat(40)}`,
  salt: "0",
  nonce: "0",
  fills: { applied: "0", head: "0" },
};

/**
 * The account form: the state's identity (vault, account id, owner, salt, nonce, fill-chain head), its cash and
 * one row per held market (size, funding index at the last settlement). It is the page's copy of the account
 * state: an imported file fills it, and `toJson` gives back the "zkmargin account v2" file that parseAccount
 * takes, so errors name the same fields as the CLI's.
 */
export class AccountForm {
  private readonly rows: PositionFields[] = [];
  private readonly identity = Object.fromEntries(IDENTITY_FIELDS.map((id) => [id, byId<HTMLInputElement>(id)])) as Record<IdentityField, HTMLInputElement>;
  private readonly cash = byId<HTMLInputElement>("cash");
  private readonly body = byId<HTMLTableSectionElement>("position-rows");

  /** @param onChange called after every edit */
  constructor(private readonly onChange: () => void) {
    for (const input of [...Object.values(this.identity), this.cash]) input.addEventListener("input", onChange);
    byId("add-position").addEventListener("click", () => {
      this.addRow({});
      this.rows[this.rows.length - 1]!.market.focus();
      onChange();
    });
  }

  /** Whether nothing was entered. */
  isEmpty(): boolean {
    return this.identityEmpty() && this.cash.value.trim() === "" && this.rows.length === 0;
  }

  /** Whether the identity fields are all blank (typed positions and cash only: a report, no proof). */
  identityEmpty(): boolean {
    return Object.values(this.identity).every((input) => input.value.trim() === "");
  }

  private positions(): Record<string, string>[] {
    return this.rows.map((row) => ({
      market: row.market.value.trim(),
      size: row.size.value.trim(),
      ...(row.fundingIndex.value.trim() === "" ? {} : { fundingIndex: row.fundingIndex.value.trim() }),
    }));
  }

  /** The account state file the form describes (strings as typed; parseAccount checks them). */
  toJson(): Record<string, unknown> {
    const value = (id: IdentityField) => this.identity[id].value.trim();
    return {
      zkmargin: ACCOUNT_FILE_TAG,
      vault: { chainId: value("chain-id"), address: value("vault-address") },
      accountId: value("account-id"),
      owner: value("owner"),
      salt: value("salt"),
      nonce: value("nonce"),
      cash: this.cash.value.trim(),
      fills: { applied: value("fills-applied") || "0", head: value("fills-head") || "0" },
      positions: this.positions(),
    };
  }

  /** What the report reads: the form's state, or with no identity typed, its cash and slots under a stand-in identity. */
  reportJson(): Record<string, unknown> {
    return this.identityEmpty() ? { zkmargin: ACCOUNT_FILE_TAG, ...REPORT_ONLY_IDENTITY, cash: this.cash.value.trim(), positions: this.positions() } : this.toJson();
  }

  /**
   * Fills the form from an account state file's JSON.
   *
   * @throws ZkMarginError when the file is not an account state file's shape (its fields are checked later by parseAccount)
   */
  fill(json: unknown): void {
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ZkMarginError("account", "expected an object");
    const account = json as Record<string, unknown>;
    if (account.zkmargin !== ACCOUNT_FILE_TAG) throw new ZkMarginError("account.zkmargin", `expected "${ACCOUNT_FILE_TAG}" (an account state file), got ${JSON.stringify(account.zkmargin)}`);
    const positions = account.positions ?? [];
    if (!Array.isArray(positions)) throw new ZkMarginError("account.positions", "expected an array");
    positions.forEach((position, index) => {
      if (typeof position !== "object" || position === null) throw new ZkMarginError(`account.positions[${index}]`, "expected an object");
    });
    const object = (value: unknown) => (typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {});
    const text = (value: unknown) => (value === undefined || value === null ? "" : String(value));
    const vault = object(account.vault);
    const fills = object(account.fills);
    const values: Record<IdentityField, unknown> = {
      "chain-id": vault.chainId, "vault-address": vault.address, "account-id": account.accountId, owner: account.owner, salt: account.salt, nonce: account.nonce,
      "fills-applied": fills.applied, "fills-head": fills.head,
    };
    for (const id of IDENTITY_FIELDS) this.identity[id].value = text(values[id]);
    this.cash.value = text(account.cash);
    this.body.replaceChildren();
    this.rows.length = 0;
    for (const position of positions as Record<string, unknown>[]) this.addRow({ market: text(position.market), size: text(position.size), fundingIndex: text(position.fundingIndex) });
    this.onChange();
  }

  private addRow(values: { market?: string; size?: string; fundingIndex?: string }): void {
    const input = (value: string | undefined, placeholder: string, label: string) => {
      const field = make("input");
      field.value = value ?? "";
      field.placeholder = placeholder;
      field.setAttribute("aria-label", label);
      field.spellcheck = false;
      field.addEventListener("input", this.onChange);
      return field;
    };
    const index = this.rows.length;
    const fields: PositionFields = {
      market: input(values.market, "ETH-USD", `position ${index + 1} market`),
      size: input(values.size, "-1.5", `position ${index + 1} size`),
      fundingIndex: input(values.fundingIndex, "0", `position ${index + 1} funding index`),
    };
    fields.market.setAttribute("list", "market-ids");
    fields.size.inputMode = "decimal";
    fields.fundingIndex.inputMode = "decimal";
    const remove = make("button", "×", "icon");
    remove.type = "button";
    remove.title = "Remove this position";
    const row = make("tr");
    remove.addEventListener("click", () => {
      this.rows.splice(this.rows.indexOf(fields), 1);
      row.remove();
      this.onChange();
    });
    const cell = (child: HTMLElement) => {
      const td = make("td");
      td.append(child);
      return td;
    };
    row.append(cell(fields.market), cell(fields.size), cell(fields.fundingIndex), cell(remove));
    this.body.append(row);
    this.rows.push(fields);
  }
}
