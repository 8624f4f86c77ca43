// The KV cache in fixed-capacity GPU buffers, for WebGPU with GroupQueryAttention. Each layer's
// present key/value output is bound to the very buffer that is fed as its past, so GQA writes the
// new positions in place (ORT's past/present share-buffer mode) instead of ORT allocating a
// longer cache and copying the whole past into it for every token. Capacity grows by doubling
// (one GPU copy per head, so the cost is amortized) up to the longest sequence the model was
// loaded for; a reset keeps the buffers for the next sequence.
import type * as Ort from 'onnxruntime-web';
import { formatBytes } from '../../util/bytes';
import type { GlmConfig } from '../formats/config';

type OrtModule = typeof Ort;

/**
 * The first `positions` positions of each head of a cache laid out [kv_heads, length, head_dim]
 * (as ORT's past/present tensors [1, kv_heads, length, head_dim]), packed as [kv_heads, positions, head_dim].
 */
export function firstPositions(data: Float32Array, [heads, length, headDim]: readonly number[], positions: number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(heads * positions * headDim);
  for (let h = 0; h < heads; h++) out.set(data.subarray(h * length * headDim, (h * length + positions) * headDim), h * positions * headDim);
  return out;
}

/** Positions a new cache starts with: a short chat never grows it. */
const FIRST_CAPACITY = 256;
const FLOAT_BYTES = 4;

export class GpuKvCache {
  /** [key, value] of each layer, as tensors over the buffers of the current capacity. */
  private tensors: Ort.Tensor[] = [];
  private buffers: GPUBuffer[] = [];
  /** Positions the buffers hold. */
  private capacity = 0;
  private released = false;

  constructor(
    private readonly ort: OrtModule,
    private readonly device: GPUDevice,
    private readonly config: GlmConfig,
    private readonly maxPositions: number,
  ) {}

  key(layer: number): Ort.Tensor {
    return this.tensors[2 * layer];
  }

  value(layer: number): Ort.Tensor {
    return this.tensors[2 * layer + 1];
  }

  /**
   * Makes room for `total` positions, keeping the first `kept` of the cached sequence. A GPU that
   * cannot allocate the larger buffers fails here (WebGPU reports that asynchronously: without the
   * error scopes, the cache would go on in invalid buffers and give wrong logits).
   */
  async reserve(total: number, kept: number): Promise<void> {
    if (this.released) throw new Error('the model was released');
    if (total <= this.capacity) return;
    if (total > this.maxPositions) throw new RangeError(`the KV cache holds at most ${this.maxPositions} positions, ${total} asked`);
    let capacity = Math.max(FIRST_CAPACITY, this.capacity);
    while (capacity < total) capacity *= 2;
    capacity = Math.min(capacity, this.maxPositions);

    const { numKvHeads, headDim, numLayers } = this.config;
    const headBytes = (positions: number) => positions * headDim * FLOAT_BYTES;
    const old = this.buffers;
    const oldCapacity = this.capacity;
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    const buffers = Array.from({ length: 2 * numLayers }, (_, i) =>
      this.device.createBuffer({ label: `kv ${i >> 1} ${i & 1 ? 'value' : 'key'}`, size: numKvHeads * headBytes(capacity), usage }),
    );
    // Both popped at once, so that no other GPU call lands in the outer scope meanwhile.
    const [invalid, outOfMemory] = await Promise.all([this.device.popErrorScope(), this.device.popErrorScope()]);
    const error = outOfMemory ?? invalid;
    if (error) {
      buffers.forEach((b) => b.destroy());
      const bytes = 2 * numLayers * numKvHeads * headBytes(capacity);
      throw new Error(`the GPU could not allocate the KV cache for ${capacity} positions (${formatBytes(bytes)}): ${error.message}`);
    }
    // Released while the scopes were popped: the new buffers are not kept.
    if (this.released) {
      buffers.forEach((b) => b.destroy());
      throw new Error('the model was released');
    }
    this.buffers = buffers;
    if (kept > 0 && old.length > 0) {
      // [1, kv_heads, capacity, D]: each head's positions are contiguous, at a stride that changes.
      const encoder = this.device.createCommandEncoder();
      old.forEach((from, i) => {
        for (let h = 0; h < numKvHeads; h++) encoder.copyBufferToBuffer(from, h * headBytes(oldCapacity), this.buffers[i], h * headBytes(capacity), headBytes(kept));
      });
      this.device.queue.submit([encoder.finish()]);
    }
    old.forEach((b) => b.destroy());
    const dims = [1, numKvHeads, capacity, headDim];
    this.tensors = this.buffers.map((buffer) => this.ort.Tensor.fromGpuBuffer(buffer, { dataType: 'float32', dims }));
    this.capacity = capacity;
  }

  release(): void {
    this.released = true;
    this.buffers.forEach((b) => b.destroy());
    this.buffers = [];
    this.tensors = [];
    this.capacity = 0;
  }
}
