// The GPU attention check, in Node: the "GPU" is ORT's wasm backend behind a session that can be
// made to return wrong attention for some pass lengths, as SwiftShader's prefill shader does.
import { beforeAll, expect, test } from 'vitest';
import type * as Ort from 'onnxruntime-web';
import { checkGpuAttention, SHORT_PASS_TOKENS } from '../../../src/engine/runtime/attention-check';
import type { GlmConfig } from '../../../src/engine/formats/config';
import { fixtureCheckpoint, ort } from '../../helpers';

type OrtModule = typeof Ort;
let config: GlmConfig;

beforeAll(async () => {
  config = (await fixtureCheckpoint({ shape: 'glm-edge', seed: 51, hiddenSize: 128, numHeads: 4, numKvHeads: 1 })).config;
});

/** An ORT module whose non-wasm sessions run on wasm and add `offset` to the attention of passes `wrongFor` picks. */
function faultyGpu(wrongFor: (tokens: number) => boolean, offset = 0.5): OrtModule & { created: string[] } {
  const created: string[] = [];
  const create = async (graph: Uint8Array, options: Ort.InferenceSession.SessionOptions) => {
    const provider = String(options.executionProviders?.[0]);
    created.push(provider);
    const session = await ort.InferenceSession.create(graph, { executionProviders: ['wasm'] });
    if (provider === 'wasm') return session;
    return {
      release: () => session.release(),
      run: async (feeds: Record<string, Ort.Tensor>) => {
        const out = await session.run(feeds);
        if (!wrongFor(feeds.qkv.dims[1])) return out;
        const wrong = Float32Array.from(out.attention.data as Float32Array, (x) => x + offset);
        return { ...out, attention: new ort.Tensor('float32', wrong, out.attention.dims) };
      },
    };
  };
  return { ...ort, InferenceSession: { create }, created } as unknown as OrtModule & { created: string[] };
}

test('a GPU that matches the CPU passes with one pass of any length', async () => {
  const gpu = faultyGpu(() => false);
  const support = await checkGpuAttention(gpu, config, ['webgpu'], false);
  expect(support).toMatchObject({ check: 'passed', passTokens: Infinity });
  expect(support.errors.long).toBeLessThan(1e-6);
  expect(gpu.created).toEqual(['webgpu', 'wasm']);
});

test('a GPU wrong on long passes only runs prompts in short passes', async () => {
  const support = await checkGpuAttention(faultyGpu((tokens) => tokens >= 32), config, ['webgpu'], false);
  expect(support).toMatchObject({ check: 'short-passes', passTokens: SHORT_PASS_TOKENS });
  expect(support.errors.long).toBeGreaterThan(1e-2);
  expect(support.errors.short).toBeLessThan(1e-6);
  expect(support.errors.decode).toBeLessThan(1e-6);
});

test('a GPU wrong when decoding fails the check (the model then uses plain-op attention)', async () => {
  const support = await checkGpuAttention(faultyGpu((tokens) => tokens === 1 || tokens >= 32), config, ['webgpu'], false);
  expect(support).toMatchObject({ check: 'failed', passTokens: 0 });
  expect(support.errors.decode).toBeGreaterThan(1e-2);
});

test('the result is kept per ORT module and head shape', async () => {
  const gpu = faultyGpu(() => false);
  const first = await checkGpuAttention(gpu, config, ['webgpu'], false);
  expect(await checkGpuAttention(gpu, config, ['webgpu'], false)).toBe(first);
  expect(gpu.created).toHaveLength(2);
  await checkGpuAttention(gpu, { ...config, numKvHeads: 2 }, ['webgpu'], false);
  expect(gpu.created).toHaveLength(4);
});
