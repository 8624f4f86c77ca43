// The engine in a Web Worker of the built app, in real Chromium: same logits as the engine in Node
// on wasm and on WebGPU (SwiftShader here), for a checkpoint folder served over HTTP.
import { expect, test } from '@playwright/test';
import type { Server } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { openCheckpoint } from '../src/engine/formats/checkpoint';
import { loadGlmModel } from '../src/engine/runtime/model';
import { writeGlmCheckpoint } from '../tools/checkpoint-writer';
import { folderFiles } from '../tools/node-files';
import { startServer } from '../tools/serve';
import { checkpointSource } from '../src/engine/formats/source';
import { generateAll } from '../src/engine/generation/generate';
import { relativeError } from '../src/util/compare';
import type { Backend } from '../src/engine/runtime/fit';
import { loadAsOnCpu } from './helpers';

const IDS = [5, 9, 17, 200, 33];
let server: Server;
let baseUrl: string;
/** The Node engine's logits on wasm and as WebGPU runs the model (no int8). */
const nodeLogits: Partial<Record<Backend, Float32Array>> = {};
let fixturesDir: string;

/**
 * A fixture checkpoint as q4, loaded by the engine in Node (the reference the worker is held to) as
 * the app plans it for `backend`: on wasm with the plan's int8 layers, on WebGPU without.
 */
const nodeModel = async (name: string, backend: Backend = 'wasm') => {
  const source = checkpointSource(await openCheckpoint(folderFiles(join(fixturesDir, name))), 'q4');
  return backend === 'wasm' ? loadAsOnCpu(source) : loadGlmModel(source, { ort });
};

test.beforeAll(async () => {
  const fixtures = await mkdtemp(join(tmpdir(), 'glm-e2e-'));
  fixturesDir = fixtures;
  await writeGlmCheckpoint(join(fixtures, 'edge'), { shape: 'glm-edge', seed: 41 });
  await writeGlmCheckpoint(join(fixtures, 'big-vocab'), { shape: 'glm-4-9b', seed: 42, vocabSize: 4096 });
  ({ server, url: baseUrl } = await startServer({ root: 'dist', mounts: { '/fixtures/': fixtures } }));
  ort.env.wasm.numThreads = 1;
  for (const backend of ['wasm', 'webgpu'] as const) nodeLogits[backend] = await (await nodeModel('edge', backend)).forward(IDS, true);
});

test.afterAll(() => server?.close());

for (const [backend, tolerance] of [
  ['wasm', 1e-5],
  ['webgpu', 1e-3],
] as const) {
  test(`the worker on ${backend} gives the Node engine's logits`, async ({ page }) => {
    await page.goto(baseUrl);
    // Let the app finish its own start (installing and loading the demo) before loading ours.
    await expect(page.getByText('GLM Pocket demo ready')).toBeVisible();
    if (backend === 'webgpu') {
      const hasAdapter = await page.evaluate(async () => !!(await navigator.gpu?.requestAdapter()));
      expect(hasAdapter, 'Chromium exposes a WebGPU adapter (SwiftShader)').toBe(true);
    }
    const logits = await page.evaluate(
      async ({ ids, backend }) => {
        const engine = (globalThis as any).glmPocketEngine;
        await engine.load({ location: { kind: 'checkpoint', url: '/fixtures/edge/', format: 'q4' }, backend, segmentSize: 2 });
        return Array.from((await engine.logits(ids)).logits as Float32Array);
      },
      { ids: IDS, backend },
    );
    expect(logits).toHaveLength(nodeLogits[backend]!.length);
    expect(relativeError(logits, nodeLogits[backend]!)).toBeLessThan(tolerance);
  });
}

test('on one wasm thread, a stop ends a reply early, and a load during a reply stops it first; the reloaded model gives the Node engine\'s logits', async ({ page }) => {
  await page.goto(baseUrl);
  await expect(page.getByText('GLM Pocket demo ready')).toBeVisible();
  const result = await page.evaluate(async (ids) => {
    const engine = (globalThis as any).glmPocketEngine;
    const location = { kind: 'checkpoint', url: '/fixtures/edge/', format: 'q4' };
    await engine.load({ location, backend: 'wasm', segmentSize: 2, threads: 1 });
    /** A long reply, and `interrupt` called once its first tokens are in. */
    const interrupted = async (interrupt: (stop: () => void) => Promise<unknown>) => {
      let streamed = 0;
      const reply = engine.chat([{ role: 'user', content: 'Tell me a long story.' }], { maxNewTokens: 400, greedy: true, stopIds: [] }, () => streamed++);
      while (streamed < 3) await new Promise((r) => setTimeout(r, 5));
      const [replied, interruption] = await Promise.allSettled([reply.result, interrupt(reply.stop)]);
      return { replied: replied.status === 'fulfilled' ? replied.value.stats.generatedTokens : String(replied.reason), interruption: interruption.status };
    };
    const stopped = await interrupted(async (stop) => stop());
    const reloaded = await interrupted(() => engine.load({ location, backend: 'wasm', segmentSize: 2, threads: 1 }));
    const logits = Array.from((await engine.logits(ids)).logits as Float32Array);
    return { stopped, reloaded, logits };
  }, IDS);
  // Both replies ended early and without an error; the load went through after the second.
  for (const { replied } of [result.stopped, result.reloaded]) expect(typeof replied === 'number' && replied < 400, `reply: ${replied}`).toBe(true);
  expect(result.reloaded.interruption).toBe('fulfilled');
  expect(relativeError(result.logits, nodeLogits.wasm!)).toBeLessThan(1e-5);
});

test('on WebGPU with a binding limit below lm_head, the split lm_head gives the Node engine\'s logits, and the context fits a layer\'s KV cache in one binding', async ({ page }) => {
  const ids = [7, 700, 3000];
  const whole = await nodeModel('big-vocab', 'webgpu');
  const expected = await whole.forward(ids, true);
  await page.goto(baseUrl);
  await expect(page.getByText('GLM Pocket demo ready')).toBeVisible();
  const result = await page.evaluate(async (ids) => {
    const engine = (globalThis as any).glmPocketEngine;
    // lm_head is 4096 rows x 4 blocks x 16 bytes = 262 kB: a 100 kB limit splits it in three.
    const info = await engine.load({ location: { kind: 'checkpoint', url: '/fixtures/big-vocab/', format: 'q4' }, backend: 'webgpu', bindingLimitBytes: 100_000 });
    return { maxSequenceLength: info.maxSequenceLength, logits: Array.from((await engine.logits(ids)).logits as Float32Array) };
  }, ids);
  expect(relativeError(result.logits, expected)).toBeLessThan(1e-3);
  // A layer's key cache is 2 KV heads x 32 dims x 4 bytes = 256 bytes a position.
  expect(result.maxSequenceLength).toBe(Math.floor(100_000 / 256));
});

test('on WebGPU, the KV cache written in place (and grown past its first 256 positions) gives the Node engine\'s logits at every step', async ({ page }) => {
  // A 250-token prompt, then one token at a time: the in-place cache starts at 256 positions and
  // doubles (its contents copied) at the 257th. A second sequence reuses the grown buffers.
  const prompt = Array.from({ length: 250 }, (_, i) => (i * 37 + 11) % 272);
  const steps = [3, 141, 59, 26, 5, 35, 89, 79, 32];
  const second = [100, 200, 7];
  const model = await nodeModel('edge', 'webgpu');
  const expected = [await model.forward(prompt)];
  for (const id of steps) expected.push(await model.forward([id]));
  model.reset();
  expected.push(await model.forward(second));

  await page.goto(baseUrl);
  await expect(page.getByText('GLM Pocket demo ready')).toBeVisible();
  const runs = await page.evaluate(
    async ({ prompt, steps, second }) => {
      const engine = (globalThis as any).glmPocketEngine;
      const runs = [];
      for (const kvInPlace of [true, false]) {
        const info = await engine.load({ location: { kind: 'checkpoint', url: '/fixtures/edge/', format: 'q4' }, backend: 'webgpu', segmentSize: 2, kvInPlace });
        const lastRow = async (ids: number[], append: boolean) => {
          const { logits, vocabSize } = await engine.logits(ids, append);
          return Array.from((logits as Float32Array).subarray(logits.length - vocabSize));
        };
        const logits = [await lastRow(prompt, false)];
        for (const id of steps) logits.push(await lastRow([id], true));
        logits.push(await lastRow(second, false));
        runs.push({ kvInPlace: info.kvInPlace, attentionCheck: info.attentionCheck, logits });
      }
      return runs;
    },
    { prompt, steps, second },
  );
  expect(runs.map((r) => r.kvInPlace)).toEqual([true, false]);
  // The GPU's attention kernel was checked against the CPU's (SwiftShader fails long passes: 'short-passes').
  for (const run of runs) expect(['passed', 'short-passes']).toContain(run.attentionCheck);
  for (const run of runs) {
    run.logits.forEach((row, step) => expect(relativeError(row, expected[step]), `${run.kvInPlace ? 'in place' : 'growing'}, step ${step}`).toBeLessThan(1e-3));
  }
});

test('on WebGPU, a prompt that repeats the cached conversation reuses the cache and gives the tokens of a fresh sequence', async ({ page }) => {
  const options = { maxNewTokens: 6, greedy: true, stopIds: [] };
  const first = Array.from({ length: 40 }, (_, i) => (i * 13 + 5) % 272);
  const model = await nodeModel('edge', 'webgpu');
  const fresh = async (prompt: number[]) => (await generateAll(model, prompt, { ...options, reuseCache: false })).ids;
  const firstReply = await fresh(first);
  const next = [...first, ...firstReply, 7, 8, 9];
  const edited = [...first.slice(0, 20), 100, 101];
  const expected = [firstReply, await fresh(next), await fresh(edited)];

  await page.goto(baseUrl);
  await expect(page.getByText('GLM Pocket demo ready')).toBeVisible();
  const runs = await page.evaluate(
    async ({ first, edited, options }) => {
      const engine = (globalThis as any).glmPocketEngine;
      const runs = [];
      for (const kvInPlace of [true, false]) {
        await engine.load({ location: { kind: 'checkpoint', url: '/fixtures/edge/', format: 'q4' }, backend: 'webgpu', segmentSize: 2, kvInPlace });
        const a = await engine.generate(first, options);
        const b = await engine.generate([...first, ...a.ids, 7, 8, 9], options);
        const c = await engine.generate(edited, options);
        runs.push({ ids: [a.ids, b.ids, c.ids], reused: [a.stats.reusedTokens, b.stats.reusedTokens, c.stats.reusedTokens] });
      }
      return runs;
    },
    { first, edited, options },
  );
  const [inPlace, growing] = runs;
  for (const run of runs) expect(run.ids).toEqual(expected);
  // The in-place cache is cut back to the common start; ORT's growing GPU cache cannot be and starts over.
  expect(inPlace.reused).toEqual([0, first.length + options.maxNewTokens - 1, 20]);
  expect(growing.reused).toEqual([0, first.length + options.maxNewTokens - 1, 0]);
});
