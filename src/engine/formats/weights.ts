// Turns checkpoint tensors into the layouts the graphs' kernels read, for each weight format.
import { concatArrays } from '../../util/bytes';
import { CheckpointError } from '../errors';
import { floatsToHalves } from './half';
import type { Int8Matrix } from './int8';
import { dequantize, quantize, type QuantizedMatrix } from './quant';

export type WeightFormat = 'f32' | 'f16' | 'q8' | 'q4';

export const WEIGHT_FORMATS: readonly WeightFormat[] = ['f32', 'f16', 'q8', 'q4'];

/** Index of the first NaN or infinite value, or -1. */
export function nonFiniteIndex(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/**
 * The values, once checked finite: a NaN or infinite weight (a corrupted file, a diverged model) would
 * make every logit NaN, so it is refused where floats are first read, naming the tensor.
 */
export function checkFinite(values: Float32Array, file: string, tensor: string): Float32Array {
  const at = nonFiniteIndex(values);
  if (at >= 0) throw new CheckpointError(file, `tensor ${tensor} holds ${values[at]} at element ${at}: the file is corrupted, or its model's weights diverged (re-download it)`);
  return values;
}

/** q4 and q8: blocks of 32 with a scale each, in MatMulNBits' layout. */
export function isQuantized(format: WeightFormat): format is 'q4' | 'q8' {
  return format === 'q4' || format === 'q8';
}

/**
 * Whether lm_head reads the embedding table's own bytes: tied embeddings in a quantized format (the
 * table is stored once, in lm_head's layout). Float formats keep a transposed copy for MatMul.
 */
export function lmHeadReadsTable(config: { tieWordEmbeddings: boolean }, format: WeightFormat): boolean {
  return config.tieWordEmbeddings && isQuantized(format);
}

/**
 * A linear layer's weight, ready for MatMul ([K, N], float), MatMulNBits ([N, blocks, bytes]) or,
 * converted from q4/q8 for the CPU, the int8 kernels ([K, N] int8, per-column scales; int8.ts).
 */
export type LinearWeight =
  | { kind: 'float'; k: number; n: number; data: Float32Array }
  | { kind: 'half'; k: number; n: number; data: Uint16Array }
  | { kind: 'quantized'; matrix: QuantizedMatrix }
  | { kind: 'int8'; matrix: Int8Matrix };

/** The layouts parts and packs store (int8 exists only in a running session). */
export type StoredLinearWeight = Exclude<LinearWeight, { kind: 'int8' }>;

function transpose(weight: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(weight.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = weight[r * cols + c];
  return out;
}

/**
 * A quantized weight as the f32 MatMul weight holding the same values ([K, N]); others unchanged.
 * For the CPU backend: ORT's wasm MatMulNBits is compute-bound, an f32 MatMul reads memory at speed.
 */
export function widen(w: LinearWeight): LinearWeight {
  if (w.kind !== 'quantized') return w;
  const { n, k } = w.matrix;
  return { kind: 'float', k, n, data: dequantize(w.matrix, true) };
}

/** Prepares a Hugging Face Linear weight [N, K] (out, in) in the given format. */
export function prepareLinear(weight: Float32Array, n: number, k: number, format: WeightFormat): LinearWeight {
  switch (format) {
    case 'f32':
      return { kind: 'float', k, n, data: transpose(weight, n, k) };
    case 'f16':
      return { kind: 'half', k, n, data: floatsToHalves(transpose(weight, n, k)) };
    case 'q8':
      return { kind: 'quantized', matrix: quantize(weight, n, k, 8) };
    case 'q4':
      return { kind: 'quantized', matrix: quantize(weight, n, k, 4) };
  }
}

/** An embedding table [V, H] for row lookup: float rows, or quantized rows (the same bytes lm_head reads when tied). */
export type EmbeddingWeight =
  | { kind: 'float'; rows: number; cols: number; data: Float32Array }
  | { kind: 'half'; rows: number; cols: number; data: Uint16Array }
  | { kind: 'quantized'; matrix: QuantizedMatrix };

export function prepareEmbedding(table: Float32Array, rows: number, cols: number, format: WeightFormat): EmbeddingWeight {
  switch (format) {
    case 'f32':
      return { kind: 'float', rows, cols, data: table };
    case 'f16':
      return { kind: 'half', rows, cols, data: floatsToHalves(table) };
    case 'q8':
      return { kind: 'quantized', matrix: quantize(table, rows, cols, 8) };
    case 'q4':
      return { kind: 'quantized', matrix: quantize(table, rows, cols, 4) };
  }
}

/** Concatenates Hugging Face weights along the output dimension (rows), e.g. q, k, v into one qkv. */
export function concatRows(parts: Float32Array[]): Float32Array {
  return concatArrays(parts, (n) => new Float32Array(n));
}
