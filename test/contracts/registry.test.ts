import { describe, expect, it } from "vitest";
import { poseidon2 } from "poseidon-lite";
import {
  FIELD,
  MAX_AGE,
  RISK_COMMITMENT,
  expectRevert,
  increaseTime,
  latestTimestamp,
  postRound,
  setNextTimestamp,
  type Fixture,
  withFixture,
} from "./helpers.ts";

let f: Fixture;
withFixture((fixture) => (f = fixture));

const gov = () => f.signers[0];
const poster = () => f.signers[1];
const stranger = () => f.signers[5];

async function eventsOf(tx: Promise<{ wait: () => Promise<unknown> }>) {
  const receipt = (await (await tx).wait()) as { logs: { topics: string[]; data: string }[] };
  return receipt.logs.map((l) => f.registry.interface.parseLog(l)!).map((e) => ({ name: e.name, args: [...e.args] }));
}

describe("# constructor", () => {
  it("Should set owner, poster, risk commitment and max age", async () => {
    expect(await f.registry.owner()).toBe(gov().address);
    expect(await f.registry.poster()).toBe(poster().address);
    expect(await f.registry.riskCommitment()).toBe(RISK_COMMITMENT);
    expect(await f.registry.maxAge()).toBe(MAX_AGE);
    expect([...(await f.registry.latestRound())]).toEqual([0n, 0n, 0n]);
  });

  it("Should reject zero addresses, a risk commitment >= r and a zero max age", async () => {
    const factory = await f.ethers.getContractFactory("OracleRegistry");
    const a = gov().address;
    const zero = f.ethers.ZeroAddress;
    await expectRevert(f.errors, factory.deploy(zero, a, 1n, 1n), "OracleRegistry__ZeroAddress");
    await expectRevert(f.errors, factory.deploy(a, zero, 1n, 1n), "OracleRegistry__ZeroAddress");
    await expectRevert(f.errors, factory.deploy(a, a, FIELD, 1n), "OracleRegistry__InputOutOfField");
    await expectRevert(f.errors, factory.deploy(a, a, 1n, 0n), "OracleRegistry__ZeroMaxAge");
  });
});

describe("# post", () => {
  it("Should store the combined commitment and timestamp and emit RoundPosted", async () => {
    const ts = (await latestTimestamp(f.ethers)) - 5n;
    const prices = 987654321n;
    const events = await eventsOf(f.registry.connect(poster()).post(3n, ts, prices));
    const combined = poseidon2([prices, RISK_COMMITMENT]);
    expect(events).toEqual([{ name: "RoundPosted", args: [3n, ts, prices, RISK_COMMITMENT, combined] }]);
    expect([...(await f.registry.getRound(3n))]).toEqual([combined, ts, true]);
    expect([...(await f.registry.latestRound())]).toEqual([3n, ts, combined]);
    expect(await f.registry.freshRoundCommitment(3n)).toBe(combined);
  });

  it("Should return the round commitment", async () => {
    const ts = await latestTimestamp(f.ethers);
    expect(await f.registry.connect(poster()).post.staticCall(1n, ts, 5n)).toBe(poseidon2([5n, RISK_COMMITMENT]));
  });

  it("Should revert NotPoster for anyone but the poster, the owner included", async () => {
    const ts = await latestTimestamp(f.ethers);
    for (const s of [stranger(), gov()]) {
      await expectRevert(f.errors, f.registry.connect(s).post(1n, ts, 1n), "OracleRegistry__NotPoster", [s.address]);
    }
  });

  it("Should revert RoundNotIncreasing for round 0, a repeated round and a lower round", async () => {
    const ts = await latestTimestamp(f.ethers);
    await expectRevert(f.errors, f.registry.connect(poster()).post(0n, ts, 1n), "OracleRegistry__RoundNotIncreasing", [0n, 0n]);
    await postRound(f, 5n);
    const now = await latestTimestamp(f.ethers);
    await expectRevert(f.errors, f.registry.connect(poster()).post(5n, now, 1n), "OracleRegistry__RoundNotIncreasing", [5n, 5n]);
    await expectRevert(f.errors, f.registry.connect(poster()).post(4n, now, 1n), "OracleRegistry__RoundNotIncreasing", [4n, 5n]);
    await postRound(f, 9n); // gaps are fine
    expect((await f.registry.latestRound())[0]).toBe(9n);
  });

  it("Should accept an equal timestamp and revert TimestampDecreasing for an earlier one", async () => {
    const { timestamp } = await postRound(f, 1n);
    await postRound(f, 2n, timestamp);
    await expectRevert(
      f.errors,
      f.registry.connect(poster()).post(3n, timestamp - 1n, 1n),
      "OracleRegistry__TimestampDecreasing",
      [timestamp - 1n, timestamp],
    );
  });

  it("Should revert TimestampInFuture and ZeroTimestamp", async () => {
    const now = await latestTimestamp(f.ethers);
    await setNextTimestamp(f.ethers, now + 10n);
    await expectRevert(
      f.errors,
      f.registry.connect(poster()).post(1n, now + 11n, 1n),
      "OracleRegistry__TimestampInFuture",
      [now + 11n, now + 10n],
    );
    await expectRevert(f.errors, f.registry.connect(poster()).post(1n, 0n, 1n), "OracleRegistry__ZeroTimestamp");
    // a round stamped with the including block's own time is accepted
    await setNextTimestamp(f.ethers, now + 20n);
    await f.registry.connect(poster()).post(1n, now + 20n, 1n);
  });

  it("Should revert InputOutOfField for a prices commitment >= r", async () => {
    const ts = await latestTimestamp(f.ethers);
    await expectRevert(f.errors, f.registry.connect(poster()).post(1n, ts, FIELD), "OracleRegistry__InputOutOfField");
  });
});

describe("# isFresh", () => {
  it("Should be fresh up to maxAge seconds after the round's timestamp, then stale", async () => {
    const { timestamp } = await postRound(f, 1n);
    expect(await f.registry.isFresh(1n)).toBe(true);
    await setNextTimestamp(f.ethers, timestamp + MAX_AGE);
    await f.ethers.provider.send("evm_mine", []);
    expect(await f.registry.isFresh(1n)).toBe(true);
    await increaseTime(f.ethers, 1);
    expect(await f.registry.isFresh(1n)).toBe(false);
    expect((await f.registry.getRound(1n))[2]).toBe(false);
    await expectRevert(f.errors, f.registry.freshRoundCommitment(1n), "OracleRegistry__StaleRound", [1n, timestamp, MAX_AGE]);
  });

  it("Should report unknown rounds as not fresh, and freshRoundCommitment should revert UnknownRound", async () => {
    expect(await f.registry.isFresh(0n)).toBe(false);
    expect(await f.registry.isFresh(7n)).toBe(false);
    expect([...(await f.registry.getRound(7n))]).toEqual([0n, 0n, false]);
    await expectRevert(f.errors, f.registry.freshRoundCommitment(7n), "OracleRegistry__UnknownRound", [7n]);
  });
});

describe("# setPoster", () => {
  it("Should rotate the poster", async () => {
    const events = await eventsOf(f.registry.setPoster(stranger().address));
    expect(events).toEqual([{ name: "PosterChanged", args: [poster().address, stranger().address] }]);
    const ts = await latestTimestamp(f.ethers);
    await expectRevert(f.errors, f.registry.connect(poster()).post(1n, ts, 1n), "OracleRegistry__NotPoster");
    await f.registry.connect(stranger()).post(1n, ts, 1n);
  });

  it("Should revert NotOwner and ZeroAddress", async () => {
    await expectRevert(f.errors, f.registry.connect(poster()).setPoster(poster().address), "OracleRegistry__NotOwner", [poster().address]);
    await expectRevert(f.errors, f.registry.setPoster(f.ethers.ZeroAddress), "OracleRegistry__ZeroAddress");
  });
});

describe("# setRiskCommitment", () => {
  it("Should apply to rounds posted afterwards only", async () => {
    const { commitment: before } = await postRound(f, 1n, undefined, 42n);
    const events = await eventsOf(f.registry.setRiskCommitment(777n));
    expect(events).toEqual([{ name: "RiskCommitmentChanged", args: [RISK_COMMITMENT, 777n] }]);
    const { commitment: after } = await postRound(f, 2n, undefined, 42n);
    expect(before).toBe(poseidon2([42n, RISK_COMMITMENT]));
    expect(after).toBe(poseidon2([42n, 777n]));
    expect((await f.registry.getRound(1n))[0]).toBe(before);
  });

  it("Should revert NotOwner and InputOutOfField", async () => {
    await expectRevert(f.errors, f.registry.connect(stranger()).setRiskCommitment(1n), "OracleRegistry__NotOwner");
    await expectRevert(f.errors, f.registry.setRiskCommitment(FIELD), "OracleRegistry__InputOutOfField");
  });
});

describe("# setMaxAge", () => {
  it("Should change which rounds are fresh", async () => {
    await postRound(f, 1n);
    await increaseTime(f.ethers, MAX_AGE + 10n);
    expect(await f.registry.isFresh(1n)).toBe(false);
    const events = await eventsOf(f.registry.setMaxAge(MAX_AGE * 2n));
    expect(events).toEqual([{ name: "MaxAgeChanged", args: [MAX_AGE, MAX_AGE * 2n] }]);
    expect(await f.registry.isFresh(1n)).toBe(true);
  });

  it("Should revert NotOwner and ZeroMaxAge", async () => {
    await expectRevert(f.errors, f.registry.connect(stranger()).setMaxAge(5n), "OracleRegistry__NotOwner");
    await expectRevert(f.errors, f.registry.setMaxAge(0n), "OracleRegistry__ZeroMaxAge");
  });
});

describe("# transferOwnership", () => {
  it("Should hand governance over", async () => {
    const events = await eventsOf(f.registry.transferOwnership(stranger().address));
    expect(events).toEqual([{ name: "OwnershipTransferred", args: [gov().address, stranger().address] }]);
    await expectRevert(f.errors, f.registry.setMaxAge(5n), "OracleRegistry__NotOwner", [gov().address]);
    await f.registry.connect(stranger()).setMaxAge(5n);
  });

  it("Should revert NotOwner and ZeroAddress", async () => {
    await expectRevert(f.errors, f.registry.connect(stranger()).transferOwnership(stranger().address), "OracleRegistry__NotOwner");
    await expectRevert(f.errors, f.registry.transferOwnership(f.ethers.ZeroAddress), "OracleRegistry__ZeroAddress");
  });
});
