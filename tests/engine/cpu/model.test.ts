// The CPU kernels' GLM (cpu/model.ts: q4/q8 blocks times activations quantized per block of 32)
// against the float64 reference on the same stored weights: cosine and top-1 agreement of the
// logits, on random checkpoints of both GLM shapes (partial rotary with q/k/v bias, full rotary tied),
// with and without activation outliers (a few norm channels 20-100x); and the cache's bookkeeping.
import { describe, expect, test } from 'vitest';
import { KernelMemory, MAX_MEMORY_BYTES } from '../../../src/engine/cpu/kernels';
import { loadCpuModel } from '../../../src/engine/cpu/model';
import { OutOfMemoryError } from '../../../src/engine/errors';
import { dequantize, quantize } from '../../../src/engine/formats/quant';
import { checkpointSource } from '../../../src/engine/formats/source';
import { ContextOverflowError } from '../../../src/engine/runtime/model';
import type { CheckpointSpec } from '../../../tools/checkpoint-writer';
import { cosine, fixtureCheckpoint, flatten } from '../../helpers';
import { loadReferenceWeights, referenceLogits } from '../../reference/glm-reference';

const IDS = [5, 9, 17, 200, 33, 101, 7, 64, 250, 12, 88, 140];
const OUTLIERS = { channels: 4, scale: 100 };

/** Per position: the rank, among the reference's logits, of the model's most likely token (0: the same top-1). */
function topOneRanks(logits: ArrayLike<number>, reference: ArrayLike<number>, vocab: number): number[] {
  return Array.from({ length: logits.length / vocab }, (_, row) => {
    let best = row * vocab;
    for (let i = row * vocab; i < (row + 1) * vocab; i++) if (logits[i] > logits[best]) best = i;
    let rank = 0;
    for (let i = row * vocab; i < (row + 1) * vocab; i++) if (reference[i] > reference[best]) rank++;
    return rank;
  });
}

const COSINE_BOUND = 0.999;
const TOP1_BOUND = 0.75;
const MISS_RANK_BOUND = 3;

const FIXTURES: [string, CheckpointSpec][] = [
  ['GLM-Edge shape', { shape: 'glm-edge', seed: 11 }],
  ['GLM-Edge shape with outliers', { shape: 'glm-edge', seed: 11, outliers: OUTLIERS }],
  ['GLM-4-9B shape', { shape: 'glm-4-9b', seed: 12 }],
  ['GLM-4-9B shape with outliers', { shape: 'glm-4-9b', seed: 12, outliers: OUTLIERS }],
  // Heads 20 wide (the attention kernel's narrow paths) and rows of 80 (a last block of 16, padded).
  ['GLM-4-9B shape, hidden 80', { shape: 'glm-4-9b', seed: 13, hiddenSize: 80 }],
];

describe.each(FIXTURES)('%s', (_, spec) => {
  test.each(['q4', 'q8'] as const)('%s on the CPU kernels: logits close to the float64 reference on the stored weights (cosine, top-1)', async (format) => {
    const checkpoint = await fixtureCheckpoint(spec);
    const bits = format === 'q4' ? 4 : 8;
    const stored = flatten(referenceLogits(checkpoint.config, await loadReferenceWeights(checkpoint, (w, rows, cols) => dequantize(quantize(w, rows, cols, bits))), IDS));
    const model = await loadCpuModel(checkpointSource(checkpoint, format), { maxSequenceLength: 64 });
    const logits = await model.forward(IDS, true);
    const similarity = cosine(logits, stored);
    const ranks = topOneRanks(logits, stored, checkpoint.config.vocabSize);
    const agreement = ranks.filter((r) => r === 0).length / ranks.length;
    console.log(`${spec.shape}${spec.outliers ? ' outliers' : ''} ${format} CPU kernels: cosine ${similarity.toFixed(5)}, top-1 ${agreement.toFixed(2)}, ranks of the misses ${ranks.filter((r) => r > 0).join(',') || '-'}`);
    expect(similarity).toBeGreaterThan(COSINE_BOUND);
    expect(agreement).toBeGreaterThanOrEqual(TOP1_BOUND);
    expect(Math.max(...ranks)).toBeLessThan(MISS_RANK_BOUND);
  });
});

describe('the KV cache', () => {
  const spec: CheckpointSpec = { shape: 'glm-4-9b', seed: 12 };

  test('one call, token-by-token calls, short passes and a kept prefix give the same logits', async () => {
    const checkpoint = await fixtureCheckpoint(spec);
    const whole = await loadCpuModel(checkpointSource(checkpoint, 'q4'), { maxSequenceLength: 64 });
    const all = await whole.forward(IDS, true);
    const V = checkpoint.config.vocabSize;
    const short = await loadCpuModel(checkpointSource(checkpoint, 'q4'), { maxSequenceLength: 64, maxPassTokens: 5 });
    expect(await short.forward(IDS, true)).toEqual(all);
    // Quantization is per token, so a token's logits do not depend on the pass it ran in.
    short.reset();
    for (let i = 0; i < IDS.length; i++) expect(await short.forward([IDS[i]])).toEqual(all.subarray(i * V, (i + 1) * V));
    expect(short.cachedTokens).toBe(IDS.length);
    // A prompt sharing the first 7 tokens runs only what follows them.
    const next = [...IDS.slice(0, 7), 3, 4];
    expect(short.keepPrefix(next)).toBe(7);
    const tail = await short.forward(next.slice(7));
    whole.reset();
    expect(tail).toEqual(await whole.forward(next));
    expect(whole.cachedSequence).toEqual(next);
  });

  test.each([2, 3])('%i threads split the products by rows and attention by heads: the same logits as one', async (threads) => {
    const checkpoint = await fixtureCheckpoint(spec);
    const one = await loadCpuModel(checkpointSource(checkpoint, 'q4'), { maxSequenceLength: 64 });
    // Every product and attention pass split, however small.
    const many = await loadCpuModel(checkpointSource(checkpoint, 'q4'), { maxSequenceLength: 64, threads, splitMinWork: 0 });
    expect(many.threadCount).toBe(threads);
    expect(await many.forward(IDS, true)).toEqual(await one.forward(IDS, true));
    expect(await many.forward([3])).toEqual(await one.forward([3]));
    await many.release();
  });

  test('a sequence longer than the context and an id outside the vocabulary are refused before the cache changes', async () => {
    const checkpoint = await fixtureCheckpoint(spec);
    const model = await loadCpuModel(checkpointSource(checkpoint, 'q8'), { maxSequenceLength: 16 });
    await model.forward(IDS);
    await expect(model.forward([1, 2, 3, 4, 5])).rejects.toBeInstanceOf(ContextOverflowError);
    await expect(model.forward([checkpoint.config.vocabSize])).rejects.toThrow(/outside the vocabulary/);
    expect(model.cachedSequence).toEqual(IDS);
  });

  test('memory past what WebAssembly addresses is an OutOfMemoryError, not a crash', () => {
    const memory = new KernelMemory(0);
    expect(() => memory.ensure(MAX_MEMORY_BYTES + 1)).toThrow(OutOfMemoryError);
    expect(() => memory.alloc(MAX_MEMORY_BYTES)).toThrow(/more than WebAssembly's 4 GiB/);
  });

  test('f32 weights are refused with the reason', async () => {
    const checkpoint = await fixtureCheckpoint(spec);
    await expect(loadCpuModel(checkpointSource(checkpoint, 'f32'), { maxSequenceLength: 16 })).rejects.toThrow(/q4 and q8 weights, not f32/);
  });
});
