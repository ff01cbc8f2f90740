/** The margin profiles zkmargin proves; each has its own circuits and risk-table tag. */
export type Profile = "cross" | "lending" | "tiered";

/**
 * One row of a market's risk table: from `floor` (whole quote units of notional) upward, two rates in ppm.
 * cross and tiered: (maintenance, initial); lending: (liquidation threshold, loan-to-value).
 */
export interface Tier {
  /** Notional floor in whole quote units; the first tier's is 0. */
  readonly floor: bigint;
  /** Maintenance fraction (cross, tiered) or liquidation threshold (lending), ppm. */
  readonly first: bigint;
  /** Initial fraction (cross, tiered) or loan-to-value (lending), ppm. */
  readonly second: bigint;
}

/** A listed market; its position in the markets file is its index (its slot in every account). */
export interface Market {
  /** Market id, e.g. "ETH-USD". */
  readonly id: string;
  /** Index in the circuit's tables and the account's slots. */
  readonly index: number;
  /** One tier (cross, lending) or up to TIER_COUNT (tiered), padded by the commitment. */
  readonly tiers: readonly Tier[];
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

/** One oracle round: price, confidence and funding index of every listed market at a round id and time. */
export interface OracleRound {
  readonly round: bigint;
  readonly timestamp: bigint;
  /** Price per market index, 8 decimals. */
  readonly prices: readonly bigint[];
  /** Confidence interval per market index, 8 decimals (0 when the oracle gives none). */
  readonly confidences: readonly bigint[];
  /** Cumulative funding index per market index, 8 decimals, signed (longs pay when it rises). */
  readonly fundingIndexes: readonly bigint[];
  /** The prices commitment the file declares (what the registry computed), if any. */
  readonly declaredPricesCommitment?: bigint;
}

/** The vault an account lives in: its chain id and address form the commitment's domain. */
export interface VaultDomain {
  readonly chainId: bigint;
  /** The vault's address as a 160-bit integer. */
  readonly vault: bigint;
}

/** One market slot of an account: signed size and the funding index at its last settlement. */
export interface Slot {
  /** Signed size, 8 decimals (negative: short, or a debt in the lending profile). */
  readonly size: bigint;
  /** The market's funding index when the slot was last settled, 8 decimals. */
  readonly fundingIndex: bigint;
}

/**
 * A private account state as its owner (and the venue) holds it: exactly what the commitment binds.
 * `slots` has one entry per market of the vault's capacity (index = market index).
 */
export interface AccountState {
  readonly domain: VaultDomain;
  readonly accountId: bigint;
  /** Owner address as a 160-bit integer. */
  readonly owner: bigint;
  /** Random hiding value (0 only at genesis; the SDK draws one >= 2^128 at the first transition). */
  readonly salt: bigint;
  /** Number of transitions applied since genesis. */
  readonly nonce: bigint;
  /** Signed cash, 16 decimals: deposits - withdrawals - sum size x price over fills - fees - settled funding. */
  readonly cash: bigint;
  /** Head of the account's fill chain after `fillsApplied` fills (0 at genesis). */
  readonly head: bigint;
  /** How many fills of the account's chain the state includes (the vault's `applied` count; not committed). */
  readonly fillsApplied: bigint;
  readonly slots: readonly Slot[];
}

/** A fill as the venue matched it (what its commitment hides). */
export interface Fill {
  readonly fillId: bigint;
  /** Market index. */
  readonly market: number;
  /** Traded size, 8 decimals, > 0: the buyer's size goes up by it, the seller's down. */
  readonly size: bigint;
  /** Price, 8 decimals. */
  readonly price: bigint;
  /** The market's funding index at the fill, 8 decimals. */
  readonly fundingIndex: bigint;
  readonly buyerId: bigint;
  readonly sellerId: bigint;
  /** What the buyer pays, 16 decimals (negative: a rebate). */
  readonly buyerFee: bigint;
  /** What the seller pays, 16 decimals (negative: a rebate); buyerFee + sellerFee >= 0. */
  readonly sellerFee: bigint;
  /** Random hiding value >= 2^128, shared by the venue and both traders. */
  readonly blinding: bigint;
}

/** An account's role in a fill: buyer, seller, or the vault's fee account collecting both fees. */
export type FillRole = "buyer" | "seller" | "fee";
