// GGUF metadata -> what a Hugging Face checkpoint carries: config.json (from llama.cpp's keys) and
// tokenizer.json / tokenizer_config.json (from tokenizer.ggml.*), each problem naming the GGUF key.
import { CheckpointError, UnsupportedModelError } from '../errors';
import type { ConfigOrigin } from './config';

export type Metadata = Record<string, unknown>;

/** A metadata value as a message shows it (bigints, long lists and long strings made short). */
export function show(value: unknown): string {
  if (typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length} values`;
  return JSON.stringify(typeof value === 'string' && value.length > 40 ? `${value.slice(0, 40)}...` : value) ?? String(value);
}

/** general.alignment: data offsets are padded to it, so anything but a power of two misplaces every tensor. */
export function alignmentOf(meta: Metadata, label: string): number {
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
export const ggufOrigin = (label: string, arch: string): ConfigOrigin => ({
  file: label,
  key: (field) => (field === 'vocab_size' ? 'the row count of tensor token_embd.weight' : METADATA_KEYS[field] ? `GGUF metadata ${arch}.${METADATA_KEYS[field]}` : `"${field}"`),
});

/** A config.json for model_type "glm" from llama.cpp's keys; parseGlmConfig checks the values, naming the keys. */
export function configFromMetadata(meta: Metadata, arch: string, file: string, hasOutput: boolean, vocabSize: number | undefined): Record<string, unknown> {
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
export function tokenizerFromMetadata(meta: Metadata, file: string, vocabSize: number): { json: unknown; config: Record<string, unknown> } {
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
