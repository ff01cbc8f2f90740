/** What one proof measured, for {@link WorkSplit.record} (times in ms; "at" times comparable across threads). */
export interface SplitSample {
  /** When this thread finished its share of the multi-exponentiations. */
  readonly localEndedAt: number;
  /** When the last worker finished. */
  readonly remoteEndedAt: number;
  /** Time this thread spent on its share of H and of the witness MSMs (A, B1, B2, C). */
  readonly localHMs: number;
  readonly localWitnessMs: number;
  /** The slowest worker's time on its share of H and of the witness MSMs. */
  readonly remoteHMs: number;
  readonly remoteWitnessMs: number;
}

/** Shares of the windows below this are too small to time a rate from. */
const MEASURABLE = 0.05;
/** The largest share of the witness MSMs this thread takes: the workers keep some. */
const MOST_WITNESS = 0.95;

/**
 * How a proof's multi-exponentiations are split between the calling thread and its workers. The workers
 * start on the witness MSMs (A, B1, B2, C) while this thread computes the H polynomial; this thread then
 * takes a share of H's windows and, when the witness MSMs are the larger part, a share of theirs. One
 * number says how much: `load` in [0, 1] is this thread's share of H (none of the witness MSMs); in
 * (1, 1 + 0.95] it takes all of H and (load - 1) of the witness MSMs. After each proof the load moves by
 * a damped Newton step so that both sides would have finished together: the gap divided by how fast
 * moving work shifts it (the two sides' times per unit of share, measured in that proof).
 */
export class WorkSplit {
  private load: number;
  private readonly workers: number;
  /** Milliseconds for the whole of H / the witness MSMs: on this thread, and on all the workers together. */
  private rate = { localH: NaN, remoteH: NaN, localWitness: NaN, remoteWitness: NaN };

  /**
   * @param workers worker threads beside the calling one (at least 1)
   * @param load the starting load (default 1.2: all of H here, a fifth of the witness MSMs)
   */
  constructor(workers: number, load = 1.2) {
    this.workers = workers;
    this.load = load;
  }

  /** This thread's share of H's windows. */
  get h(): number {
    return Math.min(1, this.load);
  }

  /** This thread's share of the witness MSMs' windows. */
  get witness(): number {
    return Math.max(0, this.load - 1);
  }

  /** The current load (see the class). */
  get current(): number {
    return this.load;
  }

  /** Moves the load after a proof made with the current shares. */
  record(sample: SplitSample): void {
    const { h, witness, workers, rate } = this;
    if (h >= MEASURABLE) rate.localH = sample.localHMs / h;
    if (1 - h >= MEASURABLE) rate.remoteH = sample.remoteHMs / (1 - h);
    if (witness >= MEASURABLE) rate.localWitness = sample.localWitnessMs / witness;
    if (1 - witness >= MEASURABLE) rate.remoteWitness = sample.remoteWitnessMs / (1 - witness);
    // A side not measured yet: as fast per thread as the other (the workers share theirs).
    const localH = Number.isFinite(rate.localH) ? rate.localH : rate.remoteH * workers;
    const remoteH = Number.isFinite(rate.remoteH) ? rate.remoteH : rate.localH / workers;
    const localWitness = Number.isFinite(rate.localWitness) ? rate.localWitness : rate.remoteWitness * workers;
    const remoteWitness = Number.isFinite(rate.remoteWitness) ? rate.remoteWitness : rate.localWitness / workers;
    // One unit of load moved to this thread costs it `local` ms and saves the workers `remote` ms.
    const gap = sample.localEndedAt - sample.remoteEndedAt;
    const onH = gap > 0 ? this.load <= 1 : this.load < 1;
    const slope = onH ? localH + remoteH : localWitness + remoteWitness;
    if (!Number.isFinite(slope) || slope <= 0) return;
    const next = this.load - (0.7 * gap) / slope;
    // Crossing 1 changes which work moves: stop there, the next proof goes on from it.
    const bounded = (this.load - 1) * (next - 1) < 0 ? 1 : next;
    this.load = Math.min(1 + MOST_WITNESS, Math.max(0, bounded));
  }
}
