// The segment plan from model and device, and streaming mode when the model exceeds the budget.
import { describe, expect, test } from 'vitest';
import { openCheckpoint } from '../../../src/engine/formats/checkpoint';
import { loadGlmModel } from '../../../src/engine/runtime/model';
import { planSegments } from '../../../src/engine/runtime/plan';
import { checkpointSource, type ModelSource } from '../../../src/engine/formats/source';
import { relativeError } from '../../../src/util/compare';
import { folderFiles } from '../../../tools/node-files';
import { fixtureDir, ort } from '../../helpers';

const MiB = 1024 * 1024;

describe('planSegments', () => {
  test('without limits a 28-layer model with 27 MiB layers gets 9 layers per 256 MiB segment', () => {
    const plan = planSegments({ numLayers: 28, layerBytes: 27 * MiB, baseBytes: 70 * MiB });
    expect(plan.layersPerSegment).toBe(9);
    expect(plan.segments.map((s) => s.layerCount)).toEqual([9, 9, 9, 1]);
    expect(plan.streaming).toBe(false);
  });

  test('on a GPU the same model gets 1 layer per 32 MiB segment (a segment is held in JS while it uploads), and the reason says so', () => {
    const plan = planSegments({ numLayers: 28, layerBytes: 27 * MiB, baseBytes: 70 * MiB, onGpu: true });
    expect(plan.layersPerSegment).toBe(1);
    expect(plan.why).toEqual({ kind: 'capped', layersPerSegment: 1, cap: 'gpu-default', capMiB: 32 });
  });

  test('layers converted to int8 at load are sized by what loading holds (loadingLayerBytes), residency by their stored bytes', () => {
    const plan = planSegments({ numLayers: 28, layerBytes: 27 * MiB, baseBytes: 70 * MiB, loadingLayerBytes: 100 * MiB });
    expect(plan.layersPerSegment).toBe(2);
    expect(plan.residentBytes).toBe(70 * MiB + 28 * 27 * MiB);
    expect(plan.streaming).toBe(false);
  });

  test('a phone with 4 GiB and a 128 MiB GPU buffer limit gets smaller segments, and the reason says why', () => {
    const plan = planSegments({ numLayers: 28, layerBytes: 27 * MiB, baseBytes: 70 * MiB, device: { memoryBytes: 4 * 1024 * MiB, maxBufferSize: 128 * MiB } });
    expect(plan.layersPerSegment).toBe(4);
    expect(plan.why).toEqual({ kind: 'capped', layersPerSegment: 4, cap: 'gpu-buffer', capMiB: 128 });
  });

  test('a budget below the model streams the segments that do not fit', () => {
    const plan = planSegments({ numLayers: 8, layerBytes: 10 * MiB, baseBytes: 20 * MiB, budgetBytes: 60 * MiB });
    expect(plan.layersPerSegment).toBe(1);
    expect(plan.streaming).toBe(true);
    expect(plan.segments.filter((s) => s.resident)).toHaveLength(3);
    expect(plan.residentBytes).toBe(50 * MiB);
    expect(plan.why).toEqual({ kind: 'streaming', modelMiB: 100, budgetMiB: 60, streamed: 5, segments: 8 });
  });

  test('a layer larger than every cap still gets a segment of its own', () => {
    expect(planSegments({ numLayers: 3, layerBytes: 1024 * MiB, baseBytes: 0 }).layersPerSegment).toBe(1);
  });
});

/** Counts layer reads, to see what streaming costs. */
function counting(source: ModelSource): { source: ModelSource; reads: number[] } {
  const reads: number[] = [];
  return { reads, source: { ...source, readLayer: (layer) => (reads.push(layer), source.readLayer(layer)) } };
}

describe('streaming mode', () => {
  /** A 6-layer model resident, and the same streamed under a quarter of its size, its layer reads counted. */
  async function residentAndStreamed(options: { maxPassTokens?: number } = {}) {
    const checkpoint = await openCheckpoint(folderFiles(await fixtureDir({ shape: 'glm-4-9b', seed: 81, numLayers: 6 })));
    const plain = checkpointSource(checkpoint, 'q8');
    const total = plain.baseBytes() + 6 * plain.layerBytes(0);
    const resident = await loadGlmModel(plain, { ort });
    const { source, reads } = counting(plain);
    const streamed = await loadGlmModel(source, { ort, memoryBudgetBytes: total / 4, ...options });
    const streamedLayers = streamed.plan.segments.filter((s) => !s.resident).reduce((n, s) => n + s.layerCount, 0);
    return { resident, streamed, reads, streamedLayers };
  }

  test('a budget of a quarter of the model runs, gives the resident logits, and reads each streamed layer once per forward pass', async () => {
    const { resident, streamed, reads, streamedLayers } = await residentAndStreamed();
    expect(streamed.plan.streaming).toBe(true);
    expect(streamedLayers).toBeGreaterThan(0);

    const prompt = [4, 8, 15, 16, 23, 42];
    reads.length = 0;
    const a = await streamed.forward(prompt, true);
    expect(reads).toHaveLength(streamedLayers);
    expect(Array.from(a)).toEqual(Array.from(await resident.forward(prompt, true)));
    reads.length = 0;
    const b = await streamed.forward([7]);
    expect(reads).toHaveLength(streamedLayers);
    expect(Array.from(b)).toEqual(Array.from(await resident.forward([7])));
  });

  test('in short passes (a GPU whose attention fails long ones), each streamed layer is still read once per forward call', async () => {
    const { resident, streamed, reads, streamedLayers } = await residentAndStreamed({ maxPassTokens: 2 });
    const prompt = [4, 8, 15, 16, 23, 42, 99];
    reads.length = 0;
    const logits = await streamed.forward(prompt, true);
    expect(reads).toHaveLength(streamedLayers); // not 4 passes x the streamed layers
    expect(relativeError(logits, await resident.forward(prompt, true))).toBeLessThan(1e-5);
  });
});
