// Typings of the parts of ffjavascript 0.3 that the fast prover and the development Powers of Tau use
// (they merge with the declarations in prover/src/types/vendor.d.ts).

declare module "ffjavascript" {
  /** The thread manager of a curve built with singleThread = true: `code` is the curve's WebAssembly. */
  export interface CurveThreadManager {
    readonly code: Uint8Array;
  }
  /** A curve group as ffjavascript exposes it (points are Montgomery little-endian buffers). */
  export interface CurveGroup {
    readonly g: Uint8Array;
    toAffine(point: Uint8Array): Uint8Array;
    toObject(point: Uint8Array): unknown;
  }
  /** The bn128 (BN254) engine of ffjavascript. */
  export interface Bn128Curve {
    readonly tm: CurveThreadManager;
    readonly G1: CurveGroup;
    readonly G2: CurveGroup;
    terminate(): Promise<void>;
  }
  /** Builds the bn128 engine; with singleThread the WebAssembly code stays available as `tm.code`. */
  export function buildBn128(singleThread?: boolean): Promise<Bn128Curve>;
}

// The WebAssembly JS API as Node provides it (the project compiles without the DOM library): the parts the
// fast prover uses.
declare namespace WebAssembly {
  interface Module {}
  var Module: { prototype: Module; new (bytes: Uint8Array): Module };
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  var Memory: { prototype: Memory; new (descriptor: { initial: number; maximum?: number }): Memory };
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  var Instance: { prototype: Instance; new (module: Module, imports?: Record<string, Record<string, unknown>>): Instance };
  function compile(bytes: Uint8Array): Promise<Module>;
}

declare module "ffjavascript" {
  /** wasmbuilder's code builder: each method returns the bytes of a WebAssembly expression. */
  export interface WasmCodeBuilder {
    getLocal(name: string): number[];
    setLocal(name: string, value: number[]): number[];
    teeLocal(name: string, value: number[]): number[];
    i32_const(value: number): number[];
    i32_store(address: number[], offset: number, value: number[]): number[];
    i32_shl(a: number[], b: number[]): number[];
    i64_const(value: bigint | number): number[];
    i64_load(address: number[], offset?: number, align?: number): number[];
    i64_load32_u(address: number[], offset?: number): number[];
    i64_store32(address: number[], offset: number, value: number[]): number[];
    i64_add(a: number[], b: number[]): number[];
    i64_sub(a: number[], b: number[]): number[];
    i64_mul(a: number[], b: number[]): number[];
    i64_and(a: number[], b: number[]): number[];
    i64_or(a: number[], b: number[]): number[];
    i64_xor(a: number[], b: number[]): number[];
    i64_shl(a: number[], b: number[]): number[];
    i64_shr_u(a: number[], b: number[]): number[];
    i64_shr_s(a: number[], b: number[]): number[];
    i32_load(address: number[], offset?: number): number[];
    i32_add(a: number[], b: number[]): number[];
    i32_sub(a: number[], b: number[]): number[];
    i32_mul(a: number[], b: number[]): number[];
    i32_eq(a: number[], b: number[]): number[];
    i32_lt_u(a: number[], b: number[]): number[];
    i32_gt_u(a: number[], b: number[]): number[];
    i32_ge_u(a: number[], b: number[]): number[];
    i32_shr_u(a: number[], b: number[]): number[];
    i32_div_u(a: number[], b: number[]): number[];
    call(name: string, ...args: number[][]): number[];
    block(code: number[]): number[];
    loop(...code: number[][]): number[];
    br_if(depth: number, condition: number[]): number[];
    br(depth: number): number[];
  }
  /** wasmbuilder's function builder. */
  export interface WasmFunctionBuilder {
    addParam(name: string, type: "i32"): void;
    addLocal(name: string, type: "i32" | "i64"): void;
    getCodeBuilder(): WasmCodeBuilder;
    addCode(...code: number[][]): void;
  }
  /** wasmbuilder's module builder, as ffjavascript passes it to plugins. */
  export interface WasmModuleBuilder {
    addFunction(name: string): WasmFunctionBuilder;
    exportFunction(name: string): void;
    /** Reserves static memory (with initial bytes, if given); returns its address. */
    alloc(bytes: number, data?: Uint8Array): number;
  }
  export function buildBn128(singleThread: boolean, plugins: (builder: WasmModuleBuilder) => void): Promise<Bn128Curve>;
}
