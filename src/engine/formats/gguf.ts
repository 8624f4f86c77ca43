// GLM checkpoints as llama.cpp GGUF files (arch "chatglm", which is what llama.cpp's converter writes
// for GlmForCausalLM, or "glm4" without GLM-4-0414's extra norms). The header is read with
// @huggingface/gguf through ranged reads; tensors one at a time. Q4_0 and Q8_0 blocks map
// losslessly onto the engine's q4/q8 layouts (same levels, same zero points, f16 scales widened);
// F32/F16/BF16, the other simple block types (Q4_1, Q5_0, Q5_1) and the K-quants of Q4_K_M-style
// files (Q4_K, Q5_K, Q6_K) are dequantized and quantized again. The config and tokenizer are rebuilt from the GGUF metadata unless given.
import { gguf, GGMLQuantizationType, type GGUFParseOutput } from '@huggingface/gguf';
import { expectedTensorShapes, type CheckpointMeta } from './checkpoint';
import { parseGlmConfig, withGenerationConfig, type GlmConfig } from './config';
import { CheckpointError, UnsupportedModelError } from '../errors';
import { readText, type CheckpointFiles } from '../io/files';
import { concatArrays } from '../../util/bytes';
import { halfToFloat } from './half';
import { BLOCK_SIZE, type QuantizedMatrix } from './quant';
import { BLOCK_TYPES, FLOAT_BYTES } from './gguf-blocks';
import { alignmentOf, configFromMetadata, ggufOrigin, tokenizerFromMetadata, type Metadata } from './gguf-metadata';
import { floatLinear, readerSource, type ModelSource, type TensorReader } from './source';
import { checkFinite, type LinearWeight, type WeightFormat } from './weights';

/** Hugging Face tensor name -> llama.cpp's. */
function ggufName(name: string): string {
  const fixed: Record<string, string> = { 'model.embed_tokens.weight': 'token_embd.weight', 'model.norm.weight': 'output_norm.weight', 'lm_head.weight': 'output.weight' };
  if (fixed[name]) return fixed[name];
  const m = /^model\.layers\.(\d+)\.(.+)$/.exec(name);
  const inLayer: Record<string, string> = {
    'input_layernorm.weight': 'attn_norm.weight',
    'self_attn.q_proj.weight': 'attn_q.weight',
    'self_attn.q_proj.bias': 'attn_q.bias',
    'self_attn.k_proj.weight': 'attn_k.weight',
    'self_attn.k_proj.bias': 'attn_k.bias',
    'self_attn.v_proj.weight': 'attn_v.weight',
    'self_attn.v_proj.bias': 'attn_v.bias',
    'self_attn.o_proj.weight': 'attn_output.weight',
    'post_attention_layernorm.weight': 'ffn_norm.weight',
    'mlp.gate_up_proj.weight': 'ffn_up.weight',
    'mlp.down_proj.weight': 'ffn_down.weight',
  };
  if (m && inLayer[m[2]]) return `blk.${m[1]}.${inLayer[m[2]]}`;
  throw new Error(`no GGUF name for ${name}`);
}

/** A GGUF file; its rawConfig is config.json as a Hugging Face checkpoint would have it. */
export interface GgufCheckpoint extends CheckpointMeta {
  kind: 'gguf';
  file: string;
  tensors: Map<string, { dtype: GGMLQuantizationType; shape: number[]; offset: number }>;
}

const TRUNCATED_HEADER = 'the file ends inside its GGUF header: it is truncated (re-download it)';

/** GGUF metadata through a ranged reader: @huggingface/gguf fetches, this answers from `files`. */
async function readHeader(files: CheckpointFiles, file: string, label: string): Promise<{ header: GGUFParseOutput; size: number }> {
  const size = await files.size(file);
  if (size === null) throw new CheckpointError(label, 'the GGUF file is missing');
  // The library reads zeros past the end of a file rather than failing, and asks for one chunk ahead of
  // where it reads: a second request that starts past the end means the header runs past it.
  let readsPastEnd = 0;
  const fetchRange = async (_: unknown, init?: { headers?: Record<string, string> }) => {
    const range = /bytes=(\d+)-(\d+)/.exec(init?.headers?.Range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = Math.min(size, range ? Number(range[2]) + 1 : size);
    if (start >= size && ++readsPastEnd > 1) throw new CheckpointError(label, TRUNCATED_HEADER);
    const bytes = start < end ? await files.read(file, start, end) : new Uint8Array(0);
    return new Response(bytes as Uint8Array<ArrayBuffer>, { status: 206, headers: { 'Content-Range': `bytes ${start}-${end - 1}/${size}` } });
  };
  let header: GGUFParseOutput;
  try {
    header = await gguf(`https://gguf.invalid/${encodeURIComponent(file)}`, { fetch: fetchRange as typeof fetch });
  } catch (error) {
    if ((error as Error).name === 'CheckpointError') throw error;
    throw new CheckpointError(label, `not a readable GGUF file (${(error as Error).message})`);
  }
  if (header.tensorInfoByteRange[1] > size) throw new CheckpointError(label, TRUNCATED_HEADER);
  return { header, size };
}

/** The tensor table by name, data offsets made absolute. */
function tensorTable(header: GGUFParseOutput, label: string): GgufCheckpoint['tensors'] {
  const tensors: GgufCheckpoint['tensors'] = new Map();
  for (const t of header.tensorInfos) {
    if (tensors.has(t.name)) throw new CheckpointError(label, `tensor ${t.name} is listed twice: the file is corrupted`);
    tensors.set(t.name, { dtype: t.dtype, shape: t.shape.map(Number), offset: Number(header.tensorDataOffset + t.offset) });
  }
  return tensors;
}

/**
 * The tensors' layout, checked as llama.cpp checks it: each tensor starts where the one before it
 * ends, padded to general.alignment (after a type not read here, at least aligned and in order), and
 * a tensor of a type read here lies within the file.
 */
function checkLayout(header: GGUFParseOutput, tensors: GgufCheckpoint['tensors'], size: number, alignment: number, label: string): void {
  let next: bigint | null = 0n;
  let previous = 0n;
  for (const t of header.tensorInfos) {
    if (t.offset % BigInt(alignment) !== 0n) throw new CheckpointError(label, `tensor ${t.name} starts at offset ${t.offset}, not a multiple of general.alignment (${alignment}): the file is corrupted`);
    if (next === null ? t.offset < previous : t.offset !== next) {
      throw new CheckpointError(label, `tensor ${t.name} starts at offset ${t.offset}, but the tensors before it end at ${next ?? previous}: the file is corrupted`);
    }
    const info = tensors.get(t.name)!;
    const bytes = byteLength(info, t.name, label);
    if (bytes !== null && info.offset + bytes > size) {
      throw new CheckpointError(label, `tensor ${t.name} ends at byte ${info.offset + bytes} but the file has ${size} bytes: the file is truncated (re-download it)`);
    }
    previous = t.offset;
    next = bytes === null ? null : t.offset + BigInt(Math.ceil(bytes / alignment) * alignment);
  }
}

/** Every tensor the config needs is there, with the shape the config implies (GGUF lists dimensions innermost first). */
function checkShapes(tensors: GgufCheckpoint['tensors'], config: GlmConfig, label: string): void {
  for (const [name, shape] of expectedTensorShapes(config)) {
    const info = tensors.get(ggufName(name));
    if (!info) throw new CheckpointError(label, `tensor ${ggufName(name)} (${name}) is missing`);
    const expected = [...shape].reverse();
    if (info.shape.join() !== expected.join()) throw new CheckpointError(label, `tensor ${ggufName(name)} has shape [${info.shape}], the metadata implies [${expected}]`);
  }
}

/**
 * Opens `file` (a .gguf) from `files`, checking its header, metadata and tensor table. The tokenizer
 * is `tokenizer` when given, else a tokenizer.json (+ tokenizer_config.json) beside the file, else
 * rebuilt from the metadata; the metadata's chat template is kept where the tokenizer config has none.
 */
export async function openGguf(files: CheckpointFiles, file: string, tokenizer?: { json: unknown; config: Record<string, unknown> }): Promise<GgufCheckpoint> {
  const label = `${files.label}/${file}`;
  const { header, size } = await readHeader(files, file, label);
  const meta = header.metadata as unknown as Metadata;
  const alignment = alignmentOf(meta, label);
  const tensors = tensorTable(header, label);
  const arch = String(meta['general.architecture']);
  if (arch !== 'chatglm' && arch !== 'glm4') {
    throw new UnsupportedModelError(`${label}: GGUF architecture is "${arch}"; GLM Pocket imports GLM GGUFs (llama.cpp arch "chatglm", e.g. GLM-Edge and GLM-4-9B)`);
  }
  if ([...tensors.keys()].some((name) => /post_attention_norm|post_ffw_norm/.test(name))) {
    throw new UnsupportedModelError(`${label}: this is a GLM-4-0414 ("glm4") model with post-layer norms, which GLM Pocket does not run yet`);
  }
  if (tensors.has('blk.0.attn_qkv.weight') || tensors.has('blk.0.ffn_gate.weight')) {
    throw new UnsupportedModelError(`${label}: this GGUF comes from the original ChatGLM code (fused attn_qkv / separate ffn_gate), not a transformers GLM checkpoint; import the Hugging Face repository instead`);
  }
  const embedding = tensors.get('token_embd.weight');
  if (!embedding) throw new CheckpointError(label, 'tensor token_embd.weight is missing');
  const rawConfig = configFromMetadata(meta, arch, label, tensors.has('output.weight'), embedding.shape[1]);
  rawConfig.attention_bias = tensors.has('blk.0.attn_q.bias');
  const rawGenerationConfig = { eos_token_id: rawConfig.eos_token_id };
  const config = withGenerationConfig(parseGlmConfig(rawConfig, ggufOrigin(label, arch)), rawGenerationConfig);
  checkShapes(tensors, config, label);
  checkLayout(header, tensors, size, alignment, label);
  const tokenizerFiles = tokenizer ?? (await tokenizerBeside(files)) ?? tokenizerFromMetadata(meta, label, config.vocabSize);
  const template = meta['tokenizer.chat_template'];
  const tokenizerConfig = typeof tokenizerFiles.config.chat_template !== 'string' && typeof template === 'string' ? { ...tokenizerFiles.config, chat_template: template } : tokenizerFiles.config;
  return { kind: 'gguf', files, file, config, rawConfig, rawGenerationConfig, tokenizerJson: tokenizerFiles.json, tokenizerConfig, tensors };
}

/** A JSON file beside the GGUF, parsed, or a CheckpointError naming it. */
function parseJsonFile(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CheckpointError(name, 'is not valid JSON');
  }
}

/** tokenizer.json (+ tokenizer_config.json) beside a GGUF file, when there is one: preferred to the metadata's. */
async function tokenizerBeside(files: CheckpointFiles): Promise<{ json: unknown; config: Record<string, unknown> } | undefined> {
  const json = await readText(files, 'tokenizer.json').catch(() => null);
  if (json === null) return undefined;
  const configText = await readText(files, 'tokenizer_config.json').catch(() => null);
  const config = configText === null ? {} : parseJsonFile(configText, 'tokenizer_config.json');
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new CheckpointError('tokenizer_config.json', 'is not a JSON object');
  return { json: parseJsonFile(json, 'tokenizer.json'), config: config as Record<string, unknown> };
}

interface TensorRef {
  info: { dtype: GGMLQuantizationType; shape: number[]; offset: number };
  /** GGUF shape [cols, rows]. */
  rows: number;
  cols: number;
}

/** A tensor's record and shape; a type not read here is refused, naming the tensor. */
function tensorInfo(model: GgufCheckpoint, name: string): TensorRef {
  const label = `${model.files.label}/${model.file}`;
  const info = model.tensors.get(ggufName(name));
  if (!info) throw new CheckpointError(label, `tensor ${ggufName(name)} (${name}) is missing`);
  if (!BLOCK_TYPES[info.dtype] && !FLOAT_BYTES[info.dtype]) {
    throw new UnsupportedModelError(`${label}: tensor ${ggufName(name)} is ${GGMLQuantizationType[info.dtype]}, which GLM Pocket cannot read yet (it reads F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K and Q6_K): pick another GGUF, or import the safetensors repository`);
  }
  const [cols, rows = 1] = info.shape;
  return { info, rows, cols };
}

/** Bytes of a tensor of a type read here (whole blocks of its type), or null for a type not read here. */
function byteLength(info: TensorRef['info'], name: string, label: string): number | null {
  const count = info.shape.reduce((a, b) => a * b, 1);
  const block = BLOCK_TYPES[info.dtype];
  if (!block) return FLOAT_BYTES[info.dtype] === undefined ? null : count * FLOAT_BYTES[info.dtype]!;
  if (info.shape[0] % block.values !== 0) throw new CheckpointError(label, `tensor ${name}: ${info.shape[0]} columns are not whole ${block.values}-value blocks`);
  return (count / block.values) * block.bytes;
}

/** A tensor's bytes (its extent within the file was checked when the file was opened). */
async function tensorBytes(model: GgufCheckpoint, name: string, { info }: TensorRef): Promise<DataView> {
  const label = `${model.files.label}/${model.file}`;
  const bytes = byteLength(info, ggufName(name), label)!;
  const data = await model.files.read(model.file, info.offset, info.offset + bytes);
  if (data.length !== bytes) throw new CheckpointError(label, `tensor ${ggufName(name)} is truncated`);
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

/** One tensor's values, [rows, cols] row-major. */
async function readFloats(model: GgufCheckpoint, name: string): Promise<Float32Array> {
  const tensor = tensorInfo(model, name);
  const view = await tensorBytes(model, name, tensor);
  const count = tensor.rows * tensor.cols;
  const { dtype } = tensor.info;
  const block = BLOCK_TYPES[dtype];
  const out = new Float32Array(count);
  if (block) {
    for (let b = 0; b < count / block.values; b++) block.decode(view, b * block.bytes, out, b * block.values);
  } else if (dtype === GGMLQuantizationType.F32) {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
  } else if (dtype === GGMLQuantizationType.F16) {
    for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  } else {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
  }
  return checkFinite(out, `${model.files.label}/${model.file}`, ggufName(name));
}

/** A Q4_0 / Q8_0 tensor as the engine's q4 / q8 matrix: the same levels and scales, repacked. */
async function readBlocks(model: GgufCheckpoint, name: string, tensor: TensorRef, bits: 4 | 8): Promise<QuantizedMatrix> {
  const view = await tensorBytes(model, name, tensor);
  const { rows: n, cols: k } = tensor;
  const blockBytes = BLOCK_TYPES[tensor.info.dtype]!.bytes;
  const blocks = (n * k) / BLOCK_SIZE;
  const packed = bits === 4 ? 16 : 32;
  const data = new Uint8Array(blocks * packed);
  const scales = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const at = b * blockBytes;
    scales[b] = halfToFloat(view.getUint16(at, true));
    if (!Number.isFinite(scales[b])) {
      throw new CheckpointError(`${model.files.label}/${model.file}`, `tensor ${ggufName(name)} holds ${scales[b]} as the scale of block ${b}: the file is corrupted (re-download it)`);
    }
    if (bits === 8) {
      for (let j = 0; j < 32; j++) data[b * 32 + j] = view.getInt8(at + 2 + j) + 128;
    } else {
      // GGUF: byte j holds values j (low) and j + 16 (high); MatMulNBits: byte j holds 2j and 2j + 1.
      const level = (i: number) => (i < 16 ? view.getUint8(at + 2 + i) & 15 : view.getUint8(at + 2 + i - 16) >> 4);
      for (let j = 0; j < 16; j++) data[b * 16 + j] = level(2 * j) | (level(2 * j + 1) << 4);
    }
  }
  return { bits, n, k, blocksPerRow: k / BLOCK_SIZE, data, scales };
}

/** Matrices stacked along N (rows): q, k and v into one qkv. */
function concatQuantized(parts: QuantizedMatrix[]): QuantizedMatrix {
  return {
    ...parts[0],
    n: parts.reduce((sum, p) => sum + p.n, 0),
    data: concatArrays(parts.map((p) => p.data), (n) => new Uint8Array(n)),
    scales: concatArrays(parts.map((p) => p.scales), (n) => new Float32Array(n)),
  };
}

/** The tensors in the engine's layouts; Q4_0 (for q4) and Q8_0 (for q8) without a detour through floats. */
export function ggufSource(model: GgufCheckpoint, format: WeightFormat): ModelSource {
  const direct = format === 'q4' ? GGMLQuantizationType.Q4_0 : format === 'q8' ? GGMLQuantizationType.Q8_0 : null;
  const float = (name: string) => readFloats(model, name);
  const reader: TensorReader = {
    float,
    async linear(names, n, k, f): Promise<LinearWeight> {
      const infos = names.map((name) => tensorInfo(model, name));
      const rows = infos.reduce((sum, t) => sum + t.rows, 0);
      if (rows !== n || infos.some((t) => t.cols !== k)) {
        throw new CheckpointError(`${model.files.label}/${model.file}`, `${names.map(ggufName).join(' + ')}: shape [${rows}, ${infos[0].cols}] but the config needs [${n}, ${k}]`);
      }
      if (direct === null || !infos.every(({ info }) => info.dtype === direct)) return floatLinear(float, names, n, k, f);
      const parts = [];
      for (const [i, name] of names.entries()) parts.push(await readBlocks(model, name, infos[i], format === 'q4' ? 4 : 8));
      return { kind: 'quantized', matrix: parts.length === 1 ? parts[0] : concatQuantized(parts) };
    },
  };
  return readerSource(reader, model, format);
}
