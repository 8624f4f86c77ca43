// Both GLM config layouts give the same dimensions; derived numbers come from one place.
import { describe, expect, test } from 'vitest';
import { parseGlmConfig, withGenerationConfig } from '../../src/engine/config';

const base = { model_type: 'glm', vocab_size: 59264, hidden_size: 2048, intermediate_size: 6144, num_hidden_layers: 28, num_attention_heads: 16, num_key_value_heads: 4 };

describe('parseGlmConfig', () => {
  test('glm-edge-1.5b-chat: head_dim absent, full rotary at top level', () => {
    const c = parseGlmConfig({ ...base, partial_rotary_factor: 1.0, rope_theta: 10000, tie_word_embeddings: true, eos_token_id: [59246, 59253, 59255] });
    expect(c.headDim).toBe(128);
    expect(c.rotaryDim).toBe(128);
    expect(c.tieWordEmbeddings).toBe(true);
    expect(c.attentionBias).toBe(false);
    expect(c.eosTokenIds).toEqual([59246, 59253, 59255]);
  });

  test('rope settings inside rope_parameters are read', () => {
    const c = parseGlmConfig({ ...base, head_dim: 128, rope_parameters: { rope_type: 'default', rope_theta: 500000, partial_rotary_factor: 0.5 } });
    expect(c.rotaryDim).toBe(64);
    expect(c.ropeTheta).toBe(500000);
  });

  test('GLM-4-9B defaults: partial rotary 0.5 when the key is absent', () => {
    expect(parseGlmConfig({ ...base, attention_bias: true }).rotaryDim).toBe(64);
  });

  test('generation_config eos ids are merged without duplicates', () => {
    const c = withGenerationConfig(parseGlmConfig({ ...base, eos_token_id: 59246 }), { eos_token_id: [59246, 59253] });
    expect(c.eosTokenIds).toEqual([59246, 59253]);
  });

  test('heads that do not divide into KV groups are refused', () => {
    expect(() => parseGlmConfig({ ...base, num_key_value_heads: 3 })).toThrow(/not a multiple of num_key_value_heads/);
  });

  test('a non-object config is refused', () => {
    expect(() => parseGlmConfig([1, 2])).toThrow(/config.json: is not a JSON object/);
  });
});
