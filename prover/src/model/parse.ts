import {
  BUFFER_BITS, CASH_BITS, CASH_DECIMALS, CONFIDENCE_BITS, FEE_BITS, FILL_SIZE_BITS, FLOOR_BITS, FUNDING_BITS, ID_BITS, MARKETS, MULTIPLIER_BITS,
  MULTIPLIER_DECIMALS, ONE_RATE, PRICE_BITS, PRICE_DECIMALS, RATE_DECIMALS, SIZE_BITS, SIZE_DECIMALS, TIER_COUNT, bound, signedLimit, signedMin,
} from "../core/constants.ts";
import { formatScaled, parseInteger, parseScaled } from "../core/decimal.ts";
import { ZkMarginError, shown } from "../core/errors.ts";
import { parseAddress, parseFieldElement, toAddress, toHex32 } from "../core/field.ts";
import { emptySlots } from "../commitment/account.ts";
import { checkFill, fillCommitment } from "../commitment/fill.ts";
import { checkSalt } from "../engine/transitions.ts";
import { expectArray, expectObject, expectString, rejectUnknownKeys } from "./checks.ts";
import type { AccountState, Fill, Market, MarketSet, OracleRound, Profile, Slot, Tier } from "./types.ts";

// The JSON files of zkmargin (markets, round, account state, fills): human decimals in, exact scaled
// integers out, and every bound exactly the circuits' (circuits/README.md, "Capacity and scales"), so a
// value the parser accepts is a value the circuits accept. Errors name the JSON path.

const RATE = (value: unknown, path: string, min: bigint) =>
  parseScaled(value, path, RATE_DECIMALS, { min, maxExclusive: ONE_RATE + 1n, limitText: "1 (100%)" });

const signedScaled = (value: unknown, path: string, decimals: number, bits: number) =>
  parseScaled(value, path, decimals, { signed: true, min: signedMin(bits), maxExclusive: signedLimit(bits), limitText: `2^${bits - 1} / 10^${decimals}` });

const PROFILE_FIELDS: Record<Profile, readonly string[]> = {
  cross: ["id", "maintenanceMargin", "initialMargin"],
  lending: ["id", "liquidationThreshold", "loanToValue"],
  tiered: ["id", "tiers"],
};

/**
 * Parses the markets file: the margin profile, the confidence multiplier and each market's risk parameters,
 * at most MARKETS (16) markets (the vault's capacity); the order is the market index.
 * - cross (default): `{"id":"ETH-USD","maintenanceMargin":"0.03","initialMargin":"0.05"}`, 0 < maintenance <= initial <= 1;
 * - lending: `{"id":"WETH","liquidationThreshold":"0.83","loanToValue":"0.805"}`, 0 <= loanToValue <= threshold <= 1;
 * - tiered: `{"id":"BTC-USD","tiers":[{"notionalFloor":"0","maintenanceMargin":"0.0125","initialMargin":"0.025"}, ...]}`,
 *   1 to 4 tiers, floors from 0 strictly increasing (whole quote units), rates non-decreasing, initial >= maintenance.
 * `confidenceMultiplier` (default 0, at most 2 decimals, < 10.24) values longs at P - k conf and shorts at P + k conf
 * in margin certificates, the other way round in the liquidation condition and the challenge answer.
 *
 * @param json the parsed file
 * @param field the path named in errors (default "markets")
 */
export function parseMarkets(json: unknown, field = "markets"): MarketSet {
  const object = expectObject(json, field);
  rejectUnknownKeys(object, ["profile", "confidenceMultiplier", "markets", "riskCommitment", "$comment"], field);
  const profile = (object.profile ?? "cross") as Profile;
  if (typeof profile !== "string" || !Object.hasOwn(PROFILE_FIELDS, profile)) throw new ZkMarginError(`${field}.profile`, `unknown profile ${JSON.stringify(object.profile)} (expected cross, lending or tiered)`);
  const confidenceMultiplier = parseScaled(object.confidenceMultiplier ?? "0", `${field}.confidenceMultiplier`, MULTIPLIER_DECIMALS, { min: 0n, maxExclusive: bound(MULTIPLIER_BITS), limitText: "10.24" });
  const list = expectArray(object.markets, `${field}.markets`);
  if (list.length === 0) throw new ZkMarginError(`${field}.markets`, "lists no market");
  if (list.length > MARKETS) throw new ZkMarginError(`${field}.markets`, `lists ${list.length} markets; the vault's circuits hold ${MARKETS}`);
  const markets: Market[] = [];
  const byId = new Map<string, Market>();
  list.forEach((entry, index) => {
    const path = `${field}.markets[${index}]`;
    const item = expectObject(entry, path);
    rejectUnknownKeys(item, PROFILE_FIELDS[profile], path);
    const id = expectString(item.id, `${path}.id`);
    if (!/^[A-Za-z0-9._:/-]{1,32}$/.test(id)) throw new ZkMarginError(`${path}.id`, `${shown(id)} is not a market id (1 to 32 letters, digits and . _ : / -)`);
    if (byId.has(id)) throw new ZkMarginError(`${path}.id`, `market ${shown(id)} is listed twice`);
    const market: Market = { id, index, tiers: parseTiers(profile, item, path) };
    markets.push(market);
    byId.set(id, market);
  });
  const declaredRiskCommitment = object.riskCommitment === undefined ? undefined : parseFieldElement(object.riskCommitment, `${field}.riskCommitment`);
  return { profile, confidenceMultiplier, markets, byId, ...(declaredRiskCommitment === undefined ? {} : { declaredRiskCommitment }) };
}

function parseTiers(profile: Profile, item: Record<string, unknown>, path: string): Tier[] {
  if (profile === "cross") {
    const first = RATE(item.maintenanceMargin, `${path}.maintenanceMargin`, 1n);
    const second = RATE(item.initialMargin, `${path}.initialMargin`, 1n);
    if (second < first) throw new ZkMarginError(`${path}.initialMargin`, `must be at least the maintenance margin (${String(item.maintenanceMargin)})`);
    return [{ floor: 0n, first, second }];
  }
  if (profile === "lending") {
    const first = RATE(item.liquidationThreshold, `${path}.liquidationThreshold`, 0n);
    const second = RATE(item.loanToValue, `${path}.loanToValue`, 0n);
    if (second > first) throw new ZkMarginError(`${path}.loanToValue`, `must not exceed the liquidation threshold (${String(item.liquidationThreshold)})`);
    return [{ floor: 0n, first, second }];
  }
  const list = expectArray(item.tiers, `${path}.tiers`);
  if (list.length === 0 || list.length > TIER_COUNT) throw new ZkMarginError(`${path}.tiers`, `must list 1 to ${TIER_COUNT} tiers, got ${list.length}`);
  const tiers: Tier[] = [];
  list.forEach((entry, t) => {
    const tierPath = `${path}.tiers[${t}]`;
    const tier = expectObject(entry, tierPath);
    rejectUnknownKeys(tier, ["notionalFloor", "maintenanceMargin", "initialMargin"], tierPath);
    const floor = parseScaled(tier.notionalFloor, `${tierPath}.notionalFloor`, 0, { min: 0n, maxExclusive: bound(FLOOR_BITS) - 1n, limitText: `2^${FLOOR_BITS} - 1` });
    const first = RATE(tier.maintenanceMargin, `${tierPath}.maintenanceMargin`, 1n);
    const second = RATE(tier.initialMargin, `${tierPath}.initialMargin`, 1n);
    const previous = tiers[t - 1];
    if (t === 0 && floor !== 0n) throw new ZkMarginError(`${tierPath}.notionalFloor`, "the first tier must start at 0");
    if (previous && floor <= previous.floor) throw new ZkMarginError(`${tierPath}.notionalFloor`, "tier floors must increase");
    if (previous && first < previous.first) throw new ZkMarginError(`${tierPath}.maintenanceMargin`, "must not be below the previous tier's (rates increase with notional)");
    if (previous && second < previous.second) throw new ZkMarginError(`${tierPath}.initialMargin`, "must not be below the previous tier's (rates increase with notional)");
    if (second < first) throw new ZkMarginError(`${tierPath}.initialMargin`, `must be at least the maintenance margin (${String(tier.maintenanceMargin)})`);
    tiers.push({ floor, first, second });
  });
  return tiers;
}

const unknownMarket = (markets: MarketSet, path: string, id: string) =>
  new ZkMarginError(path, `unknown market ${shown(id)} (the markets file lists ${[...markets.byId.keys()].map(shown).join(", ")})`);

/**
 * Parses an oracle round: `{"round":7,"timestamp":1763700000,"prices":{"ETH-USD":"3150.25"},"confidence":{...},"funding":{...}}`,
 * with a price (8 decimals, positive, < 2^56 / 10^8) for every market of `markets` and no other, and optionally
 * a confidence interval (8 decimals, < 2^48 / 10^8, default 0) and a cumulative funding index (8 decimals,
 * signed, |.| < 2^63 / 10^8, default 0) per market.
 *
 * @param json the parsed file
 * @param markets the markets the round prices
 * @param field the path named in errors (default "round")
 */
export function parseRound(json: unknown, markets: MarketSet, field = "round"): OracleRound {
  const object = expectObject(json, field);
  rejectUnknownKeys(object, ["round", "timestamp", "prices", "confidence", "funding", "pricesCommitment", "$comment"], field);
  const round = parseInteger(object.round, `${field}.round`, bound(64));
  const timestamp = parseInteger(object.timestamp, `${field}.timestamp`, bound(64));
  const perMarket = (key: string, required: boolean, parse: (value: unknown, path: string) => bigint) => {
    const values = expectObject(object[key] ?? {}, `${field}.${key}`);
    for (const id of Object.keys(values)) if (!markets.byId.has(id)) throw unknownMarket(markets, `${field}.${key}.${shown(id)}`, id);
    return markets.markets.map((market) => {
      const path = `${field}.${key}.${market.id}`;
      if (!Object.hasOwn(values, market.id)) {
        if (required) throw new ZkMarginError(path, "missing: the round must price every market");
        return 0n;
      }
      return parse(values[market.id], path);
    });
  };
  const prices = perMarket("prices", true, (value, path) => parseScaled(value, path, PRICE_DECIMALS, { min: 1n, maxExclusive: bound(PRICE_BITS), limitText: `2^${PRICE_BITS} / 10^${PRICE_DECIMALS}` }));
  const confidences = perMarket("confidence", false, (value, path) => parseScaled(value, path, PRICE_DECIMALS, { min: 0n, maxExclusive: bound(CONFIDENCE_BITS), limitText: `2^${CONFIDENCE_BITS} / 10^${PRICE_DECIMALS}` }));
  const fundingIndexes = perMarket("funding", false, (value, path) => signedScaled(value, path, PRICE_DECIMALS, FUNDING_BITS));
  const declaredPricesCommitment = object.pricesCommitment === undefined ? undefined : parseFieldElement(object.pricesCommitment, `${field}.pricesCommitment`);
  return { round, timestamp, prices, confidences, fundingIndexes, ...(declaredPricesCommitment === undefined ? {} : { declaredPricesCommitment }) };
}

/** The tag an account state file carries. */
export const ACCOUNT_FILE_TAG = "zkmargin account v2";

/**
 * Parses an account state file (what a trader keeps, and the SDK rewrites after every transition):
 * ```json
 * { "zkmargin": "zkmargin account v2", "vault": { "chainId": "31337", "address": "0x..." }, "accountId": "2",
 *   "owner": "0x...", "salt": "0x...", "nonce": "3", "cash": "-1234.5",
 *   "fills": { "applied": "5", "head": "0x..." },
 *   "positions": [{ "market": "ETH-USD", "size": "-1.5", "fundingIndex": "12.5" }] }
 * ```
 * cash in quote units (16 decimals, signed); sizes 8 decimals signed, funding indexes 8 decimals signed, each
 * |.| < 2^63 / 10^8; at most one position per market. A genesis state (nonce 0) has salt 0; any later state a
 * salt of at least 128 bits.
 */
export function parseAccount(json: unknown, markets: MarketSet, field = "account"): AccountState {
  const object = expectObject(json, field);
  rejectUnknownKeys(object, ["zkmargin", "vault", "accountId", "owner", "salt", "nonce", "cash", "fills", "positions", "$comment"], field);
  if (object.zkmargin !== ACCOUNT_FILE_TAG) throw new ZkMarginError(`${field}.zkmargin`, `expected "${ACCOUNT_FILE_TAG}" (an account state file), got ${JSON.stringify(object.zkmargin)}`);
  const vault = expectObject(object.vault, `${field}.vault`);
  rejectUnknownKeys(vault, ["chainId", "address"], `${field}.vault`);
  const domain = { chainId: parseInteger(vault.chainId, `${field}.vault.chainId`, bound(64)), vault: parseAddress(vault.address, `${field}.vault.address`) };
  const accountId = parseInteger(object.accountId, `${field}.accountId`, bound(ID_BITS));
  if (accountId === 0n) throw new ZkMarginError(`${field}.accountId`, "account ids start at 1");
  const owner = parseAddress(object.owner, `${field}.owner`);
  const nonce = parseInteger(object.nonce, `${field}.nonce`, bound(64));
  const salt = parseFieldElement(object.salt, `${field}.salt`);
  if (nonce === 0n && salt !== 0n) throw new ZkMarginError(`${field}.salt`, "a genesis state (nonce 0) has salt 0: the vault computes it");
  if (nonce > 0n) checkSalt(salt, `${field}.salt`);
  const cash = signedScaled(object.cash, `${field}.cash`, CASH_DECIMALS, CASH_BITS);
  const fills = expectObject(object.fills ?? { applied: "0", head: "0" }, `${field}.fills`);
  rejectUnknownKeys(fills, ["applied", "head"], `${field}.fills`);
  const fillsApplied = parseInteger(fills.applied, `${field}.fills.applied`, bound(64));
  const head = parseFieldElement(fills.head, `${field}.fills.head`);
  if ((fillsApplied === 0n) !== (head === 0n)) throw new ZkMarginError(`${field}.fills.head`, fillsApplied === 0n ? "must be 0 before any fill" : "cannot be 0 after a fill");
  const slots: Slot[] = emptySlots(MARKETS);
  const seen = new Set<string>();
  expectArray(object.positions ?? [], `${field}.positions`).forEach((entry, index) => {
    const path = `${field}.positions[${index}]`;
    const item = expectObject(entry, path);
    rejectUnknownKeys(item, ["market", "size", "fundingIndex"], path);
    const id = expectString(item.market, `${path}.market`);
    const market = markets.byId.get(id);
    if (!market) throw unknownMarket(markets, `${path}.market`, id);
    if (seen.has(id)) throw new ZkMarginError(`${path}.market`, `${shown(id)} appears twice: an account holds one slot per market`);
    seen.add(id);
    slots[market.index] = { size: signedScaled(item.size, `${path}.size`, SIZE_DECIMALS, SIZE_BITS), fundingIndex: signedScaled(item.fundingIndex ?? "0", `${path}.fundingIndex`, PRICE_DECIMALS, FUNDING_BITS) };
  });
  return { domain, accountId, owner, salt, nonce, cash, head, fillsApplied, slots };
}

/** The account state file of a state (the inverse of {@link parseAccount}); positions with size 0 are left out unless settled. */
export function accountToJson(state: AccountState, markets: MarketSet): Record<string, unknown> {
  return {
    zkmargin: ACCOUNT_FILE_TAG,
    vault: { chainId: state.domain.chainId.toString(), address: toAddress(state.domain.vault) },
    accountId: state.accountId.toString(),
    owner: toAddress(state.owner),
    salt: toHex32(state.salt),
    nonce: state.nonce.toString(),
    cash: formatScaled(state.cash, CASH_DECIMALS),
    fills: { applied: state.fillsApplied.toString(), head: toHex32(state.head) },
    positions: state.slots.flatMap((slot, j) => {
      if (slot.size === 0n && slot.fundingIndex === 0n) return [];
      const market = markets.markets[j];
      if (!market) throw new ZkMarginError(`account.slots[${j}]`, "holds a market the markets file does not list");
      return [{ market: market.id, size: formatScaled(slot.size, SIZE_DECIMALS), fundingIndex: formatScaled(slot.fundingIndex, PRICE_DECIMALS) }];
    }),
  };
}

/** The tag a fills file carries. */
export const FILLS_FILE_TAG = "zkmargin fills v2";

/**
 * Parses a fills file (what the venue sends each trader, in chain order):
 * ```json
 * { "zkmargin": "zkmargin fills v2", "fills": [{ "fillId": "17", "market": "ETH-USD", "size": "1.5", "price": "3150.25",
 *   "fundingIndex": "12.5", "buyer": "2", "seller": "3", "buyerFee": "2.36", "sellerFee": "-0.47",
 *   "blinding": "0x...", "commitment": "0x..." }] }
 * ```
 * sizes and prices 8 decimals, fees in quote units (16 decimals, signed: negative is a rebate; the two sum to
 * at least 0), blinding a random field element of at least 128 bits; the commitment, if given, is checked.
 */
export function parseFills(json: unknown, markets: MarketSet, field = "fills"): Fill[] {
  const object = expectObject(json, field);
  rejectUnknownKeys(object, ["zkmargin", "fills", "$comment"], field);
  if (object.zkmargin !== FILLS_FILE_TAG) throw new ZkMarginError(`${field}.zkmargin`, `expected "${FILLS_FILE_TAG}" (a fills file), got ${JSON.stringify(object.zkmargin)}`);
  return expectArray(object.fills, `${field}.fills`).map((entry, index) => {
    const path = `${field}.fills[${index}]`;
    const item = expectObject(entry, path);
    rejectUnknownKeys(item, ["fillId", "market", "size", "price", "fundingIndex", "buyer", "seller", "buyerFee", "sellerFee", "blinding", "commitment"], path);
    const id = expectString(item.market, `${path}.market`);
    const market = markets.byId.get(id);
    if (!market) throw unknownMarket(markets, `${path}.market`, id);
    const fill: Fill = {
      fillId: parseInteger(item.fillId, `${path}.fillId`, bound(ID_BITS)),
      market: market.index,
      size: parseScaled(item.size, `${path}.size`, SIZE_DECIMALS, { min: 1n, maxExclusive: bound(FILL_SIZE_BITS), limitText: `2^${FILL_SIZE_BITS} / 10^${SIZE_DECIMALS}` }),
      price: parseScaled(item.price, `${path}.price`, PRICE_DECIMALS, { min: 1n, maxExclusive: bound(PRICE_BITS), limitText: `2^${PRICE_BITS} / 10^${PRICE_DECIMALS}` }),
      fundingIndex: signedScaled(item.fundingIndex ?? "0", `${path}.fundingIndex`, PRICE_DECIMALS, FUNDING_BITS),
      buyerId: parseInteger(item.buyer, `${path}.buyer`, bound(ID_BITS)),
      sellerId: parseInteger(item.seller, `${path}.seller`, bound(ID_BITS)),
      buyerFee: signedScaled(item.buyerFee ?? "0", `${path}.buyerFee`, CASH_DECIMALS, FEE_BITS),
      sellerFee: signedScaled(item.sellerFee ?? "0", `${path}.sellerFee`, CASH_DECIMALS, FEE_BITS),
      blinding: parseFieldElement(item.blinding, `${path}.blinding`),
    };
    checkSalt(fill.blinding, `${path}.blinding`);
    checkFill(fill, path);
    const commitment = fillCommitment(fill);
    if (item.commitment !== undefined && parseFieldElement(item.commitment, `${path}.commitment`) !== commitment) {
      throw new ZkMarginError(`${path}.commitment`, `does not match the fill (computed ${toHex32(commitment)})`);
    }
    return fill;
  });
}

/** The fills file of a list of fills (the inverse of {@link parseFills}), commitments included. */
export function fillsToJson(fills: readonly Fill[], markets: MarketSet): Record<string, unknown> {
  return {
    zkmargin: FILLS_FILE_TAG,
    fills: fills.map((fill) => ({
      fillId: fill.fillId.toString(),
      market: markets.markets[fill.market]?.id ?? String(fill.market),
      size: formatScaled(fill.size, SIZE_DECIMALS),
      price: formatScaled(fill.price, PRICE_DECIMALS),
      fundingIndex: formatScaled(fill.fundingIndex, PRICE_DECIMALS),
      buyer: fill.buyerId.toString(),
      seller: fill.sellerId.toString(),
      buyerFee: formatScaled(fill.buyerFee, CASH_DECIMALS),
      sellerFee: formatScaled(fill.sellerFee, CASH_DECIMALS),
      blinding: toHex32(fill.blinding),
      commitment: toHex32(fillCommitment(fill)),
    })),
  };
}

/** Parses a buffer in basis points (0 to 65535). */
export function parseBufferBps(value: unknown, field = "bufferBps"): bigint {
  return parseInteger(value, field, bound(BUFFER_BITS));
}
