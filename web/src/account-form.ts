import { ZkMarginError } from "../../prover/src/core/errors.ts";
import { byId, make } from "./dom.ts";

/** One editable position row. */
interface PositionFields {
  readonly market: HTMLInputElement;
  readonly size: HTMLInputElement;
  readonly entryPrice: HTMLInputElement;
}

/**
 * The account form: owner, salt, nonce, collateral and a table of positions. It is the page's copy of the
 * account: imported files fill it, and `toJson` gives back the account file shape that parseAccount takes,
 * so errors name the same fields as the CLI's.
 */
export class AccountForm {
  private readonly rows: PositionFields[] = [];
  private readonly owner = byId<HTMLInputElement>("owner");
  private readonly salt = byId<HTMLInputElement>("salt");
  private readonly nonce = byId<HTMLInputElement>("nonce");
  private readonly collateral = byId<HTMLInputElement>("collateral");
  private readonly body = byId<HTMLTableSectionElement>("position-rows");

  /** @param onChange called after every edit */
  constructor(private readonly onChange: () => void) {
    for (const input of [this.owner, this.salt, this.nonce, this.collateral]) input.addEventListener("input", onChange);
    byId("add-position").addEventListener("click", () => {
      this.addRow({});
      this.rows[this.rows.length - 1]!.market.focus();
      onChange();
    });
    byId("new-salt").addEventListener("click", () => {
      this.salt.value = randomSalt();
      onChange();
    });
  }

  /** Whether anything was entered. */
  isEmpty(): boolean {
    return [this.owner, this.salt, this.collateral].every((input) => input.value.trim() === "") && this.rows.length === 0;
  }

  /** The account file the form describes (strings as typed; parseAccount checks them). */
  toJson(): Record<string, unknown> {
    return {
      owner: this.owner.value.trim(),
      salt: this.salt.value.trim(),
      nonce: this.nonce.value.trim() || "0",
      collateral: this.collateral.value.trim(),
      positions: this.rows.map((row) => ({
        market: row.market.value.trim(),
        size: row.size.value.trim(),
        ...(row.entryPrice.value.trim() === "" ? {} : { entryPrice: row.entryPrice.value.trim() }),
      })),
    };
  }

  /**
   * Fills the form from an account file's JSON.
   *
   * @throws ZkMarginError when the file is not an account's shape (fields are checked later by parseAccount)
   */
  fill(json: unknown): void {
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ZkMarginError("account", "expected an object");
    const account = json as Record<string, unknown>;
    const positions = account.positions ?? [];
    if (!Array.isArray(positions)) throw new ZkMarginError("account.positions", "expected an array");
    positions.forEach((position, index) => {
      if (typeof position !== "object" || position === null) throw new ZkMarginError(`account.positions[${index}]`, "expected an object");
    });
    const text = (value: unknown) => (value === undefined || value === null ? "" : String(value));
    this.owner.value = text(account.owner);
    this.salt.value = text(account.salt);
    this.nonce.value = text(account.nonce);
    this.collateral.value = text(account.collateral);
    this.body.replaceChildren();
    this.rows.length = 0;
    for (const position of positions as Record<string, unknown>[]) this.addRow({ market: text(position.market), size: text(position.size), entryPrice: text(position.entryPrice) });
    this.onChange();
  }

  private addRow(values: { market?: string; size?: string; entryPrice?: string }): void {
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
      entryPrice: input(values.entryPrice, "3000", `position ${index + 1} entry price`),
    };
    fields.market.setAttribute("list", "market-ids");
    fields.size.inputMode = "decimal";
    fields.entryPrice.inputMode = "decimal";
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
    row.append(cell(fields.market), cell(fields.size), cell(fields.entryPrice), cell(remove));
    this.body.append(row);
    this.rows.push(fields);
  }
}

/** A new account salt: 31 random bytes (below the field modulus), as a decimal string. */
export function randomSalt(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(31));
  return BigInt(`0x${[...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`).toString();
}
