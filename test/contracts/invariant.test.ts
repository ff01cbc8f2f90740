import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  WINDOW,
  expectBalanceInvariant,
  increaseTime,
  liquidationStatement,
  marginStatement,
  postRound,
  proofWords,
  revertOf,
  revertTo,
  snapshot,
  withFixture,
  type AnyContract,
  type Fixture,
} from "./helpers.ts";

// Random sequences of open, post round, time passing, attest, update, challenge, answer, liquidate (both
// paths), claim and replays, against the vault with mock verifiers that model proof validity: a proof exists
// exactly for the statements a hidden "health" oracle makes true (per commitment and round: meets initial
// margin, meets maintenance only, or is underwater), and an actor may also hold a proof made for someone
// else's statement. After every step:
//   - token balance == accountedBalance == sum of its parts (expectBalanceInvariant);
//   - no action backed by a proof succeeds unless the actor held a valid proof of exactly what the vault
//     asked (its own address, the account's commitment and collateral, the round);
//   - an account that proved its margin at round r through `answer` or `update` is never liquidated by the
//     challenge path for round r;
//   - one answer or liquidation proof is never accepted twice, and a replayed attestation changes nothing.
const CAPACITY = 1;
const ACTORS = [2, 3, 4, 5, 6, 7];
const COMMITMENTS = Array.from({ length: 6 }, (_, k) => 0x5eed_0000n + BigInt(k));

type Health = "initial" | "maintenance" | "underwater";
type Via = "attest" | "answer" | "update";

interface AccountModel {
  readonly id: bigint;
  readonly owner: number;
}

interface Accepted {
  readonly kind: "attest" | "answer" | "liquidate";
  readonly sender: number;
  readonly account: bigint;
  readonly round: bigint;
  readonly bufferBps: number;
  readonly triple: readonly bigint[];
}

interface Model {
  readonly seed: bigint;
  readonly rounds: bigint[];
  readonly accounts: AccountModel[];
  /** Rounds at which each account's margin proof was accepted, and how. */
  readonly proved: Map<bigint, { round: bigint; via: Via }[]>;
  /** Answer and liquidation proofs accepted so far (kind + public signals). */
  readonly used: Set<string>;
  readonly accepted: Accepted[];
}

interface Real {
  readonly f: Fixture;
}

/** The hidden truth the proofs speak about: the health of a committed book at a round. */
function health(model: Model, commitment: bigint, round: bigint): Health {
  const mixed = (commitment * 1_000_003n + round * 7_919n + model.seed * 104_729n) % 7n;
  return mixed < 2n ? "underwater" : mixed < 4n ? "maintenance" : "initial";
}

const key = (kind: string, triple: readonly bigint[]) => `${kind}:${triple.join(",")}`;

/** Makes the mock verifier accept exactly `triple` (the actor holds a proof of it), or nothing. */
async function holdProof(mock: AnyContract, triple: readonly bigint[] | undefined): Promise<void> {
  await (await mock.setResult(triple !== undefined)).wait();
  if (triple) await (await mock.expectSignals([...triple])).wait();
}

/** Sends a transaction; undefined when it succeeded, the custom error's name when it reverted. */
async function outcome(f: Fixture, send: () => Promise<{ wait: () => Promise<unknown> }>): Promise<string | undefined> {
  let failure: unknown;
  try {
    await (await send()).wait();
    return undefined;
  } catch (error) {
    failure = error;
  }
  return (await revertOf(f.errors, Promise.reject(failure))).name;
}

async function accountState(f: Fixture, id: bigint) {
  const a = await f.vault.getAccount(id);
  const c = await f.vault.getChallenge(id);
  return { collateral: a.collateral as bigint, lastHealthyRound: a.lastHealthyRound as bigint, status: Number(a.status), commitment: a.commitment as bigint, challenger: c.challenger as string, challengeRound: c.roundId as bigint };
}

/** A command of the random sequences: `check` says whether it applies to the model, `act` runs and asserts. */
class Step implements fc.AsyncCommand<Model, Real> {
  constructor(
    private readonly label: string,
    private readonly applies: (model: Model) => boolean,
    private readonly act: (model: Model, real: Real) => Promise<void>,
  ) {}
  check(model: Readonly<Model>): boolean {
    return this.applies(model as Model);
  }
  async run(model: Model, real: Real): Promise<void> {
    await this.act(model, real);
    await expectBalanceInvariant(real.f);
  }
  toString(): string {
    return this.label;
  }
}

const hasAccount = (model: Model) => model.accounts.length > 0;
const hasRound = (model: Model) => model.rounds.length > 0;
const pickAccount = (model: Model, pick: number) => model.accounts[pick % model.accounts.length]!;
const pickRound = (model: Model, back: number) => model.rounds[Math.max(0, model.rounds.length - 1 - back)]!;
const signer = (real: Real, index: number) => real.f.signers[index]!;
const other = (index: number) => ACTORS[(ACTORS.indexOf(index) + 1) % ACTORS.length]!;

const open = fc.record({ owner: fc.constantFrom(...ACTORS.slice(0, 4)), commitment: fc.constantFrom(...COMMITMENTS), amount: fc.bigInt({ min: 0n, max: 2_000_000_000n }) }).map(({ owner, commitment, amount }) =>
  new Step(`open(${owner}, ${commitment}, ${amount})`, () => true, async (model, real) => {
    const vault = real.f.vault.connect(signer(real, owner));
    const id: bigint = await vault.open.staticCall(commitment, amount);
    expect(await outcome(real.f, () => vault.open(commitment, amount))).toBeUndefined();
    model.accounts.push({ id, owner });
  }));

const post = fc.constant(null).map(() =>
  new Step("post round", () => true, async (model, real) => {
    const round = (model.rounds.at(-1) ?? 0n) + 1n;
    await postRound(real.f, round);
    model.rounds.push(round);
  }));

const wait = fc.constantFrom(60n, 400n, 700n, WINDOW + 100n).map((seconds) =>
  new Step(`wait ${seconds} s`, () => true, async (_model, real) => increaseTime(real.f.ethers, seconds)));

const attest = fc.record({ sender: fc.constantFrom(...ACTORS), pick: fc.nat(), back: fc.nat({ max: 2 }), bufferBps: fc.constantFrom(0, 250), stolen: fc.nat({ max: 3 }).map((n) => n === 0) }).map(({ sender, pick, back, bufferBps, stolen }) =>
  new Step(`attest(${sender}, #${pick}, -${back}, ${bufferBps}${stolen ? ", stolen proof" : ""})`, (model) => hasAccount(model) && hasRound(model), async (model, real) => {
    const account = pickAccount(model, pick);
    const round = pickRound(model, back);
    const state = await accountState(real.f, account.id);
    const [roundCommitment] = await real.f.registry.getRound(round);
    const statementOf = (who: number) => marginStatement(signer(real, who).address, BigInt(bufferBps), false, state.collateral);
    const triple = [state.commitment, roundCommitment, statementOf(stolen ? other(sender) : sender)];
    const valid = health(model, state.commitment, round) !== "underwater";
    await holdProof(real.f.margin[CAPACITY], valid ? triple : undefined);
    const error = await outcome(real.f, () => real.f.vault.connect(signer(real, sender)).attest(account.id, round, CAPACITY, bufferBps, proofWords()));
    if (error !== undefined) return;
    expect(valid && !stolen, "an attestation without a valid proof of the vault's statement was accepted").toBe(true);
    model.proved.set(account.id, [...(model.proved.get(account.id) ?? []), { round, via: "attest" }]);
    model.accepted.push({ kind: "attest", sender, account: account.id, round, bufferBps, triple });
  }));

const update = fc.record({ byOwner: fc.boolean(), stranger: fc.constantFrom(...ACTORS), pick: fc.nat(), back: fc.nat({ max: 2 }), commitment: fc.constantFrom(...COMMITMENTS), collateral: fc.bigInt({ min: 0n, max: 2_000_000_000n }), stolen: fc.nat({ max: 3 }).map((n) => n === 0) }).map(({ byOwner, stranger, pick, back, commitment, collateral, stolen }) =>
  new Step(`update(${byOwner ? "owner" : stranger}, #${pick}, -${back}, ${commitment}, ${collateral}${stolen ? ", stolen proof" : ""})`, (model) => hasAccount(model) && hasRound(model), async (model, real) => {
    const account = pickAccount(model, pick);
    const sender = byOwner ? account.owner : stranger;
    const round = pickRound(model, back);
    const [roundCommitment] = await real.f.registry.getRound(round);
    const triple = [commitment, roundCommitment, marginStatement(signer(real, stolen ? other(sender) : sender).address, 0n, true, collateral)];
    const valid = health(model, commitment, round) === "initial";
    await holdProof(real.f.margin[CAPACITY], valid ? triple : undefined);
    const error = await outcome(real.f, () => real.f.vault.connect(signer(real, sender)).update(account.id, commitment, collateral, round, CAPACITY, proofWords()));
    if (error !== undefined) return;
    expect(valid && !stolen && sender === account.owner, "an update without the owner's valid initial-margin proof was accepted").toBe(true);
    model.proved.set(account.id, [...(model.proved.get(account.id) ?? []), { round, via: "update" }]);
  }));

const challenge = fc.record({ challenger: fc.constantFrom(...ACTORS), pick: fc.nat() }).map(({ challenger, pick }) =>
  new Step(`challenge(${challenger}, #${pick})`, hasAccount, async (model, real) => {
    await outcome(real.f, () => real.f.vault.connect(signer(real, challenger)).challenge(pickAccount(model, pick).id));
  }));

const answer = fc.record({ sender: fc.constantFrom(...ACTORS), pick: fc.nat(), back: fc.nat({ max: 2 }), stolen: fc.nat({ max: 3 }).map((n) => n === 0) }).map(({ sender, pick, back, stolen }) =>
  new Step(`answer(${sender}, #${pick}, -${back}${stolen ? ", stolen proof" : ""})`, (model) => hasAccount(model) && hasRound(model), async (model, real) => {
    const account = pickAccount(model, pick);
    const round = pickRound(model, back);
    const state = await accountState(real.f, account.id);
    const [roundCommitment] = await real.f.registry.getRound(round);
    const triple = [state.commitment, roundCommitment, marginStatement(signer(real, stolen ? other(sender) : sender).address, 0n, false, state.collateral)];
    const valid = health(model, state.commitment, round) !== "underwater";
    await holdProof(real.f.margin[CAPACITY], valid ? triple : undefined);
    const error = await outcome(real.f, () => real.f.vault.connect(signer(real, sender)).answer(account.id, round, CAPACITY, proofWords()));
    if (error !== undefined) return;
    expect(valid && !stolen, "an answer without a valid proof was accepted").toBe(true);
    expect(model.used.has(key("answer", triple)), "an answer proof was accepted twice").toBe(false);
    model.used.add(key("answer", triple));
    model.proved.set(account.id, [...(model.proved.get(account.id) ?? []), { round, via: "answer" }]);
    model.accepted.push({ kind: "answer", sender, account: account.id, round, bufferBps: 0, triple });
  }));

const liquidateUnanswered = fc.record({ sender: fc.constantFrom(...ACTORS), pick: fc.nat() }).map(({ sender, pick }) =>
  new Step(`liquidateUnanswered(${sender}, #${pick})`, hasAccount, async (model, real) => {
    const account = pickAccount(model, pick);
    const before = await accountState(real.f, account.id);
    const error = await outcome(real.f, () => real.f.vault.connect(signer(real, sender)).liquidateUnanswered(account.id));
    if (error !== undefined) return;
    // `attest` does not close a challenge: its case is the known issue tested on its own below.
    const proofs = (model.proved.get(account.id) ?? []).filter((entry) => entry.round === before.challengeRound && entry.via !== "attest");
    expect(proofs, `account ${account.id} proved margin at round ${before.challengeRound} and was liquidated by the challenge for that round`).toEqual([]);
  }));

const liquidateByProof = fc.record({ sender: fc.constantFrom(...ACTORS), pick: fc.nat(), back: fc.nat({ max: 2 }), stolen: fc.nat({ max: 3 }).map((n) => n === 0) }).map(({ sender, pick, back, stolen }) =>
  new Step(`liquidateByProof(${sender}, #${pick}, -${back}${stolen ? ", stolen proof" : ""})`, (model) => hasAccount(model) && hasRound(model), async (model, real) => {
    const account = pickAccount(model, pick);
    const round = pickRound(model, back);
    const state = await accountState(real.f, account.id);
    const [roundCommitment] = await real.f.registry.getRound(round);
    const triple = [state.commitment, roundCommitment, liquidationStatement(signer(real, stolen ? other(sender) : sender).address, state.collateral)];
    const valid = health(model, state.commitment, round) === "underwater";
    await holdProof(real.f.liquidation[CAPACITY], valid ? triple : undefined);
    const error = await outcome(real.f, () => real.f.vault.connect(signer(real, sender)).liquidateByProof(account.id, round, CAPACITY, proofWords()));
    if (error !== undefined) return;
    expect(valid && !stolen, "a liquidation without a valid proof was accepted").toBe(true);
    expect(round >= state.lastHealthyRound, "liquidated with prices older than a proof of health").toBe(true);
    expect(model.used.has(key("liquidate", triple)), "a liquidation proof was accepted twice").toBe(false);
    model.used.add(key("liquidate", triple));
    model.accepted.push({ kind: "liquidate", sender, account: account.id, round, bufferBps: 0, triple });
  }));

const claim = fc.constantFrom(...ACTORS).map((who) =>
  new Step(`claim(${who})`, () => true, async (_model, real) => {
    await outcome(real.f, () => real.f.vault.connect(signer(real, who)).claim());
  }));

const replay = fc.record({ pick: fc.nat(), copier: fc.option(fc.constantFrom(...ACTORS), { nil: undefined }) }).map(({ pick, copier }) =>
  new Step(`replay(#${pick}${copier === undefined ? "" : ` by ${copier}`})`, (model) => model.accepted.length > 0, async (model, real) => {
    const proof = model.accepted[pick % model.accepted.length]!;
    const sender = copier ?? proof.sender;
    const vault = real.f.vault.connect(signer(real, sender));
    await holdProof(proof.kind === "liquidate" ? real.f.liquidation[CAPACITY] : real.f.margin[CAPACITY], proof.triple);
    const before = await accountState(real.f, proof.account);
    const error = await outcome(real.f, () =>
      proof.kind === "attest" ? vault.attest(proof.account, proof.round, CAPACITY, proof.bufferBps, proofWords(2n))
        : proof.kind === "answer" ? vault.answer(proof.account, proof.round, CAPACITY, proofWords(2n))
          : vault.liquidateByProof(proof.account, proof.round, CAPACITY, proofWords(2n)));
    if (error !== undefined) return;
    expect(proof.kind, `a ${proof.kind} proof was accepted a second time`).toBe("attest");
    expect(sender, "a copied proof was accepted for another sender").toBe(proof.sender);
    expect(await accountState(real.f, proof.account), "a replayed attestation changed the account").toEqual(before);
  }));

describe("PrivateMarginVault invariants under random sequences", () => {
  let f: Fixture;
  withFixture((fixture) => (f = fixture));

  it("Should keep the balance invariant, the challenge rule and one use per proof over random sequences", async () => {
    // Repeated entries weigh the draw toward the actions that need the most setup to succeed.
    const commands = [open, open, post, post, wait, attest, update, challenge, challenge, answer, answer, liquidateUnanswered, liquidateByProof, liquidateByProof, claim, replay, replay];
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 0n, max: 1n << 32n }), fc.commands(commands, { maxCommands: 60, size: "max" }), async (seed, steps) => {
        const start = await snapshot(f.ethers);
        try {
          const model: Model = { seed, rounds: [], accounts: [], proved: new Map(), used: new Set(), accepted: [] };
          await fc.asyncModelRun(() => ({ model, real: { f } }), steps);
        } finally {
          await revertTo(f.ethers, start);
        }
      }),
      { numRuns: 100 },
    );
  });

  // Known issue (see the report): `attest` records a margin proof at the challenge round but does not close the
  // challenge, so the account is liquidated by the challenge path for a round at which it proved its margin.
  // Remove `.fails` once attest answers an active challenge (or liquidateUnanswered checks lastHealthyRound).
  it("Should not liquidate through the challenge path an account that proved margin at the challenge round with attest", async () => {
    const [owner, challenger] = [f.signers[2]!, f.signers[3]!];
    await (await f.vault.connect(owner).open(COMMITMENTS[0]!, 1_000_000n)).wait();
    const { commitment: roundCommitment } = await postRound(f, 1n);
    await (await f.vault.connect(challenger).challenge(1n)).wait();
    await holdProof(f.margin[CAPACITY], [COMMITMENTS[0]!, roundCommitment, marginStatement(owner.address, 0n, false, 1_000_000n)]);
    await (await f.vault.connect(owner).attest(1n, 1n, CAPACITY, 0, proofWords())).wait();
    expect((await f.vault.getAccount(1n)).lastHealthyRound).toBe(1n);
    await increaseTime(f.ethers, WINDOW + 1n);
    expect(await outcome(f, () => f.vault.connect(challenger).liquidateUnanswered(1n))).toBeDefined();
  });
});
