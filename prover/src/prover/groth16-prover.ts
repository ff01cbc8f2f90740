import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { ZkMarginError } from "../core/errors.ts";
import type { Groth16Proof } from "./proof-types.ts";
import { Bn128Arena } from "./kernels/bn128-wasm.ts";
import { bn128Module } from "./kernels/bn128-module.ts";
import { CosetFft } from "./coset-fft.ts";
import { ALL_WINDOWS, MSM_GROUP, MsmShard, PROJECTIVE_SIZE, splitShare, zeroProjective, type MsmName, type MsmPart, type MsmReply, type WindowShare } from "./msm-shard.ts";
import type { MsmRequest, MsmWorkerData } from "./msm-worker.ts";
import { WorkSplit } from "./work-split.ts";
import { TsWorker, workerEntry } from "./ts-worker.ts";
import { BN254_Q, BN254_R, G1_AFFINE, G2_AFFINE, N8, bigIntToLittleEndian, littleEndianToBigInt, parseGroth16Zkey, type Groth16Zkey } from "./zkey.ts";

/** Options of {@link Groth16Prover.create}. */
export interface Groth16ProverOptions {
  /**
   * Threads a proof runs on, the calling thread included (default: the machine's available parallelism):
   * T - 1 worker threads. 1 runs everything in the calling thread (what each worker of a ProverPool does).
   */
  readonly threads?: number;
}

/** Where a proof's time went, in milliseconds. */
export interface Groth16Timings {
  /** QAP evaluation and the six FFTs (H polynomial), in the calling thread, wall time. */
  readonly polynomialMs: number;
  /** Multi-exponentiations and the final assembly, after the H polynomial, wall time. */
  readonly msmMs: number;
  /** The polynomial's parts: the QAP evaluation (buildABC), the FFTs with the coset shift, joinABC. */
  readonly qapMs: number;
  readonly fftMs: number;
  /**
   * Time in each multi-exponentiation, summed over the threads that share its windows (thread
   * milliseconds: with several threads the witness MSMs run beside the polynomial, so these do not add up
   * to the wall time).
   */
  readonly msmThreadMs: Readonly<Record<MsmName, number>>;
  /** Blinding and the final point additions in the calling thread. */
  readonly assemblyMs: number;
}

const NO_MSM_TIME: Readonly<Record<MsmName, number>> = { a: 0, b1: 0, b2: 0, c: 0, h: 0 };

/** A shard in a worker thread. */
interface ShardHandle {
  multiexp(names: readonly MsmName[], scalars: Uint8Array, share: WindowShare): Promise<MsmReply>;
  close(): Promise<void>;
}

const WITNESS_MSMS: readonly MsmName[] = ["a", "b1", "b2", "c"];

/**
 * A Groth16 prover over a proving key parsed once and kept in memory: the QAP coefficients in a
 * WebAssembly memory of this thread, the base points resident in the worker threads' memories, every
 * buffer reused from one proof to the next. With T threads, T - 1 workers start on the witness
 * multi-exponentiations (A, B1, B2, C) while this thread computes the H polynomial; then this thread and
 * the workers share H's windows and, where those are the larger part, the witness MSMs', the split tuned
 * after each proof so that both sides finish together (see WorkSplit: one thread per core, none idle
 * while another works). Each proof computes exactly what
 * snarkjs 0.7.6's groth16.prove computes (the same QAP, odd-coset FFTs and multi-exponentiations, fresh
 * random r and s), so it verifies with snarkjs groth16.verify and the generated Solidity verifiers.
 *
 * @example
 * const prover = await Groth16Prover.create(zkeyBytes);
 * const { proof, publicSignals } = await prover.prove(witness); // nVars x 32 bytes (wtnsWitness(wtnsFile))
 * await prover.close();
 */
export class Groth16Prover {
  /** Timings of the most recent proof. */
  lastTimings: Groth16Timings = { polynomialMs: 0, msmMs: 0, qapMs: 0, fftMs: 0, msmThreadMs: NO_MSM_TIME, assemblyMs: 0 };
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly zkey: Groth16Zkey;
  private readonly arena: Bn128Arena;
  private readonly fft: CosetFft;
  /** This thread's shard: every part with one thread, else H alone. */
  private readonly local: MsmShard;
  private readonly workers: readonly ShardHandle[];
  /** Resolves when every worker has started (rejects with the first one's failure). */
  private workersStarted: Promise<void> = Promise.resolve();
  /** How the MSMs are split between this thread and the workers (with workers). */
  private readonly split: WorkSplit;
  private readonly at: Record<"coefficients" | "witness" | "a" | "b" | "c" | "p" | "scalar" | "point" | "point2" | "point3" | "accumulator" | "affine", number>;

  private constructor(zkey: Groth16Zkey, arena: Bn128Arena, local: MsmShard, workers: readonly ShardHandle[]) {
    this.zkey = zkey;
    this.arena = arena;
    this.local = local;
    this.workers = workers;
    this.fft = new CosetFft(arena, zkey.power);
    this.split = new WorkSplit(Math.max(1, workers.length));
    const domain = zkey.domainSize * N8;
    this.at = {
      coefficients: arena.allocSet(zkey.coefficients),
      witness: arena.alloc(zkey.nVars * N8),
      a: arena.alloc(domain),
      b: arena.alloc(domain),
      c: arena.alloc(domain),
      p: arena.alloc(domain),
      scalar: arena.alloc(N8),
      point: arena.alloc(PROJECTIVE_SIZE.g2),
      point2: arena.alloc(PROJECTIVE_SIZE.g2),
      point3: arena.alloc(PROJECTIVE_SIZE.g2),
      accumulator: arena.alloc(PROJECTIVE_SIZE.g2),
      affine: arena.alloc(G2_AFFINE),
    };
  }

  /**
   * Parses a proving key and sets up the threads.
   *
   * @param zkeyBytes the .zkey file (BN254 Groth16, as snarkjs writes it)
   * @throws ZkMarginError when the key is not a BN254 Groth16 key
   */
  static async create(zkeyBytes: Uint8Array, options: Groth16ProverOptions = {}): Promise<Groth16Prover> {
    const zkey = parseGroth16Zkey(zkeyBytes);
    const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
    const module = await bn128Module();
    const arena = new Bn128Arena(module);
    const parts = keptBases(zkey);
    if (threads === 1) return new Groth16Prover(zkey, arena, new MsmShard(module, parts), []);
    const entry = workerEntry("./msm-worker", import.meta.url);
    const workers: ShardHandle[] = Array.from({ length: threads - 1 }, () => {
      // Every worker holds all the points (its own copy) and computes the windows it is given.
      const copy = parts.map((part) => ({ ...part, bases: part.bases.slice() }));
      const data: MsmWorkerData = { module, parts: copy };
      const worker = new TsWorker<MsmRequest, MsmReply>(entry, data, copy.map((part) => part.bases.buffer as ArrayBuffer), true);
      return { multiexp: (names, scalars, share) => worker.call({ names, scalars, share }), close: () => worker.terminate() };
    });
    // The workers start (load their modules, take in their points) while this thread sets up its own shard
    // and, in a WarmProver, computes the first witness: the first proof waits for them, not create().
    const started = Promise.all(workers.map((worker) => worker.multiexp([], new Uint8Array(0), ALL_WINDOWS))).then(() => undefined);
    started.catch(() => undefined);
    let local: MsmShard;
    try {
      local = new MsmShard(module, parts);
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.close()));
      throw error;
    }
    const prover = new Groth16Prover(zkey, arena, local, workers);
    prover.workersStarted = started;
    return prover;
  }

  /** Wires of the circuit (witness length). */
  get nVars(): number {
    return this.zkey.nVars;
  }

  /** Public signals of the circuit. */
  get nPublic(): number {
    return this.zkey.nPublic;
  }

  /**
   * Proves a witness. Calls are serialised: the prover reuses its buffers.
   *
   * @param witness nVars field elements of 32 bytes (standard form, little endian), e.g. the witness section
   *   of a .wtns file
   */
  prove(witness: Uint8Array): Promise<{ proof: Groth16Proof; publicSignals: string[] }> {
    const run = this.queue.then(() => this.proveNow(witness));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Ends the worker threads. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  private async proveNow(witness: Uint8Array): Promise<{ proof: Groth16Proof; publicSignals: string[] }> {
    if (this.closed) throw new ZkMarginError("prover", "is closed");
    const { zkey, arena, at } = this;
    if (witness.byteLength !== zkey.nVars * N8) throw new ZkMarginError("witness", `has ${witness.byteLength / N8} elements; the proving key expects ${zkey.nVars}`);
    if (witness[0] !== 1 || witness.subarray(1, N8).some((byte) => byte !== 0)) throw new ZkMarginError("witness", "does not start with the constant 1");
    const { local, workers } = this;
    await this.workersStarted;
    // 1. The witness multi-exponentiations start in the workers at once (in this thread without workers) ...
    const split = this.split;
    const localWitness = workers.length === 0 ? ALL_WINDOWS : { from: 0, to: split.witness };
    const localH = workers.length === 0 ? ALL_WINDOWS : { from: 0, to: split.h };
    const witnessShares = splitShare({ from: localWitness.to, to: 1 }, workers.length);
    const remoteWitness = Promise.all(workers.map((worker, i) => worker.multiexp(WITNESS_MSMS, witness, witnessShares[i]!)));
    remoteWitness.catch(() => undefined);
    // 2. ... while this thread evaluates the QAP and computes H on the odd coset (snarkjs' buildABC + joinABC).
    const domain = zkey.domainSize;
    arena.set(at.witness, witness);
    const qapStarted = performance.now();
    arena.fn("qap_buildABC")(at.coefficients, zkey.nCoefficients, at.witness, at.a, at.b, at.c, 0, domain, 0, zkey.nVars);
    const qapDone = performance.now();
    this.fft.evaluate(at.a, at.b, at.c, at.p);
    const hScalars = arena.get(at.p, domain * N8);
    const polynomialDone = performance.now();
    // 3. H: the workers' shares posted first; then this thread's shares of H and of the witness MSMs.
    const hShares = splitShare({ from: localH.to, to: 1 }, workers.length);
    const remoteH = Promise.all(workers.map((worker, i) => worker.multiexp(["h"], hScalars, hShares[i]!)));
    remoteH.catch(() => undefined);
    const hHere = local.multiexp(["h"], hScalars, localH);
    const witnessHere = local.multiexp(WITNESS_MSMS, witness, localWitness);
    const localEndedAt = performance.timeOrigin + performance.now();
    const hPoints = [hHere, ...(await remoteH)];
    const parts = [witnessHere, ...(await remoteWitness)];
    if (workers.length > 0) {
      const slowest = (replies: readonly MsmReply[]) => Math.max(...replies.map((reply) => reply.ms.reduce((a, b) => a + b, 0)));
      split.record({
        localEndedAt,
        remoteEndedAt: Math.max(...hPoints.slice(1).map((reply) => reply.finishedAt)),
        localHMs: hHere.ms[0]!,
        localWitnessMs: witnessHere.ms.reduce((a, b) => a + b, 0),
        remoteHMs: slowest(hPoints.slice(1)),
        remoteWitnessMs: slowest(parts.slice(1)),
      });
    }
    const assemblyStarted = performance.now();
    const sum = (name: MsmName, index: number, partials: readonly MsmReply[]) => this.sumPoints(MSM_GROUP[name], partials.map((reply) => reply.points[index]!));
    const threadMs = (index: number, partials: readonly MsmReply[]) => partials.reduce((total, reply) => total + (reply.ms[index] ?? 0), 0);
    const pointA = sum("a", 0, parts);
    const pointB1 = sum("b1", 1, parts);
    const pointB2 = sum("b2", 2, parts);
    const pointC = sum("c", 3, parts);
    const pointH = sum("h", 0, hPoints);

    // 4. Blinding with fresh r and s (snarkjs' formulas).
    const r = randomScalar();
    const s = randomScalar();
    const piA = this.combine("g1", [[pointA, 1n]], [[zkey.alpha1, 1n], [zkey.delta1, r]]);
    const piB = this.combine("g2", [[pointB2, 1n]], [[zkey.beta2, 1n], [zkey.delta2, s]]);
    const pib1 = this.combine("g1", [[pointB1, 1n]], [[zkey.beta1, 1n], [zkey.delta1, s]]);
    const piC = this.combine("g1", [[pointC, 1n], [pointH, 1n], [piA, s], [pib1, r]], [[zkey.delta1, (BN254_R - ((r * s) % BN254_R)) % BN254_R]]);

    const publicSignals: string[] = [];
    for (let i = 1; i <= zkey.nPublic; i++) publicSignals.push(littleEndianToBigInt(witness.subarray(i * N8, (i + 1) * N8)).toString());
    const proof: Groth16Proof = { pi_a: this.g1Object(piA), pi_b: this.g2Object(piB), pi_c: this.g1Object(piC), protocol: "groth16", curve: "bn128" };
    const finished = performance.now();
    this.lastTimings = {
      polynomialMs: polynomialDone - qapStarted, msmMs: finished - polynomialDone, qapMs: qapDone - qapStarted, fftMs: polynomialDone - qapDone,
      msmThreadMs: { a: threadMs(0, parts), b1: threadMs(1, parts), b2: threadMs(2, parts), c: threadMs(3, parts), h: threadMs(0, hPoints) },
      assemblyMs: finished - assemblyStarted,
    };
    return { proof, publicSignals };
  }

  /** Sum of projective points. */
  private sumPoints(group: "g1" | "g2", points: readonly Uint8Array[]): Uint8Array {
    const { arena, at } = this;
    const size = PROJECTIVE_SIZE[group];
    arena.set(at.point, zeroProjective(group));
    for (const point of points) {
      arena.set(at.point2, point);
      arena.fn(`${group}m_add`)(at.point, at.point2, at.point);
    }
    return arena.get(at.point, size);
  }

  /** sum of k_i P_i over projective points and affine points (scalars in [0, r)). */
  private combine(group: "g1" | "g2", projective: readonly (readonly [Uint8Array, bigint])[], affine: readonly (readonly [Uint8Array, bigint])[]): Uint8Array {
    const { arena, at } = this;
    const size = PROJECTIVE_SIZE[group];
    const accumulator = at.accumulator;
    arena.set(accumulator, zeroProjective(group));
    const add = (timesScalar: string, pointer: number, scalar: bigint) => {
      if (scalar === 1n) {
        arena.fn(`${group}m_${timesScalar === "timesScalar" ? "add" : "addMixed"}`)(accumulator, pointer, accumulator);
        return;
      }
      arena.set(at.scalar, bigIntToLittleEndian(scalar));
      arena.fn(`${group}m_${timesScalar}`)(pointer, at.scalar, N8, at.point3);
      arena.fn(`${group}m_add`)(accumulator, at.point3, accumulator);
    };
    for (const [point, scalar] of projective) {
      arena.set(at.point2, point);
      add("timesScalar", at.point2, scalar);
    }
    for (const [point, scalar] of affine) {
      arena.set(at.affine, point);
      add("timesScalarAffine", at.affine, scalar);
    }
    return arena.get(accumulator, size);
  }

  private g1Object(point: Uint8Array): string[] {
    const { arena, at } = this;
    arena.set(at.point, point);
    if (arena.fn("g1m_isZero")(at.point)) return ["0", "1", "0"];
    arena.fn("g1m_toAffine")(at.point, at.affine);
    return [this.coordinate(at.affine), this.coordinate(at.affine + N8), "1"];
  }

  private g2Object(point: Uint8Array): string[][] {
    const { arena, at } = this;
    arena.set(at.point, point);
    if (arena.fn("g2m_isZero")(at.point)) return [["0", "0"], ["1", "0"], ["0", "0"]];
    arena.fn("g2m_toAffine")(at.point, at.affine);
    return [
      [this.coordinate(at.affine), this.coordinate(at.affine + N8)],
      [this.coordinate(at.affine + 2 * N8), this.coordinate(at.affine + 3 * N8)],
      ["1", "0"],
    ];
  }

  /** An Fq element in Montgomery form at `pointer`, as a decimal string. */
  private coordinate(pointer: number): string {
    const { arena, at } = this;
    arena.fn("f1m_fromMontgomery")(pointer, at.scalar);
    const value = littleEndianToBigInt(arena.get(at.scalar, N8));
    if (value >= BN254_Q) throw new ZkMarginError("prover", "produced a coordinate outside the field");
    return value.toString();
  }
}

function randomScalar(): bigint {
  return littleEndianToBigInt(randomBytes(64)) % BN254_R;
}

/**
 * The five queries' base points without the points at infinity (wires a query does not use), each with the
 * index of the scalar (witness wire or H coefficient) that multiplies it.
 */
function keptBases(zkey: Groth16Zkey): MsmPart[] {
  const queries: readonly { name: MsmName; points: Uint8Array; size: number; count: number; offset: number }[] = [
    { name: "a", points: zkey.pointsA, size: G1_AFFINE, count: zkey.nVars, offset: 0 },
    { name: "b1", points: zkey.pointsB1, size: G1_AFFINE, count: zkey.nVars, offset: 0 },
    { name: "b2", points: zkey.pointsB2, size: G2_AFFINE, count: zkey.nVars, offset: 0 },
    { name: "c", points: zkey.pointsC, size: G1_AFFINE, count: zkey.nVars - zkey.nPublic - 1, offset: zkey.nPublic + 1 },
    { name: "h", points: zkey.pointsH, size: G1_AFFINE, count: zkey.domainSize, offset: 0 },
  ];
  return queries.map((query) => {
    const kept: number[] = [];
    for (let i = 0; i < query.count; i++) {
      const start = i * query.size;
      for (let j = start; j < start + query.size; j++) {
        if (query.points[j] !== 0) {
          kept.push(i);
          break;
        }
      }
    }
    const bases = new Uint8Array(kept.length * query.size);
    const scalarIndex = new Uint32Array(kept.length);
    kept.forEach((i, j) => {
      bases.set(query.points.subarray(i * query.size, (i + 1) * query.size), j * query.size);
      scalarIndex[j] = i + query.offset;
    });
    return { name: query.name, bases, scalarIndex };
  });
}
