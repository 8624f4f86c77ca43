// Writes a Hugging Face GLM checkpoint as a GGUF file that llama.cpp loads (arch "chatglm", its tensor
// names and metadata keys, as convert_hf_to_gguf.py writes GlmForCausalLM: q/k/v apart, gate_up fused
// as ffn_up, no row permutation since GLM's rotary pairs are llama.cpp's "norm" ones), for tests and
// the benchmark's llama.cpp peer. Block types are encoded as llama.cpp's reference quantizers do; each
// encoder also returns the values its levels stand for, so tests have a reference that does not decode the bytes.
import { open } from 'node:fs/promises';
import { openCheckpoint, readTensor, type Checkpoint } from '../src/engine/formats/checkpoint';
import { floatsToHalves, halfToFloat } from '../src/engine/formats/half';
import { concatArrays } from '../src/util/bytes';
import { folderFiles } from './node-files';

export type GgufType = 'F32' | 'F16' | 'BF16' | 'Q8_0' | 'Q4_0' | 'Q4_1' | 'Q5_0' | 'Q5_1' | 'Q4_K' | 'Q5_K' | 'Q6_K' | 'Q2_K';

const TYPE_IDS: Record<GgufType, number> = { F32: 0, F16: 1, Q4_0: 2, Q4_1: 3, Q5_0: 6, Q5_1: 7, Q8_0: 8, Q2_K: 10, Q4_K: 12, Q5_K: 13, Q6_K: 14, BF16: 30 };

/** f16 rounding of a scale, as llama.cpp stores it. */
const f16 = (x: number) => halfToFloat(floatsToHalves(Float32Array.of(x))[0]);

/** Encoded bytes of a [rows, cols] tensor and the values they stand for. */
export function encodeTensor(values: Float32Array, type: GgufType): { bytes: Uint8Array; values: Float32Array } {
  const n = values.length;
  const out = new Float32Array(n);
  switch (type) {
    case 'F32':
      return { bytes: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)), values: values.slice() };
    case 'F16': {
      const halves = floatsToHalves(values);
      return { bytes: new Uint8Array(halves.buffer), values: Float32Array.from(halves, halfToFloat) };
    }
    case 'BF16': {
      const bits = new Uint32Array(values.slice().buffer);
      const halves = Uint16Array.from(bits, (b) => (b + 0x7fff + ((b >>> 16) & 1)) >>> 16);
      const back = new Uint32Array(n);
      halves.forEach((h, i) => (back[i] = h << 16));
      return { bytes: new Uint8Array(halves.buffer), values: new Float32Array(back.buffer) };
    }
    case 'Q2_K':
      // Only the size matters to the tests (a type the import refuses): 84 bytes per 256 values.
      return { bytes: new Uint8Array((n / 256) * 84), values: out };
    case 'Q4_K':
    case 'Q5_K':
      return encodeK(values, type === 'Q5_K');
    case 'Q6_K':
      return encodeQ6K(values);
  }
  const blockBytes = { Q8_0: 34, Q4_0: 18, Q4_1: 20, Q5_0: 22, Q5_1: 24 }[type];
  const bytes = new Uint8Array((n / 32) * blockBytes);
  const view = new DataView(bytes.buffer);
  for (let b = 0; b < n / 32; b++) {
    const x = values.subarray(b * 32, b * 32 + 32);
    const at = b * blockBytes;
    let max = 0;
    let min = Infinity;
    let hi = -Infinity;
    for (const v of x) {
      if (Math.abs(v) > Math.abs(max)) max = v;
      min = Math.min(min, v);
      hi = Math.max(hi, v);
    }
    const levels = new Int32Array(32);
    let d: number;
    let m = 0;
    if (type === 'Q8_0') {
      d = Math.abs(max) / 127;
      for (let j = 0; j < 32; j++) levels[j] = d ? Math.round(x[j] / d) : 0;
    } else if (type === 'Q4_0' || type === 'Q5_0') {
      const half = type === 'Q4_0' ? 8 : 16;
      d = max / -half;
      for (let j = 0; j < 32; j++) levels[j] = Math.min(2 * half - 1, Math.trunc(x[j] * (d ? 1 / d : 0) + half + 0.5));
    } else {
      const top = type === 'Q4_1' ? 15 : 31;
      d = (hi - min) / top;
      m = min;
      for (let j = 0; j < 32; j++) levels[j] = Math.min(top, Math.trunc((x[j] - min) * (d ? 1 / d : 0) + 0.5));
    }
    const dStored = f16(d);
    const mStored = f16(m);
    view.setUint16(at, floatsToHalves(Float32Array.of(d))[0], true);
    let qs = at + 2;
    if (type === 'Q4_1' || type === 'Q5_1') {
      view.setUint16(at + 2, floatsToHalves(Float32Array.of(m))[0], true);
      qs += 2;
    }
    const offset = { Q8_0: 0, Q4_0: 8, Q5_0: 16, Q4_1: 0, Q5_1: 0 }[type];
    for (let j = 0; j < 32; j++) out[b * 32 + j] = (levels[j] - offset) * dStored + (type === 'Q4_1' || type === 'Q5_1' ? mStored : 0);
    if (type === 'Q8_0') {
      for (let j = 0; j < 32; j++) view.setInt8(qs + j, levels[j]);
      continue;
    }
    if (type === 'Q5_0' || type === 'Q5_1') {
      let qh = 0;
      for (let j = 0; j < 16; j++) qh |= ((levels[j] >> 4) & 1) << j | ((levels[j + 16] >> 4) & 1) << (j + 16);
      view.setUint32(qs, qh >>> 0, true);
      qs += 4;
    }
    for (let j = 0; j < 16; j++) bytes[qs + j] = (levels[j] & 15) | ((levels[j + 16] & 15) << 4);
  }
  return { bytes, values: out };
}

const round = (x: number) => Math.round(x);
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * Q4_K / Q5_K: per 256 values, 8 sub-blocks of 32 with 6-bit scales and mins (packed in 12 bytes as
 * llama.cpp's get_scale_min_k4 reads them), value = d * sc * q - dmin * m. A plain encoding (range
 * per sub-block), not llama.cpp's search for the best scales: valid bytes are what the tests need.
 */
function encodeK(values: Float32Array, fifthBit: boolean): { bytes: Uint8Array; values: Float32Array } {
  const top = fifthBit ? 31 : 15;
  const blockBytes = fifthBit ? 176 : 144;
  const bytes = new Uint8Array((values.length / 256) * blockBytes);
  const out = new Float32Array(values.length);
  for (let b = 0; b < values.length / 256; b++) {
    const x = values.subarray(b * 256, b * 256 + 256);
    const scale = new Float64Array(8);
    const offset = new Float64Array(8);
    for (let j = 0; j < 8; j++) {
      const sub = x.subarray(32 * j, 32 * j + 32);
      const lo = Math.min(0, ...sub);
      scale[j] = (Math.max(...sub) - lo) / top;
      offset[j] = -lo;
    }
    const d = f16(Math.max(...scale) / 63);
    const dmin = f16(Math.max(...offset) / 63);
    const sc = Array.from(scale, (s) => (d ? clamp(round(s / d), 0, 63) : 0));
    const m = Array.from(offset, (o) => (dmin ? clamp(round(o / dmin), 0, 63) : 0));
    const at = b * blockBytes;
    const view = new DataView(bytes.buffer);
    view.setUint16(at, floatsToHalves(Float32Array.of(d))[0], true);
    view.setUint16(at + 2, floatsToHalves(Float32Array.of(dmin))[0], true);
    for (let j = 0; j < 4; j++) {
      bytes[at + 4 + j] = (sc[j] & 63) | ((sc[j + 4] >> 4) << 6);
      bytes[at + 8 + j] = (m[j] & 63) | ((m[j + 4] >> 4) << 6);
      bytes[at + 12 + j] = (sc[j + 4] & 15) | ((m[j + 4] & 15) << 4);
    }
    const qh = at + 16;
    const qs = fifthBit ? at + 48 : at + 16;
    for (let j = 0; j < 8; j++) {
      for (let l = 0; l < 32; l++) {
        const step = d * sc[j];
        const q = step ? clamp(round((x[32 * j + l] + dmin * m[j]) / step), 0, top) : 0;
        out[b * 256 + 32 * j + l] = step * q - dmin * m[j];
        const chunk = j >> 1;
        bytes[qs + 32 * chunk + l] |= (q & 15) << (j & 1 ? 4 : 0);
        if (fifthBit) bytes[qh + l] |= ((q >> 4) & 1) << (2 * chunk + (j & 1));
      }
    }
  }
  return { bytes, values: out };
}

/** Q6_K: per 256 values, 16 sub-blocks of 16 with int8 scales, 6-bit levels - 32, d last. */
function encodeQ6K(values: Float32Array): { bytes: Uint8Array; values: Float32Array } {
  const bytes = new Uint8Array((values.length / 256) * 210);
  const out = new Float32Array(values.length);
  for (let b = 0; b < values.length / 256; b++) {
    const x = values.subarray(b * 256, b * 256 + 256);
    const scale = Array.from({ length: 16 }, (_, s) => Math.max(...x.subarray(16 * s, 16 * s + 16).map(Math.abs)) / 31);
    const d = f16(Math.max(...scale) / 127);
    const sc = scale.map((s) => (d ? clamp(round(s / d), 0, 127) : 0));
    const levels = new Int32Array(256);
    for (let v = 0; v < 256; v++) {
      const step = d * sc[v >> 4];
      const q = step ? clamp(round(x[v] / step), -32, 31) : 0;
      levels[v] = q + 32;
      out[b * 256 + v] = step * q;
    }
    const at = b * 210;
    for (let half = 0; half < 2; half++) {
      const L = (i: number) => levels[128 * half + i];
      for (let l = 0; l < 32; l++) {
        bytes[at + 64 * half + l] = (L(l) & 15) | ((L(l + 64) & 15) << 4);
        bytes[at + 64 * half + l + 32] = (L(l + 32) & 15) | ((L(l + 96) & 15) << 4);
        bytes[at + 128 + 32 * half + l] = (L(l) >> 4) | ((L(l + 32) >> 4) << 2) | ((L(l + 64) >> 4) << 4) | ((L(l + 96) >> 4) << 6);
      }
    }
    sc.forEach((s, i) => (bytes[at + 192 + i] = s));
    new DataView(bytes.buffer).setUint16(at + 208, floatsToHalves(Float32Array.of(d))[0], true);
  }
  return { bytes, values: out };
}

const ALIGNMENT = 32;
const padding = (bytes: number) => (ALIGNMENT - (bytes % ALIGNMENT)) % ALIGNMENT;

class Writer {
  private chunks: Uint8Array[] = [];
  length = 0;
  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  private scalar(size: number, set: (v: DataView) => void): void {
    const b = new Uint8Array(size);
    set(new DataView(b.buffer));
    this.push(b);
  }
  u32 = (v: number) => this.scalar(4, (d) => d.setUint32(0, v, true));
  u64 = (v: number) => this.scalar(8, (d) => d.setBigUint64(0, BigInt(v), true));
  f32 = (v: number) => this.scalar(4, (d) => d.setFloat32(0, v, true));
  string(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.push(b);
  }
  bytes(b: Uint8Array): void {
    this.push(b);
  }
  /** Zeros up to the next multiple of ALIGNMENT. */
  pad(): void {
    this.push(new Uint8Array(padding(this.length)));
  }
  result(): Uint8Array {
    return concatArrays(this.chunks, (n) => new Uint8Array(n));
  }
}

/** A metadata value; a list of strings is typed string even when empty (llama.cpp refuses an empty merges list typed int32). */
type MetaValue = string | number | boolean | string[] | { ints: number[] } | { float: number };

function writeValue(w: Writer, value: MetaValue): void {
  if (typeof value === 'string') {
    w.u32(8);
    w.string(value);
  } else if (typeof value === 'boolean') {
    w.u32(7);
    w.bytes(Uint8Array.of(value ? 1 : 0));
  } else if (typeof value === 'number') {
    w.u32(4);
    w.u32(value);
  } else if (Array.isArray(value)) {
    w.u32(9);
    w.u32(8);
    w.u64(value.length);
    for (const v of value) w.string(v);
  } else if ('ints' in value) {
    w.u32(9);
    w.u32(5);
    w.u64(value.ints.length);
    for (const v of value.ints) w.u32(v);
  } else {
    w.u32(6);
    w.f32(value.float);
  }
}

const LAYER_NAMES: Record<string, string> = {
  input_layernorm: 'attn_norm',
  'self_attn.q_proj': 'attn_q',
  'self_attn.k_proj': 'attn_k',
  'self_attn.v_proj': 'attn_v',
  'self_attn.o_proj': 'attn_output',
  post_attention_layernorm: 'ffn_norm',
  'mlp.gate_up_proj': 'ffn_up',
  'mlp.down_proj': 'ffn_down',
};

export function ggufTensorName(name: string): string {
  const fixed: Record<string, string> = { 'model.embed_tokens.weight': 'token_embd.weight', 'model.norm.weight': 'output_norm.weight', 'lm_head.weight': 'output.weight' };
  if (fixed[name]) return fixed[name];
  const m = /^model\.layers\.(\d+)\.(.+)\.(weight|bias)$/.exec(name)!;
  return `blk.${m[1]}.${LAYER_NAMES[m[2]]}.${m[3]}`;
}

export interface GgufSpec {
  /** Type of every 2-D tensor (1-D ones are F32, as llama.cpp keeps them). */
  type: GgufType;
  /** Per-tensor override by Hugging Face name. */
  types?: Record<string, GgufType>;
  arch?: string;
  /** tokenizer.ggml.pre; "gpt-2" for a plain ByteLevel pre-tokenizer. */
  pre?: string;
  /** Extra GGUF tensors (name -> [cols, rows]), F32 zeros. */
  extraTensors?: Record<string, [number, number]>;
  /** false: return no values (a real-size model's would be four bytes a weight). */
  keepValues?: boolean;
}

/** Values per block and bytes per block of each type. */
const BLOCKS: Record<GgufType, [number, number]> = {
  F32: [1, 4],
  F16: [1, 2],
  BF16: [1, 2],
  Q8_0: [32, 34],
  Q4_0: [32, 18],
  Q4_1: [32, 20],
  Q5_0: [32, 22],
  Q5_1: [32, 24],
  Q2_K: [256, 84],
  Q4_K: [256, 144],
  Q5_K: [256, 176],
  Q6_K: [256, 210],
};

/** general.file_type: llama.cpp's LLAMA_FTYPE for a file whose 2-D tensors are mostly `type`. */
const FILE_TYPES: Record<GgufType, number> = { F32: 0, F16: 1, Q4_0: 2, Q4_1: 3, Q8_0: 7, Q5_0: 8, Q5_1: 9, Q2_K: 10, Q4_K: 15, Q5_K: 17, Q6_K: 18, BF16: 32 };

/** The metadata llama.cpp's chatglm loader and its BPE vocabulary read, as convert_hf_to_gguf.py writes them for GlmForCausalLM. */
function metadata(checkpoint: Checkpoint, spec: GgufSpec, arch: string): [string, MetaValue][] {
  const c = checkpoint.config;
  const tokenizer = checkpoint.tokenizerJson as { model: { vocab: Record<string, number>; merges: (string | [string, string])[] }; added_tokens: { id: number; content: string; special: boolean }[] };
  const tokens: string[] = new Array(c.vocabSize).fill('');
  const types: number[] = new Array(c.vocabSize).fill(1);
  for (const [token, id] of Object.entries(tokenizer.model.vocab)) tokens[id] = token;
  for (const t of tokenizer.added_tokens) {
    tokens[t.id] = t.content;
    types[t.id] = t.special ? 3 : 4;
  }
  tokens.forEach((t, id) => {
    if (t === '') {
      tokens[id] = `[PAD${id}]`;
      types[id] = 5;
    }
  });
  const eos = c.eosTokenIds[0];
  const meta: [string, MetaValue][] = [
    ['general.architecture', arch],
    ['general.name', 'test'],
    ['general.alignment', ALIGNMENT],
    ['general.file_type', FILE_TYPES[spec.type]],
    [`${arch}.context_length`, c.maxPositionEmbeddings],
    [`${arch}.embedding_length`, c.hiddenSize],
    [`${arch}.feed_forward_length`, c.intermediateSize],
    [`${arch}.block_count`, c.numLayers],
    [`${arch}.attention.head_count`, c.numHeads],
    [`${arch}.attention.head_count_kv`, c.numKvHeads],
    [`${arch}.attention.layer_norm_rms_epsilon`, { float: c.rmsNormEps }],
    [`${arch}.rope.dimension_count`, c.rotaryDim],
    [`${arch}.rope.freq_base`, { float: c.ropeTheta }],
    ['tokenizer.ggml.model', 'gpt2'],
    ['tokenizer.ggml.pre', spec.pre ?? 'gpt-2'],
    ['tokenizer.ggml.tokens', tokens],
    ['tokenizer.ggml.token_type', { ints: types }],
    ['tokenizer.ggml.merges', tokenizer.model.merges.map((m) => (Array.isArray(m) ? m.join(' ') : m))],
    // GLM's prompts start with their own [gMASK]<sop> (the chat template), never a BOS.
    ['tokenizer.ggml.add_bos_token', false],
    ['tokenizer.ggml.eos_token_id', eos],
    ['tokenizer.ggml.padding_token_id', Number(checkpoint.rawConfig.pad_token_id ?? eos)],
  ];
  if (c.eosTokenIds[1] !== undefined) meta.push(['tokenizer.ggml.eot_token_id', c.eosTokenIds[1]]);
  if (typeof checkpoint.tokenizerConfig.chat_template === 'string') meta.push(['tokenizer.chat_template', checkpoint.tokenizerConfig.chat_template]);
  return meta;
}

/**
 * Writes `checkpointDir` as a GGUF file, one tensor in memory at a time. Returns, per Hugging Face
 * tensor name, the values the stored tensor stands for (the reference for tests), unless
 * `spec.keepValues` is false.
 */
export async function writeGguf(checkpointDir: string, file: string, spec: GgufSpec): Promise<Map<string, Float32Array>> {
  const checkpoint = await openCheckpoint(folderFiles(checkpointDir));
  const arch = spec.arch ?? 'chatglm';
  const meta = metadata(checkpoint, spec, arch);
  const tensors = [...checkpoint.tensors].map(([name, entry]) => {
    const type: GgufType = entry.shape.length === 2 ? (spec.types?.[name] ?? spec.type) : 'F32';
    return { name, ggufName: ggufTensorName(name), dims: [...entry.shape].reverse(), type };
  });
  const extras = Object.entries(spec.extraTensors ?? {}).map(([name, dims]) => ({ name, ggufName: name, dims, type: 'F32' as GgufType }));
  const all = [...tensors, ...extras];

  const w = new Writer();
  w.bytes(new TextEncoder().encode('GGUF'));
  w.u32(3);
  w.u64(all.length);
  w.u64(meta.length);
  for (const [key, value] of meta) {
    w.string(key);
    writeValue(w, value);
  }
  let offset = 0;
  for (const t of all) {
    const [values, bytes] = BLOCKS[t.type];
    const size = (t.dims.reduce((a, b) => a * b, 1) / values) * bytes;
    w.string(t.ggufName);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(TYPE_IDS[t.type]);
    w.u64(offset);
    offset += size + padding(size);
  }
  w.pad();

  const references = new Map<string, Float32Array>();
  const out = await open(file, 'w');
  try {
    await out.write(w.result());
    for (const t of tensors) {
      const e = encodeTensor(await readTensor(checkpoint, t.name), t.type);
      if (spec.keepValues !== false) references.set(t.name, e.values);
      await out.write(e.bytes);
      await out.write(new Uint8Array(padding(e.bytes.length)));
    }
    for (const t of extras) {
      const bytes = 4 * t.dims[0] * t.dims[1];
      await out.write(new Uint8Array(bytes + padding(bytes)));
    }
  } finally {
    await out.close();
  }
  return references;
}
