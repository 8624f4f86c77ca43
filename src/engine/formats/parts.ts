// A part is one contiguous buffer of weights in kernel layout (the base part: embedding, final
// norm, lm_head; or one decoder layer), with a table of the tensors inside it. Packs store parts
// as chunks; the loader hands a part's buffer to ORT as externalData without copying it.
import { allocate, type Arena } from './arena';
import { attentionWidths, type GlmConfig } from './config';
import { blockBytes, blocksPerRow, type QuantBits } from './quant';
import { lmHeadReadsTable, type EmbeddingWeight, type LinearWeight, type StoredLinearWeight, type WeightFormat } from './weights';

export type PartDtype = 'float32' | 'uint16' | 'uint8';

export interface TensorRecord {
  name: string;
  dtype: PartDtype;
  /** Byte offset within the part (a multiple of 16). */
  offset: number;
  length: number;
}

export interface Part {
  /** 'base' or 'layer.N'; also the externalData file name the graphs refer to. */
  name: string;
  bytes: Uint8Array;
  tensors: TensorRecord[];
}

export const BASE_PART = 'base';
export const layerPartName = (layer: number) => `layer.${layer}`;

const ALIGN = 16;
type Typed = Float32Array | Uint16Array | Uint8Array;

function dtypeOf(array: Typed): PartDtype {
  return array instanceof Float32Array ? 'float32' : array instanceof Uint16Array ? 'uint16' : 'uint8';
}

/** Lays arrays out one after another (16-byte aligned) into one buffer. */
export function buildPart(name: string, arrays: [string, Typed][], arena?: Arena): Part {
  const tensors: TensorRecord[] = [];
  let size = 0;
  for (const [tensor, array] of arrays) {
    size = Math.ceil(size / ALIGN) * ALIGN;
    tensors.push({ name: tensor, dtype: dtypeOf(array), offset: size, length: array.byteLength });
    size += array.byteLength;
  }
  const bytes = allocate(size, arena);
  arrays.forEach(([, array], i) => bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), tensors[i].offset));
  return { name, bytes, tensors };
}

/** Typed views into a part's buffer, by tensor name (no copies). */
export function partViews(part: Part): Map<string, Typed> {
  const views = new Map<string, Typed>();
  for (const t of part.tensors) {
    const start = part.bytes.byteOffset + t.offset;
    const buffer = part.bytes.buffer;
    if (t.offset + t.length > part.bytes.byteLength) throw new RangeError(`part ${part.name}: tensor ${t.name} lies outside the part`);
    const view = t.dtype === 'float32' ? new Float32Array(buffer, start, t.length / 4) : t.dtype === 'uint16' ? new Uint16Array(buffer, start, t.length / 2) : new Uint8Array(buffer, start, t.length);
    views.set(t.name, view);
  }
  return views;
}

// ---------------------------------------------------------------- weights <-> named arrays

function linearArrays(name: string, w: LinearWeight): [string, Typed][] {
  if (w.kind === 'int8') throw new TypeError(`${name}: int8 weights are converted for a session, never stored in a part`);
  return w.kind === 'quantized' ? [[name, w.matrix.data], [`${name}.scales`, w.matrix.scales]] : [[name, w.data]];
}

function embeddingArrays(name: string, w: EmbeddingWeight): [string, Typed][] {
  return w.kind === 'quantized' ? [[name, w.matrix.data], [`${name}.scales`, w.matrix.scales]] : [[name, w.data]];
}

function bitsOf(format: WeightFormat): QuantBits | null {
  return format === 'q4' ? 4 : format === 'q8' ? 8 : null;
}

function view<T extends Typed>(views: Map<string, Typed>, name: string, type: new (...args: never[]) => T, partName: string): T {
  const v = views.get(name);
  if (!(v instanceof type)) throw new RangeError(`part ${partName}: tensor ${name} is missing or has the wrong type`);
  return v;
}

function readLinear(views: Map<string, Typed>, partName: string, name: string, n: number, k: number, format: WeightFormat): StoredLinearWeight {
  const bits = bitsOf(format);
  if (bits !== null) {
    const blocks = blocksPerRow(k);
    const data = view(views, name, Uint8Array, partName);
    const scales = view(views, `${name}.scales`, Float32Array, partName);
    if (data.length !== n * blocks * blockBytes(bits) || scales.length !== n * blocks) throw new RangeError(`part ${partName}: tensor ${name} has the wrong size`);
    return { kind: 'quantized', matrix: { bits, n, k, blocksPerRow: blocks, data, scales } };
  }
  const data = format === 'f16' ? view(views, name, Uint16Array, partName) : view(views, name, Float32Array, partName);
  if (data.length !== n * k) throw new RangeError(`part ${partName}: tensor ${name} has the wrong size`);
  return data instanceof Uint16Array ? { kind: 'half', k, n, data } : { kind: 'float', k, n, data };
}

/** A tensor a part must hold: its element type and byte length. */
export interface ExpectedTensor {
  dtype: PartDtype;
  length: number;
}

/**
 * The tensors the base part (layer null) or a layer's part holds for a config and format, by name:
 * what a pack's tensor table is checked against before its bytes reach a graph.
 */
export function expectedPartTensors(config: GlmConfig, format: WeightFormat, layer: number | null): Map<string, ExpectedTensor> {
  const tensors = new Map<string, ExpectedTensor>();
  const bits = bitsOf(format);
  const float = (name: string, count: number) => tensors.set(name, { dtype: 'float32', length: 4 * count });
  const linear = (name: string, n: number, k: number) => {
    if (bits === null) return tensors.set(name, format === 'f16' ? { dtype: 'uint16', length: 2 * n * k } : { dtype: 'float32', length: 4 * n * k });
    const blocks = n * blocksPerRow(k);
    tensors.set(name, { dtype: 'uint8', length: blocks * blockBytes(bits) });
    return float(`${name}.scales`, blocks);
  };
  const { vocabSize: V, hiddenSize: H, intermediateSize: I } = config;
  if (layer === null) {
    linear('model.embed_tokens.weight', V, H);
    float('model.norm.weight', H);
    // Tied quantized embeddings: lm_head reads the table's bytes; float formats keep a transposed copy.
    if (!lmHeadReadsTable(config, format)) linear('lm_head.weight', V, H);
    return tensors;
  }
  const p = `model.layers.${layer}.`;
  const { q: qRows, qkv: qkvRows } = attentionWidths(config);
  float(`${p}input_layernorm.weight`, H);
  linear(`${p}self_attn.qkv_proj.weight`, qkvRows, H);
  if (config.attentionBias) float(`${p}self_attn.qkv_proj.bias`, qkvRows);
  linear(`${p}self_attn.o_proj.weight`, H, qRows);
  float(`${p}post_attention_layernorm.weight`, H);
  linear(`${p}mlp.gate_up_proj.weight`, 2 * I, H);
  linear(`${p}mlp.down_proj.weight`, H, I);
  return tensors;
}

/** What is wrong with a part's tensor table against the tensors it must hold, or null. */
export function partTableProblem(tensors: TensorRecord[], expected: Map<string, ExpectedTensor>): string | null {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  for (const [name, { dtype, length }] of expected) {
    const t = byName.get(name);
    if (!t) return `tensor ${name} is missing`;
    if (t.dtype !== dtype || t.length !== length) return `tensor ${name} is ${t.length} bytes of ${t.dtype}; the config needs ${length} bytes of ${dtype}`;
  }
  return null;
}

export interface LayerWeights {
  inputLayernorm: Float32Array;
  /** q_proj, k_proj and v_proj fused along the output dimension: N = (heads + 2 * kv_heads) * D. */
  qkvProj: LinearWeight;
  qkvBias: Float32Array | null;
  oProj: LinearWeight;
  postAttentionLayernorm: Float32Array;
  gateUpProj: LinearWeight;
  downProj: LinearWeight;
}

export interface BaseWeights {
  embedTokens: EmbeddingWeight;
  norm: Float32Array;
  /** Absent when lm_head reads the quantized embedding table (tied embeddings). */
  lmHead: LinearWeight | null;
}

export function basePart(w: BaseWeights, arena?: Arena): Part {
  return buildPart(BASE_PART, [
    ...embeddingArrays('model.embed_tokens.weight', w.embedTokens),
    ['model.norm.weight', w.norm],
    ...(w.lmHead ? linearArrays('lm_head.weight', w.lmHead) : []),
  ], arena);
}

export function readBasePart(part: Part, config: GlmConfig, format: WeightFormat): BaseWeights {
  const views = partViews(part);
  const { vocabSize: V, hiddenSize: H } = config;
  const embed = readLinear(views, part.name, 'model.embed_tokens.weight', V, H, format);
  // The table is stored row-major [V, H] for lookup; for float formats its "linear" view is [V, H] too.
  const embedTokens: EmbeddingWeight = embed.kind === 'quantized' ? embed : embed.kind === 'half' ? { kind: 'half', rows: V, cols: H, data: embed.data } : { kind: 'float', rows: V, cols: H, data: embed.data };
  return {
    embedTokens,
    norm: view(views, 'model.norm.weight', Float32Array, part.name),
    lmHead: views.has('lm_head.weight') ? readLinear(views, part.name, 'lm_head.weight', V, H, format) : null,
  };
}

export function layerPart(layer: number, w: LayerWeights, arena?: Arena): Part {
  const p = `model.layers.${layer}.`;
  return buildPart(layerPartName(layer), [
    [`${p}input_layernorm.weight`, w.inputLayernorm],
    ...linearArrays(`${p}self_attn.qkv_proj.weight`, w.qkvProj),
    ...(w.qkvBias ? [[`${p}self_attn.qkv_proj.bias`, w.qkvBias] as [string, Typed]] : []),
    ...linearArrays(`${p}self_attn.o_proj.weight`, w.oProj),
    [`${p}post_attention_layernorm.weight`, w.postAttentionLayernorm],
    ...linearArrays(`${p}mlp.gate_up_proj.weight`, w.gateUpProj),
    ...linearArrays(`${p}mlp.down_proj.weight`, w.downProj),
  ], arena);
}

export function readLayerPart(part: Part, layer: number, config: GlmConfig, format: WeightFormat): LayerWeights {
  const views = partViews(part);
  const p = `model.layers.${layer}.`;
  const { hiddenSize: H, intermediateSize: I } = config;
  const widths = attentionWidths(config);
  const linear = (name: string, n: number, k: number) => readLinear(views, part.name, p + name, n, k, format);
  return {
    inputLayernorm: view(views, `${p}input_layernorm.weight`, Float32Array, part.name),
    qkvProj: linear('self_attn.qkv_proj.weight', widths.qkv, H),
    qkvBias: config.attentionBias ? view(views, `${p}self_attn.qkv_proj.bias`, Float32Array, part.name) : null,
    oProj: linear('self_attn.o_proj.weight', H, widths.q),
    postAttentionLayernorm: view(views, `${p}post_attention_layernorm.weight`, Float32Array, part.name),
    gateUpProj: linear('mlp.gate_up_proj.weight', 2 * I, H),
    downProj: linear('mlp.down_proj.weight', H, I),
  };
}
