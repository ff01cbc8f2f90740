import fc from "fast-check";
import { accountCommitment, roundCommitments } from "../../prover/src/commitment/commitments.ts";
import { packLiquidationStatement, packMarginStatement, type RequirementKind } from "../../prover/src/commitment/statement.ts";
import { circuitInput, type CircuitInput } from "../../prover/src/circuit/inputs.ts";
import { ADJUSTMENT_BITS, COLLATERAL_BITS, PRICE_BITS, SIZE_BITS, bound } from "../../prover/src/core/constants.ts";
import type { Account, Market, MarketSet, OracleRound, Position } from "../../prover/src/model/types.ts";

/** A market set from (maintenance, initial) rates in ppm; ids M0, M1, ... */
export function makeMarkets(rates: readonly (readonly [bigint, bigint])[]): MarketSet {
  const markets: Market[] = rates.map(([maintenanceRate, initialRate], index) => ({ id: `M${index}`, index, maintenanceRate, initialRate }));
  return { markets, byId: new Map(markets.map((market) => [market.id, market])) };
}

/** A round over the given prices (8 decimals). */
export function makeRound(prices: readonly bigint[], round = 7n, timestamp = 1_763_700_000n): OracleRound {
  return { round, timestamp, prices };
}

/** An account from (market index, signed size) pairs; the adjustment is given directly (16 decimals). */
export function makeAccount(markets: MarketSet, positions: readonly (readonly [number, bigint])[], collateral: bigint, adjustment = 0n, nonce = 0n): Account {
  const list: Position[] = positions.map(([index, size]) => ({ market: markets.markets[index]!, size, entryPrice: 0n }));
  return { owner: 0x70997970c51812dc3a010c7d01b50e0d17dc79c8n, salt: 123456789012345678901234567890n, nonce, collateral, positions: list, adjustment };
}

/** The equity an account would need so that its adjustment hits `equity` exactly (16 decimals). */
export function adjustmentFor(account: Account, round: OracleRound, equity: bigint): bigint {
  const positionValue = account.positions.reduce((sum, position) => sum + position.size * round.prices[position.market.index]!, 0n);
  return equity - account.collateral * 10n ** 10n - positionValue;
}

/** The honest witness input of a margin proof on a test circuit. */
export function marginInput(account: Account, round: OracleRound, markets: MarketSet, slots: number, marketCount: number, options: { requirement?: RequirementKind; bufferBps?: bigint; binder?: bigint } = {}): CircuitInput {
  const statement = packMarginStatement({ binder: options.binder ?? 0xabcn, bufferBps: options.bufferBps ?? 0n, requirement: options.requirement ?? "maintenance", collateral: account.collateral });
  return circuitInput(account, round, markets, slots, marketCount, { accountCommitment: accountCommitment(account), roundCommitment: roundCommitments(round, markets).roundCommitment, statement });
}

/** The honest witness input of a liquidation proof on a test circuit. */
export function liquidationInput(account: Account, round: OracleRound, markets: MarketSet, slots: number, marketCount: number, liquidator = 0xdeadn): CircuitInput {
  const statement = packLiquidationStatement({ liquidator, collateral: account.collateral });
  return circuitInput(account, round, markets, slots, marketCount, { accountCommitment: accountCommitment(account), roundCommitment: roundCommitments(round, markets).roundCommitment, statement });
}

/** A random scenario: markets with rates, a round, and an account of up to `maxPositions` distinct markets. */
export interface Scenario {
  readonly markets: MarketSet;
  readonly round: OracleRound;
  readonly account: Account;
}

/**
 * Random scenarios over `marketCount` markets. Values are drawn from the whole allowed range, with a bias
 * toward realistic magnitudes and toward the edges (0, 1, the maximum) through fast-check's bigInt.
 */
export function scenarioArbitrary(marketCount: number, maxPositions: number): fc.Arbitrary<Scenario> {
  const rate = fc.bigInt({ min: 1n, max: 1_000_000n });
  const price = fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 14n }), fc.bigInt({ min: 1n, max: bound(PRICE_BITS) - 1n }));
  const size = fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.bigInt({ min: 1n, max: bound(SIZE_BITS) - 1n }));
  return fc
    .record({
      rates: fc.array(fc.tuple(rate, rate), { minLength: marketCount, maxLength: marketCount }),
      prices: fc.array(price, { minLength: marketCount, maxLength: marketCount }),
      picks: fc.uniqueArray(fc.integer({ min: 0, max: marketCount - 1 }), { maxLength: maxPositions }),
      sizes: fc.array(fc.tuple(size, fc.boolean()), { minLength: maxPositions, maxLength: maxPositions }),
      collateral: fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: bound(COLLATERAL_BITS) - 1n })),
      adjustment: fc.oneof(fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n }), fc.bigInt({ min: -bound(ADJUSTMENT_BITS), max: bound(ADJUSTMENT_BITS) - 1n })),
    })
    .map(({ rates, prices, picks, sizes, collateral, adjustment }) => {
      const markets = makeMarkets(rates.map(([a, b]): [bigint, bigint] => (a <= b ? [a, b] : [b, a])));
      const positions = picks.map((index, i) => [index, sizes[i]![1] ? -sizes[i]![0] : sizes[i]![0]] as const);
      return { markets, round: makeRound(prices), account: makeAccount(markets, positions, collateral, adjustment) };
    });
}
