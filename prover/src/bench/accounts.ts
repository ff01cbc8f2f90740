import type { CircuitInput } from "../circuit/inputs.ts";
import { CASH_PER_TOKEN, TIER_COUNT } from "../core/constants.ts";
import { MIN_SALT } from "../engine/transitions.ts";
import type { AccountState, Fill, Market, MarketSet, OracleRound, Profile, Slot, Tier } from "../model/types.ts";
import { prepareApplyFills, prepareDeposit, prepareMargin, prepareTakeover, prepareWithdraw, type PreparedProof } from "../statements/prepare.ts";
import { fillsOf, specOf, type BenchShape } from "./specs.ts";

const E8 = 10n ** 8n;
const DOMAIN = { chainId: 31_337n, vault: 0x5fbdb2315678afecb367f032d93f642f64180aa3n };
const TRADER = 7n;
const COUNTERPARTY = 8n;
const LIQUIDATOR = 9n;

/** The risk table of market `index` in a profile: one tier (cross, lending) or TIER_COUNT (tiered). */
function tiersOf(profile: Profile, index: number): Tier[] {
  const bump = BigInt(index) * 1_000n;
  if (profile === "lending") return [{ floor: 0n, first: 800_000n, second: 750_000n }];
  if (profile === "cross") return [{ floor: 0n, first: 30_000n + bump, second: 50_000n + 2n * bump }];
  return Array.from({ length: TIER_COUNT }, (_, t) => ({ floor: t === 0 ? 0n : 10n ** BigInt(3 + t), first: 10_000n * BigInt(t + 1) + bump, second: 20_000n * BigInt(t + 1) + bump }));
}

/** A bench market set and round over `markets` markets: every market priced, with a confidence interval and a funding index. */
export function benchMarkets(profile: Profile, markets: number): { markets: MarketSet; round: OracleRound } {
  const list: Market[] = Array.from({ length: markets }, (_, index) => ({ id: `M${index}`, index, tiers: tiersOf(profile, index) }));
  const set: MarketSet = { profile, confidenceMultiplier: 200n, markets: list, byId: new Map(list.map((market) => [market.id, market])) };
  const prices = list.map((_, index) => BigInt(index + 1) * 1_234_567_890n);
  const round: OracleRound = {
    round: 42n,
    timestamp: 1_763_700_000n,
    prices,
    confidences: prices.map((price) => price / 1_000n),
    fundingIndexes: prices.map((_, index) => BigInt(index % 3) * 1_000_000n),
  };
  return { markets: set, round };
}

/** How a bench account's slots are filled: half long and half short, all long, or none held. */
type Book = "mixed" | "long" | "flat";

/**
 * An account with every slot held (by default half of them short; each last settled at an older funding index,
 * so that every slot carries unsettled funding) and `cash` of 16-decimal cash. Deterministic: `variant` changes
 * the salt (another account, another commitment).
 */
function benchState(accountId: bigint, markets: number, cash: bigint, variant: number, book: Book = "mixed", sizeScale = 1n): AccountState {
  const side = (i: number) => (book === "flat" ? 0n : book === "long" || i % 2 === 0 ? 1n : -1n);
  const slots: Slot[] = Array.from({ length: markets }, (_, i) => ({ size: side(i) * BigInt(i + 1) * sizeScale * E8, fundingIndex: -BigInt(i) * 10_000n }));
  return { domain: DOMAIN, accountId, owner: 0xabcn + accountId, salt: MIN_SALT + 987_654_321n + BigInt(variant), nonce: 5n, cash, head: 0x1234n, fillsApplied: 12n, slots };
}

/** K fills of the bench account against its counterparty, one per market round-robin, alternating sides, fees paid. */
function benchFills(round: OracleRound, markets: number, count: number): Fill[] {
  return Array.from({ length: count }, (_, k) => {
    const market = k % markets;
    const buy = k % 2 === 0;
    return {
      fillId: 100n + BigInt(k),
      market,
      size: BigInt(k + 1) * E8 / 2n,
      price: round.prices[market]! + BigInt(k) * 1_000n,
      fundingIndex: round.fundingIndexes[market]!,
      buyerId: buy ? TRADER : COUNTERPARTY,
      sellerId: buy ? COUNTERPARTY : TRADER,
      buyerFee: 5n * 10n ** 13n,
      sellerFee: -(10n ** 13n),
      blinding: MIN_SALT + 55n + BigInt(k),
    };
  });
}

/**
 * The prepared statement of a bench shape at its circuit: a deposit; K fills applied; a healthy account's
 * maintenance attest bound to 0xbeef; a withdrawal that keeps the initial requirement; a takeover of an
 * account far below maintenance by a well-funded liquidator (bad debt paid by insurance). Every one is checked
 * by the TypeScript engine first, as the SDK does, so the circuit proves a true statement.
 */
export function benchProof(shape: BenchShape, variant = 0): PreparedProof {
  const specs = [specOf(shape)];
  const profile = shape.profile ?? "cross";
  const { markets, round } = benchMarkets(profile, shape.markets);
  const rich = 10n ** 9n * CASH_PER_TOKEN * 10n ** 6n;
  const salt = { salt: MIN_SALT + 1_000n + BigInt(variant) };
  switch (shape.kind) {
    case "deposit":
      return prepareDeposit(benchState(TRADER, shape.markets, rich, variant), 1_000n * 10n ** 6n, specs, salt);
    case "fills":
      return prepareApplyFills(benchState(TRADER, shape.markets, rich, variant), benchFills(round, shape.markets, fillsOf(shape)), shape.markets, specs, salt);
    case "margin":
      return prepareMargin(benchState(TRADER, shape.markets, rich, variant), round, markets, { binder: 0xbeefn, requirement: "maintenance", side: "conservative", bufferBps: 0n }, specs);
    case "withdraw":
      return prepareWithdraw(benchState(TRADER, shape.markets, rich, variant), 1_000n * 10n ** 6n, round, markets, specs, salt);
    case "takeover": {
      // Long everywhere at ten times the size, cash short of the notional by 10%: the victim owes more than it holds.
      const victim = benchState(TRADER, shape.markets, 0n, variant, "long", 10n);
      const underwater = { ...victim, cash: -victim.slots.reduce((sum, slot, j) => sum + slot.size * round.prices[j]!, 0n) * 11n / 10n };
      const liquidator = benchState(LIQUIDATOR, shape.markets, rich * 10n, variant, "flat");
      return prepareTakeover(underwater, liquidator, round, markets, { penaltyBps: 500n, ...salt }, specs);
    }
  }
}

/** The circuit input of {@link benchProof} (public inputs included). */
export function benchInput(shape: BenchShape, variant = 0): CircuitInput {
  return benchProof(shape, variant).input;
}
