import fc from "fast-check";
import { accountCommitment, roundCommitments } from "../../prover/src/commitment/commitments.ts";
import { packLiquidationStatement, packMarginStatement, type RequirementKind } from "../../prover/src/commitment/statement.ts";
import { circuitInput, type CircuitInput } from "../../prover/src/circuit/inputs.ts";
import { ADJUSTMENT_BITS, COLLATERAL_BITS, CONFIDENCE_BITS, PRICE_BITS, SIZE_BITS, bound } from "../../prover/src/core/constants.ts";
import type { Account, Market, MarketRisk, MarketSet, OracleRound, Position, Profile, Tier } from "../../prover/src/model/types.ts";

/** A market set of `profile` from per-market risk parameters; ids M0, M1, ... */
export function makeMarketSet(profile: Profile, risks: readonly MarketRisk[], confidenceMultiplier = 0n): MarketSet {
  const markets: Market[] = risks.map((risk, index) => ({ id: `M${index}`, index, risk }));
  return { profile, confidenceMultiplier, markets, byId: new Map(markets.map((market) => [market.id, market])) };
}

/** A cross-margin market set from (maintenance, initial) rates in ppm. */
export function makeMarkets(rates: readonly (readonly [bigint, bigint])[], confidenceMultiplier = 0n): MarketSet {
  return makeMarketSet("cross", rates.map(([maintenanceRate, initialRate]) => ({ profile: "cross", maintenanceRate, initialRate })), confidenceMultiplier);
}

/** A round over the given prices (8 decimals) and confidences (default 0). */
export function makeRound(prices: readonly bigint[], confidences: readonly bigint[] = prices.map(() => 0n), round = 7n, timestamp = 1_763_700_000n): OracleRound {
  return { round, timestamp, prices, confidences };
}

/** An account from (market index, signed size) pairs; the adjustment is given directly (16 decimals). */
export function makeAccount(markets: MarketSet, positions: readonly (readonly [number, bigint])[], collateral: bigint, adjustment = 0n, nonce = 0n): Account {
  const list: Position[] = positions.map(([index, size]) => ({ market: markets.markets[index]!, size, entryPrice: 0n }));
  return { owner: 0x70997970c51812dc3a010c7d01b50e0d17dc79c8n, salt: 123456789012345678901234567890n, nonce, collateral, positions: list, adjustment };
}

/** The adjustment that gives an account `equity` (16 decimals) at the round's mark prices. */
export function adjustmentFor(account: Account, round: OracleRound, equity: bigint): bigint {
  const positionValue = account.positions.reduce((sum, position) => sum + position.size * round.prices[position.market.index]!, 0n);
  return equity - account.collateral * 10n ** 10n - positionValue;
}

/** The honest witness input of a margin (or health) proof on a circuit of the markets' profile. */
export function marginInput(account: Account, round: OracleRound, markets: MarketSet, slots: number, marketCount: number, options: { requirement?: RequirementKind; bufferBps?: bigint; binder?: bigint } = {}): CircuitInput {
  const statement = packMarginStatement({ binder: options.binder ?? 0xabcn, bufferBps: options.bufferBps ?? 0n, requirement: options.requirement ?? "maintenance", collateral: account.collateral });
  return circuitInput(account, round, markets, slots, marketCount, { accountCommitment: accountCommitment(account), roundCommitment: roundCommitments(round, markets).roundCommitment, statement });
}

/** The honest witness input of a liquidation proof on a circuit of the markets' profile. */
export function liquidationInput(account: Account, round: OracleRound, markets: MarketSet, slots: number, marketCount: number, liquidator = 0xdeadn): CircuitInput {
  const statement = packLiquidationStatement({ liquidator, collateral: account.collateral });
  return circuitInput(account, round, markets, slots, marketCount, { accountCommitment: accountCommitment(account), roundCommitment: roundCommitments(round, markets).roundCommitment, statement });
}

/** A random scenario: markets with parameters of one profile, a round with confidences, and an account. */
export interface Scenario {
  readonly markets: MarketSet;
  readonly round: OracleRound;
  readonly account: Account;
}

const rate = fc.bigInt({ min: 1n, max: 1_000_000n });

/** Random risk parameters of `profile`, valid as the SDK's parser requires. */
export function riskArbitrary(profile: Profile): fc.Arbitrary<MarketRisk> {
  if (profile === "cross") return fc.tuple(rate, rate).map(([a, b]): MarketRisk => ({ profile, maintenanceRate: a < b ? a : b, initialRate: a < b ? b : a }));
  if (profile === "lending") return fc.tuple(fc.bigInt({ min: 0n, max: 1_000_000n }), fc.bigInt({ min: 0n, max: 1_000_000n })).map(([a, b]): MarketRisk => ({ profile, liquidationThreshold: a < b ? b : a, loanToValue: a < b ? a : b }));
  return fc
    .record({
      floors: fc.uniqueArray(fc.bigInt({ min: 1n, max: 10n ** 9n }), { minLength: 0, maxLength: 3 }),
      rates: fc.array(fc.tuple(rate, rate), { minLength: 4, maxLength: 4 }),
    })
    .map(({ floors, rates }): MarketRisk => {
      const sortedFloors = [0n, ...[...floors].sort((a, b) => (a < b ? -1 : 1))];
      const maintenance = rates.map(([a, b]) => (a < b ? a : b)).sort((a, b) => (a < b ? -1 : 1));
      const initial = rates.map(([a, b]) => (a < b ? b : a)).sort((a, b) => (a < b ? -1 : 1));
      const tiers: Tier[] = sortedFloors.map((floor, t) => ({ floor, maintenanceRate: maintenance[t]!, initialRate: initial[t]! < maintenance[t]! ? maintenance[t]! : initial[t]! }));
      return { profile, tiers };
    });
}

/**
 * Random scenarios of `profile` over `marketCount` markets. Values are drawn from the whole allowed range,
 * with a bias toward realistic magnitudes and toward the edges (0, 1, the maximum) through fast-check's bigInt.
 */
export function scenarioArbitrary(marketCount: number, maxPositions: number, profile: Profile = "cross"): fc.Arbitrary<Scenario> {
  const price = fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 14n }), fc.bigInt({ min: 1n, max: bound(PRICE_BITS) - 1n }));
  const size = fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.bigInt({ min: 1n, max: bound(SIZE_BITS) - 1n }));
  return fc
    .record({
      risks: fc.array(riskArbitrary(profile), { minLength: marketCount, maxLength: marketCount }),
      multiplier: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 1_023n })),
      prices: fc.array(price, { minLength: marketCount, maxLength: marketCount }),
      confidences: fc.array(fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 10n ** 10n }), fc.bigInt({ min: 0n, max: bound(CONFIDENCE_BITS) - 1n })), { minLength: marketCount, maxLength: marketCount }),
      picks: fc.uniqueArray(fc.integer({ min: 0, max: marketCount - 1 }), { maxLength: maxPositions }),
      sizes: fc.array(fc.tuple(size, fc.boolean()), { minLength: maxPositions, maxLength: maxPositions }),
      collateral: fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: bound(COLLATERAL_BITS) - 1n })),
      adjustment: fc.oneof(fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n }), fc.bigInt({ min: -bound(ADJUSTMENT_BITS), max: bound(ADJUSTMENT_BITS) - 1n })),
    })
    .map(({ risks, multiplier, prices, confidences, picks, sizes, collateral, adjustment }) => {
      const markets = makeMarketSet(profile, risks, multiplier);
      const positions = picks.map((index, i) => [index, sizes[i]![1] ? -sizes[i]![0] : sizes[i]![0]] as const);
      return { markets, round: makeRound(prices, confidences), account: makeAccount(markets, positions, collateral, adjustment) };
    });
}
