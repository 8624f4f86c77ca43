// Both GLM config layouts give the same dimensions; derived numbers come from one place.
import { describe, expect, test } from 'vitest';
import { parseGlmConfig, withGenerationConfig } from '../../../src/engine/formats/config';
import { CheckpointError } from '../../../src/engine/errors';

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
    expect(() => parseGlmConfig({ ...base, num_key_value_heads: 3 })).toThrow(/not a multiple of "num_key_value_heads"/);
  });

  test('a non-object config is refused', () => {
    expect(() => parseGlmConfig([1, 2])).toThrow(/config.json: is not a JSON object/);
  });

  test.each([
    ['rope_theta', 0, /"rope_theta" must be a number >= 1, got 0/],
    ['rope_theta', -10000, /"rope_theta" must be a number >= 1, got -10000/],
    ['rms_norm_eps', 0, /"rms_norm_eps" must be a positive number, got 0/],
    ['rms_norm_eps', -1e-5, /"rms_norm_eps" must be a positive number, got -0.00001/],
    ['rms_norm_eps', 1e-50, /"rms_norm_eps" must be a positive number, got 1e-50 \(0 as float32\)/],
    ['num_attention_heads', 3, /"num_attention_heads" \(3\) does not divide "hidden_size" \(2048\)/],
    ['num_hidden_layers', 1e9, /"num_hidden_layers" is 1000000000, more than 1024/],
    ['hidden_size', 2 ** 17, /"hidden_size" is 131072, more than 65536/],
    ['vocab_size', 2 ** 21, /"vocab_size" is 2097152, more than 1048576/],
    ['intermediate_size', 2 ** 19, /"intermediate_size" is 524288, more than 262144/],
    ['max_position_embeddings', 2 ** 23, /"max_position_embeddings" is 8388608, more than 4194304/],
    ['num_key_value_heads', 5, /"num_attention_heads" \(16\) is not a multiple of "num_key_value_heads" \(5\)/],
    ['head_dim', 4096, /"head_dim" is 4096, more than 1024/],
    ['num_hidden_layers', 2.5, /"num_hidden_layers" must be a positive integer, got 2.5/],
    ['vocab_size', 0, /"vocab_size" must be a positive integer, got 0/],
  ])('%s = %s is refused as a CheckpointError naming config.json and the field', (key, value, message) => {
    const parse = () => parseGlmConfig({ ...base, [key]: value });
    expect(parse).toThrow(CheckpointError);
    expect(parse).toThrow(message);
    expect(parse).toThrow(/^config.json: /);
  });

  test('errors name the file and the key the caller gives (a GGUF file, a pack manifest)', () => {
    const origin = { file: 'model.gguf', key: (field: string) => `GGUF metadata chatglm.${field}` };
    expect(() => parseGlmConfig({ ...base, rope_theta: 0 }, origin)).toThrow(/^model.gguf: GGUF metadata chatglm.rope_theta must be a number >= 1, got 0/);
  });
});
