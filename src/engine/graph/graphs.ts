// ONNX graphs for a GLM model, built from the config at load time: the embedding, one graph per
// segment of consecutive decoder layers, and the head (final norm + lm_head). Reads like the model:
// one function per step, checkpoint names on the weights, shapes in comments (S = new tokens,
// P = past tokens, T = P + S, H = hidden, D = head_dim).
import { formatBytes } from '../../util/bytes';
import { attentionWidths, type GlmConfig } from '../formats/config';
import { DataType, Graph, type ExternalFile } from './onnx/graph';
import * as io from './io-names';
import { BLOCK_SIZE, blockBytes, type QuantizedMatrix } from '../formats/quant';
import { inverseFrequencies, rotaryCaches } from './rotary';
import type { BaseWeights, LayerWeights } from '../formats/parts';
import type { Int8Matrix } from '../formats/int8';
import type { EmbeddingWeight, LinearWeight } from '../formats/weights';

/** Fused GroupQueryAttention (KV cache + rotary in one kernel), or plain ONNX ops where GQA cannot take the shape. */
export type AttentionKind = 'gqa' | 'plain';

/**
 * GQA's rotary needs a cos cache no wider than head_dim / 2 and a multiple of 8
 * (../shared/NOTES.md); other shapes use plain ops.
 */
export function defaultAttentionKind(config: GlmConfig): AttentionKind {
  return (config.rotaryDim / 2) % 8 === 0 ? 'gqa' : 'plain';
}


const FLOAT = DataType.FLOAT;
const INT64_MAX = Number.MAX_SAFE_INTEGER;

/**
 * x @ W. A quantized weight larger than `maxBindingBytes` (the GPU's maxStorageBufferBindingSize)
 * is split into row blocks, each its own MatMulNBits over a view of the same bytes, and the
 * outputs are concatenated: no single buffer binding has to hold the whole matrix.
 */
function linear(g: Graph, name: string, x: string, w: LinearWeight, maxBindingBytes = Infinity): string {
  if (w.kind === 'quantized' && w.matrix.data.byteLength > maxBindingBytes) return splitLinear(g, name, x, w.matrix, maxBindingBytes);
  if ((w.kind === 'float' || w.kind === 'half') && w.data.byteLength > maxBindingBytes) {
    throw new RangeError(`${name} takes ${formatBytes(w.data.byteLength)} as ${w.kind === 'half' ? 'f16' : 'f32'}, more than this GPU binds at once (${formatBytes(maxBindingBytes)}): use a q4 or q8 model`);
  }
  switch (w.kind) {
    case 'float':
      return g.op('MatMul', [x, g.initializer(name, FLOAT, [w.k, w.n], w.data)]);
    case 'half': {
      const weight = g.op('Cast', [g.initializer(name, DataType.FLOAT16, [w.k, w.n], w.data)], { to: FLOAT });
      return g.op('MatMul', [x, weight]);
    }
    case 'quantized': {
      const m = w.matrix;
      const data = g.initializer(name, DataType.UINT8, [m.n, m.blocksPerRow, blockBytes(m.bits)], m.data);
      const scales = g.initializer(`${name}.scales`, FLOAT, [m.n * m.blocksPerRow], m.scales);
      return g.msOp('MatMulNBits', [x, data, scales], { K: m.k, N: m.n, bits: m.bits, block_size: BLOCK_SIZE });
    }
    case 'int8':
      return int8Product(g, name, x, w.matrix);
  }
}

/**
 * x quantized to uint8 with one scale and zero point for the tensor, MLAS's QGEMM (u8 x s8 -> int32),
 * back to floats by x's scale times each column's (ORT fuses the four nodes into its
 * DynamicQuantizeMatMul); outlier channels cleared from x first and multiplied in f32, then added;
 * with scaleRows, each token's row divided by its largest magnitude first and multiplied by it after.
 */
export function int8Product(g: Graph, name: string, x: string, m: Int8Matrix): string {
  const o = m.outliers;
  let inliers = o ? g.op('Mul', [x, g.initializer(`${name}.inlier_mask`, FLOAT, [m.k], o.mask)]) : x;
  // Rows brought to max |x| = 1 (+ a tiny floor for an all-zero row): [1, S, 1].
  const rowScale = m.scaleRows ? g.op('Add', [g.op('ReduceMax', [g.op('Abs', [inliers])], { axes: [-1], keepdims: 1 }), g.scalarFloat(`${name}.row_floor`, 1e-30)]) : null;
  if (rowScale) inliers = g.op('Div', [inliers, rowScale]);
  const [q, qScale, qZero] = g.ops('DynamicQuantizeLinear', [inliers], 3);
  const product = g.op('MatMulInteger', [q, g.initializer(name, DataType.INT8, [m.k, m.n], m.data), qZero]);
  const scales = g.op('Mul', [qScale, g.initializer(`${name}.scales`, FLOAT, [m.n], m.scales)]);
  let y = g.op('Mul', [g.op('Cast', [product], { to: FLOAT }), scales]);
  if (rowScale) y = g.op('Mul', [y, rowScale]);
  if (!o) return y;
  const picked = g.op('Gather', [x, g.int64(`${name}.outlier_channels`, o.channels)], { axis: -1 }); // [1, S, outliers]
  return g.op('Add', [y, g.op('MatMul', [picked, g.initializer(`${name}.outlier_weight`, FLOAT, [o.channels.length, m.n], o.weight)])]);
}

/** Rows [first, first + count) of a quantized [N, K] matrix: views of its bytes and scales. */
function quantizedRows(m: QuantizedMatrix, first: number, count: number): QuantizedMatrix {
  const rowBytes = m.blocksPerRow * blockBytes(m.bits);
  return { ...m, n: count, data: m.data.subarray(first * rowBytes, (first + count) * rowBytes), scales: m.scales.subarray(first * m.blocksPerRow, (first + count) * m.blocksPerRow) };
}

/** A quantized matrix as consecutive row blocks of at most maxBytes (at least one row each). */
function rowBlocks(m: QuantizedMatrix, maxBytes: number): { first: number; matrix: QuantizedMatrix }[] {
  const rowsPerBlock = Math.max(1, Math.floor(maxBytes / (m.blocksPerRow * blockBytes(m.bits))));
  const blocks = [];
  for (let first = 0; first < m.n; first += rowsPerBlock) blocks.push({ first, matrix: quantizedRows(m, first, Math.min(rowsPerBlock, m.n - first)) });
  return blocks;
}

function splitLinear(g: Graph, name: string, x: string, m: QuantizedMatrix, maxBindingBytes: number): string {
  const outputs = rowBlocks(m, maxBindingBytes).map(({ matrix }, part) => linear(g, `${name}.rows${part}`, x, { kind: 'quantized', matrix }));
  return g.op('Concat', outputs, { axis: -1 });
}

/** Output features [first, first + count) of a linear weight: a view of quantized rows, a copy of float columns. */
function outputSlice(w: LinearWeight, first: number, count: number): LinearWeight {
  if (w.kind === 'int8') throw new TypeError('int8 weights run in the segments, not in the exported graph');
  if (w.kind === 'quantized') return { kind: 'quantized', matrix: quantizedRows(w.matrix, first, count) };
  const columns = <T extends Float32Array | Uint16Array>(data: T, out: T): T => {
    for (let row = 0; row < w.k; row++) out.set(data.subarray(row * w.n + first, row * w.n + first + count), row * count);
    return out;
  };
  return w.kind === 'float'
    ? { kind: 'float', k: w.k, n: count, data: columns(w.data, new Float32Array(w.k * count)) }
    : { kind: 'half', k: w.k, n: count, data: columns(w.data, new Uint16Array(w.k * count)) };
}

function rmsNorm(g: Graph, name: string, x: string, weight: Float32Array, eps: number): string {
  const w = g.initializer(name, FLOAT, [weight.length], weight);
  return g.op('SimplifiedLayerNormalization', [x, w], { axis: -1, epsilon: { float: eps } });
}

/** (x + residual, rmsnorm(x + residual)) in one kernel. */
function skipRmsNorm(g: Graph, name: string, x: string, residual: string, weight: Float32Array, eps: number): { sum: string; normed: string } {
  const w = g.initializer(name, FLOAT, [weight.length], weight);
  const [normed, , , sum] = g.ops('SkipSimplifiedLayerNormalization', [x, residual, w], 4, { epsilon: { float: eps } }, 'com.microsoft');
  return { sum, normed };
}

// ---------------------------------------------------------------- embedding

/**
 * input_ids [1, S] int64 -> hidden_states [1, S, H]. A quantized table larger than maxPartBytes is held as
 * several initializers of at most that size, each looked up for the ids in its rows.
 */
export function buildEmbeddingGraph(config: GlmConfig, embedTokens: EmbeddingWeight, externals: ExternalFile[] = [], maxPartBytes = Infinity): Uint8Array {
  const g = new Graph('glm_embedding', externals);
  const ids = g.input(io.INPUT_IDS, DataType.INT64, [1, 'S']);
  const hidden = embedTokens.kind === 'quantized' && embedTokens.matrix.data.byteLength > maxPartBytes ? splitRowLookup(g, ids, embedTokens, maxPartBytes) : embed(g, ids, embedTokens);
  g.output(hidden, io.HIDDEN_STATES, FLOAT, [1, 'S', config.hiddenSize]);
  return g.encode();
}

/** The sum over table parts of each part's rows for the ids it holds (zero for the others). */
function splitRowLookup(g: Graph, ids: string, w: Extract<EmbeddingWeight, { kind: 'quantized' }>, maxPartBytes: number): string {
  const name = 'model.embed_tokens.weight';
  const zero = g.initializer(`${name}.zero`, DataType.INT64, [], BigInt64Array.of(0n));
  const nothing = g.scalarFloat(`${name}.nothing`, 0);
  const lastAxis = g.int64(`${name}.axis_rows`, [-1]);
  const kept = rowBlocks(w.matrix, maxPartBytes).map(({ first, matrix }, part) => {
    const local = g.op('Sub', [ids, g.initializer(`${name}.first${part}`, DataType.INT64, [], BigInt64Array.of(BigInt(first)))]);
    const held = g.op('And', [g.op('GreaterOrEqual', [local, zero]), g.op('Less', [local, g.initializer(`${name}.rows${part}`, DataType.INT64, [], BigInt64Array.of(BigInt(matrix.n)))])]);
    const looked = quantizedRowLookup(g, `${name}.part${part}`, g.op('Where', [held, local, zero]), { kind: 'quantized', matrix });
    return g.op('Where', [g.op('Unsqueeze', [held, lastAxis]), looked, nothing]);
  });
  return kept.reduce((sum, rows) => g.op('Add', [sum, rows]));
}

function embed(g: Graph, ids: string, embedTokens: EmbeddingWeight): string {
  const name = 'model.embed_tokens.weight';
  switch (embedTokens.kind) {
    case 'float':
      return g.op('Gather', [g.initializer(name, FLOAT, [embedTokens.rows, embedTokens.cols], embedTokens.data), ids]);
    case 'half':
      return g.op('Cast', [g.op('Gather', [g.initializer(name, DataType.FLOAT16, [embedTokens.rows, embedTokens.cols], embedTokens.data), ids])], { to: FLOAT });
    case 'quantized':
      return quantizedRowLookup(g, name, ids, embedTokens);
  }
}

/** Gathers quantized rows [1, S, blocks, bytes] and dequantizes only those: the table stays in its packed layout. */
function quantizedRowLookup(g: Graph, name: string, ids: string, w: Extract<EmbeddingWeight, { kind: 'quantized' }>): string {
  const m = w.matrix;
  const bytes = blockBytes(m.bits);
  const packed = g.op('Gather', [g.initializer(name, DataType.UINT8, [m.n, m.blocksPerRow, bytes], m.data), ids]);
  const scales = g.op('Gather', [g.initializer(`${name}.scales`, FLOAT, [m.n, m.blocksPerRow], m.scales), ids]); // [1, S, blocks]
  let levels = g.op('Cast', [packed], { to: FLOAT }); // [1, S, blocks, bytes]
  if (m.bits === 4) {
    // byte = low | high << 4; element 2j is the low nibble, 2j+1 the high one.
    const high = g.op('Floor', [g.op('Div', [levels, g.scalarFloat(`${name}.sixteen`, 16)])]);
    const low = g.op('Sub', [levels, g.op('Mul', [high, `${name}.sixteen`])]);
    const axisLast = g.int64(`${name}.axis_last`, [-1]);
    const pairs = g.op('Concat', [g.op('Unsqueeze', [low, axisLast]), g.op('Unsqueeze', [high, axisLast])], { axis: -1 }); // [1, S, blocks, bytes, 2]
    levels = g.op('Reshape', [pairs, g.int64(`${name}.block_shape`, [0, 0, m.blocksPerRow, BLOCK_SIZE])]);
  }
  const centered = g.op('Sub', [levels, g.scalarFloat(`${name}.zero_point`, m.bits === 4 ? 8 : 128)]);
  const values = g.op('Mul', [centered, g.op('Unsqueeze', [scales, g.int64(`${name}.axis_scales`, [-1])])]); // [1, S, blocks, 32]
  const flat = g.op('Reshape', [values, g.int64(`${name}.row_shape`, [0, 0, m.blocksPerRow * BLOCK_SIZE])]);
  if (m.blocksPerRow * BLOCK_SIZE === m.k) return flat;
  return g.op('Slice', [flat, g.int64(`${name}.pad_start`, [0]), g.int64(`${name}.pad_end`, [m.k]), g.int64(`${name}.pad_axis`, [2])]);
}

// ---------------------------------------------------------------- decoder segment

interface SegmentInputs {
  config: GlmConfig;
  attention: AttentionKind;
  /** GQA: seqlens_k, total_sequence_length and the cos/sin caches. */
  gqa?: { seqlensK: string; total: string; cos: string; sin: string };
  /** Plain ops: cos/sin [S, rotary/2, 1] for the new positions, and the additive mask [1, 1, S, T]. */
  plain?: { cos: string; sin: string; bias: string };
  /** q, k and v as three MatMuls (an exported graph's layout) instead of one fused qkv_proj. */
  separateQkv?: boolean;
}

/**
 * Layers [firstLayer, firstLayer + layers.length): hidden_states [1, S, H] and each layer's
 * past key/value [1, kv_heads, P, D] -> hidden_states_out [1, S, H] and present key/value [1, kv_heads, T, D].
 */
export function buildSegmentGraph(
  config: GlmConfig,
  firstLayer: number,
  layers: LayerWeights[],
  attention: AttentionKind,
  maxSequenceLength: number,
  externals: ExternalFile[] = [],
): Uint8Array {
  const g = new Graph(`glm_layers_${firstLayer}_${firstLayer + layers.length - 1}`, externals);
  const h = config.hiddenSize;
  const hiddenIn = g.input(io.HIDDEN_STATES, FLOAT, [1, 'S', h]);
  const inputs: SegmentInputs = { config, attention };
  if (attention === 'gqa') {
    const caches = rotaryCaches(config, maxSequenceLength);
    inputs.gqa = {
      seqlensK: g.input(io.SEQLENS_K, DataType.INT32, [1]),
      total: g.input(io.TOTAL_SEQUENCE_LENGTH, DataType.INT32, []),
      cos: g.initializer('cos_cache', FLOAT, [maxSequenceLength, config.rotaryDim / 2], caches.cos),
      sin: g.initializer('sin_cache', FLOAT, [maxSequenceLength, config.rotaryDim / 2], caches.sin),
    };
  } else {
    const positions = g.input(io.POSITION_IDS, DataType.INT64, ['S']);
    inputs.plain = { ...plainRotaryAngles(g, config, positions), bias: g.input(io.ATTENTION_BIAS, FLOAT, [1, 1, 'S', 'T']) };
  }

  const residual = decoderLayers(g, inputs, firstLayer, layers, hiddenIn);
  g.output(residual, io.HIDDEN_STATES_OUT, FLOAT, [1, 'S', h]);
  return g.encode();
}

/** Layers [firstLayer, firstLayer + layers.length) over hidden [1, S, H]; declares their past inputs and present outputs. */
function decoderLayers(g: Graph, inputs: SegmentInputs, firstLayer: number, layers: LayerWeights[], hiddenIn: string): string {
  const { config } = inputs;
  const { numKvHeads, headDim, rmsNormEps: eps } = config;
  let residual = hiddenIn;
  let normed = rmsNorm(g, `model.layers.${firstLayer}.input_layernorm.weight`, hiddenIn, layers[0].inputLayernorm, eps);
  layers.forEach((w, i) => {
    const layer = firstLayer + i;
    const p = `model.layers.${layer}.`;
    const pastK = g.input(io.pastKey(layer), FLOAT, [1, numKvHeads, 'P', headDim]);
    const pastV = g.input(io.pastValue(layer), FLOAT, [1, numKvHeads, 'P', headDim]);

    const attn = selfAttention(g, p, inputs, normed, w, pastK, pastV, layer); // [1, S, heads * D]
    const attnOut = linear(g, `${p}self_attn.o_proj.weight`, attn, w.oProj); // [1, S, H]
    const afterAttn = skipRmsNorm(g, `${p}post_attention_layernorm.weight`, attnOut, residual, w.postAttentionLayernorm, eps);
    const mlpOut = mlp(g, p, afterAttn.normed, w, config.intermediateSize); // [1, S, H]

    const next = layers[i + 1];
    if (next) {
      const fused = skipRmsNorm(g, `model.layers.${layer + 1}.input_layernorm.weight`, mlpOut, afterAttn.sum, next.inputLayernorm, eps);
      residual = fused.sum;
      normed = fused.normed;
    } else {
      residual = g.op('Add', [mlpOut, afterAttn.sum]);
    }
  });
  return residual;
}

/** gate_up_proj [1, S, 2I] -> silu(gate) * up [1, S, I] -> down_proj [1, S, H]. */
function mlp(g: Graph, p: string, x: string, w: LayerWeights, intermediateSize: number): string {
  const gateUp = linear(g, `${p}mlp.gate_up_proj.weight`, x, w.gateUpProj);
  const [gate, up] = g.ops('Split', [gateUp, g.int64(`${p}mlp.split`, [intermediateSize, intermediateSize])], 2, { axis: -1 });
  const silu = g.op('Mul', [gate, g.op('Sigmoid', [gate])]);
  return linear(g, `${p}mlp.down_proj.weight`, g.op('Mul', [silu, up]), w.downProj);
}

/** qkv_proj (+ bias) -> attention over past + new tokens; writes the layer's present key/value outputs. */
function selfAttention(g: Graph, p: string, inputs: SegmentInputs, x: string, w: LayerWeights, pastK: string, pastV: string, layer: number): string {
  const { numKvHeads, headDim } = inputs.config;
  const widths = attentionWidths(inputs.config);
  const sizes = [widths.q, widths.kv, widths.kv];
  if (inputs.separateQkv) {
    const [q, k, v] = ['q', 'k', 'v'].map((name, i) => {
      const first = sizes.slice(0, i).reduce((a, b) => a + b, 0);
      const out = linear(g, `${p}self_attn.${name}_proj.weight`, x, outputSlice(w.qkvProj, first, sizes[i]));
      return w.qkvBias ? g.op('Add', [out, g.initializer(`${p}self_attn.${name}_proj.bias`, FLOAT, [sizes[i]], w.qkvBias.subarray(first, first + sizes[i]))]) : out;
    });
    return plainAttention(g, p, inputs, q, k, v, pastK, pastV, layer);
  }
  let qkv = linear(g, `${p}self_attn.qkv_proj.weight`, x, w.qkvProj); // [1, S, (heads + 2 * kv_heads) * D]
  if (w.qkvBias) qkv = g.op('Add', [qkv, g.initializer(`${p}self_attn.qkv_proj.bias`, FLOAT, [w.qkvBias.length], w.qkvBias)]);
  const kvShape: (number | string)[] = [1, numKvHeads, 'T', headDim];

  if (inputs.gqa) {
    const outputs = [`${p}attn_out`, io.presentKey(layer), io.presentValue(layer)];
    groupQueryAttention(g, inputs.config, qkv, pastK, pastV, inputs.gqa, outputs);
    g.output(io.presentKey(layer), io.presentKey(layer), FLOAT, kvShape);
    g.output(io.presentValue(layer), io.presentValue(layer), FLOAT, kvShape);
    return outputs[0];
  }

  const [q, k, v] = g.ops('Split', [qkv, g.int64(`${p}qkv_split`, sizes)], 3, { axis: -1 });
  return plainAttention(g, p, inputs, q, k, v, pastK, pastV, layer);
}

/** GLM's attention as one GroupQueryAttention node: packed qkv, interleaved rotary, the KV cache. */
function groupQueryAttention(g: Graph, config: GlmConfig, qkv: string, pastK: string, pastV: string, gqa: NonNullable<SegmentInputs['gqa']>, outputs: string[]): void {
  const { numHeads, numKvHeads, headDim } = config;
  const attributes = { num_heads: numHeads, kv_num_heads: numKvHeads, scale: { float: 1 / Math.sqrt(headDim) }, do_rotary: 1, rotary_interleaved: 1 };
  g.msOp('GroupQueryAttention', [qkv, '', '', pastK, pastV, gqa.seqlensK, gqa.total, gqa.cos, gqa.sin], attributes, outputs);
}

/**
 * The attention of one layer alone, as the segments run it (for checking a device's kernel):
 * qkv [1, S, (heads + 2 * kv_heads) * D] and past key/value -> attention [1, S, heads * D] and present key/value.
 */
export function buildAttentionGraph(config: GlmConfig, positions: number): Uint8Array {
  const g = new Graph('glm_attention');
  const { numKvHeads, headDim, rotaryDim } = config;
  const widths = attentionWidths(config);
  const qkv = g.input('qkv', FLOAT, [1, 'S', widths.qkv]);
  const pastK = g.input(io.pastKey(0), FLOAT, [1, numKvHeads, 'P', headDim]);
  const pastV = g.input(io.pastValue(0), FLOAT, [1, numKvHeads, 'P', headDim]);
  const caches = rotaryCaches(config, positions);
  const gqa = {
    seqlensK: g.input(io.SEQLENS_K, DataType.INT32, [1]),
    total: g.input(io.TOTAL_SEQUENCE_LENGTH, DataType.INT32, []),
    cos: g.initializer('cos_cache', FLOAT, [positions, rotaryDim / 2], caches.cos),
    sin: g.initializer('sin_cache', FLOAT, [positions, rotaryDim / 2], caches.sin),
  };
  const outputs = ['attention', io.presentKey(0), io.presentValue(0)];
  groupQueryAttention(g, config, qkv, pastK, pastV, gqa, outputs);
  g.output('attention', 'attention', FLOAT, [1, 'S', widths.q]);
  g.output(io.presentKey(0), io.presentKey(0), FLOAT, [1, numKvHeads, 'T', headDim]);
  g.output(io.presentValue(0), io.presentValue(0), FLOAT, [1, numKvHeads, 'T', headDim]);
  return g.encode();
}

/** Attention in plain ONNX ops over q [1, S, heads * D], k and v [1, S, kv_heads * D] and the past. */
function plainAttention(g: Graph, p: string, inputs: SegmentInputs, q: string, k: string, v: string, pastK: string, pastV: string, layer: number): string {
  const { numHeads, numKvHeads, headDim } = inputs.config;
  const plain = inputs.plain!;
  const scale = 1 / Math.sqrt(headDim);
  const kvShape: (number | string)[] = [1, numKvHeads, 'T', headDim];
  const heads = (t: string, n: number) => g.op('Transpose', [g.op('Reshape', [t, g.int64(`${t}.shape`, [0, 0, n, headDim])])], { perm: [0, 2, 1, 3] });
  const qRot = applyRotary(g, inputs.config, heads(q, numHeads), plain); // [1, heads, S, D]
  const keys = g.op('Concat', [pastK, applyRotary(g, inputs.config, heads(k, numKvHeads), plain)], { axis: 2 }, [io.presentKey(layer)]); // [1, kv, T, D]
  const values = g.op('Concat', [pastV, heads(v, numKvHeads)], { axis: 2 }, [io.presentValue(layer)]);
  g.output(keys, keys, FLOAT, kvShape);
  g.output(values, values, FLOAT, kvShape);

  const repeatKv = (t: string) => {
    const groups = numHeads / numKvHeads;
    if (groups === 1) return t;
    const expanded = g.op('Expand', [g.op('Unsqueeze', [t, g.int64(`${t}.axis`, [2])]), g.int64(`${t}.expand`, [1, numKvHeads, groups, 1, 1])]);
    return g.op('Reshape', [expanded, g.int64(`${t}.heads`, [0, numHeads, -1, headDim])]); // [1, heads, T, D]
  };
  const scores = g.op('Mul', [g.op('MatMul', [qRot, g.op('Transpose', [repeatKv(keys)], { perm: [0, 1, 3, 2] })]), g.scalarFloat(`${p}scale`, scale)]);
  const probs = g.op('Softmax', [g.op('Add', [scores, plain.bias])], { axis: -1 }); // [1, heads, S, T]
  const context = g.op('Transpose', [g.op('MatMul', [probs, repeatKv(values)])], { perm: [0, 2, 1, 3] }); // [1, S, heads, D]
  return g.op('Reshape', [context, g.int64(`${p}context_shape`, [0, 0, numHeads * headDim])]);
}

/** cos/sin [S, rotary/2, 1] of position_ids [S] x inv_freq, shared by all layers of the segment. */
function plainRotaryAngles(g: Graph, config: GlmConfig, positions: string): { cos: string; sin: string } {
  const inv = inverseFrequencies(config);
  const pos = g.op('Unsqueeze', [g.op('Cast', [positions], { to: FLOAT }), g.int64('rotary.axis_pos', [1])]); // [S, 1]
  const angles = g.op('Mul', [pos, g.initializer('rotary.inv_freq', FLOAT, [inv.length], inv)]); // [S, rotary/2]
  const last = g.int64('rotary.axis_last', [-1]);
  return { cos: g.op('Unsqueeze', [g.op('Cos', [angles]), last]), sin: g.op('Unsqueeze', [g.op('Sin', [angles]), last]) };
}

/** Interleaved rotary on the first rotaryDim dims of x [1, n, S, D]: pairs (x[2i], x[2i+1]) turn by angle i. */
function applyRotary(g: Graph, config: GlmConfig, x: string, angles: { cos: string; sin: string }): string {
  const { rotaryDim, headDim } = config;
  const [rot, pass] = rotaryDim < headDim ? g.ops('Split', [x, g.int64(`${x}.rot_split`, [rotaryDim, headDim - rotaryDim])], 2, { axis: -1 }) : [x, null];
  const pairs = g.op('Reshape', [rot, g.int64(`${x}.pairs`, [0, 0, 0, rotaryDim / 2, 2])]); // [1, n, S, rotary/2, 2]
  const [x0, x1] = g.ops('Split', [pairs, g.int64(`${x}.pair_split`, [1, 1])], 2, { axis: -1 });
  const r0 = g.op('Sub', [g.op('Mul', [x0, angles.cos]), g.op('Mul', [x1, angles.sin])]);
  const r1 = g.op('Add', [g.op('Mul', [x1, angles.cos]), g.op('Mul', [x0, angles.sin])]);
  const rotated = g.op('Reshape', [g.op('Concat', [r0, r1], { axis: -1 }), g.int64(`${x}.rotated`, [0, 0, 0, rotaryDim])]);
  return pass ? g.op('Concat', [rotated, pass], { axis: -1 }) : rotated;
}

// ---------------------------------------------------------------- head

/**
 * hidden_states [1, S, H], logits_start [1] -> model.norm -> lm_head -> logits [1, S - start, V].
 * lm_head is split across bindings when it is larger than the GPU binds at once.
 */
export function buildHeadGraph(config: GlmConfig, norm: Float32Array, lmHead: LinearWeight, externals: ExternalFile[] = [], maxBindingBytes = Infinity): Uint8Array {
  const g = new Graph('glm_head', externals);
  const hidden = g.input(io.HIDDEN_STATES, FLOAT, [1, 'S', config.hiddenSize]);
  const start = g.input(io.LOGITS_START, DataType.INT64, [1]);
  const kept = g.op('Slice', [hidden, start, g.int64('slice_end', [INT64_MAX]), g.int64('slice_axis', [1])]);
  const normed = rmsNorm(g, 'model.norm.weight', kept, norm, config.rmsNormEps);
  const logits = linear(g, 'lm_head.weight', normed, lmHead, maxBindingBytes);
  g.output(logits, io.LOGITS, FLOAT, [1, 'L', config.vocabSize]);
  return g.encode();
}

// ---------------------------------------------------------------- single-graph decoder (export)

/**
 * The whole model as one graph in the layout of an optimum export, which transformers.js loads for
 * model_type glm: input_ids, attention_mask, position_ids [1, S] and past_key_values.* [1, kv_heads, P, D]
 * -> logits [1, S, V] (every position) and present.*. Attention in plain ops with separate q/k/v
 * projections; the weights are the pack's, in the same layout (MatMulNBits for q4/q8).
 */
export function buildDecoderGraph(config: GlmConfig, base: BaseWeights, layers: LayerWeights[]): Uint8Array {
  const g = new Graph('glm_decoder');
  const ids = g.input(io.INPUT_IDS, DataType.INT64, [1, 'sequence_length']);
  const mask = g.input('attention_mask', DataType.INT64, [1, 'total_sequence_length']);
  const positionIds = g.input(io.POSITION_IDS, DataType.INT64, [1, 'sequence_length']);
  const positions = g.op('Squeeze', [positionIds, g.int64('squeeze_batch', [0])]); // [S]

  // Additive mask [1, 1, S, T]: key j is seen by query i when j <= P + i and attention_mask[j] is 1.
  const zero = g.initializer('zero', DataType.INT64, [], BigInt64Array.of(0n));
  const one = g.initializer('one', DataType.INT64, [], BigInt64Array.of(1n));
  const length = (t: string) => g.op('Gather', [g.op('Shape', [t]), one]); // dim 1, as a scalar
  const total = length(mask);
  const past = g.op('Sub', [total, length(ids)]);
  const queryPositions = g.op('Unsqueeze', [g.op('Range', [past, total, one]), g.int64('axis_1', [1])]); // [S, 1]
  const keyPositions = g.op('Unsqueeze', [g.op('Range', [zero, total, one]), g.int64('axis_0', [0])]); // [1, T]
  const causal = g.op('LessOrEqual', [keyPositions, queryPositions]); // [S, T]
  const present = g.op('Reshape', [g.op('Cast', [mask], { to: DataType.BOOL }), g.int64('mask_shape', [1, 1, 1, -1])]);
  const bias = g.op('Where', [g.op('And', [causal, present]), g.scalarFloat('mask_keep', 0), g.scalarFloat('mask_drop', -Infinity)]);

  const inputs: SegmentInputs = { config, attention: 'plain', plain: { ...plainRotaryAngles(g, config, positions), bias }, separateQkv: true };
  const hidden = decoderLayers(g, inputs, 0, layers, embed(g, ids, base.embedTokens));
  const normed = rmsNorm(g, 'model.norm.weight', hidden, base.norm, config.rmsNormEps);
  const lmHead = base.lmHead ?? (base.embedTokens.kind === 'quantized' ? base.embedTokens : null);
  if (!lmHead) throw new Error('lm_head.weight is missing');
  g.output(linear(g, 'lm_head.weight', normed, lmHead), io.LOGITS, FLOAT, [1, 'sequence_length', config.vocabSize]);
  return g.encode();
}
