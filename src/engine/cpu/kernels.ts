// The CPU kernels' WebAssembly module (kernels.c) and the memory it works in: one linear memory that
// holds the weights, the scratch of a pass and, last, the KV cache, which grows at the end of the
// memory as positions are added (so it never moves or copies). Offsets are bytes into that memory.
import { OutOfMemoryError } from '../errors';
import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels-wasm';

const PAGE = 65536;
/** wasm32's limit: 65536 pages of 64 KiB. */
export const MAX_MEMORY_BYTES = 2 ** 32;
const ALIGN = 16;

interface KernelExports {
  __heap_base: WebAssembly.Global;
  quantize_rows(x: number, rows: number, k: number, xq: number, xs: number, interleaved: number): void;
  matmul_q4(w: number, ws: number, xq: number, xs: number, y: number, n: number, k: number, tokens: number, first: number, end: number): void;
  matmul_q8(w: number, ws: number, xq: number, xs: number, y: number, n: number, k: number, tokens: number, first: number, end: number): void;
  dequantize_row(bits: number, w: number, ws: number, k: number, row: number, out: number): void;
  rms_norm(x: number, weight: number, y: number, rows: number, n: number, eps: number): void;
  add_into(x: number, y: number, n: number): void;
  add_bias(x: number, bias: number, rows: number, n: number): void;
  silu_mul(gateUp: number, out: number, rows: number, m: number): void;
  take_channels(x: number, rows: number, k: number, channels: number, count: number, saved: number): void;
  add_channels(saved: number, rows: number, count: number, columns: number, y: number, n: number): void;
  attention_store(qkv: number, kv: number, layer: number, layers: number, past: number, rows: number, heads: number, kvHeads: number, headDim: number, rotaryDim: number, cos: number, sin: number): void;
  attention_heads(qkv: number, kv: number, layer: number, layers: number, past: number, rows: number, heads: number, kvHeads: number, headDim: number, out: number, scores: number, first: number, end: number): void;
}

const compiled = new Map<boolean, WebAssembly.Module>();

/** The kernels compiled (once): on an ordinary memory, or `shared` for threads. */
function kernelModule(shared: boolean): WebAssembly.Module {
  let module = compiled.get(shared);
  if (!module) {
    const binary = atob(shared ? KERNELS_SHARED_WASM_BASE64 : KERNELS_WASM_BASE64);
    module = new WebAssembly.Module(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    compiled.set(shared, module);
  }
  return module;
}

/** Whether this runtime runs the kernels (WebAssembly with SIMD). */
export function cpuKernelsSupported(): boolean {
  try {
    kernelModule(false);
    return true;
  } catch {
    return false;
  }
}

export class KernelMemory {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  readonly run: KernelExports;
  private top: number;

  /**
   * `reserveBytes`: the memory the caller expects to need, allocated up front (it grows past it if
   * needed); `shared`: a shared memory that other threads may run the kernels on (threads.ts).
   */
  constructor(reserveBytes: number, shared = false) {
    const base = 1 << 20; // the module's stack and data lie below __heap_base, well under 1 MiB
    const pages = Math.ceil(Math.min(MAX_MEMORY_BYTES, base + reserveBytes) / PAGE);
    try {
      this.memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_MEMORY_BYTES / PAGE, shared });
    } catch (error) {
      throw new OutOfMemoryError(`not enough memory for the CPU kernels' ${Math.round((pages * PAGE) / 2 ** 20)} MiB (${(error as Error).message})`);
    }
    this.module = kernelModule(shared);
    const instance = new WebAssembly.Instance(this.module, { env: { memory: this.memory } });
    this.run = instance.exports as unknown as KernelExports;
    this.top = Math.ceil((this.run.__heap_base.value as number) / ALIGN) * ALIGN;
  }

  /** Bytes in use, the KV cache's region excluded. */
  get usedBytes(): number {
    return this.top;
  }

  /** The memory's size now. */
  get sizeBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Makes the memory at least `end` bytes long; the browser refusing more is an OutOfMemoryError. */
  ensure(end: number): void {
    if (end > MAX_MEMORY_BYTES) throw new OutOfMemoryError(`the CPU kernels need ${Math.round(end / 2 ** 20)} MiB of memory, more than WebAssembly's 4 GiB`);
    const missing = Math.ceil((end - this.memory.buffer.byteLength) / PAGE);
    if (missing <= 0) return;
    try {
      this.memory.grow(missing);
    } catch (error) {
      throw new OutOfMemoryError(`not enough memory for the CPU kernels to grow to ${Math.round(end / 2 ** 20)} MiB (${(error as Error).message})`);
    }
  }

  /** `bytes` bytes, 16-byte aligned; regions are never freed (the model's memory lives as long as the model). */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = Math.ceil((at + bytes) / ALIGN) * ALIGN;
    this.ensure(this.top);
    return at;
  }

  /** Copies an array in and returns its offset. */
  place(values: Float32Array | Uint8Array | Int32Array): number {
    const at = this.alloc(values.byteLength);
    new Uint8Array(this.memory.buffer, at, values.byteLength).set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    return at;
  }

  /** A view of floats in the memory (valid until the memory next grows). */
  floats(at: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, count);
  }
}
