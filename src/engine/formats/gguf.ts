// GLM checkpoints as llama.cpp GGUF files (arch "chatglm", which is what llama.cpp's converter writes
// for GlmForCausalLM, or "glm4" without GLM-4-0414's extra norms). The header is read with
// @huggingface/gguf through ranged reads; tensors one at a time. Q4_0 and Q8_0 blocks map
// losslessly onto the engine's q4/q8 layouts (same levels, same zero points, f16 scales widened);
// F32/F16/BF16, the other simple block types (Q4_1, Q5_0, Q5_1) and the K-quants of Q4_K_M-style
// files (Q4_K, Q5_K, Q6_K) are dequantized and quantized again. The config and tokenizer are rebuilt from the GGUF metadata unless given.
import { gguf, GGMLQuantizationType, type GGUFParseOutput } from '@huggingface/gguf';
import { expectedTensorShapes, type CheckpointMeta } from './checkpoint';
import { parseGlmConfig, withGenerationConfig, type ConfigOrigin, type GlmConfig } from './config';
import { CheckpointError, UnsupportedModelError } from '../errors';
import { readText, type CheckpointFiles } from '../io/files';
import { concatArrays } from '../../util/bytes';
import { halfToFloat } from './half';
import { BLOCK_SIZE, type QuantizedMatrix } from './quant';
import { floatLinear, readerSource, type ModelSource, type TensorReader } from '../runtime/source';
import { checkFinite, type LinearWeight, type WeightFormat } from './weights';

/** 6-bit scale and min j of a K-quant block's 12 packed bytes (llama.cpp's get_scale_min_k4). */
function scaleMinK4(b: DataView, at: number, j: number): [number, number] {
  const q = (i: number) => b.getUint8(at + i);
  if (j < 4) return [q(j) & 63, q(j + 4) & 63];
  return [(q(j + 4) & 15) | ((q(j - 4) >> 6) << 4), (q(j + 4) >> 4) | ((q(j) >> 6) << 4)];
}

/** Q4_K and Q5_K: 8 sub-blocks of 32 with 6-bit scales and mins; Q5_K adds a fifth bit from qh. */
function decodeK(b: DataView, at: number, out: Float32Array, to: number, fifthBits: boolean): void {
  const d = halfToFloat(b.getUint16(at, true));
  const dmin = halfToFloat(b.getUint16(at + 2, true));
  const qh = at + 16;
  const qs = fifthBits ? at + 48 : at + 16;
  for (let chunk = 0; chunk < 4; chunk++) {
    const [sc1, m1] = scaleMinK4(b, at + 4, 2 * chunk);
    const [sc2, m2] = scaleMinK4(b, at + 4, 2 * chunk + 1);
    for (let l = 0; l < 32; l++) {
      const q = b.getUint8(qs + 32 * chunk + l);
      const h = fifthBits ? b.getUint8(qh + l) >> (2 * chunk) : 0;
      out[to + 64 * chunk + l] = d * sc1 * ((q & 15) + (h & 1 ? 16 : 0)) - dmin * m1;
      out[to + 64 * chunk + 32 + l] = d * sc2 * ((q >> 4) + (h & 2 ? 16 : 0)) - dmin * m2;
    }
  }
}

/**
 * Q4_0, Q4_1, Q5_0 and Q5_1: 32 values, f16 d (then an f16 min m for *_1), a u32 of fifth bits for
 * Q5_*, 16 bytes of nibbles (byte j: values j and j + 16). Value = d * (q - offset), or d * q + m.
 */
function decodeLegacy(b: DataView, at: number, out: Float32Array, to: number, withMin: boolean, fifthBits: boolean): void {
  const d = halfToFloat(b.getUint16(at, true));
  const m = withMin ? halfToFloat(b.getUint16(at + 2, true)) : 0;
  const qhAt = at + (withMin ? 4 : 2);
  const qh = fifthBits ? b.getUint32(qhAt, true) : 0;
  const qs = qhAt + (fifthBits ? 4 : 0);
  const offset = withMin ? 0 : fifthBits ? 16 : 8;
  for (let j = 0; j < 16; j++) {
    const q = b.getUint8(qs + j);
    out[to + j] = ((q & 15) - offset + (((qh >>> j) << 4) & 16)) * d + m;
    out[to + j + 16] = ((q >> 4) - offset + ((qh >>> (j + 12)) & 16)) * d + m;
  }
}

/** Values per block, bytes per block, and the decoder of one block, for each type read here. */
const BLOCK_TYPES: Partial<Record<GGMLQuantizationType, { values: number; bytes: number; decode: (b: DataView, at: number, out: Float32Array, to: number) => void }>> = {
  [GGMLQuantizationType.Q4_K]: { values: 256, bytes: 144, decode: (b, at, out, to) => decodeK(b, at, out, to, false) },
  [GGMLQuantizationType.Q5_K]: { values: 256, bytes: 176, decode: (b, at, out, to) => decodeK(b, at, out, to, true) },
  [GGMLQuantizationType.Q6_K]: {
    values: 256,
    bytes: 210,
    decode: (b, at, out, to) => {
      const d = halfToFloat(b.getUint16(at + 208, true));
      for (let half = 0; half < 2; half++) {
        const ql = at + 64 * half;
        const qh = at + 128 + 32 * half;
        const sc = (i: number) => b.getInt8(at + 192 + 8 * half + i);
        for (let l = 0; l < 32; l++) {
          const is = l >> 4;
          const h = b.getUint8(qh + l);
          const lo = b.getUint8(ql + l);
          const hi = b.getUint8(ql + l + 32);
          const base = to + 128 * half + l;
          out[base] = d * sc(is) * (((lo & 15) | ((h & 3) << 4)) - 32);
          out[base + 32] = d * sc(is + 2) * (((hi & 15) | (((h >> 2) & 3) << 4)) - 32);
          out[base + 64] = d * sc(is + 4) * (((lo >> 4) | (((h >> 4) & 3) << 4)) - 32);
          out[base + 96] = d * sc(is + 6) * (((hi >> 4) | (((h >> 6) & 3) << 4)) - 32);
        }
      }
    },
  },
  [GGMLQuantizationType.Q4_0]: { values: 32, bytes: 18, decode: (b, at, out, to) => decodeLegacy(b, at, out, to, false, false) },
  [GGMLQuantizationType.Q4_1]: { values: 32, bytes: 20, decode: (b, at, out, to) => decodeLegacy(b, at, out, to, true, false) },
  [GGMLQuantizationType.Q5_0]: { values: 32, bytes: 22, decode: (b, at, out, to) => decodeLegacy(b, at, out, to, false, true) },
  [GGMLQuantizationType.Q5_1]: { values: 32, bytes: 24, decode: (b, at, out, to) => decodeLegacy(b, at, out, to, true, true) },
  [GGMLQuantizationType.Q8_0]: {
    values: 32,
    bytes: 34,
    decode: (b, at, out, to) => {
      const d = halfToFloat(b.getUint16(at, true));
      for (let j = 0; j < 32; j++) out[to + j] = b.getInt8(at + 2 + j) * d;
    },
  },
};

const FLOAT_BYTES: Partial<Record<GGMLQuantizationType, number>> = { [GGMLQuantizationType.F32]: 4, [GGMLQuantizationType.F16]: 2, [GGMLQuantizationType.BF16]: 2 };

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

type Metadata = Record<string, unknown>;

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

/** A metadata value as a message shows it (bigints, long lists and long strings made short). */
function show(value: unknown): string {
  if (typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length} values`;
  return JSON.stringify(typeof value === 'string' && value.length > 40 ? `${value.slice(0, 40)}...` : value) ?? String(value);
}

/** general.alignment: data offsets are padded to it, so anything but a power of two misplaces every tensor. */
function alignmentOf(meta: Metadata, label: string): number {
  const raw = meta['general.alignment'] ?? 32;
  const alignment = typeof raw === 'bigint' ? Number(raw) : raw;
  if (typeof alignment !== 'number' || !Number.isInteger(Math.log2(alignment)) || alignment > 2 ** 30) {
    throw new CheckpointError(label, `GGUF metadata general.alignment is ${show(raw)}; it must be a power of two (llama.cpp writes 32): the file is corrupted`);
  }
  return alignment;
}

const num = (value: unknown): number | undefined => (typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : undefined);
/** A float32 from the metadata at the precision it was written with (1e-5, not 9.99999974e-6). */
const float = (value: unknown): number | undefined => {
  const n = num(value);
  return n === undefined ? undefined : Number(n.toPrecision(7));
};

/** GLM ends a reply at any of these (its generation_config); GGUF keeps only eos and eot. */
const GLM_STOP_TOKENS = ['<|endoftext|>', '<|user|>', '<|observation|>'];

/** config.json fields and the llama.cpp metadata keys (after "<arch>.") they come from. */
const METADATA_KEYS: Record<string, string> = {
  hidden_size: 'embedding_length',
  intermediate_size: 'feed_forward_length',
  num_hidden_layers: 'block_count',
  num_attention_heads: 'attention.head_count',
  num_key_value_heads: 'attention.head_count_kv',
  head_dim: 'attention.key_length',
  partial_rotary_factor: 'rope.dimension_count',
  rope_theta: 'rope.freq_base',
  rms_norm_eps: 'attention.layer_norm_rms_epsilon',
  max_position_embeddings: 'context_length',
};

/** How a config field is named in errors about a GGUF file: by the metadata key (or tensor) it comes from. */
const ggufOrigin = (label: string, arch: string): ConfigOrigin => ({
  file: label,
  key: (field) => (field === 'vocab_size' ? 'the row count of tensor token_embd.weight' : METADATA_KEYS[field] ? `GGUF metadata ${arch}.${METADATA_KEYS[field]}` : `"${field}"`),
});

/** A config.json for model_type "glm" from llama.cpp's keys; parseGlmConfig checks the values, naming the keys. */
function configFromMetadata(meta: Metadata, arch: string, file: string, hasOutput: boolean, vocabSize: number | undefined): Record<string, unknown> {
  const key = (name: string) => {
    const value = meta[`${arch}.${name}`];
    if (value !== undefined && num(value) === undefined) throw new CheckpointError(file, `GGUF metadata ${arch}.${name} must be a number, got ${show(value)}`);
    return num(value);
  };
  const required = (name: string) => {
    const value = key(name);
    if (value === undefined) throw new CheckpointError(file, `GGUF metadata ${arch}.${name} is missing`);
    return value;
  };
  const hidden = required('embedding_length');
  const heads = required('attention.head_count');
  const keyLength = key('attention.key_length');
  const headDim = keyLength ?? hidden / heads;
  const rotary = key('rope.dimension_count') ?? headDim / 2;
  const eos = num(meta['tokenizer.ggml.eos_token_id']);
  const eot = num(meta['tokenizer.ggml.eot_token_id']);
  const tokens = Array.isArray(meta['tokenizer.ggml.tokens']) ? meta['tokenizer.ggml.tokens'] : [];
  const stops = GLM_STOP_TOKENS.map((t) => tokens.indexOf(t)).filter((id) => id >= 0);
  return {
    architectures: ['GlmForCausalLM'],
    model_type: 'glm',
    vocab_size: vocabSize,
    hidden_size: hidden,
    intermediate_size: required('feed_forward_length'),
    num_hidden_layers: required('block_count'),
    num_attention_heads: heads,
    num_key_value_heads: key('attention.head_count_kv') ?? heads,
    ...(keyLength !== undefined && { head_dim: keyLength }),
    partial_rotary_factor: rotary / headDim,
    rope_theta: float(key('rope.freq_base')) ?? 10000,
    rms_norm_eps: float(key('attention.layer_norm_rms_epsilon')) ?? 1e-5,
    // Filled in once the tensors are known (q/k/v biases present or not).
    attention_bias: false,
    tie_word_embeddings: !hasOutput,
    max_position_embeddings: key('context_length') ?? 4096,
    eos_token_id: [...new Set([eos, eot, ...stops].filter((id): id is number => id !== undefined))],
    pad_token_id: num(meta['tokenizer.ggml.padding_token_id']) ?? eos ?? null,
  };
}

/** llama.cpp's pre-tokenizer names -> tokenizer.json pre_tokenizer (byte-level BPE). */
function preTokenizer(pre: string, file: string): unknown {
  switch (pre) {
    case 'gpt-2':
    case 'default':
      return { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
    case 'chatglm-bpe':
      return {
        type: 'Sequence',
        pretokenizers: [
          {
            type: 'Split',
            // llama.cpp's CHATGLM4 pattern (GLM-4's tokenizer.json writes the contractions as (?i:...)).
            pattern: { Regex: "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+" },
            behavior: 'Isolated',
            invert: false,
          },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
        ],
      };
    default:
      throw new UnsupportedModelError(`${file}: GGUF tokenizer pre-tokenizer "${pre}" is not one GLM uses (chatglm-bpe, gpt-2): import with the repository's tokenizer instead`);
  }
}

/** A metadata list that must hold only strings (tokens, merges), or a CheckpointError naming its key. */
function stringList(meta: Metadata, key: string, file: string): string[] | undefined {
  const value = meta[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new CheckpointError(file, `GGUF metadata ${key} must be a list of strings, got ${show(value)}`);
  return value;
}

/** tokenizer.json and tokenizer_config.json from tokenizer.ggml.* (byte-level BPE, as GLM-4 and GLM-Edge use). */
function tokenizerFromMetadata(meta: Metadata, file: string, vocabSize: number): { json: unknown; config: Record<string, unknown> } {
  if (meta['tokenizer.ggml.model'] !== 'gpt2') {
    throw new UnsupportedModelError(`${file}: GGUF tokenizer model "${String(meta['tokenizer.ggml.model'])}" is not byte-level BPE (gpt2); import with the repository's tokenizer instead`);
  }
  const tokens = stringList(meta, 'tokenizer.ggml.tokens', file);
  if (!tokens) throw new CheckpointError(file, 'GGUF metadata tokenizer.ggml.tokens is missing');
  if (tokens.length > vocabSize) throw new CheckpointError(file, `GGUF metadata tokenizer.ggml.tokens lists ${tokens.length} tokens, more than the ${vocabSize} rows of tensor token_embd.weight`);
  const merges = stringList(meta, 'tokenizer.ggml.merges', file) ?? [];
  const tokenTypes = meta['tokenizer.ggml.token_type'] ?? [];
  if (!Array.isArray(tokenTypes)) throw new CheckpointError(file, `GGUF metadata tokenizer.ggml.token_type must be a list, got ${show(tokenTypes)}`);
  const types = tokenTypes.map((t) => num(t) ?? 1);
  const vocab: Record<string, number> = {};
  const added = [];
  for (const [id, token] of tokens.entries()) {
    // 3 = control, 4 = user-defined: tokens matched whole before BPE (GLM's [gMASK], <|user|>, ...).
    if (types[id] === 3 || types[id] === 4) added.push({ id, content: token, single_word: false, lstrip: false, rstrip: false, normalized: false, special: types[id] === 3 });
    else vocab[token] = id;
  }
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: preTokenizer(String(meta['tokenizer.ggml.pre'] ?? 'default'), file),
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
  };
  const token = (key: string) => {
    const id = num(meta[key]);
    return id === undefined ? undefined : tokens[id];
  };
  return { json, config: { tokenizer_class: 'PreTrainedTokenizerFast', eos_token: token('tokenizer.ggml.eos_token_id'), pad_token: token('tokenizer.ggml.padding_token_id') } };
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
