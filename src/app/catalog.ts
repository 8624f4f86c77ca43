// Known GLM checkpoints and their configs: their sizes and whether this device can run them come
// from planLoad (engine/fit.ts).
import { parseGlmConfig, type GlmConfig } from '../engine/formats/config';

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
