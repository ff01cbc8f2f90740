import { FEE_BITS, FIELD_MODULUS, FILL_SIZE_BITS, FUNDING_BITS, ID_BITS, PRICE_BITS } from "../core/constants.ts";
import { ZkMarginError } from "../core/errors.ts";
import { toField } from "../core/field.ts";
import { checkSigned, checkUnsigned } from "../core/range.ts";
import type { Fill } from "../model/types.ts";
import { poseidonHash } from "./sponge.ts";

/** Range-checks a fill as the apply-fills circuit does (circuits/README.md, ApplyFillsProof 4). */
export function checkFill(fill: Fill, field = "fill", listedMarkets?: number): void {
  checkUnsigned(fill.fillId, ID_BITS, `${field}.fillId`);
  if (!Number.isInteger(fill.market) || fill.market < 0 || (listedMarkets !== undefined && fill.market >= listedMarkets)) {
    throw new ZkMarginError(`${field}.market`, `${fill.market} is not a listed market index${listedMarkets === undefined ? "" : ` (< ${listedMarkets})`}`);
  }
  checkUnsigned(fill.size, FILL_SIZE_BITS, `${field}.size`);
  if (fill.size === 0n) throw new ZkMarginError(`${field}.size`, "must be positive");
  checkUnsigned(fill.price, PRICE_BITS, `${field}.price`);
  checkSigned(fill.fundingIndex, FUNDING_BITS, `${field}.fundingIndex`);
  checkUnsigned(fill.buyerId, ID_BITS, `${field}.buyerId`);
  checkUnsigned(fill.sellerId, ID_BITS, `${field}.sellerId`);
  if (fill.buyerId === fill.sellerId) throw new ZkMarginError(`${field}.sellerId`, "an account cannot trade with itself");
  checkSigned(fill.buyerFee, FEE_BITS, `${field}.buyerFee`);
  checkSigned(fill.sellerFee, FEE_BITS, `${field}.sellerFee`);
  if (fill.buyerFee + fill.sellerFee < 0n) throw new ZkMarginError(`${field}.sellerFee`, "the two fees must not sum below 0 (the fee account never pays out net)");
  if (fill.blinding < 0n || fill.blinding >= FIELD_MODULUS) throw new ZkMarginError(`${field}.blinding`, "must be a field element");
  // Below 2^128 the blinding could be guessed and the fill's contents searched from its public commitment.
  if (fill.blinding < 1n << 128n) throw new ZkMarginError(`${field}.blinding`, "is too short to hide anything: use at least 128 random bits (randomSalt() draws one)");
}

/** fill = Poseidon10(fillId, market, size, price, fundingIndex, buyerId, sellerId, buyerFee, sellerFee, blinding). */
export function fillCommitment(fill: Fill): bigint {
  checkFill(fill);
  return poseidonHash([fill.fillId, BigInt(fill.market), fill.size, fill.price, toField(fill.fundingIndex), fill.buyerId, fill.sellerId, toField(fill.buyerFee), toField(fill.sellerFee), fill.blinding], "fill");
}

/** head' = Poseidon2(head, fill): one link of an account's fill chain (the vault computes the same on-chain). */
export function extendChain(head: bigint, fill: bigint): bigint {
  return poseidonHash([head, fill], "fill chain");
}
