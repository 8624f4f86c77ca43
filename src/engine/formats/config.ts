// GLM config.json -> the dimensions every other part of the engine reads (one source of truth).
import { CheckpointError, UnsupportedModelError } from '../errors';

export interface GlmConfig {
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  /** Width of the rotated part of each head: headDim * partial_rotary_factor. */
  rotaryDim: number;
  ropeTheta: number;
  rmsNormEps: number;
  attentionBias: boolean;
  tieWordEmbeddings: boolean;
  maxPositionEmbeddings: number;
  eosTokenIds: number[];
  padTokenId: number | null;
}

/** Widths of one position's attention projections, from the config (the engine never recomputes them). */
export interface AttentionWidths {
  /** q_proj's outputs, and o_proj's inputs: heads * head_dim. */
  q: number;
  /** k_proj's (and v_proj's) outputs: kv_heads * head_dim. */
  kv: number;
  /** The fused qkv_proj's outputs: q + 2 * kv. */
  qkv: number;
}

export function attentionWidths(c: GlmConfig): AttentionWidths {
  const q = c.numHeads * c.headDim;
  const kv = c.numKvHeads * c.headDim;
  return { q, kv, qkv: q + 2 * kv };
}

type Json = Record<string, unknown>;

/** Where a config came from, for messages: the file, and how a config.json field is named there. */
export interface ConfigOrigin {
  file: string;
  /** The name a user finds `field` under (a GGUF metadata key, a manifest path); defaults to "field". */
  key?: (field: string) => string;
}

/**
 * Largest sizes accepted: above every released GLM, low enough that nothing sized from the config
 * (a map per layer, a KV cache, rotary tables) runs away before the tensors are checked against it.
 */
const MAX_SIZE: Record<string, number> = {
  vocab_size: 1 << 20,
  hidden_size: 65536,
  intermediate_size: 1 << 18,
  num_hidden_layers: 1024,
  num_attention_heads: 1024,
  num_key_value_heads: 1024,
  head_dim: 1024,
  max_position_embeddings: 1 << 22,
};

/** A value as a message shows it (JSON would show NaN and Infinity as null). */
const shown = (value: unknown): string => (typeof value === 'number' ? String(value) : JSON.stringify(value));

/** Reads fields of one config, each failure a CheckpointError naming the file and the field. */
function fieldReader(raw: Json, origin: ConfigOrigin) {
  const name = origin.key ?? ((field: string) => `"${field}"`);
  const fail = (problem: string): never => {
    throw new CheckpointError(origin.file, problem);
  };
  const size = (key: string, fallback?: number): number => {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(`${name(key)} must be a positive integer, got ${shown(raw[key])}`);
    if ((value as number) > MAX_SIZE[key]) fail(`${name(key)} is ${value}, more than ${MAX_SIZE[key]}: not a model this engine can hold`);
    return value as number;
  };
  /** A number at top level or inside rope_parameters (newer transformers). */
  const number = (key: string, fallback: number): number => {
    const ropeParameters = (raw.rope_parameters ?? {}) as Json;
    const value = raw[key] ?? ropeParameters[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${name(key)} must be a number, got ${shown(value)}`);
    return value as number;
  };
  return { name, fail, size, number };
}

function idList(value: unknown): number[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is number => Number.isInteger(v));
}

/** Parses and validates a Hugging Face GLM config (model_type "glm"); `origin` names it in errors. */
export function parseGlmConfig(raw: unknown, origin: ConfigOrigin = { file: 'config.json' }): GlmConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CheckpointError(origin.file, 'is not a JSON object');
  }
  const json = raw as Json;
  if (json.model_type !== 'glm') {
    const hint = json.model_type === 'glm4' ? ' (GLM-4-0414 "glm4" adds post-layer norms and is not supported yet)' : '';
    throw new UnsupportedModelError(
      `${origin.file}: model_type is ${JSON.stringify(json.model_type)}; GLM Pocket runs model_type "glm" checkpoints (GLM-Edge, GLM-4-9B-chat-hf)${hint}`,
    );
  }
  const { name, fail, size, number } = fieldReader(json, origin);
  const hiddenSize = size('hidden_size');
  const numHeads = size('num_attention_heads');
  const numKvHeads = size('num_key_value_heads', numHeads);
  if (json.head_dim === undefined && hiddenSize % numHeads !== 0) {
    fail(`${name('num_attention_heads')} (${numHeads}) does not divide ${name('hidden_size')} (${hiddenSize}), and ${name('head_dim')} is not given`);
  }
  // GlmConfig defaults head_dim to 128, which equals hidden/heads for every released GLM;
  // hidden/heads is the value that stays right for smaller shapes.
  const headDim = size('head_dim', hiddenSize / numHeads);
  if (numHeads % numKvHeads !== 0) fail(`${name('num_attention_heads')} (${numHeads}) is not a multiple of ${name('num_key_value_heads')} (${numKvHeads})`);
  const partialRotaryFactor = number('partial_rotary_factor', 0.5);
  const rotaryDim = Math.floor(headDim * partialRotaryFactor);
  if (rotaryDim % 2 !== 0 || rotaryDim <= 0 || rotaryDim > headDim) {
    fail(`${name('partial_rotary_factor')} ${partialRotaryFactor} gives a rotary width of ${rotaryDim}, which must be even and within head_dim ${headDim}`);
  }
  // Below 1 the rotary frequencies theta^(-2i/d) grow without bound (cos and sin of infinity are NaN).
  const ropeTheta = number('rope_theta', 10000);
  if (!(ropeTheta >= 1)) fail(`${name('rope_theta')} must be a number >= 1, got ${ropeTheta} (GLM uses 10000)`);
  // The graphs take epsilon as a float32: it must stay positive there.
  const rmsNormEps = number('rms_norm_eps', 1e-5);
  if (!(Math.fround(rmsNormEps) > 0)) fail(`${name('rms_norm_eps')} must be a positive number, got ${shown(rmsNormEps)}${rmsNormEps > 0 ? ' (0 as float32)' : ''}`);
  return {
    vocabSize: size('vocab_size'),
    hiddenSize,
    intermediateSize: size('intermediate_size'),
    numLayers: size('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    rotaryDim,
    ropeTheta,
    rmsNormEps,
    attentionBias: json.attention_bias === true,
    tieWordEmbeddings: json.tie_word_embeddings === true,
    maxPositionEmbeddings: size('max_position_embeddings', 8192),
    eosTokenIds: idList(json.eos_token_id),
    padTokenId: Number.isInteger(json.pad_token_id) ? (json.pad_token_id as number) : null,
  };
}

/** Merges generation_config.json's eos ids (when present) into the config's. */
export function withGenerationConfig(config: GlmConfig, generation: unknown): GlmConfig {
  if (typeof generation !== 'object' || generation === null) return config;
  const extra = idList((generation as Json).eos_token_id);
  return { ...config, eosTokenIds: [...new Set([...config.eosTokenIds, ...extra])] };
}

/** Parameters of the embedding table and the decoder layers' linear weights (norms and biases left out). */
export function parameterCount(c: GlmConfig): number {
  const layer = 2 * c.hiddenSize * c.numHeads * c.headDim + 2 * c.hiddenSize * c.numKvHeads * c.headDim + 3 * c.hiddenSize * c.intermediateSize;
  return c.vocabSize * c.hiddenSize + c.numLayers * layer;
}
