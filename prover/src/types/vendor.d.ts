// Minimal typings for the untyped libraries zkmargin calls (snarkjs 0.7.6, circom_runtime 0.1.28,
// r1csfile 0.0.48, ffjavascript 0.3). Only what the SDK uses is declared.

declare module "snarkjs" {
  /** A file path, or an in-memory file as fastfile accepts it. */
  export type FileLike = string | { type: "mem"; data: Uint8Array };
  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  export interface Logger {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
  }
  export const groth16: {
    fullProve(input: Record<string, unknown>, wasm: FileLike, zkey: FileLike, logger?: Logger): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    prove(zkey: FileLike, witness: FileLike, logger?: Logger, options?: { singleThread?: boolean }): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vkey: object, publicSignals: readonly string[], proof: Groth16Proof, logger?: Logger): Promise<boolean>;
    exportSolidityCallData(proof: Groth16Proof, publicSignals: readonly string[]): Promise<string>;
  };
  export const zKey: {
    newZKey(r1cs: FileLike, ptau: FileLike, zkey: FileLike, logger?: Logger): Promise<unknown>;
    contribute(zkeyOld: FileLike, zkeyNew: FileLike, name: string, entropy: string, logger?: Logger): Promise<Uint8Array>;
    beacon(zkeyOld: FileLike, zkeyNew: FileLike, name: string, beaconHash: string, numIterationsExp: number, logger?: Logger): Promise<Uint8Array>;
    verifyFromR1cs(r1cs: FileLike, ptau: FileLike, zkey: FileLike, logger?: Logger): Promise<boolean>;
    verifyFromInit(zkeyInit: FileLike, ptau: FileLike, zkey: FileLike, logger?: Logger): Promise<boolean>;
    exportVerificationKey(zkey: FileLike, logger?: Logger): Promise<Record<string, unknown>>;
    exportSolidityVerifier(zkey: FileLike, templates: { groth16: string }, logger?: Logger): Promise<string>;
    exportJson(zkey: FileLike): Promise<Record<string, unknown>>;
  };
  export const powersOfTau: {
    newAccumulator(curve: unknown, power: number, fileName: string, logger?: Logger): Promise<unknown>;
    contribute(oldPtau: string, newPtau: string, name: string, entropy: string, logger?: Logger): Promise<unknown>;
    beacon(oldPtau: string, newPtau: string, name: string, beaconHash: string, numIterationsExp: number, logger?: Logger): Promise<unknown>;
    preparePhase2(oldPtau: string, newPtau: string, logger?: Logger): Promise<unknown>;
    verify(ptau: string, logger?: Logger): Promise<boolean>;
  };
  export const r1cs: {
    info(r1cs: FileLike, logger?: Logger): Promise<{ nConstraints: number; nVars: number; nPubInputs: number; nPrvInputs: number; nOutputs: number; nLabels: number }>;
  };
  export const curves: {
    getCurveFromName(name: string, options?: { singleThread?: boolean }): Promise<{ terminate(): Promise<void> }>;
  };
}

declare module "circom_runtime" {
  export interface WitnessCalculator {
    calculateWitness(input: Record<string, unknown>, sanityCheck?: boolean): Promise<bigint[]>;
    calculateWTNSBin(input: Record<string, unknown>, sanityCheck?: boolean): Promise<Uint8Array>;
  }
  export function WitnessCalculatorBuilder(wasm: Uint8Array, options?: Record<string, unknown>): Promise<WitnessCalculator>;
}

declare module "r1csfile" {
  export interface R1csConstraintTerm {
    [signal: string]: bigint;
  }
  export interface R1cs {
    n8: number;
    prime: bigint;
    nVars: number;
    nOutputs: number;
    nPubInputs: number;
    nPrvInputs: number;
    nLabels: number;
    nConstraints: number;
    constraints: [R1csConstraintTerm, R1csConstraintTerm, R1csConstraintTerm][];
    curve: { terminate(): Promise<void> };
  }
  export function readR1cs(fileName: string, options?: { loadConstraints?: boolean; loadMap?: boolean; getFieldFromPrime?: unknown; singleThread?: boolean; loadCustomGates?: boolean }): Promise<R1cs>;
}

declare module "ffjavascript" {
  /** A prime field over bigints (elements are plain bigints). */
  export class F1Field {
    constructor(prime: bigint);
    readonly p: bigint;
    /** The element of an integer (reduced mod p, negatives wrapped). */
    e(value: bigint): bigint;
    /** a * b^-1 mod p. */
    div(a: bigint, b: bigint): bigint;
  }
}
