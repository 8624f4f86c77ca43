// Known GLM checkpoints, with download size and memory need per quantization computed from their
// configs, and whether this device can run them (with the reason when not).
import { parseGlmConfig, type GlmConfig } from '../engine/config';
import { estimateBaseBytes, estimateLayerBytes, largestLayerMatrixBytes, linearBytes } from '../engine/source';
import type { WeightFormat } from '../engine/weights';

export interface CatalogEntry {
  repo: string;
  label: string;
  config: GlmConfig;
}

const glm = (fields: Record<string, unknown>) => parseGlmConfig({ model_type: 'glm', ...fields });

/** Dimensions from the models' config.json files (see ../shared/NOTES.md). */
export const CATALOG: CatalogEntry[] = [
  {
    repo: 'zai-org/glm-edge-1.5b-chat',
    label: 'GLM-Edge 1.5B chat',
    config: glm({ vocab_size: 59264, hidden_size: 2048, intermediate_size: 6144, num_hidden_layers: 28, num_attention_heads: 16, num_key_value_heads: 4, head_dim: 128, partial_rotary_factor: 1.0, tie_word_embeddings: true, max_position_embeddings: 8192 }),
  },
  {
    repo: 'zai-org/glm-4-9b-chat-hf',
    label: 'GLM-4 9B chat',
    config: glm({ vocab_size: 151552, hidden_size: 4096, intermediate_size: 13696, num_hidden_layers: 40, num_attention_heads: 32, num_key_value_heads: 2, head_dim: 128, partial_rotary_factor: 0.5, attention_bias: true, max_position_embeddings: 131072 }),
  },
];

export interface Footprint {
  downloadBytes: number;
  /** Weights plus the KV cache at the context length, plus 15% for activations and the runtime. */
  memoryBytes: number;
  /**
   * The largest buffer one GPU binding must hold: the biggest layer matrix, and for f16/f32 also
   * lm_head (a quantized lm_head is split across bindings, the embedding lookup runs on the CPU).
   */
  largestTensorBytes: number;
}

export function footprint(config: GlmConfig, format: WeightFormat, contextTokens: number): Footprint {
  const weights = estimateBaseBytes(config, format) + config.numLayers * estimateLayerBytes(config, format);
  const kvCache = 2 * config.numLayers * config.numKvHeads * config.headDim * 4 * contextTokens;
  const layerMatrix = largestLayerMatrixBytes(config, format);
  const quantized = format === 'q4' || format === 'q8';
  const largestTensorBytes = quantized ? layerMatrix : Math.max(layerMatrix, linearBytes(config.vocabSize, config.hiddenSize, format));
  return { downloadBytes: weights, memoryBytes: Math.round((weights + kvCache) * 1.15), largestTensorBytes };
}

export interface DeviceFacts {
  freeStorageBytes?: number;
  deviceMemoryBytes?: number;
  maxStorageBufferBindingSize?: number;
}

/** Why this device cannot run the model in this format, or null when it can. */
export function unfitReason(f: Footprint, device: DeviceFacts): { kind: 'storage' | 'memory' | 'gpu-binding'; need: number; have: number } | null {
  if (device.freeStorageBytes !== undefined && f.downloadBytes > device.freeStorageBytes) return { kind: 'storage', need: f.downloadBytes, have: device.freeStorageBytes };
  if (device.deviceMemoryBytes !== undefined && f.memoryBytes > device.deviceMemoryBytes) return { kind: 'memory', need: f.memoryBytes, have: device.deviceMemoryBytes };
  if (device.maxStorageBufferBindingSize !== undefined && f.largestTensorBytes > device.maxStorageBufferBindingSize) return { kind: 'gpu-binding', need: f.largestTensorBytes, have: device.maxStorageBufferBindingSize };
  return null;
}
