// Generation over the KV cache picks what the reference would pick, streams, and stops on eos or
// at the end of the context, keeping what it made.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Checkpoint } from '../../../src/engine/formats/checkpoint';
import { generate, generateAll } from '../../../src/engine/generation/generate';
import { ContextOverflowError, loadGlmModel, type GlmModel } from '../../../src/engine/runtime/model';
import { argmax } from '../../../src/engine/generation/sampling';
import { fixtureCheckpoint, ort } from '../../helpers';
import { loadReferenceWeights, referenceLogits } from '../../reference/glm-reference';
import { checkpointSource } from '../../../src/engine/formats/source';

async function collect(run: AsyncGenerator<number, unknown>): Promise<number[]> {
  const ids: number[] = [];
  for await (const id of run) ids.push(id);
  return ids;
}

describe('generate', () => {
  let checkpoint: Checkpoint;
  let model: GlmModel;
  beforeAll(async () => {
    checkpoint = await fixtureCheckpoint({ shape: 'glm-4-9b', seed: 21 });
    model = await loadGlmModel(checkpointSource(checkpoint, 'f32'), { ort, segmentSize: 2 });
  });

  test('greedy decoding picks the reference argmax at every step', async () => {
    const prompt = [40, 41, 42, 43];
    const ids = await collect(generate(model, prompt, { maxNewTokens: 8, greedy: true, stopIds: [] }));
    expect(ids).toHaveLength(8);
    const weights = await loadReferenceWeights(checkpoint);
    const sequence = [...prompt];
    for (const id of ids) {
      const rows = referenceLogits(checkpoint.config, weights, sequence);
      expect(id).toBe(argmax(rows[rows.length - 1]));
      sequence.push(id);
    }
  });

  test('a prompt prefilled in chunks gives the same reply as in one pass', async () => {
    const prompt = Array.from({ length: 11 }, (_, i) => 30 + i);
    const whole = await collect(generate(model, prompt, { maxNewTokens: 6, greedy: true, stopIds: [] }));
    for (const prefillChunkTokens of [1, 3, 5, 11]) {
      expect(await collect(generate(model, prompt, { maxNewTokens: 6, greedy: true, stopIds: [], prefillChunkTokens, reuseCache: false }))).toEqual(whole);
    }
  });

  test('a prompt that repeats the cached conversation runs only its new tokens, with the reply of a fresh sequence', async () => {
    const greedy = { maxNewTokens: 5, greedy: true, stopIds: [] };
    const first = [50, 51, 52, 53, 54, 55];
    const reply = await collect(generate(model, first, greedy));
    // The next turn: the whole conversation so far, then the new message.
    const next = [...first, ...reply, 60, 61, 62];
    const run = generate(model, next, greedy);
    const ids: number[] = [];
    let step = await run.next();
    for (; !step.done; step = await run.next()) ids.push(step.value);
    // The cache holds the prompt and every reply token but the last (never fed back).
    expect(step.value.reusedTokens).toBe(first.length + reply.length - 1);
    expect(step.value.promptTokens).toBe(next.length);
    expect(ids).toEqual(await collect(generate(model, next, { ...greedy, reuseCache: false })));

    // A prompt that parts from the cache midway keeps the common start only.
    const edited = [...first.slice(0, 3), 70, 71];
    const partRun = generate(model, edited, greedy);
    const partIds: number[] = [];
    let part = await partRun.next();
    for (; !part.done; part = await partRun.next()) partIds.push(part.value);
    expect(part.value.reusedTokens).toBe(3);
    expect(partIds).toEqual(await collect(generate(model, edited, { ...greedy, reuseCache: false })));

    // The same prompt again runs its last token for the logits; an unrelated one starts over.
    expect(model.keepPrefix(edited)).toBe(edited.length - 1);
    expect(model.keepPrefix([99, 98])).toBe(0);
    expect(model.cachedTokens).toBe(0);
  });

  test('sampling with a seed is reproducible', async () => {
    const options = { maxNewTokens: 12, seed: 5, temperature: 1.2, topP: 0.95, stopIds: [] };
    const a = await collect(generate(model, [1, 2, 3], options));
    const b = await collect(generate(model, [1, 2, 3], options));
    expect(a).toEqual(b);
  });

  test('an eos id ends the reply and is the last token yielded', async () => {
    const free = await collect(generate(model, [7, 8], { maxNewTokens: 6, greedy: true, stopIds: [] }));
    const stopAt = free[2];
    const stopped = await collect(generate(model, [7, 8], { maxNewTokens: 6, greedy: true, stopIds: [stopAt] }));
    expect(stopped).toEqual(free.slice(0, free.indexOf(stopAt) + 1));
  });

  test('an aborted signal stops after the current token', async () => {
    const controller = new AbortController();
    const ids: number[] = [];
    for await (const id of generate(model, [3, 4], { maxNewTokens: 50, greedy: true, stopIds: [], signal: controller.signal })) {
      ids.push(id);
      if (ids.length === 3) controller.abort();
    }
    expect(ids).toHaveLength(3);
  });

  test('the returned figures count prompt and generated tokens', async () => {
    const run = generate(model, [10, 11, 12, 13, 14], { maxNewTokens: 4, greedy: true, stopIds: [] });
    let step = await run.next();
    while (!step.done) step = await run.next();
    expect(step.value.promptTokens).toBe(5);
    expect(step.value.generatedTokens).toBe(4);
    expect(step.value.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(step.value.decodeTokensPerSecond).toBeGreaterThan(0);
  });

  test('a sequence longer than the loaded context is refused before running', async () => {
    const small = await loadGlmModel(checkpointSource(checkpoint, 'q4'), { ort, maxSequenceLength: 8 });
    await expect(small.forward(Array.from({ length: 9 }, (_, i) => i))).rejects.toThrow(/needs 9 positions but the model was loaded for 8/);
    await expect(small.forward([100000])).rejects.toThrow(/token id 100000 is outside the vocabulary/);
  });

  test('generation that reaches the end of the context stops there and returns the tokens it made', async () => {
    const small = await loadGlmModel(checkpointSource(checkpoint, 'f32'), { ort, maxSequenceLength: 8 });
    const prompt = [40, 41, 42, 43, 44];
    const { ids, stats } = await generateAll(small, prompt, { maxNewTokens: 20, greedy: true, stopIds: [] });
    // 8 positions: the prompt's 5 and the first 3 replies fed back; the 4th reply is chosen from the last.
    expect(ids).toHaveLength(4);
    expect(ids).toEqual(await collect(generate(model, prompt, { maxNewTokens: 4, greedy: true, stopIds: [] })));
    expect(stats).toMatchObject({ generatedTokens: 4, stopReason: 'context-full' });
    expect(small.cachedTokens).toBe(8);
  });

  test('a run ends for the reason its figures give', async () => {
    const greedy = { greedy: true, stopIds: [] };
    expect((await generateAll(model, [7, 8], { ...greedy, maxNewTokens: 3 })).stats.stopReason).toBe('max-new-tokens');
    const { ids } = await generateAll(model, [7, 8], { ...greedy, maxNewTokens: 3 });
    expect((await generateAll(model, [7, 8], { ...greedy, maxNewTokens: 3, stopIds: [ids[1]] })).stats.stopReason).toBe('stop-token');
    const controller = new AbortController();
    controller.abort();
    expect((await generateAll(model, [7, 8], { ...greedy, maxNewTokens: 3, signal: controller.signal })).stats.stopReason).toBe('aborted');
  });

  test('a prompt longer than the context is refused before any of it runs, and the cache keeps the previous conversation', async () => {
    const small = await loadGlmModel(checkpointSource(checkpoint, 'f32'), { ort, maxSequenceLength: 8 });
    await generateAll(small, [1, 2, 3], { maxNewTokens: 1, greedy: true, stopIds: [] });
    const before = [...small.cachedSequence];
    const long = Array.from({ length: 10 }, (_, i) => 20 + i);
    await expect(generateAll(small, long, { maxNewTokens: 1, prefillChunkTokens: 4 })).rejects.toThrow(ContextOverflowError);
    await expect(generateAll(small, long, { maxNewTokens: 1, prefillChunkTokens: 4 })).rejects.toThrow(/needs 10 positions but the model was loaded for 8/);
    expect(small.cachedSequence).toEqual(before);
  });
});
