import { accountCommitment } from "../commitment/account.ts";
import { extendChain, fillCommitment } from "../commitment/fill.ts";
import { roundCommitments, type RoundCommitments } from "../commitment/round.ts";
import { packApplyStatement, packMarginStatement, packTakeoverStatement, type RequirementKind, type ValuationSide } from "../commitment/statement.ts";
import { fillInputs, publicText, roundInputs, stateInputs, tierInputs, type CircuitInput } from "../circuit/inputs.ts";
import { selectCircuit, type CircuitSpec, type StatementKind } from "../circuit/registry.ts";
import { formatScaled } from "../core/decimal.ts";
import { ZkMarginError, ZkMarginRefusal } from "../core/errors.ts";
import { toAddress, toHex32 } from "../core/field.ts";
import { applyFills, deposit, takeover, withdraw, type TakeoverResult, type TransitionOptions } from "../engine/transitions.ts";
import { surplus, surplusDecimals, unpricedHolding, type MarginQuestion } from "../engine/valuation.ts";
import type { AccountState, Fill, MarketSet, OracleRound } from "../model/types.ts";

// One prepare function per statement (circuits/README.md, "Statements"): each checks the request with the
// TypeScript engine first (refusing, with the reason, what the circuit would refuse), computes the new state
// of a transition, picks the statement's circuit at the account's capacity and lays out its input.

/** What a proof states, in readable form (written next to the proof in a proof file). */
export type StatementSummary =
  | { readonly kind: "deposit"; readonly accountId: string; readonly amount: string }
  | { readonly kind: "fills"; readonly accountId: string; readonly count: number; readonly listedMarkets: number; readonly head: string }
  | { readonly kind: "withdraw"; readonly accountId: string; readonly amount: string; readonly round: string }
  | { readonly kind: "margin"; readonly accountId: string; readonly requirement: RequirementKind; readonly side: ValuationSide; readonly bufferBps: number; readonly binder: string; readonly round: string }
  | { readonly kind: "takeover"; readonly victim: string; readonly liquidator: string; readonly ownerPayout: string; readonly penalty: string; readonly badDebt: string; readonly penaltyBps: number; readonly defaulted: boolean; readonly round: string };

/** Everything needed to prove a statement and to use its result. */
export interface PreparedProof {
  readonly kind: StatementKind;
  readonly circuit: CircuitSpec;
  readonly input: CircuitInput;
  /** Public inputs in the circuit's order (circuits.json `pubs`). */
  readonly publicInputs: readonly bigint[];
  readonly summary: StatementSummary;
  /** The account's (for a takeover: the liquidator's) state after the transition. */
  readonly next?: AccountState;
  /** The round's commitments, for statements that read a round. */
  readonly round?: RoundCommitments;
  /** The public amounts of a takeover. */
  readonly takeover?: TakeoverResult;
}

const tokens = (amount: bigint) => formatScaled(amount, 6);

function prepared(kind: StatementKind, circuit: CircuitSpec, input: CircuitInput, publicInputs: bigint[], summary: StatementSummary, extra: Partial<PreparedProof> = {}): PreparedProof {
  const publics = publicText(publicInputs);
  circuit.pubs.forEach((name, i) => {
    input[name] = publics[i]!;
  });
  return { kind, circuit, input, publicInputs, summary, ...extra };
}

// Kept with the proof file's shape, which a verifying process loads without the commitments.
export { namedPublicInputs } from "./proof-file-shape.ts";

/** A deposit of `amount` tokens (6 decimals) into the account. */
export function prepareDeposit(state: AccountState, amount: bigint, specs: readonly CircuitSpec[], options: TransitionOptions = {}): PreparedProof {
  const next = deposit(state, amount, options);
  const circuit = selectCircuit(specs, "deposit", state.slots.length);
  const input = { ...stateInputs(state), newSalt: next.salt.toString() };
  return prepared("deposit", circuit, input, [accountCommitment(state), accountCommitment(next), amount], { kind: "deposit", accountId: state.accountId.toString(), amount: tokens(amount) }, { next });
}

/**
 * Applies the next fills of the account's chain (at most the circuit's K). `listedMarkets` is the registry's
 * listed market count, which the vault puts in the statement.
 */
export function prepareApplyFills(state: AccountState, fills: readonly Fill[], listedMarkets: number, specs: readonly CircuitSpec[], options: TransitionOptions = {}): PreparedProof {
  const circuit = selectCircuit(specs, "fills", state.slots.length);
  if (fills.length > circuit.fills) throw new ZkMarginError("fills", `${fills.length} fills do not fit one proof of ${circuit.fills}: apply them in batches`);
  fills.forEach((fill, i) => {
    if (fill.market >= listedMarkets) throw new ZkMarginError(`fills[${i}].market`, `${fill.market} is not listed (the registry lists ${listedMarkets} markets)`);
  });
  const next = applyFills(state, fills, options);
  const input = { ...stateInputs(state), newSalt: next.salt.toString(), ...fillInputs(fills, circuit.fills) };
  const statement = packApplyStatement({ count: fills.length, listedMarkets });
  return prepared("fills", circuit, input, [accountCommitment(state), accountCommitment(next), next.head, statement], {
    kind: "fills", accountId: state.accountId.toString(), count: fills.length, listedMarkets, head: toHex32(next.head),
  }, { next });
}

/** The head the vault must hold after `fills` are appended to a chain at `head` (what postFill computes). */
export function chainHead(head: bigint, fills: readonly Fill[]): bigint {
  return fills.reduce((current, fill) => extendChain(current, fillCommitment(fill)), head);
}

/** A withdrawal of `amount` tokens; refused unless the account then meets its initial requirement at the round. */
export function prepareWithdraw(state: AccountState, amount: bigint, round: OracleRound, markets: MarketSet, specs: readonly CircuitSpec[], options: TransitionOptions = {}): PreparedProof {
  const next = withdraw(state, amount, round, markets, options);
  const circuit = selectCircuit(specs, "withdraw", state.slots.length, markets.profile);
  const commitments = roundCommitments(round, markets, state.slots.length);
  const input = { ...stateInputs(state), newSalt: next.salt.toString(), ...roundInputs(round, markets, state.slots.length), tier: tierInputs(next, round, markets, "initial") };
  return prepared("withdraw", circuit, input, [accountCommitment(state), accountCommitment(next), commitments.roundCommitment, amount], {
    kind: "withdraw", accountId: state.accountId.toString(), amount: tokens(amount), round: round.round.toString(),
  }, { next, round: commitments });
}

/** A margin proof request (attest: conservative with a buffer; challenge answer: favourable, maintenance, 0). */
export interface MarginRequest extends Partial<MarginQuestion> {
  /** The address the proof is bound to: the account that will send it (the vault uses msg.sender). */
  readonly binder: bigint;
}

/**
 * A margin proof of the account at the round; refused (naming the shortfall) when the account does not meet
 * what is asked.
 */
export function prepareMargin(state: AccountState, round: OracleRound, markets: MarketSet, request: MarginRequest, specs: readonly CircuitSpec[]): PreparedProof {
  const question: MarginQuestion = { requirement: request.requirement ?? "maintenance", side: request.side ?? "conservative", bufferBps: request.bufferBps ?? 0n };
  const unpriced = unpricedHolding(state, round);
  if (unpriced !== undefined) throw new ZkMarginRefusal("account", `holds market ${unpriced}, which round ${round.round} does not price`);
  const value = surplus(state, round, markets, question);
  if (value < 0n) {
    const buffered = question.bufferBps > 0n ? ` x (1 + ${formatScaled(question.bufferBps, 2)}%)` : "";
    const what = markets.profile === "lending" ? (question.requirement === "initial" ? "loan-to-value limit" : "health factor of 1") : `${question.requirement} margin`;
    const side = question.side === "favourable" ? ", valued in its favour: it is liquidatable" : markets.confidenceMultiplier > 0n ? ", confidence included" : "";
    throw new ZkMarginRefusal("account", `does not meet the ${what}${buffered} at round ${round.round}: short by ${formatScaled(-value, surplusDecimals(markets), 6, "up")} (quote units${side})`);
  }
  const circuit = selectCircuit(specs, "margin", state.slots.length, markets.profile);
  const commitments = roundCommitments(round, markets, state.slots.length);
  const statement = packMarginStatement({ binder: request.binder, ...question });
  const input = { ...stateInputs(state), ...roundInputs(round, markets, state.slots.length), tier: tierInputs(state, round, markets, question.requirement) };
  return prepared("margin", circuit, input, [accountCommitment(state), commitments.roundCommitment, statement], {
    kind: "margin", accountId: state.accountId.toString(), requirement: question.requirement, side: question.side, bufferBps: Number(question.bufferBps), binder: toAddress(request.binder), round: round.round.toString(),
  }, { round: commitments });
}

/** Options of {@link prepareTakeover}: the vault's penalty and whether the victim defaulted on a challenge. */
export interface TakeoverRequest extends TransitionOptions {
  readonly penaltyBps: bigint;
  readonly defaulted?: boolean;
}

/**
 * A takeover of `victim` by the liquidator's account at the round; refused when the victim is not
 * liquidatable (and has not defaulted) or the liquidator would not meet its initial requirement.
 */
export function prepareTakeover(victim: AccountState, liquidator: AccountState, round: OracleRound, markets: MarketSet, request: TakeoverRequest, specs: readonly CircuitSpec[]): PreparedProof {
  const result = takeover(victim, liquidator, round, markets, request);
  const capacity = victim.slots.length;
  const circuit = selectCircuit(specs, "takeover", capacity, markets.profile);
  const commitments = roundCommitments(round, markets, capacity);
  const defaulted = request.defaulted ?? false;
  const statement = packTakeoverStatement({ ownerPayout: result.ownerPayout, penalty: result.penalty, badDebt: result.badDebt, penaltyBps: request.penaltyBps, defaulted });
  const input: CircuitInput = {
    ...stateInputs(victim, "victim"),
    victimTier: tierInputs(victim, round, markets, "maintenance"),
    ...stateInputs(liquidator, "liquidator", false),
    liquidatorNewSalt: result.liquidator.salt.toString(),
    liquidatorTier: tierInputs(result.liquidator, round, markets, "initial"),
    ...roundInputs(round, markets, capacity),
  };
  return prepared("takeover", circuit, input, [accountCommitment(victim), accountCommitment(liquidator), accountCommitment(result.liquidator), commitments.roundCommitment, statement], {
    kind: "takeover",
    victim: victim.accountId.toString(),
    liquidator: liquidator.accountId.toString(),
    ownerPayout: tokens(result.ownerPayout),
    penalty: tokens(result.penalty),
    badDebt: tokens(result.badDebt),
    penaltyBps: Number(request.penaltyBps),
    defaulted,
    round: round.round.toString(),
  }, { next: result.liquidator, round: commitments, takeover: result });
}
