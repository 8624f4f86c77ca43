// q4/q8 linear weights as int8 with one scale per output column, the layout ORT's wasm QGEMM
// kernels read (MatMulInteger's B [K, N] int8), converted as each session is created; and the
// per-channel smoothing that keeps activation outliers from crushing the per-tensor activation scale.
import { blockBytes, type QuantizedMatrix } from './quant';
import type { LinearWeight } from './weights';

/** B [K, N] int8 (symmetric, zero point 0) and one scale per output column N. */
export interface Int8Matrix {
  k: number;
  n: number;
  data: Int8Array;
  scales: Float32Array;
}

/** Rows converted together, so the transposed writes fill runs of bytes rather than single ones. */
const ROW_TILE = 16;

/**
 * A quantized [N, K] matrix as int8 [K, N] with per-column scales, each input channel k first
 * multiplied by `inputScales[k]` (the smoothing factor folded into the weight; see smoothingFactors).
 * The values are rounded once more, to 1/127 of their column's largest magnitude.
 */
export function toInt8(m: QuantizedMatrix, inputScales?: Float32Array): Int8Matrix {
  const { n, k } = m;
  const data = new Int8Array(k * n);
  const scales = new Float32Array(n);
  const bytes = blockBytes(m.bits);
  const zeroPoint = m.bits === 4 ? 8 : 128;
  const tile = new Float32Array(ROW_TILE * k);
  for (let first = 0; first < n; first += ROW_TILE) {
    const rows = Math.min(ROW_TILE, n - first);
    for (let r = 0; r < rows; r++) {
      const row = first + r;
      const values = tile.subarray(r * k, (r + 1) * k);
      let largest = 0;
      for (let col = 0; col < k; col++) {
        const block = row * m.blocksPerRow + (col >> 5);
        const at = block * bytes;
        const inBlock = col & 31;
        const level = m.bits === 8 ? m.data[at + inBlock] : inBlock & 1 ? m.data[at + (inBlock >> 1)] >> 4 : m.data[at + (inBlock >> 1)] & 15;
        const v = (level - zeroPoint) * m.scales[block] * (inputScales ? inputScales[col] : 1);
        values[col] = v;
        if (Math.abs(v) > largest) largest = Math.abs(v);
      }
      const scale = largest / 127;
      scales[row] = scale;
      const inverse = scale === 0 ? 0 : 1 / scale;
      for (let col = 0; col < k; col++) values[col] = Math.round(values[col] * inverse);
    }
    for (let col = 0; col < k; col++) {
      const out = col * n + first;
      for (let r = 0; r < rows; r++) data[out + r] = tile[r * k + col];
    }
  }
  return { k, n, data, scales };
}

/** How much the largest norm channels are tamed: activation and weight each carry sqrt of the excess. */
const SMOOTHING_POWER = 0.5;

/**
 * Per-channel factors s for the activations an RMSNorm weight g produces: channels whose |g| is far
 * above the median are where trained GLMs' outliers sit (20-100x). The norm weight becomes g / s and
 * the next projection's input channel k is multiplied by s[k], so the product is unchanged, and the
 * activation's range, which the kernel quantizes with one scale per tensor, shrinks by sqrt of the
 * excess. null when no channel stands out (the common case for random and most trained weights).
 */
export function smoothingFactors(normWeight: Float32Array): Float32Array | null {
  const magnitudes = Float32Array.from(normWeight, Math.abs).sort();
  const median = magnitudes[magnitudes.length >> 1];
  if (!(median > 0)) return null;
  const factors = Float32Array.from(normWeight, (g) => Math.max(1, Math.abs(g) / median) ** SMOOTHING_POWER);
  return factors.some((s) => s > 2) ? factors : null;
}

/** g / s, a new array (the part's own bytes stay as stored). */
export function smoothedNorm(normWeight: Float32Array, factors: Float32Array | null): Float32Array {
  return factors ? normWeight.map((g, i) => g / factors[i]) : normWeight;
}

/** A q4/q8 linear weight as int8 (smoothed by the factors of the norm before it); others unchanged. */
export function int8Linear(w: LinearWeight, inputScales?: Float32Array | null): LinearWeight {
  return w.kind === 'quantized' ? { kind: 'int8', matrix: toInt8(w.matrix, inputScales ?? undefined) } : w;
}
