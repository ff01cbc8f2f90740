import { beforeEach, describe, expect, it } from "vitest";
import { roundCommitments } from "../../prover/src/commitment/round.ts";
import type { OracleRound } from "../../prover/src/model/types.ts";
import { LISTED, type AnyContract, type Fixture, eventsOf, expectRevert, governed, increaseTime, latestTimestamp, postRound, withFixture } from "./helpers.ts";

let f: Fixture;
withFixture((fixture) => (f = fixture));

const MAX_FEED_AGE = 3_600n;
const DECIMALS = [8, 18, 6, 0];
let feeds: AnyContract[];
let poster: AnyContract;
const gov = () => f.signers[0]!;
const anyone = () => f.signers[7]!;

beforeEach(async () => {
  feeds = [];
  for (const d of DECIMALS) feeds.push(await f.ethers.deployContract("MockAggregatorV3", [d]));
  poster = await f.ethers.deployContract("ChainlinkRoundPoster", [f.registry.target, feeds.map((x) => x.target), MAX_FEED_AGE]);
  await (await governed(f, f.registry, gov(), "addPoster", [poster.target])).wait();
});

/** Sets every feed's answer (raw, in its decimals) updated at the given times. */
async function answer(values: bigint[], times: bigint[]): Promise<void> {
  for (let j = 0; j < feeds.length; j++) await (await feeds[j].setAnswer(values[j], times[j])).wait();
}

describe("# ChainlinkRoundPoster.post", () => {
  it("Should post latest + 1 at the oldest updatedAt, prices at 8 decimals, confidence 0, funding carried over", async () => {
    const { round: first } = await postRound(f, 3n); // a trusted poster's round with funding indexes
    await increaseTime(f.ethers, 20);
    const now = await latestTimestamp(f.ethers);
    // 2000.12345678 at 8 decimals; 1.5 at 18 decimals with dust below 10^-8; 0.25 at 6; 7 at 0
    await answer([2000_12345678n, 1_500000001234567890n, 250_000n, 7n], [now - 5n, now - 2n, now - 9n, now]);
    const tx = poster.connect(anyone()).post();
    const registryEvents = await eventsOf(f.registry, tx);
    const expected: OracleRound = {
      round: 4n, timestamp: now - 9n,
      prices: [2000_12345678n, 1_50000000n, 25_000_000n, 7_00000000n],
      confidences: [0n, 0n, 0n, 0n],
      fundingIndexes: first.fundingIndexes,
    };
    const commitment = roundCommitments(expected, f.markets).roundCommitment;
    expect(registryEvents[0]!.args.slice(0, 6)).toEqual([4n, String(poster.target).toLowerCase(), now - 9n, expected.prices, expected.confidences, expected.fundingIndexes]);
    expect((await f.registry.getRound(4n))[0]).toBe(commitment);
    expect(await f.registry.latestFundingIndexes()).toEqual(first.fundingIndexes);
  });

  it("Should refuse a non-positive answer, naming the market", async () => {
    const now = await latestTimestamp(f.ethers);
    await answer([1n, 10n ** 18n, 0n, 1n], [now, now, now, now]);
    await expectRevert(f.errors, poster.post(), "ChainlinkRoundPoster__NonPositiveAnswer", [2n, 0n]);
    await (await feeds[2].setAnswer(-5n, now)).wait();
    await expectRevert(f.errors, poster.post(), "ChainlinkRoundPoster__NonPositiveAnswer", [2n, -5n]);
  });

  it("Should refuse a stale answer (> maxFeedAge) and one from the future", async () => {
    const now = await latestTimestamp(f.ethers);
    await answer([1n, 10n ** 18n, 1n, 1n], [now, now - MAX_FEED_AGE - 1n, now, now]);
    await expectRevert(f.errors, poster.post(), "ChainlinkRoundPoster__StaleAnswer", [1n, now - MAX_FEED_AGE - 1n, MAX_FEED_AGE]);
    await (await feeds[1].setAnswer(10n ** 18n, now + 1000n)).wait();
    await expectRevert(f.errors, poster.post(), "ChainlinkRoundPoster__FutureAnswer");
  });

  it("Should refuse a price that scales to 0 or to >= 2^56, and more than 36 decimals", async () => {
    const now = await latestTimestamp(f.ethers);
    await answer([1n, 10n ** 9n, 1n, 1n], [now, now, now, now]); // 10^9 at 18 decimals = 10^-9: 0 at 8 decimals
    await expectRevert(f.errors, poster.post(), "ChainlinkRoundPoster__PriceOutOfRange", [1n, 10n ** 9n, 18n]);
    await (await feeds[1].setAnswer(10n ** 18n, now)).wait();
    await (await feeds[3].setAnswer(2n ** 56n / 10n ** 8n + 1n, now)).wait(); // 0 decimals: scaled >= 2^56
    await expectRevert(f.errors, poster.post(), "ChainlinkRoundPoster__PriceOutOfRange");
    await (await feeds[3].setAnswer(2n ** 56n, now)).wait();
    await expectRevert(f.errors, poster.post(), "ChainlinkRoundPoster__PriceOutOfRange");
    await (await feeds[3].setAnswer(1n, now)).wait();
    await (await feeds[0].setDecimals(37)).wait();
    await expectRevert(f.errors, poster.post(), "ChainlinkRoundPoster__UnsupportedDecimals", [0n, 37n]);
  });

  it("Should refuse a second post without any new feed round (nobody bumps the latest round at will)", async () => {
    const now = await latestTimestamp(f.ethers);
    await answer([1n, 10n ** 18n, 1n, 1n], [now, now, now, now]);
    await (await poster.post()).wait();
    await expectRevert(f.errors, poster.post(), "ChainlinkRoundPoster__NoNewData");
    await (await feeds[2].setAnswer(2n, now)).wait();
    const events = await eventsOf(poster, poster.post());
    expect(events[0]!.name).toBe("RoundBuilt");
    expect(events[0]!.args[0]).toBe(2n);
  });

  it("Should refuse when the oldest feed is older than the registry's latest round", async () => {
    const now = await latestTimestamp(f.ethers);
    await answer([1n, 10n ** 18n, 1n, 1n], [now - 100n, now, now, now]);
    await increaseTime(f.ethers, 1);
    await postRound(f, 1n);
    const latest = (await f.registry.latestRound())[1];
    await expectRevert(f.errors, poster.post(), "ChainlinkRoundPoster__OlderThanLatestRound", [now - 100n, latest]);
  });

  it("Should refuse when the registry lists another number of markets, and when it is not an authorised poster", async () => {
    const now = await latestTimestamp(f.ethers);
    await answer([1n, 10n ** 18n, 1n, 1n], [now, now, now, now]);
    const three = await f.ethers.deployContract("ChainlinkRoundPoster", [f.registry.target, feeds.slice(0, 3).map((x) => x.target), MAX_FEED_AGE]);
    await expectRevert(f.errors, three.post(), "ChainlinkRoundPoster__MarketCountMismatch", [3n, BigInt(LISTED)]);
    await (await governed(f, f.registry, gov(), "removePoster", [poster.target])).wait();
    const later = await latestTimestamp(f.ethers);
    await answer([1n, 10n ** 18n, 1n, 1n], [later, later, later, later]);
    await expectRevert(f.errors, poster.post(), "OracleRegistry__NotPoster", [poster.target]);
  });

  it("Should refuse bad constructor arguments", async () => {
    const deployWith = (registry: unknown, list: unknown[], age: bigint) => f.ethers.deployContract("ChainlinkRoundPoster", [registry, list, age]);
    await expectRevert(f.errors, deployWith(f.registry.target, [], MAX_FEED_AGE), "ChainlinkRoundPoster__NoFeeds");
    await expectRevert(f.errors, deployWith(f.registry.target, [feeds[0].target], 0n), "ChainlinkRoundPoster__ZeroMaxFeedAge");
    await expectRevert(f.errors, deployWith(f.registry.target, ["0x0000000000000000000000000000000000000000"], 1n), "ChainlinkRoundPoster__ZeroAddress");
    expect(await poster.feeds()).toEqual(feeds.map((x) => x.target));
  });
});
