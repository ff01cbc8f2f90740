import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CAPACITY_PATH, capacitySource } from "../../contracts/lib/generate-capacity.ts";
import { emptyBook } from "../../prover/src/commitment/account.ts";

describe("# ZkMarginCapacity (generated)", () => {
  it("Should be current: contracts/generated/ZkMarginCapacity.sol equals the generator's output (generate-capacity.ts --check)", () => {
    expect(readFileSync(CAPACITY_PATH, "utf8")).toBe(capacitySource());
  });

  it("Should hold the SDK's EMPTY_BOOK, M = 16, K = 8 and fee account 1", () => {
    const source = capacitySource();
    expect(source).toContain(`EMPTY_BOOK = ${emptyBook()};`);
    expect(source).toContain("MARKETS = 16;");
    expect(source).toContain("FILLS_PER_PROOF = 8;");
    expect(source).toContain("FEE_ACCOUNT_ID = 1;");
  });
});
