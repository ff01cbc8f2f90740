import { BINDER_BITS, BUFFER_BITS, PENALTY_BITS, TOKEN_BITS, bound } from "../core/constants.ts";
import { checkUnsigned } from "../core/range.ts";
import { ZkMarginError } from "../core/errors.ts";

/** Which requirement a margin proof certifies. */
export type RequirementKind = "maintenance" | "initial";
/** How a margin proof values positions across the oracle's confidence band. */
export type ValuationSide = "conservative" | "favourable";

/** The public fields of a margin proof (attest, challenge answer), packed into one public input. */
export interface MarginStatement {
  /** Address the proof is bound to (the transaction sender). */
  readonly binder: bigint;
  /** Buffer above the requirement, basis points. */
  readonly bufferBps: bigint;
  readonly requirement: RequirementKind;
  /** conservative: longs at P - k conf, shorts at P + k conf (attest); favourable: the other way (answer). */
  readonly side: ValuationSide;
}

/** statement = binder + 2^160 bufferBps + 2^176 useInitial + 2^177 favourable (margin_statement.circom). */
export function packMarginStatement(statement: MarginStatement): bigint {
  checkUnsigned(statement.binder, BINDER_BITS, "bind");
  checkUnsigned(statement.bufferBps, BUFFER_BITS, "bufferBps");
  return statement.binder + (statement.bufferBps << 160n) + ((statement.requirement === "initial" ? 1n : 0n) << 176n) + ((statement.side === "favourable" ? 1n : 0n) << 177n);
}

/** The inverse of {@link packMarginStatement}. */
export function unpackMarginStatement(packed: bigint): MarginStatement {
  if (packed < 0n || packed >= bound(178)) throw new ZkMarginError("statement", "is not a margin statement (178 bits)");
  return {
    binder: packed & (bound(BINDER_BITS) - 1n),
    bufferBps: (packed >> 160n) & (bound(BUFFER_BITS) - 1n),
    requirement: ((packed >> 176n) & 1n) === 1n ? "initial" : "maintenance",
    side: ((packed >> 177n) & 1n) === 1n ? "favourable" : "conservative",
  };
}

/** The public statement of an apply-fills proof: how many fills, over how many listed markets. */
export interface ApplyStatement {
  readonly count: number;
  readonly listedMarkets: number;
}

/** statement = count + 2^16 listedMarkets. */
export function packApplyStatement(statement: ApplyStatement): bigint {
  checkUnsigned(BigInt(statement.count), 16, "count");
  checkUnsigned(BigInt(statement.listedMarkets), 16, "listedMarkets");
  return BigInt(statement.count) + (BigInt(statement.listedMarkets) << 16n);
}

/** The public amounts of a takeover (token units) and the vault's parameters it was proven with. */
export interface TakeoverStatement {
  /** What the victim's owner gets back. */
  readonly ownerPayout: bigint;
  /** The liquidation penalty taken from the victim's equity (split by the vault). */
  readonly penalty: bigint;
  /** The victim's negative equity, paid by the insurance fund. */
  readonly badDebt: bigint;
  readonly penaltyBps: bigint;
  /** The account's challenge went unanswered: no below-maintenance condition. */
  readonly defaulted: boolean;
}

/** statement = ownerPayout + 2^64 penalty + 2^128 badDebt + 2^192 penaltyBps + 2^208 defaulted. */
export function packTakeoverStatement(statement: TakeoverStatement): bigint {
  checkUnsigned(statement.ownerPayout, TOKEN_BITS, "ownerPayout");
  checkUnsigned(statement.penalty, TOKEN_BITS, "penalty");
  checkUnsigned(statement.badDebt, TOKEN_BITS, "badDebt");
  checkUnsigned(statement.penaltyBps, PENALTY_BITS, "penaltyBps");
  return statement.ownerPayout + (statement.penalty << 64n) + (statement.badDebt << 128n) + (statement.penaltyBps << 192n) + ((statement.defaulted ? 1n : 0n) << 208n);
}

/** The inverse of {@link packTakeoverStatement}. */
export function unpackTakeoverStatement(packed: bigint): TakeoverStatement {
  const mask = bound(64) - 1n;
  return {
    ownerPayout: packed & mask,
    penalty: (packed >> 64n) & mask,
    badDebt: (packed >> 128n) & mask,
    penaltyBps: (packed >> 192n) & (bound(PENALTY_BITS) - 1n),
    defaulted: ((packed >> 208n) & 1n) === 1n,
  };
}
