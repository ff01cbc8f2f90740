/** A market the risk parameters list; its position in the list is its index in the circuits. */
export interface Market {
  /** Market id, e.g. "ETH-USD". */
  readonly id: string;
  /** Index in the circuit's price and rate tables. */
  readonly index: number;
  /** Maintenance margin fraction, parts per million. */
  readonly maintenanceRate: bigint;
  /** Initial margin fraction, parts per million. */
  readonly initialRate: bigint;
}

/** The risk parameters of all markets (committed together by governance). */
export interface MarketSet {
  readonly markets: readonly Market[];
  readonly byId: ReadonlyMap<string, Market>;
  /** The commitment the file declares, if any (checked against the computed one). */
  readonly declaredRiskCommitment?: bigint;
}

/** One oracle round: the price of every market at a round id and timestamp. */
export interface OracleRound {
  readonly round: bigint;
  readonly timestamp: bigint;
  /** Price per market index, 8 decimals. */
  readonly prices: readonly bigint[];
  /** The prices commitment the file declares (what the oracle posted), if any. */
  readonly declaredPricesCommitment?: bigint;
}

/** One position: a signed size in a market and the price it was entered at. */
export interface Position {
  readonly market: Market;
  /** Signed size, 8 decimals (negative: short). Never zero: empty positions are dropped when parsing. */
  readonly size: bigint;
  /** Entry price, 8 decimals (0 when the collateral already is the quote balance). */
  readonly entryPrice: bigint;
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
