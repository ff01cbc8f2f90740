import { BINDER_BITS, BUFFER_BITS, COLLATERAL_BITS, bound } from "../core/constants.ts";
import { check } from "../core/errors.ts";

/** Which requirement a margin proof certifies. */
export type RequirementKind = "maintenance" | "initial";

/** The public fields of a margin proof, packed into one public input. */
export interface MarginStatement {
  /** Address or challenge id the proof is bound to (160 bits). */
  readonly binder: bigint;
  /** Buffer above the requirement, basis points. */
  readonly bufferBps: bigint;
  readonly requirement: RequirementKind;
  /** The account's deposited collateral, 6 decimals. */
  readonly collateral: bigint;
}

/** The public fields of a liquidation proof. */
export interface LiquidationStatement {
  /** Address of the liquidator the proof is bound to. */
  readonly liquidator: bigint;
  readonly collateral: bigint;
}

const BUFFER_AT = BigInt(BINDER_BITS);
const KIND_AT = BUFFER_AT + BigInt(BUFFER_BITS);
const COLLATERAL_AT = KIND_AT + 1n;

function checkFields(binder: bigint, collateral: bigint, binderField: string): void {
  check(binder >= 0n && binder < bound(BINDER_BITS), binderField, "must fit in 160 bits");
  check(collateral >= 0n && collateral < bound(COLLATERAL_BITS), "collateral", "must fit in 64 bits");
}

/** statement = binder + 2^160 bufferBps + 2^176 useInitial + 2^177 collateral (margin_statement.circom). */
export function packMarginStatement(statement: MarginStatement): bigint {
  checkFields(statement.binder, statement.collateral, "bind");
  check(statement.bufferBps >= 0n && statement.bufferBps < bound(BUFFER_BITS), "bufferBps", "must be between 0 and 65535");
  return statement.binder + (statement.bufferBps << BUFFER_AT) + ((statement.requirement === "initial" ? 1n : 0n) << KIND_AT) + (statement.collateral << COLLATERAL_AT);
}

/** The inverse of {@link packMarginStatement}. */
export function unpackMarginStatement(packed: bigint): MarginStatement {
  return {
    binder: packed & (bound(BINDER_BITS) - 1n),
    bufferBps: (packed >> BUFFER_AT) & (bound(BUFFER_BITS) - 1n),
    requirement: ((packed >> KIND_AT) & 1n) === 1n ? "initial" : "maintenance",
    collateral: packed >> COLLATERAL_AT,
  };
}

/** statement = liquidator + 2^160 collateral (liquidation_statement.circom). */
export function packLiquidationStatement(statement: LiquidationStatement): bigint {
  checkFields(statement.liquidator, statement.collateral, "bind");
  return statement.liquidator + (statement.collateral << BigInt(BINDER_BITS));
}

/** The inverse of {@link packLiquidationStatement}. */
export function unpackLiquidationStatement(packed: bigint): LiquidationStatement {
  return { liquidator: packed & (bound(BINDER_BITS) - 1n), collateral: packed >> BigInt(BINDER_BITS) };
}
