// Writes small random GLM checkpoints in the exact Hugging Face layout (bf16 safetensors, optionally
// sharded with an index, byte-level tokenizer.json with GLM's special tokens, GLM chat template).
// Tests and benchmarks build their fixtures with it; nothing here is downloaded.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom } from '../src/util/random';

export type CheckpointShape = 'glm-edge' | 'glm-4-9b';

export interface CheckpointSpec {
  shape: CheckpointShape;
  seed?: number;
  vocabSize?: number;
  hiddenSize?: number;
  intermediateSize?: number;
  numLayers?: number;
  numHeads?: number;
  numKvHeads?: number;
  partialRotaryFactor?: number;
  /** Number of safetensors shards; 1 writes a single model.safetensors. */
  shards?: number;
  /** Put rope_theta and partial_rotary_factor inside rope_parameters, as newer transformers does. */
  ropeParameters?: boolean;
  /** Defaults to 512. */
  maxPositionEmbeddings?: number;
  /**
   * Activation outliers as trained GLMs show them after RMSNorm: on `channels` hidden channels (spread
   * evenly) every norm weight (input, post-attention, final) is up to `scale` times larger (the
   * channels' factors spread from scale / 5 to scale: 20-100x for 100), and the weights reading
   * those channels (q/k/v, gate_up, lm_head or the tied table) smaller by the same factor, as trained
   * weights compensate: the model computes what it would without them, its activations carry them.
   */
  outliers?: { channels: number; scale: number };
}

export const SPECIAL_TOKENS = ['<|endoftext|>', '[MASK]', '[gMASK]', '[sMASK]', '<sop>', '<eop>', '<|system|>', '<|user|>', '<|assistant|>', '<|observation|>'];

const EDGE_TEMPLATE =
  "{% for item in messages %}{% if item['role'] == 'system' %}<|system|>\n{{ item['content'] }}{% elif item['role'] == 'user' %}<|user|>\n{{ item['content'] }}{% elif item['role'] == 'assistant' %}<|assistant|>\n{{ item['content'] }}{% endif %}{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}";
export const GLM4_TEMPLATE = `[gMASK]<sop>${EDGE_TEMPLATE}`;

/** Deterministic normal samples (the engine's seeded generator + Box-Muller). */
function normalSampler(seed: number): () => number {
  const uniform = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
}

function toBf16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = bits[i];
    out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  }
  return out;
}

/** GPT-2's byte-to-unicode table used by byte-level BPE vocabularies. */
export function byteLevelAlphabet(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const chars: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) chars[b] = printable.includes(b) ? String.fromCharCode(b) : String.fromCharCode(256 + extra++);
  return chars;
}

/**
 * A byte-level BPE tokenizer.json (GPT-2 pre-tokenization and decoding, as GLM's) whose base vocab
 * is `vocab` and whose GLM special tokens take the ids right after it.
 */
export function byteLevelTokenizerJson(vocab: Record<string, number>, merges: string[]): object {
  const firstSpecial = Object.keys(vocab).length;
  const added = SPECIAL_TOKENS.map((content, i) => ({ id: firstSpecial + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
  };
}

/** Bytes only: ids 0..255, then the special tokens. */
function tokenizerJson(vocabSize: number): object {
  if (vocabSize < 256 + SPECIAL_TOKENS.length) throw new Error(`vocab_size must be at least ${256 + SPECIAL_TOKENS.length}`);
  const vocab: Record<string, number> = {};
  byteLevelAlphabet().forEach((c, id) => (vocab[c] = id));
  return byteLevelTokenizerJson(vocab, []);
}

export const specialTokenId = (token: string) => 256 + SPECIAL_TOKENS.indexOf(token);

interface Tensor {
  name: string;
  shape: number[];
  data: Uint16Array;
}

function safetensorsBytes(tensors: Tensor[]): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: 'BF16', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const t of tensors) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), position);
    position += t.data.byteLength;
  }
  return out;
}

/** Writes a random GLM checkpoint to dir and returns its config.json object. */
export async function writeGlmCheckpoint(dir: string, spec: CheckpointSpec): Promise<Record<string, unknown>> {
  const edge = spec.shape === 'glm-edge';
  const vocabSize = spec.vocabSize ?? 272;
  const hidden = spec.hiddenSize ?? (edge ? 64 : 128);
  const intermediate = spec.intermediateSize ?? 2 * hidden;
  const layers = spec.numLayers ?? 3;
  const heads = spec.numHeads ?? 4;
  const kvHeads = spec.numKvHeads ?? 2;
  const headDim = hidden / heads;
  const partial = spec.partialRotaryFactor ?? (edge ? 1.0 : 0.5);
  const randn = normalSampler(spec.seed ?? 1);

  const tensors: Tensor[] = [];
  const add = (name: string, shape: number[], std: number, mean = 0, scaleValues?: (values: Float32Array) => void) => {
    const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => mean + std * randn());
    scaleValues?.(values);
    tensors.push({ name, shape, data: toBf16(values) });
  };
  // Outlier channel -> its factor; a norm weight is multiplied by it, the input columns of [rows, hidden] weights after it divided.
  const outliers = new Map<number, number>();
  for (let i = 0; i < (spec.outliers?.channels ?? 0); i++) {
    const { channels, scale } = spec.outliers!;
    outliers.set(Math.floor(((i + 0.5) * hidden) / channels), scale * (0.2 + (0.8 * (i + 1)) / channels));
  }
  const addNorm = (name: string) => add(name, [hidden], 0.1, 1, (values) => outliers.forEach((factor, channel) => (values[channel] *= factor)));
  const addReader = (name: string, rows: number, std: number) =>
    add(name, [rows, hidden], std, 0, (values) => {
      for (let r = 0; r < rows; r++) outliers.forEach((factor, channel) => (values[r * hidden + channel] /= factor));
    });
  // Weights large enough that logits have structure (greedy decoding is then not a coin toss).
  if (edge) addReader('model.embed_tokens.weight', vocabSize, 1);
  else add('model.embed_tokens.weight', [vocabSize, hidden], 1);
  for (let i = 0; i < layers; i++) {
    const p = `model.layers.${i}.`;
    addNorm(`${p}input_layernorm.weight`);
    addReader(`${p}self_attn.q_proj.weight`, heads * headDim, 1 / Math.sqrt(hidden));
    addReader(`${p}self_attn.k_proj.weight`, kvHeads * headDim, 1 / Math.sqrt(hidden));
    addReader(`${p}self_attn.v_proj.weight`, kvHeads * headDim, 1 / Math.sqrt(hidden));
    if (!edge) {
      add(`${p}self_attn.q_proj.bias`, [heads * headDim], 0.1);
      add(`${p}self_attn.k_proj.bias`, [kvHeads * headDim], 0.1);
      add(`${p}self_attn.v_proj.bias`, [kvHeads * headDim], 0.1);
    }
    add(`${p}self_attn.o_proj.weight`, [hidden, heads * headDim], 1 / Math.sqrt(hidden));
    addNorm(`${p}post_attention_layernorm.weight`);
    addReader(`${p}mlp.gate_up_proj.weight`, 2 * intermediate, 1 / Math.sqrt(hidden));
    add(`${p}mlp.down_proj.weight`, [hidden, intermediate], 1 / Math.sqrt(intermediate));
  }
  addNorm('model.norm.weight');
  if (!edge) addReader('lm_head.weight', vocabSize, 1 / Math.sqrt(hidden));

  const eos = ['<|endoftext|>', '<|user|>', '<|observation|>'].map(specialTokenId);
  const rope = { rope_theta: 10000, partial_rotary_factor: partial };
  const config: Record<string, unknown> = {
    architectures: ['GlmForCausalLM'],
    model_type: 'glm',
    vocab_size: vocabSize,
    hidden_size: hidden,
    intermediate_size: intermediate,
    num_hidden_layers: layers,
    num_attention_heads: heads,
    num_key_value_heads: kvHeads,
    ...(edge ? {} : { head_dim: headDim }),
    attention_bias: !edge,
    tie_word_embeddings: edge,
    rms_norm_eps: 1e-5,
    max_position_embeddings: spec.maxPositionEmbeddings ?? 512,
    hidden_act: 'silu',
    pad_token_id: specialTokenId('<|endoftext|>'),
    eos_token_id: eos,
    torch_dtype: 'bfloat16',
    ...(spec.ropeParameters ? { rope_parameters: { rope_type: 'default', ...rope } } : rope),
  };

  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  await writeFile(join(dir, 'generation_config.json'), JSON.stringify({ eos_token_id: eos, pad_token_id: config.pad_token_id }, null, 2));
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocabSize)));
  await writeFile(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({ chat_template: edge ? EDGE_TEMPLATE : GLM4_TEMPLATE, eos_token: '<|endoftext|>', pad_token: '<|endoftext|>', model_max_length: 512, tokenizer_class: 'PreTrainedTokenizerFast' }, null, 2),
  );

  const shards = spec.shards ?? 1;
  if (shards === 1) {
    await writeFile(join(dir, 'model.safetensors'), safetensorsBytes(tensors));
  } else {
    const weightMap: Record<string, string> = {};
    const perShard = Math.ceil(tensors.length / shards);
    for (let s = 0; s < shards; s++) {
      const file = `model-${String(s + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
      const part = tensors.slice(s * perShard, (s + 1) * perShard);
      for (const t of part) weightMap[t.name] = file;
      await writeFile(join(dir, file), safetensorsBytes(part));
    }
    const totalSize = tensors.reduce((sum, t) => sum + t.data.byteLength, 0);
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2));
  }
  return config;
}
