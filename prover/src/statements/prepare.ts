import { accountCommitment, roundCommitments } from "../commitment/commitments.ts";
import { packLiquidationStatement, packMarginStatement, type RequirementKind } from "../commitment/statement.ts";
import { circuitInput, type CircuitInput } from "../circuit/inputs.ts";
import { selectCircuit, type CircuitSpec } from "../circuit/registry.ts";
import { formatScaled } from "../core/decimal.ts";
import { ZkMarginError } from "../core/errors.ts";
import { toAddress } from "../core/field.ts";
import { isLiquidatable, liquidationDeficit, marginSurplus, statementDecimals } from "../engine/statement-values.ts";
import type { Account, MarketSet, OracleRound } from "../model/types.ts";

/** The data a proof speaks about. */
export interface ProofSubject {
  readonly account: Account;
  readonly round: OracleRound;
  readonly markets: MarketSet;
}

/** A margin proof request: the account meets `requirement * (1 + bufferBps / 10^4)` at the round. */
export interface MarginRequest extends ProofSubject {
  readonly requirement?: RequirementKind;
  readonly bufferBps?: bigint;
  /** Address (or challenge id) the proof is bound to; 0 when unbound. */
  readonly binder?: bigint;
}

/** A liquidation proof request: the account is below maintenance at the round. */
export interface LiquidationRequest extends ProofSubject {
  /** The liquidator's address, bound into the proof. */
  readonly liquidator: bigint;
}

/** What a proof states, in readable form (written next to the proof). */
export type StatementSummary =
  | { readonly kind: "margin"; readonly requirement: RequirementKind; readonly bufferBps: number; readonly binder: string; readonly collateral: string }
  | { readonly kind: "liquidation"; readonly liquidator: string; readonly collateral: string };

/** Everything needed to prove: the circuit, its input, and the public values. */
export interface PreparedProof {
  readonly circuit: CircuitSpec;
  readonly input: CircuitInput;
  readonly accountCommitment: bigint;
  readonly roundCommitment: bigint;
  readonly pricesCommitment: bigint;
  readonly riskCommitment: bigint;
  readonly statement: bigint;
  readonly summary: StatementSummary;
}

/**
 * Checks a margin request with the TS engine (refusing, with the shortfall, an account that does not meet
 * it), picks the smallest circuit that fits, and lays out the circuit input.
 *
 * @throws ZkMarginError naming the shortfall, or the field that does not fit
 */
export function prepareMarginProof(request: MarginRequest, specs: readonly CircuitSpec[]): PreparedProof {
  const requirement = request.requirement ?? "maintenance";
  const bufferBps = request.bufferBps ?? 0n;
  const binder = request.binder ?? 0n;
  const statement = packMarginStatement({ binder, bufferBps, requirement, collateral: request.account.collateral });
  const surplus = marginSurplus(request.account, request.round, request.markets, requirement, bufferBps);
  if (surplus < 0n) {
    const buffered = bufferBps > 0n ? ` x (1 + ${formatScaled(bufferBps, 2)}%)` : "";
    const what = request.markets.profile === "lending" ? (requirement === "initial" ? "loan-to-value limit" : "health factor of 1") : `${requirement} margin`;
    const confidence = request.markets.confidenceMultiplier > 0n ? ", confidence included" : "";
    const shortText = formatScaled(-surplus, statementDecimals(request.markets, "margin"), 6, "up");
    throw new ZkMarginError("account", `does not meet the ${what}${buffered} at round ${request.round.round}: short by ${shortText} (quote units${confidence})`);
  }
  return prepare(request, specs, "margin", statement, {
    kind: "margin",
    requirement,
    bufferBps: Number(bufferBps),
    binder: toAddress(binder),
    collateral: formatScaled(request.account.collateral, 6),
  });
}

/**
 * Checks a liquidation request with the TS engine (refusing a healthy account), picks the circuit and lays
 * out the input.
 *
 * @throws ZkMarginError when the account is not liquidatable
 */
export function prepareLiquidationProof(request: LiquidationRequest, specs: readonly CircuitSpec[]): PreparedProof {
  if (!isLiquidatable(request.account, request.round, request.markets)) {
    const margin = 1n - liquidationDeficit(request.account, request.round, request.markets);
    const reason = request.account.positions.length === 0
      ? "has no positions, so nothing to liquidate"
      : `is not liquidatable at round ${request.round.round}: it is ${formatScaled(margin, statementDecimals(request.markets, "liquidation"), 6, "down")} (quote units) above the liquidation line`;
    throw new ZkMarginError("account", reason);
  }
  const statement = packLiquidationStatement({ liquidator: request.liquidator, collateral: request.account.collateral });
  return prepare(request, specs, "liquidation", statement, {
    kind: "liquidation",
    liquidator: toAddress(request.liquidator),
    collateral: formatScaled(request.account.collateral, 6),
  });
}

function prepare(subject: ProofSubject, specs: readonly CircuitSpec[], kind: "margin" | "liquidation", statement: bigint, summary: StatementSummary): PreparedProof {
  const circuit = selectCircuit(specs, subject.markets.profile, kind, subject.account.positions.length, subject.markets.markets.length);
  const commitments = roundCommitments(subject.round, subject.markets);
  const account = accountCommitment(subject.account);
  const input = circuitInput(subject.account, subject.round, subject.markets, circuit.slots, circuit.markets, {
    accountCommitment: account,
    roundCommitment: commitments.roundCommitment,
    statement,
  });
  return { circuit, input, accountCommitment: account, ...commitments, statement, summary };
}

/** Public inputs in the order of the circuits: [accountCommitment, roundCommitment, statement]. */
export function publicSignalsOf(prepared: PreparedProof): string[] {
  return [prepared.accountCommitment, prepared.roundCommitment, prepared.statement].map((value) => value.toString());
}
