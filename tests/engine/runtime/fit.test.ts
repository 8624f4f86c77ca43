// The one decision of what fits and how to load, with the device's facts injected: the catalog's
// verdicts, the check before a pack download, the loader's choice of int8 layers, and the plan
// after loading ran out of memory.
import { describe, expect, test } from 'vitest';
import { CATALOG } from '../../../src/app/catalog';
import { parseGlmConfig } from '../../../src/engine/formats/config';
import { int8ResidentBytes, modelSizes, planLoad, type DeviceFacts } from '../../../src/engine/runtime/fit';
import { estimateLayerBytes, linearBytes } from '../../../src/engine/formats/source';
import { fixtureCheckpoint } from '../../helpers';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const edge15 = CATALOG.find((e) => e.repo === 'zai-org/glm-edge-1.5b-chat')!.config;
const glm9b = CATALOG.find((e) => e.repo === 'zai-org/glm-4-9b-chat-hf')!.config;
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

describe("the loader on the CPU: GLM Pocket's kernels wherever the weights fit the budget", () => {
  const wasm = { backend: 'wasm' as const, contextTokens: 2048 };
  const sizes = modelSizes(edge15, 'q4');

  test('unbounded or within the budget: the CPU kernels on the stored bytes, no int8 copy', () => {
    const plan = planLoad(sizes, {}, wasm);
    expect(sizes.cpuKernels).toBe(true);
    expect(plan.cpuKernels).toBe(true);
    expect(plan.int8).toEqual({ head: false, layers: 0 });
    expect(plan.residentBytes).toBe(sizes.weightBytes);
    expect(plan.memoryBytes).toBe(Math.round((sizes.weightBytes + sizes.kvBytesPerToken * 2048) * 1.15));
    // 1.2 GB holds the 0.92 GB of q4 weights whole: the fast path, not a mix of int8 and q4 layers.
    expect(planLoad(sizes, {}, { ...wasm, budgetBytes: 1.2e9 }).cpuKernels).toBe(true);
  });

  test('not on WebGPU, for float formats, below the weights (they stream), beyond one wasm memory, or when asked not to', () => {
    expect(planLoad(sizes, {}, { ...wasm, backend: 'webgpu' }).cpuKernels).toBe(false);
    expect(planLoad(modelSizes(edge15, 'f16'), {}, wasm).cpuKernels).toBe(false);
    expect(modelSizes(edge15, 'f32').cpuKernels).toBe(false);
    const streamed = planLoad(sizes, {}, { ...wasm, budgetBytes: sizes.weightBytes - 1 });
    expect(streamed.cpuKernels).toBe(false);
    expect(streamed.residentBytes).toBe(sizes.weightBytes - 1);
    // GLM-4-9B as q4 (about 5 GB) is beyond wasm32's 4 GiB.
    expect(planLoad(modelSizes(glm9b, 'q4'), {}, wasm).cpuKernels).toBe(false);
    expect(planLoad(sizes, {}, { ...wasm, cpuKernels: false }).cpuKernels).toBe(false);
  });
});

describe("the loader on onnxruntime's CPU kernels: int8, as many layers as the budget holds", () => {
  const wasm = { backend: 'wasm' as const, contextTokens: 2048, cpuKernels: false };
  const sizes = modelSizes(edge15, 'q4');

  test("GLM-Edge 1.5B's int8 sizes: a byte per weight and a scale per column; the base keeps the q4 table and adds lm_head as int8", () => {
    expect(sizes.int8LayerBytes).toBe(estimateLayerBytes(edge15, 'int8'));
    expect(linearBytes(12288, 2048, 'int8')).toBe(12288 * 2048 + 4 * 12288);
    expect(sizes.int8BaseBytes).toBe(linearBytes(59264, 2048, 'q4') + 4 * 2048 + linearBytes(59264, 2048, 'int8'));
    // About 1.5 GB all int8 (the estimate), against 0.92 GB as q4.
    const all = int8ResidentBytes(sizes, { head: true, layers: 28 });
    expect(all).toBeGreaterThan(1.45e9);
    expect(all).toBeLessThan(1.6e9);
  });

  test('a small model is all int8 too (it replaced widening to f32), its layers and lm_head', async () => {
    const { config: c } = await fixtureCheckpoint({ shape: 'glm-edge', seed: 11 });
    expect(planLoad(modelSizes(c, 'q4'), {}, wasm).int8).toEqual({ head: true, layers: c.numLayers });
  });

  test('unbounded: every layer and lm_head int8, and the memory verdict counts the int8 bytes', () => {
    const plan = planLoad(sizes, {}, wasm);
    expect(plan.int8).toEqual({ head: true, layers: 28 });
    expect(plan.residentBytes).toBe(int8ResidentBytes(sizes, plan.int8));
    expect(plan.memoryBytes).toBe(Math.round((plan.residentBytes + sizes.kvBytesPerToken * 2048) * 1.15));
  });

  test('a 1.2 GB budget keeps lm_head and as many layers int8 as fit, the rest q4, within the budget', () => {
    const plan = planLoad(sizes, {}, { ...wasm, budgetBytes: 1.2e9 });
    expect(plan.int8.head).toBe(true);
    expect(plan.int8.layers).toBeGreaterThan(0);
    expect(plan.int8.layers).toBeLessThan(28);
    expect(int8ResidentBytes(sizes, plan.int8)).toBeLessThanOrEqual(1.2e9);
    expect(int8ResidentBytes(sizes, { head: true, layers: plan.int8.layers + 1 })).toBeGreaterThan(1.2e9);
  });

  test('half the device memory caps it too; a budget below q4 + the int8 head leaves everything q4; never on WebGPU or for float models', () => {
    const phone2 = planLoad(sizes, { memoryBytes: 2 * GiB }, wasm).int8;
    expect(int8ResidentBytes(sizes, phone2)).toBeLessThanOrEqual(GiB);
    expect(phone2.layers).toBeLessThan(28);
    expect(planLoad(sizes, {}, { ...wasm, budgetBytes: sizes.weightBytes }).int8).toEqual({ head: false, layers: 0 });
    expect(planLoad(sizes, {}, { ...wasm, backend: 'webgpu' }).int8).toEqual({ head: false, layers: 0 });
    expect(planLoad(sizes, {}, { ...wasm, cpuKernels: true }).int8).toEqual({ head: false, layers: 0 });
    expect(planLoad(modelSizes(edge15, 'f16'), {}, wasm).int8).toEqual({ head: false, layers: 0 });
    // q8 stores more than int8 runs (a scale per 32 weights): all of it int8 whenever the head fits.
    const q8 = modelSizes(edge15, 'q8');
    expect(planLoad(q8, {}, { ...wasm, budgetBytes: q8.weightBytes + q8.int8BaseBytes }).int8).toEqual({ head: true, layers: 28 });
  });
});

describe('out of memory while loading', () => {
  test('the retry runs on the CPU with a quarter of the weights resident (the rest streams), without int8', () => {
    const sizes = modelSizes(edge15, 'q4');
    const first = planLoad(sizes, phone, { backend: 'webgpu', contextTokens: 2048 });
    expect(first.retry).toEqual({ backend: 'wasm', contextTokens: 2048, budgetBytes: Math.floor(sizes.weightBytes / 4), stored: true });
    const retry = planLoad(sizes, phone, first.retry);
    expect(retry.budgetBytes).toBe(Math.floor(sizes.weightBytes / 4));
    expect(retry.int8).toEqual({ head: false, layers: 0 });
    // A user budget lower than the model: the retry keeps a quarter of the budget.
    expect(planLoad(sizes, phone, { backend: 'wasm', contextTokens: 2048, budgetBytes: 400 * MiB }).retry.budgetBytes).toBe(100 * MiB);
  });

  test('a config parsed from a pack manifest gives the same sizes as the catalog entry', () => {
    const fromManifest = parseGlmConfig({ model_type: 'glm', vocab_size: 59264, hidden_size: 2048, intermediate_size: 6144, num_hidden_layers: 28, num_attention_heads: 16, num_key_value_heads: 4, head_dim: 128, partial_rotary_factor: 1.0, tie_word_embeddings: true, max_position_embeddings: 8192 });
    expect(modelSizes(fromManifest, 'q8')).toEqual(modelSizes(edge15, 'q8'));
  });
});
