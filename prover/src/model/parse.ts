import { BUFFER_BITS, COLLATERAL_BITS, COLLATERAL_DECIMALS, CONFIDENCE_BITS, FLOOR_BITS, MAX_MARKETS, MULTIPLIER_BITS, MULTIPLIER_DECIMALS, PRICE_BITS, TIER_COUNT, PRICE_DECIMALS, RATE_DECIMALS, SIZE_BITS, SIZE_DECIMALS, ADJUSTMENT_BITS, bound, pow10, VALUE_DECIMALS } from "../core/constants.ts";
import { parseInteger, parseScaled } from "../core/decimal.ts";
import { ZkMarginError } from "../core/errors.ts";
import { parseFieldElement } from "../core/field.ts";
import { expectArray, expectObject, expectString, rejectUnknownKeys } from "./checks.ts";
import type { Account, Market, MarketRisk, MarketSet, OracleRound, Position, Profile, Tier } from "./types.ts";

const ONE_RATE = pow10(RATE_DECIMALS);

const RATE = (value: unknown, path: string, min: bigint) =>
  parseScaled(value, path, RATE_DECIMALS, { min, maxExclusive: ONE_RATE + 1n, limitText: "1 (100%)" });

const PROFILE_FIELDS: Record<Profile, readonly string[]> = {
  cross: ["id", "maintenanceMargin", "initialMargin"],
  lending: ["id", "liquidationThreshold", "loanToValue"],
  tiered: ["id", "tiers"],
};

/**
 * Parses the markets file: the margin profile, the confidence multiplier and each market's risk parameters.
 * Fractions are decimals of one (0.03 = 3%) with at most 6 decimals.
 * - cross (default): `{"id":"ETH-USD","maintenanceMargin":"0.03","initialMargin":"0.05"}`, 0 < maintenance <= initial <= 1;
 * - lending: `{"id":"WETH","liquidationThreshold":"0.83","loanToValue":"0.805"}`, 0 <= loanToValue <= threshold <= 1;
 * - tiered: `{"id":"BTC-USD","tiers":[{"notionalFloor":"0","maintenanceMargin":"0.0125","initialMargin":"0.025"}, ...]}`,
 *   1 to 4 tiers, floors from 0 strictly increasing (whole quote units), rates non-decreasing, initial >= maintenance.
 * `confidenceMultiplier` (default 0, at most 2 decimals, < 10.24) values longs at P - k conf and shorts at P + k conf
 * in margin proofs, the other way round in liquidation proofs.
 *
 * @param json the parsed file
 * @param field the path named in errors (default "markets")
 */
export function parseMarkets(json: unknown, field = "markets"): MarketSet {
  const object = expectObject(json, field);
  rejectUnknownKeys(object, ["profile", "confidenceMultiplier", "markets", "riskCommitment", "$comment"], field);
  const profile = (object.profile ?? "cross") as Profile;
  if (!(profile in PROFILE_FIELDS)) throw new ZkMarginError(`${field}.profile`, `unknown profile ${JSON.stringify(object.profile)} (expected cross, lending or tiered)`);
  const confidenceMultiplier = parseScaled(object.confidenceMultiplier ?? "0", `${field}.confidenceMultiplier`, MULTIPLIER_DECIMALS, { min: 0n, maxExclusive: bound(MULTIPLIER_BITS), limitText: "10.24" });
  const list = expectArray(object.markets, `${field}.markets`);
  if (list.length === 0) throw new ZkMarginError(`${field}.markets`, "lists no market");
  if (list.length > MAX_MARKETS) throw new ZkMarginError(`${field}.markets`, `lists ${list.length} markets; at most ${MAX_MARKETS} are supported`);
  const markets: Market[] = [];
  const byId = new Map<string, Market>();
  list.forEach((entry, index) => {
    const path = `${field}.markets[${index}]`;
    const item = expectObject(entry, path);
    rejectUnknownKeys(item, PROFILE_FIELDS[profile], path);
    const id = expectString(item.id, `${path}.id`);
    if (byId.has(id)) throw new ZkMarginError(`${path}.id`, `market ${id} is listed twice`);
    const market: Market = { id, index, risk: parseRisk(profile, item, path) };
    markets.push(market);
    byId.set(id, market);
  });
  const declaredRiskCommitment = object.riskCommitment === undefined ? undefined : parseFieldElement(object.riskCommitment, `${field}.riskCommitment`);
  return { profile, confidenceMultiplier, markets, byId, ...(declaredRiskCommitment === undefined ? {} : { declaredRiskCommitment }) };
}

function parseRisk(profile: Profile, item: Record<string, unknown>, path: string): MarketRisk {
  if (profile === "cross") {
    const maintenanceRate = RATE(item.maintenanceMargin, `${path}.maintenanceMargin`, 1n);
    const initialRate = RATE(item.initialMargin, `${path}.initialMargin`, 1n);
    if (initialRate < maintenanceRate) throw new ZkMarginError(`${path}.initialMargin`, `must be at least the maintenance margin (${String(item.maintenanceMargin)})`);
    return { profile, maintenanceRate, initialRate };
  }
  if (profile === "lending") {
    const liquidationThreshold = RATE(item.liquidationThreshold, `${path}.liquidationThreshold`, 0n);
    const loanToValue = RATE(item.loanToValue, `${path}.loanToValue`, 0n);
    if (loanToValue > liquidationThreshold) throw new ZkMarginError(`${path}.loanToValue`, `must not exceed the liquidation threshold (${String(item.liquidationThreshold)})`);
    return { profile, liquidationThreshold, loanToValue };
  }
  const list = expectArray(item.tiers, `${path}.tiers`);
  if (list.length === 0 || list.length > TIER_COUNT) throw new ZkMarginError(`${path}.tiers`, `must list 1 to ${TIER_COUNT} tiers, got ${list.length}`);
  const tiers: Tier[] = [];
  list.forEach((entry, t) => {
    const tierPath = `${path}.tiers[${t}]`;
    const tier = expectObject(entry, tierPath);
    rejectUnknownKeys(tier, ["notionalFloor", "maintenanceMargin", "initialMargin"], tierPath);
    const floor = parseScaled(tier.notionalFloor, `${tierPath}.notionalFloor`, 0, { min: 0n, maxExclusive: bound(FLOOR_BITS) - 1n, limitText: `2^${FLOOR_BITS} - 1` });
    const maintenanceRate = RATE(tier.maintenanceMargin, `${tierPath}.maintenanceMargin`, 1n);
    const initialRate = RATE(tier.initialMargin, `${tierPath}.initialMargin`, 1n);
    const previous = tiers[t - 1];
    if (t === 0 && floor !== 0n) throw new ZkMarginError(`${tierPath}.notionalFloor`, "the first tier must start at 0");
    if (previous && floor <= previous.floor) throw new ZkMarginError(`${tierPath}.notionalFloor`, "tier floors must increase");
    if (previous && maintenanceRate < previous.maintenanceRate) throw new ZkMarginError(`${tierPath}.maintenanceMargin`, "must not be below the previous tier's (rates increase with notional)");
    if (previous && initialRate < previous.initialRate) throw new ZkMarginError(`${tierPath}.initialMargin`, "must not be below the previous tier's (rates increase with notional)");
    if (initialRate < maintenanceRate) throw new ZkMarginError(`${tierPath}.initialMargin`, `must be at least the maintenance margin (${String(tier.maintenanceMargin)})`);
    tiers.push({ floor, maintenanceRate, initialRate });
  });
  return { profile, tiers };
}

/**
 * Parses an oracle round: `{"round":7,"timestamp":1763700000,"prices":{"ETH-USD":"3150.25"},"confidence":{"ETH-USD":"1.2"}}`,
 * with a price (8 decimals, positive, < 2^56 / 10^8) for every market of `markets` and no other, and optionally a
 * confidence interval per market (8 decimals, < 2^48 / 10^8, default 0).
 *
 * @param json the parsed file
 * @param markets the markets the round prices
 * @param field the path named in errors (default "round")
 */
export function parseRound(json: unknown, markets: MarketSet, field = "round"): OracleRound {
  const object = expectObject(json, field);
  rejectUnknownKeys(object, ["round", "timestamp", "prices", "confidence", "pricesCommitment", "$comment"], field);
  const round = parseInteger(object.round, `${field}.round`, bound(64));
  const timestamp = parseInteger(object.timestamp, `${field}.timestamp`, bound(64));
  const priceObject = expectObject(object.prices, `${field}.prices`);
  for (const id of Object.keys(priceObject)) {
    if (!markets.byId.has(id)) throw new ZkMarginError(`${field}.prices.${id}`, `unknown market (the markets file lists ${[...markets.byId.keys()].join(", ")})`);
  }
  const prices = markets.markets.map((market) => {
    const path = `${field}.prices.${market.id}`;
    if (!Object.hasOwn(priceObject, market.id)) throw new ZkMarginError(path, "missing: the round must price every market");
    return parseScaled(priceObject[market.id], path, PRICE_DECIMALS, { min: 1n, maxExclusive: bound(PRICE_BITS), limitText: `2^${PRICE_BITS} / 10^${PRICE_DECIMALS}` });
  });
  const confidenceObject = expectObject(object.confidence ?? {}, `${field}.confidence`);
  for (const id of Object.keys(confidenceObject)) {
    if (!markets.byId.has(id)) throw new ZkMarginError(`${field}.confidence.${id}`, `unknown market (the markets file lists ${[...markets.byId.keys()].join(", ")})`);
  }
  const confidences = markets.markets.map((market) =>
    parseScaled(Object.hasOwn(confidenceObject, market.id) ? confidenceObject[market.id] : "0", `${field}.confidence.${market.id}`, PRICE_DECIMALS, { min: 0n, maxExclusive: bound(CONFIDENCE_BITS), limitText: `2^${CONFIDENCE_BITS} / 10^${PRICE_DECIMALS}` }));
  const declaredPricesCommitment = object.pricesCommitment === undefined ? undefined : parseFieldElement(object.pricesCommitment, `${field}.pricesCommitment`);
  return { round, timestamp, prices, confidences, ...(declaredPricesCommitment === undefined ? {} : { declaredPricesCommitment }) };
}

/**
 * Parses an account: `{"owner":"0x..","salt":"<decimal>","nonce":0,"collateral":"10000",
 * "positions":[{"market":"ETH-USD","size":"-1.5","entryPrice":"3000"}]}`. Sizes have 8 decimals (negative:
 * short), entry prices 8 (default 0), collateral 6. Positions of size 0 are dropped; a market may appear once.
 * A position with `"isolatedMargin": "500"` is isolated: it keeps that collateral to itself (see
 * splitSubaccounts); `collateral` is then the cross collateral, and the adjustment covers cross positions only.
 *
 * @param json the parsed file
 * @param markets the markets positions may refer to
 * @param field the path named in errors (default "account")
 */
export function parseAccount(json: unknown, markets: MarketSet, field = "account"): Account {
  const object = expectObject(json, field);
  rejectUnknownKeys(object, ["owner", "salt", "nonce", "collateral", "positions", "$comment"], field);
  const owner = parseFieldElement(object.owner, `${field}.owner`);
  const salt = parseFieldElement(object.salt, `${field}.salt`);
  const nonce = parseInteger(object.nonce ?? 0, `${field}.nonce`, bound(64));
  const collateral = parseScaled(object.collateral, `${field}.collateral`, COLLATERAL_DECIMALS, { min: 0n, maxExclusive: bound(COLLATERAL_BITS), limitText: `2^${COLLATERAL_BITS} / 10^${COLLATERAL_DECIMALS}` });
  const list = expectArray(object.positions ?? [], `${field}.positions`);
  const positions: Position[] = [];
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    const path = `${field}.positions[${index}]`;
    const item = expectObject(entry, path);
    rejectUnknownKeys(item, ["market", "size", "entryPrice", "isolatedMargin"], path);
    const id = expectString(item.market, `${path}.market`);
    const market = markets.byId.get(id);
    if (!market) throw new ZkMarginError(`${path}.market`, `unknown market ${id} (the markets file lists ${[...markets.byId.keys()].join(", ")})`);
    if (seen.has(id)) throw new ZkMarginError(`${path}.market`, `${id} appears twice; net the positions of one market into one`);
    seen.add(id);
    const size = parseScaled(item.size, `${path}.size`, SIZE_DECIMALS, { signed: true, maxExclusive: bound(SIZE_BITS), limitText: `2^${SIZE_BITS} / 10^${SIZE_DECIMALS}` });
    const entryPrice = parseScaled(item.entryPrice ?? "0", `${path}.entryPrice`, PRICE_DECIMALS, { min: 0n, maxExclusive: bound(PRICE_BITS), limitText: `2^${PRICE_BITS} / 10^${PRICE_DECIMALS}` });
    let isolatedMargin: bigint | undefined;
    if (item.isolatedMargin !== undefined) {
      if (markets.profile === "lending") throw new ZkMarginError(`${path}.isolatedMargin`, "the lending profile has no isolated positions");
      isolatedMargin = parseScaled(item.isolatedMargin, `${path}.isolatedMargin`, COLLATERAL_DECIMALS, { min: 0n, maxExclusive: bound(COLLATERAL_BITS), limitText: `2^${COLLATERAL_BITS} / 10^${COLLATERAL_DECIMALS}` });
    }
    if (size !== 0n) positions.push({ market, size, entryPrice, ...(isolatedMargin === undefined ? {} : { isolatedMargin }) });
  });
  const adjustment = -positions.filter((position) => position.isolatedMargin === undefined).reduce((sum, position) => sum + position.size * position.entryPrice, 0n);
  if (adjustment >= bound(ADJUSTMENT_BITS) || adjustment < -bound(ADJUSTMENT_BITS)) {
    throw new ZkMarginError(`${field}.positions`, `total entry cost exceeds 2^${ADJUSTMENT_BITS} / 10^${VALUE_DECIMALS}`);
  }
  return { owner, salt, nonce, collateral, positions, adjustment };
}

/** Parses a buffer in basis points (0 to 65535). */
export function parseBufferBps(value: unknown, field = "bufferBps"): bigint {
  return parseInteger(value, field, bound(BUFFER_BITS));
}
