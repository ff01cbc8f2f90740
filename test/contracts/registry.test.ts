import hre from "hardhat";
import { beforeAll, describe, expect, it } from "vitest";
import { deployPoseidon, librariesFor, registryRiskRows, type HardhatEthers, type PoseidonAddresses } from "../../prover/src/chain/deployment.ts";
import { poseidonHash } from "../../prover/src/commitment/sponge.ts";
import { pricesCommitment, riskCommitment, roundCommitments } from "../../prover/src/commitment/round.ts";
import type { MarketSet, OracleRound, Profile, Tier } from "../../prover/src/model/types.ts";
import {
  GOVERNANCE_DELAY, GOVERNANCE_GRACE, LISTED, MAX_AGE, type AnyContract, type Fixture, changeData, ensureBuilt, eventsOf, expectRevert, governed,
  increaseTime, latestTimestamp, marketSet, postRound, queueChange, roundValues, withFixture,
} from "./helpers.ts";

let f: Fixture;
withFixture((fixture) => (f = fixture));

const gov = () => f.signers[0]!;
const poster = () => f.signers[1]!;
const stranger = () => f.signers[5]!;
const post = (round: OracleRound, who = poster()) => f.registry.connect(who).post(round.round, round.timestamp, round.prices, round.confidences, round.fundingIndexes);

describe("# post", () => {
  it("Should compute prices = Sponge(5, [header, quotes]) and round = Poseidon2(prices, risk) as the SDK, and emit every value", async () => {
    const ts = await latestTimestamp(f.ethers);
    const round = roundValues(7n, ts);
    const expected = roundCommitments(round, f.markets);
    const events = await eventsOf(f.registry, post(round));
    expect(events).toEqual([{
      name: "RoundPosted",
      args: [7n, poster().address.toLowerCase(), ts, round.prices, round.confidences, round.fundingIndexes, expected.pricesCommitment, expected.riskCommitment, expected.roundCommitment],
    }]);
    const [commitment, timestamp, fresh] = await f.registry.getRound(7n);
    expect([commitment, timestamp, fresh]).toEqual([expected.roundCommitment, ts, true]);
    expect(await f.registry.latestRound()).toEqual([7n, ts, expected.roundCommitment, true]);
  });

  it("Should commit the extreme values exactly: price 2^56 - 1, confidence 2^48 - 1, funding -2^63 and 2^63 - 1", async () => {
    const ts = await latestTimestamp(f.ethers);
    const round: OracleRound = {
      round: 1n, timestamp: ts,
      prices: [2n ** 56n - 1n, 1n, 5n, 2n ** 55n],
      confidences: [2n ** 48n - 1n, 0n, 1n, 0n],
      fundingIndexes: [-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n],
    };
    await (await post(round)).wait();
    expect((await f.registry.getRound(1n))[0]).toBe(roundCommitments(round, f.markets).roundCommitment);
    expect(await f.registry.latestFundingIndexes()).toEqual(round.fundingIndexes);
  });

  it("Should keep the latest round's funding indexes for posters that carry them", async () => {
    expect(await f.registry.latestFundingIndexes()).toEqual([0n, 0n, 0n, 0n]);
    const { round } = await postRound(f, 1n);
    expect(await f.registry.latestFundingIndexes()).toEqual(round.fundingIndexes);
    const { round: second } = await postRound(f, 2n);
    expect(await f.registry.latestFundingIndexes()).toEqual(second.fundingIndexes);
  });

  it("Should refuse a poster that is not authorised, and one removed", async () => {
    const round = roundValues(1n, await latestTimestamp(f.ethers));
    await expectRevert(f.errors, post(round, stranger()), "OracleRegistry__NotPoster", [stranger().address]);
    await (await governed(f, f.registry, gov(), "removePoster", [poster().address])).wait();
    const later = roundValues(1n, await latestTimestamp(f.ethers));
    await expectRevert(f.errors, post(later), "OracleRegistry__NotPoster", [poster().address]);
    await (await governed(f, f.registry, gov(), "addPoster", [stranger().address])).wait();
    await (await post(later, stranger())).wait();
  });

  it("Should require increasing round ids", async () => {
    await postRound(f, 5n);
    const ts = await latestTimestamp(f.ethers);
    await expectRevert(f.errors, post(roundValues(5n, ts)), "OracleRegistry__RoundNotIncreasing", [5n, 5n]);
    await expectRevert(f.errors, post(roundValues(4n, ts)), "OracleRegistry__RoundNotIncreasing", [4n, 5n]);
    await postRound(f, 6n);
  });

  it("Should refuse a round id more than MAX_ROUND_STEP = 2^16 above the latest (2^64 - 1 cannot brick the registry)", async () => {
    expect(await f.registry.MAX_ROUND_STEP()).toBe(65_536n);
    const ts = await latestTimestamp(f.ethers);
    const last = 2n ** 64n - 1n;
    await expectRevert(f.errors, post({ ...roundValues(1n, ts), round: last }), "OracleRegistry__RoundStepTooLarge", [last, 0n]);
    await expectRevert(f.errors, post(roundValues(65_537n, ts)), "OracleRegistry__RoundStepTooLarge", [65_537n, 0n]);
    await postRound(f, 65_536n, ts);
    await expectRevert(f.errors, post(roundValues(2n * 65_536n + 1n, ts)), "OracleRegistry__RoundStepTooLarge", [2n * 65_536n + 1n, 65_536n]);
    await postRound(f, 2n * 65_536n, ts);
    expect(await f.registry.latestRoundId()).toBe(131_072n);
  });

  it("Should refuse a zero timestamp, a decreasing one and one in the future; accept an equal one", async () => {
    const { timestamp } = await postRound(f, 1n);
    await expectRevert(f.errors, post(roundValues(2n, 0n)), "OracleRegistry__ZeroTimestamp");
    await expectRevert(f.errors, post(roundValues(2n, timestamp - 1n)), "OracleRegistry__TimestampDecreasing", [timestamp - 1n, timestamp]);
    const future = (await latestTimestamp(f.ethers)) + 100n;
    await expectRevert(f.errors, post(roundValues(2n, future)), "OracleRegistry__TimestampInFuture");
    await postRound(f, 2n, timestamp);
  });

  it("Should require one value per listed market in each array", async () => {
    const ts = await latestTimestamp(f.ethers);
    const round = roundValues(1n, ts);
    const short = { ...round, prices: round.prices.slice(1) };
    await expectRevert(f.errors, post(short), "OracleRegistry__WrongMarketCount", [LISTED - 1, LISTED]);
    await expectRevert(f.errors, post({ ...round, confidences: [...round.confidences, 0n] }), "OracleRegistry__WrongMarketCount", [LISTED + 1, LISTED]);
    await expectRevert(f.errors, post({ ...round, fundingIndexes: [] }), "OracleRegistry__WrongMarketCount", [0, LISTED]);
  });

  it("Should refuse a price of 0 or >= 2^56 and a confidence >= 2^48, naming the market", async () => {
    const round = roundValues(1n, await latestTimestamp(f.ethers));
    const withPrice = (p: bigint) => ({ ...round, prices: [round.prices[0]!, p, ...round.prices.slice(2)] });
    await expectRevert(f.errors, post(withPrice(0n)), "OracleRegistry__PriceOutOfRange", [1, 0n]);
    await expectRevert(f.errors, post(withPrice(2n ** 56n)), "OracleRegistry__PriceOutOfRange", [1, 2n ** 56n]);
    await expectRevert(f.errors, post({ ...round, confidences: [0n, 0n, 2n ** 48n, 0n] }), "OracleRegistry__ConfidenceOutOfRange", [2, 2n ** 48n]);
  });

  it("Should refuse a confidence band that reaches the price (k conf >= P: a short valued in its favour would be an asset)", async () => {
    const round = roundValues(1n, await latestTimestamp(f.ethers));
    // k = 2.00 intervals: the band reaches the price at conf = P / 2.
    const half = (round.prices[3]! + 1n) / 2n; // the smallest conf with 2 conf >= P
    await expectRevert(f.errors, post({ ...round, confidences: [0n, 0n, 0n, half] }), "OracleRegistry__ConfidenceTooWide", [3, half, round.prices[3]!]);
    await (await post({ ...round, confidences: [0n, 0n, 0n, half - 1n] })).wait();
    expect(await f.registry.currentConfidenceMultiplier()).toBe(200n);
  });

  it("Should make a round stale after maxAge seconds (isFresh, getRound, freshRoundCommitment)", async () => {
    const { commitment, timestamp } = await postRound(f, 1n);
    await increaseTime(f.ethers, MAX_AGE - ((await latestTimestamp(f.ethers)) - timestamp));
    expect(await f.registry.isFresh(1n)).toBe(true);
    expect(await f.registry.freshRoundCommitment(1n)).toBe(commitment);
    await increaseTime(f.ethers, 1);
    expect(await f.registry.isFresh(1n)).toBe(false);
    expect((await f.registry.getRound(1n))[2]).toBe(false);
    expect((await f.registry.latestRound())[3]).toBe(false);
    await expectRevert(f.errors, f.registry.freshRoundCommitment(1n), "OracleRegistry__StaleRound", [1n, timestamp, MAX_AGE]);
    await expectRevert(f.errors, f.registry.freshRoundCommitment(2n), "OracleRegistry__UnknownRound", [2n]);
    expect(await f.registry.isFresh(2n)).toBe(false);
  });

  it("Should use the risk table in force when the round is posted (a later table changes only later rounds)", async () => {
    const { commitment: before } = await postRound(f, 1n);
    const other = marketSet("cross", LISTED, 150n);
    const { eta } = await queueChange(f.registry, gov(), "setRiskTable", [150n, registryRiskRows(other)]);
    // queued: rounds posted meanwhile still use the table in force
    await postRound(f, 2n);
    await increaseTime(f.ethers, eta - (await latestTimestamp(f.ethers)));
    await (await f.registry.connect(gov()).setRiskTable(150n, registryRiskRows(other))).wait();
    expect((await f.registry.getRound(1n))[0]).toBe(before);
    const ts = await latestTimestamp(f.ethers);
    const round = roundValues(3n, ts);
    await (await post(round)).wait();
    expect((await f.registry.getRound(3n))[0]).toBe(poseidonHash([pricesCommitment(round), riskCommitment(other)]));
  });
});

// ================================================================================================ risk table

describe("# setRiskTable", () => {
  const rows = (set: MarketSet): Tier[] => registryRiskRows(set);

  it("Should commit the cross table exactly as the SDK's riskCommitment and emit it", async () => {
    expect(await f.registry.riskCommitment()).toBe(riskCommitment(f.markets)); // the constructor's table
    const set = marketSet("cross", LISTED, 250n);
    const events = await eventsOf(f.registry, governed(f, f.registry, gov(), "setRiskTable", [250n, rows(set)]));
    expect(events.map((e) => e.name)).toEqual(["ChangeExecuted", "RiskTableSet"]);
    expect(events[1]!.args[3]).toBe(riskCommitment(set));
    expect(await f.registry.riskCommitment()).toBe(riskCommitment(set));
  });

  it("Should refuse a non-owner (queueing or executing)", async () => {
    await expectRevert(f.errors, f.registry.connect(stranger()).setRiskTable(0n, rows(f.markets)), "OracleRegistry__NotOwner", [stranger().address]);
    await expectRevert(f.errors, f.registry.connect(stranger()).queueChange(changeData(f.registry, "setRiskTable", [0n, rows(f.markets)])), "OracleRegistry__NotOwner", [stranger().address]);
  });

  it("Should require L x T rows", async () => {
    const r = rows(f.markets);
    await expectRevert(f.errors, governed(f, f.registry, gov(), "setRiskTable", [0n, r.slice(1)]), "OracleRegistry__WrongTierCount", [LISTED - 1, LISTED]);
    await expectRevert(f.errors, governed(f, f.registry, gov(), "setRiskTable", [0n, [...r, r[0]]]), "OracleRegistry__WrongTierCount", [LISTED + 1, LISTED]);
  });

  it("Should enforce the risk-table rules (k < 2^10, floors, rates <= 10^6, initial >= maintenance)", async () => {
    const r = rows(f.markets);
    const set = (i: number, tier: Partial<Tier>) => r.map((row, k) => (k === i ? { ...row, ...tier } : row));
    const call = (table: Tier[], k = 0n) => governed(f, f.registry, gov(), "setRiskTable", [k, table]);
    await expectRevert(f.errors, call(r, 1024n), "OracleRegistry__MultiplierOutOfRange", [1024n]);
    await expectRevert(f.errors, call(set(1, { floor: 5n })), "OracleRegistry__FirstFloorNotZero", [1, 5n]);
    await expectRevert(f.errors, call(set(2, { floor: 2n ** 48n })), "OracleRegistry__FloorOutOfRange", [2, 0, 2n ** 48n]);
    await expectRevert(f.errors, call(set(0, { first: 1_000_001n, second: 1_000_001n })), "OracleRegistry__RateOutOfRange", [0, 0, 1_000_001n]);
    await expectRevert(f.errors, call(set(0, { second: 1_000_001n })), "OracleRegistry__RateOutOfRange", [0, 0, 1_000_001n]);
    await expectRevert(f.errors, call(set(3, { first: 200_000n, second: 199_999n })), "OracleRegistry__InitialBelowMaintenance", [3, 0]);
    // the boundary values pass
    await (await call(set(3, { first: 1_000_000n, second: 1_000_000n }), 1023n)).wait();
  });

  it("Should refuse a post before any risk table (a round nobody could open)", async () => {
    const { ethers } = await hre.network.create();
    const [owner] = await ethers.getSigners();
    const poseidon = await deployPoseidon(ethers as unknown as HardhatEthers);
    const registry: AnyContract = await ethers.deployContract("OracleRegistry", [owner!.address, 3, 2, 600, 0, [], [owner!.address]], { libraries: librariesFor("OracleRegistry", poseidon) });
    expect(await registry.isPoster(owner!.address)).toBe(true);
    const ts = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    await expectRevert(f.errors, registry.post(1n, ts, [1n, 1n], [0n, 0n], [0n, 0n]), "OracleRegistry__NoRiskTable");
    // the first table may then come through the delay
    await (await governed({ ethers }, registry, owner, "setRiskTable", [200n, registryRiskRows(marketSet("cross", 2))])).wait();
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    await (await registry.post(1n, now, [1n, 1n], [0n, 0n], [0n, 0n])).wait();
  });
});

// ================================================================================================ other profiles

describe("# lending and tiered registries", () => {
  let ethers: Awaited<ReturnType<typeof hre.network.create>>["ethers"];
  let poseidon: PoseidonAddresses;
  beforeAll(async () => {
    await ensureBuilt();
    ({ ethers } = await hre.network.create());
    poseidon = await deployPoseidon(ethers as unknown as HardhatEthers);
  });
  /** A registry with (optionally) a first risk table and the first signer as owner and poster. */
  const registryOf = async (tag: number, listed: number, k = 0n, tiers: Tier[] = [], maxAge = 600n): Promise<AnyContract> => {
    const [owner] = await ethers.getSigners();
    return ethers.deployContract("OracleRegistry", [owner!.address, tag, listed, maxAge, k, tiers, [owner!.address]], { libraries: librariesFor("OracleRegistry", poseidon) });
  };

  it("Should commit lending and tiered tables as the SDK (profile tags 4 and 5, T = 1 and 4)", async () => {
    for (const [profile, tag] of [["lending", 4], ["tiered", 5], ["cross", 3]] as [Profile, number][]) {
      const set = marketSet(profile, 16, 300n);
      const registry = await registryOf(tag, 16, 300n, registryRiskRows(set));
      expect(await registry.tiersPerMarket()).toBe(profile === "tiered" ? 4n : 1n);
      expect(await registry.riskCommitment(), profile).toBe(riskCommitment(set));
    }
  });

  it("Should enforce LTV <= LT for lending, and non-decreasing floors for tiered (constructor and delayed setter alike)", async () => {
    const rows = registryRiskRows(marketSet("lending", 2));
    await expectRevert(f.errors, registryOf(4, 2, 0n, [rows[0]!, { ...rows[1]!, second: rows[1]!.first + 1n }]), "OracleRegistry__LoanToValueAboveThreshold", [1, 0]);
    const lending = await registryOf(4, 2);
    const [owner] = await ethers.getSigners();
    // a cross-style row (initial > maintenance) is refused by the lending rule
    await expectRevert(f.errors, governed({ ethers }, lending, owner, "setRiskTable", [0n, [{ floor: 0n, first: 1n, second: 2n }, rows[1]]]), "OracleRegistry__LoanToValueAboveThreshold", [0, 0]);
    const t = registryRiskRows(marketSet("tiered", 1));
    await expectRevert(f.errors, registryOf(5, 1, 0n, [t[0]!, t[2]!, t[1]!, t[3]!]), "OracleRegistry__FloorsDecreasing", [0, 2]);
    await expectRevert(f.errors, registryOf(5, 1, 0n, t.slice(0, 3)), "OracleRegistry__WrongTierCount", [3, 4]);
  });

  it("Should refuse an unknown profile tag, a listed count of 0 or > 16, maxAge out of [5 min, 1 day] and a zero poster", async () => {
    await expectRevert(f.errors, registryOf(2, 4), "OracleRegistry__UnknownProfile", [2]);
    await expectRevert(f.errors, registryOf(6, 4), "OracleRegistry__UnknownProfile", [6]);
    await expectRevert(f.errors, registryOf(3, 0), "OracleRegistry__BadListedMarkets", [0, 0]);
    await expectRevert(f.errors, registryOf(3, 17), "OracleRegistry__BadListedMarkets", [17, 0]);
    await expectRevert(f.errors, registryOf(3, 4, 0n, [], 299n), "OracleRegistry__MaxAgeOutOfBounds", [299n, 300n, 86_400n]);
    await expectRevert(f.errors, registryOf(3, 4, 0n, [], 86_401n), "OracleRegistry__MaxAgeOutOfBounds", [86_401n, 300n, 86_400n]);
    await registryOf(3, 4, 0n, [], 300n);
    await registryOf(3, 4, 0n, [], 86_400n);
    const [owner] = await ethers.getSigners();
    const zero = "0x0000000000000000000000000000000000000000";
    await expectRevert(f.errors, ethers.deployContract("OracleRegistry", [owner!.address, 3, 4, 600, 0, [], [zero]], { libraries: librariesFor("OracleRegistry", poseidon) }), "OracleRegistry__ZeroAddress");
    await expectRevert(f.errors, ethers.deployContract("OracleRegistry", [owner!.address, 3, 4, 600, 0, [], [owner!.address, owner!.address]], { libraries: librariesFor("OracleRegistry", poseidon) }), "OracleRegistry__AlreadyPoster", [owner!.address]);
  });

  it("Should measure the gas of a 16-market round post and of setting a cross and a tiered risk table", async () => {
    const [owner] = await ethers.getSigners();
    const gas: Record<string, bigint> = {};
    for (const [profile, tag] of [["cross", 3], ["tiered", 5]] as [Profile, number][]) {
      const set = marketSet(profile, 16);
      const registry = await registryOf(tag, 16, 200n, registryRiskRows(set));
      await queueChange(registry, owner, "setRiskTable", [201n, registryRiskRows(set)]);
      await increaseTime(ethers, GOVERNANCE_DELAY);
      gas[`setRiskTable ${profile} (delayed, again)`] = (await (await registry.setRiskTable(201n, registryRiskRows(set))).wait()).gasUsed;
      if (profile !== "cross") continue;
      for (const id of [1n, 2n]) {
        const ts = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
        const round = roundValues(id, ts, 16);
        const receipt = await (await registry.post(id, ts, round.prices, round.confidences, round.fundingIndexes)).wait();
        gas[`post 16 markets (${id === 1n ? "first round" : "later round"})`] = receipt.gasUsed;
        expect((await registry.getRound(id))[0]).toBe(roundCommitments(round, marketSet(profile, 16, 201n)).roundCommitment);
      }
    }
    console.log("registry gas", gas);
    expect(gas["post 16 markets (later round)"]).toBeLessThan(500_000n);
  });
});

// ================================================================================================ governance

describe("# governance (delayed changes, two-step ownership)", () => {
  const zero = "0x0000000000000000000000000000000000000000";

  it("Should raise the listed count only with a risk table covering the new markets, never lower it", async () => {
    const six = marketSet("cross", 6);
    await expectRevert(f.errors, governed(f, f.registry, gov(), "raiseListedMarkets", [LISTED, 200n, registryRiskRows(marketSet("cross", LISTED))]), "OracleRegistry__BadListedMarkets", [LISTED, LISTED]);
    await expectRevert(f.errors, governed(f, f.registry, gov(), "raiseListedMarkets", [17, 200n, []]), "OracleRegistry__BadListedMarkets", [17, LISTED]);
    await expectRevert(f.errors, governed(f, f.registry, gov(), "raiseListedMarkets", [6, 200n, registryRiskRows(f.markets)]), "OracleRegistry__WrongTierCount", [LISTED, 6]);
    await expectRevert(f.errors, f.registry.connect(stranger()).raiseListedMarkets(6, 200n, registryRiskRows(six)), "OracleRegistry__NotOwner");
    const events = await eventsOf(f.registry, governed(f, f.registry, gov(), "raiseListedMarkets", [6, 200n, registryRiskRows(six)]));
    expect(events.map((e) => e.name)).toEqual(["ChangeExecuted", "ListedMarketsRaised", "RiskTableSet"]);
    expect(await f.registry.listedMarkets()).toBe(6n);
    expect(await f.registry.riskCommitment()).toBe(riskCommitment(six));
    expect(await f.registry.latestFundingIndexes()).toEqual([0n, 0n, 0n, 0n, 0n, 0n]);
    const ts = await latestTimestamp(f.ethers);
    const round = roundValues(1n, ts, 6);
    await (await post(round)).wait();
    expect((await f.registry.getRound(1n))[0]).toBe(roundCommitments(round, six).roundCommitment);
  });

  it("Should queue a change visibly (event with the call data, changeEta), refuse it before the delay and after the grace period", async () => {
    const data = changeData(f.registry, "setMaxAge", [900n]);
    const id = await f.registry.changeId(data);
    const events = await eventsOf(f.registry, f.registry.connect(gov()).queueChange(data));
    const now = await latestTimestamp(f.ethers);
    expect(events).toEqual([{ name: "ChangeQueued", args: [id, data.slice(0, 10), now + GOVERNANCE_DELAY, data] }]);
    expect(await f.registry.changeEta(id)).toBe(now + GOVERNANCE_DELAY);
    await expectRevert(f.errors, f.registry.connect(gov()).queueChange(data), "Timelock__AlreadyQueued", [id, now + GOVERNANCE_DELAY]);
    await increaseTime(f.ethers, GOVERNANCE_DELAY - 2n);
    await expectRevert(f.errors, f.registry.connect(gov()).setMaxAge(900n), "Timelock__TooEarly", [id, now + GOVERNANCE_DELAY]);
    expect(await f.registry.maxAge()).toBe(MAX_AGE);
    // another value was not queued
    await expectRevert(f.errors, f.registry.connect(gov()).setMaxAge(901n), "Timelock__NotQueued", [await f.registry.changeId(changeData(f.registry, "setMaxAge", [901n]))]);
    await increaseTime(f.ethers, GOVERNANCE_GRACE + 2n);
    await expectRevert(f.errors, f.registry.connect(gov()).setMaxAge(900n), "Timelock__Expired", [id, now + GOVERNANCE_DELAY + GOVERNANCE_GRACE]);
    // an expired change may be queued again, and then executes once
    await (await f.registry.connect(gov()).queueChange(data)).wait();
    await increaseTime(f.ethers, GOVERNANCE_DELAY);
    expect(await eventsOf(f.registry, f.registry.connect(gov()).setMaxAge(900n))).toEqual([
      { name: "ChangeExecuted", args: [id] },
      { name: "MaxAgeChanged", args: [MAX_AGE, 900n] },
    ]);
    expect(await f.registry.changeEta(id)).toBe(0n);
    await expectRevert(f.errors, f.registry.connect(gov()).setMaxAge(900n), "Timelock__NotQueued", [id]);
  });

  it("Should cancel a queued change (owner only)", async () => {
    const { id } = await queueChange(f.registry, gov(), "removePoster", [poster().address]);
    await expectRevert(f.errors, f.registry.connect(stranger()).cancelChange(id), "OracleRegistry__NotOwner", [stranger().address]);
    expect(await eventsOf(f.registry, f.registry.connect(gov()).cancelChange(id))).toEqual([{ name: "ChangeCancelled", args: [id] }]);
    await expectRevert(f.errors, f.registry.connect(gov()).cancelChange(id), "Timelock__NotQueued", [id]);
    await increaseTime(f.ethers, GOVERNANCE_DELAY);
    await expectRevert(f.errors, f.registry.connect(gov()).removePoster(poster().address), "Timelock__NotQueued", [id]);
    expect(await f.registry.isPoster(poster().address)).toBe(true);
  });

  it("Should refuse to queue an unknown or malformed change, or one out of bounds (maxAge in [5 min, 1 day], a zero poster)", async () => {
    const q = (data: string) => f.registry.connect(gov()).queueChange(data);
    await expectRevert(f.errors, q("0x"), "Timelock__UnknownChange", ["0x00000000"]);
    await expectRevert(f.errors, q(changeData(f.registry, "transferOwnership", [stranger().address])), "Timelock__UnknownChange", [f.registry.interface.getFunction("transferOwnership")!.selector]);
    await expectRevert(f.errors, q(changeData(f.registry, "post", [1n, 1n, [], [], []])), "Timelock__UnknownChange");
    const setMaxAge = f.registry.interface.getFunction("setMaxAge")!.selector;
    await expectRevert(f.errors, q(setMaxAge), "Timelock__MalformedChange", [setMaxAge, 0n]);
    await expectRevert(f.errors, q(changeData(f.registry, "setMaxAge", [1n])), "OracleRegistry__MaxAgeOutOfBounds", [1n, 300n, 86_400n]);
    await expectRevert(f.errors, q(changeData(f.registry, "setMaxAge", [299n])), "OracleRegistry__MaxAgeOutOfBounds", [299n, 300n, 86_400n]);
    await expectRevert(f.errors, q(changeData(f.registry, "setMaxAge", [86_401n])), "OracleRegistry__MaxAgeOutOfBounds", [86_401n, 300n, 86_400n]);
    await expectRevert(f.errors, q(changeData(f.registry, "addPoster", [zero])), "OracleRegistry__ZeroAddress");
    await expectRevert(f.errors, q(setMaxAge + "ff".repeat(32)), "OracleRegistry__MaxAgeOutOfBounds");
  });

  it("Should manage posters and maxAge through the delay (named errors at execution)", async () => {
    await expectRevert(f.errors, f.registry.connect(stranger()).addPoster(stranger().address), "OracleRegistry__NotOwner");
    await expectRevert(f.errors, governed(f, f.registry, gov(), "addPoster", [poster().address]), "OracleRegistry__AlreadyPoster", [poster().address]);
    await expectRevert(f.errors, governed(f, f.registry, gov(), "removePoster", [stranger().address]), "OracleRegistry__NotAPoster", [stranger().address]);
    // a change that failed at execution stays queued (until it expires or is cancelled)
    const failed = await f.registry.changeId(changeData(f.registry, "removePoster", [stranger().address]));
    expect(await f.registry.changeEta(failed)).not.toBe(0n);
    await (await f.registry.connect(gov()).cancelChange(failed)).wait();
    expect(await eventsOf(f.registry, governed(f, f.registry, gov(), "addPoster", [stranger().address]))).toEqual([
      { name: "ChangeExecuted", args: [await f.registry.changeId(changeData(f.registry, "addPoster", [stranger().address]))] },
      { name: "PosterAdded", args: [stranger().address.toLowerCase()] },
    ]);
    expect((await eventsOf(f.registry, governed(f, f.registry, gov(), "removePoster", [stranger().address]))).map((e) => e.name)).toEqual(["ChangeExecuted", "PosterRemoved"]);
    expect(await f.registry.isPoster(stranger().address)).toBe(false);
    await (await governed(f, f.registry, gov(), "setMaxAge", [300n])).wait();
    expect(await f.registry.maxAge()).toBe(300n);
  });

  it("Should move ownership in two steps: offer, accept by the offered address only; queued changes survive", async () => {
    const { id } = await queueChange(f.registry, gov(), "setMaxAge", [1_200n]);
    await expectRevert(f.errors, f.registry.connect(stranger()).transferOwnership(stranger().address), "OracleRegistry__NotOwner");
    expect(await eventsOf(f.registry, f.registry.connect(gov()).transferOwnership(stranger().address))).toEqual([
      { name: "OwnershipTransferStarted", args: [gov().address.toLowerCase(), stranger().address.toLowerCase()] },
    ]);
    expect(await f.registry.pendingOwner()).toBe(stranger().address);
    expect(await f.registry.owner()).toBe(gov().address); // nothing moved yet
    await expectRevert(f.errors, f.registry.connect(poster()).acceptOwnership(), "OracleRegistry__NotPendingOwner", [poster().address]);
    expect(await eventsOf(f.registry, f.registry.connect(stranger()).acceptOwnership())).toEqual([
      { name: "OwnershipTransferred", args: [gov().address.toLowerCase(), stranger().address.toLowerCase()] },
    ]);
    expect([await f.registry.owner(), await f.registry.pendingOwner()]).toEqual([stranger().address, zero]);
    await expectRevert(f.errors, f.registry.connect(stranger()).acceptOwnership(), "OracleRegistry__NotPendingOwner", [stranger().address]);
    await increaseTime(f.ethers, GOVERNANCE_DELAY);
    await expectRevert(f.errors, f.registry.connect(gov()).setMaxAge(1_200n), "OracleRegistry__NotOwner", [gov().address]);
    expect(await f.registry.changeEta(id)).not.toBe(0n); // visible: the new owner may execute or cancel it
    await (await f.registry.connect(stranger()).setMaxAge(1_200n)).wait();
    // an offer can be withdrawn
    await (await f.registry.connect(stranger()).transferOwnership(gov().address)).wait();
    await (await f.registry.connect(stranger()).transferOwnership(zero)).wait();
    await expectRevert(f.errors, f.registry.connect(gov()).acceptOwnership(), "OracleRegistry__NotPendingOwner", [gov().address]);
  });
});
