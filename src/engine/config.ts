// GLM config.json -> the dimensions every other part of the engine reads (one source of truth).
import { CheckpointError, UnsupportedModelError } from './errors';

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

type Json = Record<string, unknown>;

function positiveInt(raw: Json, key: string, fallback?: number): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new CheckpointError('config.json', `"${key}" must be a positive integer, got ${JSON.stringify(raw[key])}`);
  }
  return value;
}

function numberAt(raw: Json, key: string, fallback: number): number {
  const ropeParameters = (raw.rope_parameters ?? {}) as Json;
  const value = raw[key] ?? ropeParameters[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new CheckpointError('config.json', `"${key}" must be a number, got ${JSON.stringify(value)}`);
  }
  return value;
}

function idList(value: unknown): number[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is number => Number.isInteger(v));
}

/** Parses and validates a Hugging Face GLM config (model_type "glm"). */
export function parseGlmConfig(raw: unknown): GlmConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CheckpointError('config.json', 'is not a JSON object');
  }
  const json = raw as Json;
  if (json.model_type !== 'glm') {
    const hint = json.model_type === 'glm4' ? ' (GLM-4-0414 "glm4" adds post-layer norms and is not supported yet)' : '';
    throw new UnsupportedModelError(
      `config.json: model_type is ${JSON.stringify(json.model_type)}; GLM Pocket runs model_type "glm" checkpoints (GLM-Edge, GLM-4-9B-chat-hf)${hint}`,
    );
  }
  const hiddenSize = positiveInt(json, 'hidden_size');
  const numHeads = positiveInt(json, 'num_attention_heads');
  const numKvHeads = positiveInt(json, 'num_key_value_heads', numHeads);
  // GlmConfig defaults head_dim to 128, which equals hidden/heads for every released GLM;
  // hidden/heads is the value that stays right for smaller shapes.
  const headDim = positiveInt(json, 'head_dim', hiddenSize / numHeads);
  const partialRotaryFactor = numberAt(json, 'partial_rotary_factor', 0.5);
  const rotaryDim = Math.floor(headDim * partialRotaryFactor);
  if (numHeads % numKvHeads !== 0) {
    throw new CheckpointError('config.json', `num_attention_heads (${numHeads}) is not a multiple of num_key_value_heads (${numKvHeads})`);
  }
  if (rotaryDim % 2 !== 0 || rotaryDim <= 0 || rotaryDim > headDim) {
    throw new CheckpointError('config.json', `partial_rotary_factor ${partialRotaryFactor} gives a rotary width of ${rotaryDim}, which must be even and within head_dim ${headDim}`);
  }
  const eos = idList(json.eos_token_id);
  return {
    vocabSize: positiveInt(json, 'vocab_size'),
    hiddenSize,
    intermediateSize: positiveInt(json, 'intermediate_size'),
    numLayers: positiveInt(json, 'num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    rotaryDim,
    ropeTheta: numberAt(json, 'rope_theta', 10000),
    rmsNormEps: numberAt(json, 'rms_norm_eps', 1e-5),
    attentionBias: json.attention_bias === true,
    tieWordEmbeddings: json.tie_word_embeddings === true,
    maxPositionEmbeddings: positiveInt(json, 'max_position_embeddings', 8192),
    eosTokenIds: eos,
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
