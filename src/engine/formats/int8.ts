// q4/q8 linear weights as int8 with one scale per output column, the layout ORT's wasm QGEMM
// kernels read (MatMulInteger's B [K, N] int8), converted as each session is created; and the
// input channels kept out of the int8 product because the norm before them makes them outliers.
import { BLOCK_SIZE, blockBytes, type QuantizedMatrix } from './quant';
import type { LinearWeight } from './weights';

/** B [K, N] int8 (symmetric, zero point 0) and one scale per output column N. */
export interface Int8Matrix {
  k: number;
  n: number;
  data: Int8Array;
  scales: Float32Array;
  /**
   * Input channels multiplied in f32 instead (LLM.int8()'s decomposition): their rows of `data` are
   * 0, `weight` [channels, N] holds them, and `mask` [K] (0 on them, else 1) clears them from the
   * activations the kernel quantizes, so they do not set its one scale for the whole tensor.
   */
  outliers?: { channels: number[]; weight: Float32Array; mask: Float32Array };
  /**
   * The input's rows (tokens) differ in scale by orders of magnitude (attention's output, the MLP's
   * silu(gate) * up: unlike a norm's output): each row is brought to max |x| = 1 before the
   * kernel's one scale for the whole tensor, and scaled back after.
   */
  scaleRows?: boolean;
}

/** Rows converted together, so the transposed writes fill runs of bytes rather than single ones. */
const ROW_TILE = 16;

/** Row `row` of a quantized matrix as floats into `out` (blocksPerRow * 32 long: the padding too). */
function dequantizeRow(m: QuantizedMatrix, row: number, out: Float32Array): void {
  const bytes = blockBytes(m.bits);
  for (let block = 0; block < m.blocksPerRow; block++) {
    const index = row * m.blocksPerRow + block;
    const scale = m.scales[index];
    const at = index * bytes;
    const first = block * BLOCK_SIZE;
    if (m.bits === 8) {
      for (let j = 0; j < BLOCK_SIZE; j++) out[first + j] = (m.data[at + j] - 128) * scale;
    } else {
      for (let j = 0; j < bytes; j++) {
        const byte = m.data[at + j];
        out[first + 2 * j] = ((byte & 15) - 8) * scale;
        out[first + 2 * j + 1] = ((byte >> 4) - 8) * scale;
      }
    }
  }
}

/**
 * A quantized [N, K] matrix as int8 [K, N] with per-column scales, the values rounded once more to
 * 1/127 of their column's largest magnitude; the `outlierChannels` of K kept apart in f32.
 */
export function toInt8(m: QuantizedMatrix, outlierChannels: number[] = [], alloc?: (bytes: number) => Uint8Array): Int8Matrix {
  const { n, k } = m;
  // (every byte is written below, so a reused region needs no clearing)
  const region = alloc?.(k * n);
  const data = region ? new Int8Array(region.buffer, region.byteOffset, k * n) : new Int8Array(k * n);
  const scales = new Float32Array(n);
  const outlierWeight = new Float32Array(outlierChannels.length * n);
  const width = m.blocksPerRow * BLOCK_SIZE;
  const tile = new Float32Array(ROW_TILE * width);
  for (let first = 0; first < n; first += ROW_TILE) {
    const rows = Math.min(ROW_TILE, n - first);
    for (let r = 0; r < rows; r++) {
      const row = first + r;
      const values = tile.subarray(r * width, (r + 1) * width);
      dequantizeRow(m, row, values);
      outlierChannels.forEach((channel, i) => {
        outlierWeight[i * n + row] = values[channel];
        values[channel] = 0;
      });
      let largest = 0;
      for (let col = 0; col < k; col++) largest = Math.max(largest, Math.abs(values[col]));
      const scale = largest / 127;
      scales[row] = scale;
      const inverse = scale === 0 ? 0 : 1 / scale;
      for (let col = 0; col < k; col++) values[col] = Math.round(values[col] * inverse);
    }
    for (let col = 0; col < k; col++) {
      const out = col * n + first;
      for (let r = 0; r < rows; r++) data[out + r] = tile[r * width + col];
    }
  }
  if (outlierChannels.length === 0) return { k, n, data, scales };
  const mask = new Float32Array(k).fill(1);
  for (const channel of outlierChannels) mask[channel] = 0;
  return { k, n, data, scales, outliers: { channels: outlierChannels, weight: outlierWeight, mask } };
}

/** A channel whose norm weight is this many times the median magnitude is an outlier. */
const OUTLIER_RATIO = 6;
/** More outliers than this share of the channels is the norm's spread, not outliers. */
const MAX_OUTLIER_SHARE = 1 / 16;

/**
 * The channels an RMSNorm weight makes outliers: trained GLMs carry a few hidden channels 20-100x
 * larger than the rest after the norm, and the int8 kernel quantizes a whole activation tensor with
 * one scale, so those channels would leave the others a handful of levels. Known from the weight
 * alone, before any activation is seen.
 */
export function outlierChannels(normWeight: Float32Array): number[] {
  const magnitudes = Float32Array.from(normWeight, Math.abs).sort();
  const threshold = OUTLIER_RATIO * magnitudes[magnitudes.length >> 1];
  const channels: number[] = [];
  normWeight.forEach((g, i) => Math.abs(g) > threshold && channels.push(i));
  return channels.length <= normWeight.length * MAX_OUTLIER_SHARE ? channels : [];
}

/**
 * A q4/q8 linear weight as int8, the outlier channels of its input kept apart, its rows scaled if
 * asked; others unchanged. The int8 bytes go where `alloc` says (a reusable arena), else a new array.
 */
export function int8Linear(w: LinearWeight, input: { outliers?: number[]; scaleRows?: boolean }, alloc?: (bytes: number) => Uint8Array): LinearWeight {
  if (w.kind !== 'quantized') return w;
  const matrix = toInt8(w.matrix, input.outliers, alloc);
  return { kind: 'int8', matrix: input.scaleRows ? { ...matrix, scaleRows: true } : matrix };
}
