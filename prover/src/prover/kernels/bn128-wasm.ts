import { ZkMarginError } from "../../core/errors.ts";

/** A function exported by the bn128 WebAssembly module: pointers and counts in, maybe a flag out. */
export type WasmFunction = (...args: number[]) => number;

/**
 * One instance of the bn128 WebAssembly module with its own memory and a bump allocator. The module's
 * functions keep their temporaries above the free pointer (word 0 of memory), so the arena keeps
 * `headroom` bytes free past the last allocation.
 */
export class Bn128Arena {
  private readonly memory: WebAssembly.Memory;
  private readonly functions: Record<string, WasmFunction>;
  private view: Uint8Array;
  private headroom: number;

  /**
   * @param module the compiled module (see {@link bn128Module})
   * @param headroom bytes kept free above the allocations for the module's own scratch space
   */
  constructor(module: WebAssembly.Module, headroom = 1 << 22) {
    this.headroom = headroom;
    this.memory = new WebAssembly.Memory({ initial: 32 });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.functions = instance.exports as unknown as Record<string, WasmFunction>;
    this.view = new Uint8Array(this.memory.buffer);
    this.ensure(0);
  }

  /** An exported function by name. */
  fn(name: string): WasmFunction {
    const found = this.functions[name];
    if (typeof found !== "function") throw new ZkMarginError("bn128 wasm", `has no function ${name}`);
    return found;
  }

  /** The current free pointer. */
  get free(): number {
    return new Uint32Array(this.memory.buffer, 0, 1)[0]!;
  }

  /** Allocates `bytes` (8-byte aligned), growing memory so that the headroom stays free. */
  alloc(bytes: number): number {
    const words = new Uint32Array(this.memory.buffer, 0, 1);
    const pointer = (words[0]! + 7) & ~7;
    words[0] = pointer + bytes;
    this.ensure(0);
    return pointer;
  }

  /** Frees everything allocated since the free pointer was `mark` (see {@link free}). */
  release(mark: number): void {
    new Uint32Array(this.memory.buffer, 0, 1)[0] = mark;
  }

  /** Allocates and copies `data` in. */
  allocSet(data: Uint8Array): number {
    const pointer = this.alloc(data.byteLength);
    this.bytes().set(data, pointer);
    return pointer;
  }

  /** Raises the headroom (for example before a multi-exponentiation with a large bucket table). */
  reserve(headroom: number): void {
    if (headroom > this.headroom) this.headroom = headroom;
    this.ensure(0);
  }

  /** A view of the whole memory (renewed after the memory grows). */
  bytes(): Uint8Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Uint8Array(this.memory.buffer);
    return this.view;
  }

  /** Copies `length` bytes out. */
  get(pointer: number, length: number): Uint8Array {
    return this.bytes().slice(pointer, pointer + length);
  }

  /** Copies `data` in at `pointer`. */
  set(pointer: number, data: Uint8Array): void {
    this.bytes().set(data, pointer);
  }

  private ensure(extra: number): void {
    const needed = this.free + this.headroom + extra;
    const have = this.memory.buffer.byteLength;
    if (needed > have) this.memory.grow(Math.ceil((needed - have) / 65536));
  }
}

/**
 * The window size (bits) wasmcurves' multiexp picks for n points: the bucket table it allocates above the
 * free pointer has 2^c projective points.
 */
export function multiexpWindow(points: number): number {
  const table = [17, 17, 17, 17, 17, 17, 17, 17, 17, 17, 16, 16, 15, 14, 13, 13, 12, 11, 10, 9, 8, 7, 7, 6, 5, 4, 3, 2, 1, 1, 1, 1];
  return points === 0 ? 1 : table[Math.clz32(points)]!;
}
