import { BUFFER_BITS, COLLATERAL_BITS, COLLATERAL_DECIMALS, MAX_MARKETS, PRICE_BITS, PRICE_DECIMALS, RATE_DECIMALS, SIZE_BITS, SIZE_DECIMALS, ADJUSTMENT_BITS, bound, pow10, VALUE_DECIMALS } from "../core/constants.ts";
import { parseInteger, parseScaled } from "../core/decimal.ts";
import { ZkMarginError } from "../core/errors.ts";
import { parseFieldElement } from "../core/field.ts";
import { expectArray, expectObject, expectString, rejectUnknownKeys } from "./checks.ts";
import type { Account, Market, MarketSet, OracleRound, Position } from "./types.ts";

const ONE_RATE = pow10(RATE_DECIMALS);

/**
 * Parses the markets file: `{"markets":[{"id":"ETH-USD","maintenanceMargin":"0.03","initialMargin":"0.05"}]}`.
 * Fractions are decimals of one (0.03 = 3%) with at most 6 decimals; 0 < maintenance <= initial <= 1.
 *
 * @param json the parsed file
 * @param field the path named in errors (default "markets")
 */
export function parseMarkets(json: unknown, field = "markets"): MarketSet {
  const object = expectObject(json, field);
  rejectUnknownKeys(object, ["markets", "riskCommitment", "$comment"], field);
  const list = expectArray(object.markets, `${field}.markets`);
  if (list.length === 0) throw new ZkMarginError(`${field}.markets`, "lists no market");
  if (list.length > MAX_MARKETS) throw new ZkMarginError(`${field}.markets`, `lists ${list.length} markets; at most ${MAX_MARKETS} are supported`);
  const markets: Market[] = [];
  const byId = new Map<string, Market>();
  list.forEach((entry, index) => {
    const path = `${field}.markets[${index}]`;
    const item = expectObject(entry, path);
    rejectUnknownKeys(item, ["id", "maintenanceMargin", "initialMargin"], path);
    const id = expectString(item.id, `${path}.id`);
    if (byId.has(id)) throw new ZkMarginError(`${path}.id`, `market ${id} is listed twice`);
    const maintenanceRate = parseScaled(item.maintenanceMargin, `${path}.maintenanceMargin`, RATE_DECIMALS, { min: 1n, maxExclusive: ONE_RATE + 1n, limitText: "1 (100%)" });
    const initialRate = parseScaled(item.initialMargin, `${path}.initialMargin`, RATE_DECIMALS, { min: 1n, maxExclusive: ONE_RATE + 1n, limitText: "1 (100%)" });
    if (initialRate < maintenanceRate) {
      throw new ZkMarginError(`${path}.initialMargin`, `must be at least the maintenance margin (${item.maintenanceMargin as string})`);
    }
    const market: Market = { id, index, maintenanceRate, initialRate };
    markets.push(market);
    byId.set(id, market);
  });
  const declaredRiskCommitment = object.riskCommitment === undefined ? undefined : parseFieldElement(object.riskCommitment, `${field}.riskCommitment`);
  return { markets, byId, ...(declaredRiskCommitment === undefined ? {} : { declaredRiskCommitment }) };
}

/**
 * Parses an oracle round: `{"round":7,"timestamp":1763700000,"prices":{"ETH-USD":"3150.25"}}`, with a price
 * (8 decimals, positive, < 2^56 / 10^8) for every market of `markets` and no other.
 *
 * @param json the parsed file
 * @param markets the markets the round prices
 * @param field the path named in errors (default "round")
 */
export function parseRound(json: unknown, markets: MarketSet, field = "round"): OracleRound {
  const object = expectObject(json, field);
  rejectUnknownKeys(object, ["round", "timestamp", "prices", "pricesCommitment", "$comment"], field);
  const round = parseInteger(object.round, `${field}.round`, bound(64));
  const timestamp = parseInteger(object.timestamp, `${field}.timestamp`, bound(64));
  const priceObject = expectObject(object.prices, `${field}.prices`);
  for (const id of Object.keys(priceObject)) {
    if (!markets.byId.has(id)) throw new ZkMarginError(`${field}.prices.${id}`, `unknown market (the markets file lists ${[...markets.byId.keys()].join(", ")})`);
  }
  const prices = markets.markets.map((market) => {
    const path = `${field}.prices.${market.id}`;
    if (!(market.id in priceObject)) throw new ZkMarginError(path, "missing: the round must price every market");
    return parseScaled(priceObject[market.id], path, PRICE_DECIMALS, { min: 1n, maxExclusive: bound(PRICE_BITS), limitText: `2^${PRICE_BITS} / 10^${PRICE_DECIMALS}` });
  });
  const declaredPricesCommitment = object.pricesCommitment === undefined ? undefined : parseFieldElement(object.pricesCommitment, `${field}.pricesCommitment`);
  return { round, timestamp, prices, ...(declaredPricesCommitment === undefined ? {} : { declaredPricesCommitment }) };
}

/**
 * Parses an account: `{"owner":"0x..","salt":"<decimal>","nonce":0,"collateral":"10000",
 * "positions":[{"market":"ETH-USD","size":"-1.5","entryPrice":"3000"}]}`. Sizes have 8 decimals (negative:
 * short), entry prices 8 (default 0), collateral 6. Positions of size 0 are dropped; a market may appear once.
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
    rejectUnknownKeys(item, ["market", "size", "entryPrice"], path);
    const id = expectString(item.market, `${path}.market`);
    const market = markets.byId.get(id);
    if (!market) throw new ZkMarginError(`${path}.market`, `unknown market ${id} (the markets file lists ${[...markets.byId.keys()].join(", ")})`);
    if (seen.has(id)) throw new ZkMarginError(`${path}.market`, `${id} appears twice; net the positions of one market into one`);
    seen.add(id);
    const size = parseScaled(item.size, `${path}.size`, SIZE_DECIMALS, { signed: true, maxExclusive: bound(SIZE_BITS), limitText: `2^${SIZE_BITS} / 10^${SIZE_DECIMALS}` });
    const entryPrice = parseScaled(item.entryPrice ?? "0", `${path}.entryPrice`, PRICE_DECIMALS, { min: 0n, maxExclusive: bound(PRICE_BITS), limitText: `2^${PRICE_BITS} / 10^${PRICE_DECIMALS}` });
    if (size !== 0n) positions.push({ market, size, entryPrice });
  });
  const adjustment = -positions.reduce((sum, position) => sum + position.size * position.entryPrice, 0n);
  if (adjustment >= bound(ADJUSTMENT_BITS) || adjustment < -bound(ADJUSTMENT_BITS)) {
    throw new ZkMarginError(`${field}.positions`, `total entry cost exceeds 2^${ADJUSTMENT_BITS} / 10^${VALUE_DECIMALS}`);
  }
  return { owner, salt, nonce, collateral, positions, adjustment };
}

/** Parses a buffer in basis points (0 to 65535). */
export function parseBufferBps(value: unknown, field = "bufferBps"): bigint {
  return parseInteger(value, field, bound(BUFFER_BITS));
}
