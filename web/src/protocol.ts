import type { Groth16Proof } from "snarkjs";
import type { CircuitInput } from "../../prover/src/circuit/inputs.ts";

/** One circuit's artifact URLs and what the manifest records about them. */
export interface CircuitRef {
  readonly id: string;
  /** Folder URL of the circuit's artifacts, ending in "/". */
  readonly baseUrl: string;
}

/** Messages the page sends to the proving worker. */
export type WorkerRequest =
  | {
      readonly type: "prove";
      readonly requestId: number;
      /**
       * Every circuit the worker must hold: the proving circuits of the markets' profile that the page proves with,
       * a fixed set whatever the account (all are fetched and hash-checked, whichever is used).
       */
      readonly circuits: readonly CircuitRef[];
      /** The circuit to prove with (one of `circuits`). */
      readonly circuitId: string;
      readonly input: CircuitInput;
    };

/** The stages a proof goes through, in order. */
export type ProofStage = "artifacts" | "witness" | "proving" | "verifying";

/** Timings of one proof in the worker, in milliseconds. */
export interface WorkerTimings {
  /** Fetching and hash-checking artifacts and compiling the witness generator (0 when already warm). */
  readonly loadMs: number;
  readonly witnessMs: number;
  readonly proveMs: number;
  readonly verifyMs: number;
}

/** Messages the proving worker sends back. */
export type WorkerResponse =
  | { readonly type: "progress"; readonly requestId: number; readonly stage: ProofStage; readonly message: string }
  | {
      readonly type: "proved";
      readonly requestId: number;
      readonly circuitId: string;
      readonly proof: Groth16Proof;
      readonly publicSignals: readonly string[];
      /** Whether the proof verified against the (hash-checked) verification key. */
      readonly valid: boolean;
      /** From the circuit's manifest: the keys come from a development setup. */
      readonly insecureSetup: boolean;
      /** sha256 of the verification key (the manifest's, which the fetched key matched): the proof file names it. */
      readonly verificationKeySha256: string;
      readonly timings: WorkerTimings;
    }
  | { readonly type: "failed"; readonly requestId: number; readonly message: string };
