/** The margin profiles zkmargin proves; each has its own circuits and risk-parameter commitment. */
export type Profile = "cross" | "lending" | "tiered";

/** One bracket of a tiered market: from `floor` (whole quote units of notional) upward. */
export interface Tier {
  /** Notional floor in whole quote units; the first tier's is 0. */
  readonly floor: bigint;
  /** Maintenance fraction, ppm. */
  readonly maintenanceRate: bigint;
  /** Initial fraction, ppm. */
  readonly initialRate: bigint;
}

/** A market's risk parameters, by profile. */
export type MarketRisk =
  /** Cross margin (dYdX v4, Hyperliquid): requirement = |S| P rate. */
  | { readonly profile: "cross"; readonly maintenanceRate: bigint; readonly initialRate: bigint }
  /** Lending (Aave v3): long = collateral valued at P LT, short = debt valued at P. */
  | { readonly profile: "lending"; readonly liquidationThreshold: bigint; readonly loanToValue: bigint }
  /** Tiered margin (Hyperliquid tiers, Binance brackets): requirement = notional rate_t - deduction_t. */
  | { readonly profile: "tiered"; readonly tiers: readonly Tier[] };

/** A market the risk parameters list; its position in the list is its index in the circuits. */
export interface Market {
  /** Market id, e.g. "ETH-USD". */
  readonly id: string;
  /** Index in the circuit's price and rate tables. */
  readonly index: number;
  readonly risk: MarketRisk;
}

/** The risk parameters of all markets (committed together by governance). */
export interface MarketSet {
  readonly profile: Profile;
  /** Confidence intervals applied to prices, in hundredths (200 = 2 intervals); 0 ignores confidence. */
  readonly confidenceMultiplier: bigint;
  readonly markets: readonly Market[];
  readonly byId: ReadonlyMap<string, Market>;
  /** The commitment the file declares, if any (checked against the computed one). */
  readonly declaredRiskCommitment?: bigint;
}

/** One oracle round: the price (and confidence) of every market at a round id and timestamp. */
export interface OracleRound {
  readonly round: bigint;
  readonly timestamp: bigint;
  /** Price per market index, 8 decimals. */
  readonly prices: readonly bigint[];
  /** Confidence interval per market index, 8 decimals (0 when the oracle gives none). */
  readonly confidences: readonly bigint[];
  /** The prices commitment the file declares (what the oracle posted), if any. */
  readonly declaredPricesCommitment?: bigint;
}

/** One position: a signed size in a market and the price it was entered at. */
export interface Position {
  readonly market: Market;
  /** Signed size, 8 decimals (negative: short, or a debt in the lending profile). Never zero. */
  readonly size: bigint;
  /** Entry price, 8 decimals (0 when the collateral already is the quote balance). */
  readonly entryPrice: bigint;
  /** Collateral dedicated to this position alone (isolated margin), 6 decimals; absent for cross positions. */
  readonly isolatedMargin?: bigint;
}

/** A private account as the owner holds it. */
export interface Account {
  /** Owner address or key, only hashed. */
  readonly owner: bigint;
  /** Random field element that hides the account. */
  readonly salt: bigint;
  /** Account version, bumped on every update. */
  readonly nonce: bigint;
  /** Deposited collateral, 6 decimals (public to the vault). */
  readonly collateral: bigint;
  readonly positions: readonly Position[];
  /** Quote adjustment, 16 decimals: minus the entry cost, -sum size * entryPrice. */
  readonly adjustment: bigint;
}

/**
 * One committed part of an account file. Cross positions share the account's collateral; each isolated
 * position lives in a subaccount of its own with its dedicated collateral (as dYdX v4 holds isolated positions
 * in separate subaccounts), so it must pass its own check and can be liquidated on its own.
 */
export interface Subaccount {
  /** "cross", or "isolated:<market id>". */
  readonly name: string;
  readonly account: Account;
}
