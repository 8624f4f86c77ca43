// Where a loaded model's weights come from: a Hugging Face checkpoint (converted part by part on
// the fly) or a pack (parts stored ready in kernel layout). The loader reads only through this.
import type { Arena } from './arena';
import { readTensor, type Checkpoint, type CheckpointMeta } from './checkpoint';
import { attentionWidths, type GlmConfig } from './config';
import type { LayerWeights } from './parts';
import { basePart, layerPart, type Part } from './parts';
import { floatToHalf } from './half';
import { blockBytes, blocksPerRow, quantize } from './quant';
import { concatRows, isQuantized, lmHeadReadsTable, prepareEmbedding, prepareLinear, type EmbeddingWeight, type LinearWeight, type WeightFormat } from './weights';

export interface ModelSource {
  readonly config: GlmConfig;
  readonly format: WeightFormat;
  readonly tokenizerJson: unknown;
  readonly tokenizerConfig: Record<string, unknown>;
  /** Embedding, final norm and lm_head; read into the arena when one is given. */
  readBase(arena?: Arena): Promise<Part>;
  readLayer(layer: number, arena?: Arena): Promise<Part>;
  /** Byte size of each layer part, known before reading (for the segment plan). */
  layerBytes(layer: number): number;
  baseBytes(): number;
}

/**
 * A checkpoint's tensors by Hugging Face name. `linear` gives a weight in the format's kernel layout,
 * several tensors fused along the output dimension (e.g. q, k, v); a reader whose file already holds
 * that layout (GGUF Q4_0 for q4) maps it without going through floats.
 */
export interface TensorReader {
  float(name: string): Promise<Float32Array>;
  linear(names: string[], n: number, k: number, format: WeightFormat): Promise<LinearWeight>;
}

/** Floats read at a time when converting a weight by rows: converting holds its result and one such block. */
const ROW_BLOCK_BYTES = 16 * 1024 * 1024;

/**
 * A linear weight converted a block of rows at a time (several tensors fused along the rows, e.g.
 * q, k, v): never the whole tensor as floats, so converting a 59264 x 2048 embedding holds its q4
 * result and 16 MiB, not 485 MB of f32 beside the checkpoint's own bytes.
 */
export async function rowBlockLinear(
  readRows: (name: string, first: number, count: number) => Promise<Float32Array>,
  tensors: { name: string; rows: number }[],
  k: number,
  format: WeightFormat,
  blockFloatBytes = ROW_BLOCK_BYTES,
): Promise<LinearWeight> {
  const n = tensors.reduce((sum, t) => sum + t.rows, 0);
  const blockRows = Math.max(1, Math.floor(blockFloatBytes / (4 * k)));
  const quantized = isQuantized(format) ? { bits: format === 'q4' ? (4 as const) : (8 as const), blocks: blocksPerRow(k) } : null;
  const matrix = quantized && { bits: quantized.bits, n, k, blocksPerRow: quantized.blocks, data: new Uint8Array(n * quantized.blocks * blockBytes(quantized.bits)), scales: new Float32Array(n * quantized.blocks) };
  // Float formats are stored transposed ([K, N], what MatMul reads): each block fills its columns.
  const floats = format === 'f32' ? new Float32Array(n * k) : format === 'f16' ? new Uint16Array(n * k) : null;
  let row = 0;
  for (const tensor of tensors) {
    for (let first = 0; first < tensor.rows; first += blockRows) {
      const count = Math.min(blockRows, tensor.rows - first);
      const block = await readRows(tensor.name, first, count);
      if (matrix) {
        const part = quantize(block, count, k, matrix.bits);
        matrix.data.set(part.data, row * part.blocksPerRow * blockBytes(matrix.bits));
        matrix.scales.set(part.scales, row * part.blocksPerRow);
      } else if (floats instanceof Uint16Array) {
        for (let r = 0; r < count; r++) for (let c = 0; c < k; c++) floats[c * n + row + r] = floatToHalf(block[r * k + c]);
      } else if (floats) {
        for (let r = 0; r < count; r++) for (let c = 0; c < k; c++) floats[c * n + row + r] = block[r * k + c];
      }
      row += count;
    }
  }
  if (matrix) return { kind: 'quantized', matrix };
  return floats instanceof Uint16Array ? { kind: 'half', k, n, data: floats } : { kind: 'float', k, n, data: floats! };
}

/** The plain reader: floats, fused, then laid out for the format. */
export async function floatLinear(read: (name: string) => Promise<Float32Array>, names: string[], n: number, k: number, format: WeightFormat): Promise<LinearWeight> {
  const parts = [];
  for (const name of names) parts.push(await read(name));
  return prepareLinear(parts.length === 1 ? parts[0] : concatRows(parts), n, k, format);
}

async function layerWeights(reader: TensorReader, c: GlmConfig, layer: number, format: WeightFormat): Promise<LayerWeights> {
  const p = `model.layers.${layer}.`;
  const t = (name: string) => reader.float(p + name);
  const widths = attentionWidths(c);
  const qkvNames = ['q_proj', 'k_proj', 'v_proj'].map((name) => `${p}self_attn.${name}`);
  const qkvBias = c.attentionBias ? concatRows(await Promise.all(qkvNames.map((name) => reader.float(`${name}.bias`)))) : null;
  return {
    inputLayernorm: await t('input_layernorm.weight'),
    qkvProj: await reader.linear(qkvNames.map((name) => `${name}.weight`), widths.qkv, c.hiddenSize, format),
    qkvBias,
    oProj: await reader.linear([`${p}self_attn.o_proj.weight`], c.hiddenSize, widths.q, format),
    postAttentionLayernorm: await t('post_attention_layernorm.weight'),
    gateUpProj: await reader.linear([`${p}mlp.gate_up_proj.weight`], 2 * c.intermediateSize, c.hiddenSize, format),
    downProj: await reader.linear([`${p}mlp.down_proj.weight`], c.hiddenSize, c.intermediateSize, format),
  };
}

/** Bytes a [n, k] linear weight takes in a format's kernel layout (int8: converted for the CPU, a scale per column). */
export function linearBytes(n: number, k: number, format: WeightFormat | 'int8'): number {
  const blocks = blocksPerRow(k);
  switch (format) {
    case 'int8':
      return n * k + 4 * n;
    case 'f32':
      return 4 * n * k;
    case 'f16':
      return 2 * n * k;
    case 'q8':
      return n * blocks * (32 + 4);
    case 'q4':
      return n * blocks * (16 + 4);
  }
}

/** Bytes of one decoder layer's part (weights, scales, norms and biases), from the config alone. */
export function estimateLayerBytes(c: GlmConfig, format: WeightFormat | 'int8'): number {
  const widths = attentionWidths(c);
  return (
    linearBytes(widths.qkv, c.hiddenSize, format) +
    linearBytes(c.hiddenSize, widths.q, format) +
    linearBytes(2 * c.intermediateSize, c.hiddenSize, format) +
    linearBytes(c.hiddenSize, c.intermediateSize, format) +
    4 * (2 * c.hiddenSize + (c.attentionBias ? widths.qkv : 0))
  );
}

/** The largest single matrix of a layer (what one GPU buffer binding must hold for it). */
export function largestLayerMatrixBytes(c: GlmConfig, format: WeightFormat): number {
  return Math.max(linearBytes(2 * c.intermediateSize, c.hiddenSize, format), linearBytes(c.hiddenSize, c.intermediateSize, format), linearBytes(attentionWidths(c).qkv, c.hiddenSize, format));
}

/** Bytes of the base part: embedding table, final norm, and lm_head unless it reads the quantized table. */
export function estimateBaseBytes(c: GlmConfig, format: WeightFormat): number {
  const table = linearBytes(c.vocabSize, c.hiddenSize, format);
  return table + 4 * c.hiddenSize + (lmHeadReadsTable(c, format) ? 0 : table);
}

/** Converts a checkpoint's tensors into parts as they are asked for: one layer's tensors at a time. */
export function checkpointSource(checkpoint: Checkpoint, format: WeightFormat): ModelSource {
  const read = (name: string) => readTensor(checkpoint, name);
  const readRows = (name: string, first: number, count: number) => readTensor(checkpoint, name, { first, count });
  // The checkpoint was validated when opened: every tensor has the shape its config implies.
  const rows = (name: string) => checkpoint.tensors.get(name)?.shape[0] ?? 0;
  const reader: TensorReader = {
    float: read,
    linear: (names, _n, k, f) => rowBlockLinear(readRows, names.map((name) => ({ name, rows: rows(name) })), k, f),
  };
  return readerSource(reader, checkpoint, format);
}

/** A source over any tensor reader (a safetensors checkpoint, a GGUF file). */
export function readerSource(reader: TensorReader, model: CheckpointMeta, format: WeightFormat): ModelSource {
  const config = model.config;
  return {
    config,
    format,
    tokenizerJson: model.tokenizerJson,
    tokenizerConfig: model.tokenizerConfig,
    async readBase(arena) {
      const { vocabSize: V, hiddenSize: H } = config;
      const name = 'model.embed_tokens.weight';
      // A quantized table is the same bytes as a quantized linear weight (a reader may map it directly).
      const quantized = isQuantized(format) ? await reader.linear([name], V, H, format) : null;
      const embedTokens: EmbeddingWeight = quantized?.kind === 'quantized' ? quantized : prepareEmbedding(await reader.float(name), V, H, format);
      let lmHead: LinearWeight | null = null;
      if (!lmHeadReadsTable(config, format)) {
        lmHead = await reader.linear([config.tieWordEmbeddings ? name : 'lm_head.weight'], V, H, format);
      }
      return basePart({ embedTokens, norm: await reader.float('model.norm.weight'), lmHead }, arena);
    },
    async readLayer(layer, arena) {
      return layerPart(layer, await layerWeights(reader, config, layer, format), arena);
    },
    layerBytes: () => estimateLayerBytes(config, format),
    baseBytes: () => estimateBaseBytes(config, format),
  };
}
