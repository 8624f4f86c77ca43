// The one decision of what fits and how to load, with the device's facts injected: the catalog's
// verdicts, the check before a pack download, the loader's choice of f32 widening, and the plan
// after loading ran out of memory.
import { describe, expect, test } from 'vitest';
import { CATALOG } from '../../../src/app/catalog';
import { parseGlmConfig } from '../../../src/engine/formats/config';
import { modelSizes, planLoad, type DeviceFacts } from '../../../src/engine/runtime/fit';
import { estimateBaseBytes, estimateLayerBytes, linearBytes } from '../../../src/engine/formats/source';
import { fixtureCheckpoint } from '../../helpers';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const edge15 = CATALOG.find((e) => e.repo === 'zai-org/glm-edge-1.5b-chat')!.config;
const glm9 = CATALOG.find((e) => e.repo === 'zai-org/glm-4-9b-chat-hf')!.config;
const phone: DeviceFacts = { memoryBytes: 4 * GiB, freeStorageBytes: 20e9, maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: 128 * MiB };

describe('the catalog and the pack check (before a download)', () => {
  test('GLM-Edge 1.5B q4 fits a 4 GiB phone; its memory need is weights + KV cache at the context + 15%', () => {
    const sizes = modelSizes(edge15, 'q4');
    const plan = planLoad(sizes, phone, { backend: 'webgpu', contextTokens: 2048 });
    expect(plan.unfit).toBeNull();
    expect(plan.memoryBytes).toBe(Math.round((sizes.weightBytes + 2 * 28 * 4 * 128 * 4 * 2048) * 1.15));
    // 0.8-1 GB of q4 weights, as the catalog has always shown.
    expect(sizes.weightBytes).toBeGreaterThan(0.8e9);
    expect(sizes.weightBytes).toBeLessThan(1.1e9);
  });

  test('GLM-4 9B does not fit 4 GiB (memory), nor a phone with 2 GB of storage left (storage first)', () => {
    expect(planLoad(modelSizes(glm9, 'q4'), phone, { backend: 'wasm', contextTokens: 2048 }).unfit).toMatchObject({ kind: 'memory', haveBytes: 4 * GiB });
    expect(planLoad(modelSizes(glm9, 'q4'), { ...phone, freeStorageBytes: 2e9 }, { backend: 'wasm', contextTokens: 2048 }).unfit).toEqual({ kind: 'storage', needBytes: modelSizes(glm9, 'q4').weightBytes, haveBytes: 2e9 });
    // Already stored (a load, not a download): storage is not asked again.
    expect(planLoad(modelSizes(glm9, 'q4'), { ...phone, freeStorageBytes: 2e9 }, { backend: 'wasm', contextTokens: 2048, stored: true }).unfit?.kind).toBe('memory');
  });

  test("an f16 lm_head over a phone GPU's 128 MiB binding does not fit WebGPU, and is no reason on the CPU", () => {
    const sizes = modelSizes(edge15, 'f16');
    expect(sizes.largestTensorBytes).toBe(linearBytes(59264, 2048, 'f16'));
    const big = { ...phone, memoryBytes: 16 * GiB };
    expect(planLoad(sizes, big, { backend: 'webgpu', contextTokens: 2048 }).unfit).toEqual({ kind: 'gpu-binding', needBytes: sizes.largestTensorBytes, haveBytes: 128 * MiB });
    expect(planLoad(sizes, big, { backend: 'wasm', contextTokens: 2048 }).unfit).toBeNull();
  });

  test('unknown facts (Node, a browser without deviceMemory) never make a model unfit', () => {
    expect(planLoad(modelSizes(glm9, 'f32'), {}, { backend: 'webgpu', contextTokens: 131072 }).unfit).toBeNull();
  });
});

describe('the loader: widening q4/q8 to f32 on the CPU', () => {
  test('fits within the budget, a quarter of device memory and the wasm heap, counting the pre-packed copy', async () => {
    const { config: c } = await fixtureCheckpoint({ shape: 'glm-edge', seed: 11 });
    const sizes = modelSizes(c, 'q4');
    const widened = estimateBaseBytes(c, 'q4') + linearBytes(c.vocabSize, c.hiddenSize, 'f32') + c.numLayers * estimateLayerBytes(c, 'f32');
    expect(sizes.widenedBytes).toBe(widened);
    const wasm = { backend: 'wasm' as const, contextTokens: 256 };
    expect(planLoad(sizes, {}, wasm).floatWeightsOnCpu).toBe(true);
    expect(planLoad(sizes, {}, { ...wasm, budgetBytes: sizes.baseBytes }).floatWeightsOnCpu).toBe(false);
    expect(planLoad(sizes, {}, { ...wasm, budgetBytes: widened }).floatWeightsOnCpu).toBe(false);
    expect(planLoad(sizes, {}, { ...wasm, budgetBytes: widened, prepackWeights: false }).floatWeightsOnCpu).toBe(true);
    expect(planLoad(sizes, { memoryBytes: 8 * GiB }, wasm).floatWeightsOnCpu).toBe(true);
    expect(planLoad(sizes, { memoryBytes: 2 * widened * 4 - 1 }, wasm).floatWeightsOnCpu).toBe(false);
    // Never on WebGPU (its 4-bit kernels are fast), never for a float model.
    expect(planLoad(sizes, {}, { ...wasm, backend: 'webgpu' }).floatWeightsOnCpu).toBe(false);
    expect(planLoad(modelSizes(c, 'f32'), {}, wasm).floatWeightsOnCpu).toBe(false);
  });

  test("GLM-Edge 1.5B's shape is 6 GB as f32: over the wasm heap whatever the device", () => {
    expect(planLoad(modelSizes(edge15, 'q4'), { memoryBytes: 64 * GiB }, { backend: 'wasm', contextTokens: 2048 }).floatWeightsOnCpu).toBe(false);
  });
});

describe('out of memory while loading', () => {
  test('the retry runs on the CPU with a quarter of the weights resident (the rest streams), not widened', () => {
    const sizes = modelSizes(edge15, 'q4');
    const first = planLoad(sizes, phone, { backend: 'webgpu', contextTokens: 2048 });
    expect(first.retry).toEqual({ backend: 'wasm', contextTokens: 2048, budgetBytes: Math.floor(sizes.weightBytes / 4), stored: true });
    const retry = planLoad(sizes, phone, first.retry);
    expect(retry.budgetBytes).toBe(Math.floor(sizes.weightBytes / 4));
    expect(retry.floatWeightsOnCpu).toBe(false);
    // A user budget lower than the model: the retry keeps a quarter of the budget.
    expect(planLoad(sizes, phone, { backend: 'wasm', contextTokens: 2048, budgetBytes: 400 * MiB }).retry.budgetBytes).toBe(100 * MiB);
  });

  test('a config parsed from a pack manifest gives the same sizes as the catalog entry', () => {
    const fromManifest = parseGlmConfig({ model_type: 'glm', vocab_size: 59264, hidden_size: 2048, intermediate_size: 6144, num_hidden_layers: 28, num_attention_heads: 16, num_key_value_heads: 4, head_dim: 128, partial_rotary_factor: 1.0, tie_word_embeddings: true, max_position_embeddings: 8192 });
    expect(modelSizes(fromManifest, 'q8')).toEqual(modelSizes(edge15, 'q8'));
  });
});
