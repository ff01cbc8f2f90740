import { accountCommitment, roundCommitments } from "../commitment/commitments.ts";
import { packLiquidationStatement, packMarginStatement } from "../commitment/statement.ts";
import { circuitInput, type CircuitInput } from "../circuit/inputs.ts";
import type { StatementKind } from "../circuit/registry.ts";
import type { Account, Market, MarketRisk, MarketSet, OracleRound, Profile } from "../model/types.ts";

/** What a benchmark account is made for: a circuit's profile, statement and capacity. */
export interface BenchShape {
  readonly profile: Profile;
  readonly kind: StatementKind;
  /** Position slots (N). */
  readonly slots: number;
  /** Markets (M). */
  readonly markets: number;
}

/**
 * A full account for a circuit shape: every slot used (markets reused round-robin when N > M, which the
 * circuits accept), half of the positions short, every market priced with a confidence interval; healthy for
 * a margin circuit, deep underwater for a liquidation circuit. Deterministic, so every run proves the same
 * statement; `variant` changes the account's salt (another account, another commitment).
 */
export function benchScenario(shape: BenchShape, variant = 0): { account: Account; round: OracleRound; markets: MarketSet } {
  const { profile } = shape;
  const risk = (index: number): MarketRisk =>
    profile === "lending" ? { profile, liquidationThreshold: 800_000n, loanToValue: 750_000n }
    : profile === "tiered" ? { profile, tiers: [
      { floor: 0n, maintenanceRate: 10_000n + BigInt(index), initialRate: 20_000n },
      { floor: 1_000n, maintenanceRate: 20_000n, initialRate: 40_000n },
      { floor: 100_000n, maintenanceRate: 50_000n, initialRate: 100_000n },
    ] }
    : { profile, maintenanceRate: 30_000n + BigInt(index) * 1_000n, initialRate: 50_000n + BigInt(index) * 2_000n };
  const list: Market[] = Array.from({ length: shape.markets }, (_, index) => ({ id: `M${index}`, index, risk: risk(index) }));
  const markets: MarketSet = { profile, confidenceMultiplier: 200n, markets: list, byId: new Map(list.map((market) => [market.id, market])) };
  const prices = list.map((_, index) => BigInt(index + 1) * 1_234_567_890n);
  const round: OracleRound = { round: 1n, timestamp: 1_763_700_000n, prices, confidences: prices.map((price) => price / 1_000n) };
  const positions = Array.from({ length: shape.slots }, (_, i) => ({
    market: list[i % shape.markets]!,
    size: (i % 2 === 0 ? 1n : -1n) * BigInt(i + 1) * 10n ** 8n,
    entryPrice: 0n,
  }));
  const liquidatable = shape.kind === "liquidation";
  const account: Account = {
    owner: 0xabcn, salt: 987654321n + BigInt(variant), nonce: 0n,
    collateral: liquidatable ? 0n : 10n ** 12n,
    positions,
    adjustment: liquidatable ? -(10n ** 30n) : 0n,
  };
  return { account, round, markets };
}

/**
 * The circuit input of {@link benchScenario}: a maintenance margin proof bound to 0xbeef, or a liquidation
 * proof by liquidator 0xbeef.
 */
export function benchInput(shape: BenchShape, variant = 0): CircuitInput {
  const { account, round, markets } = benchScenario(shape, variant);
  const statement = shape.kind === "liquidation"
    ? packLiquidationStatement({ liquidator: 0xbeefn, collateral: account.collateral })
    : packMarginStatement({ binder: 0xbeefn, bufferBps: 0n, requirement: "maintenance", collateral: account.collateral });
  return circuitInput(account, round, markets, shape.slots, shape.markets, {
    accountCommitment: accountCommitment(account),
    roundCommitment: roundCommitments(round, markets).roundCommitment,
    statement,
  });
}
