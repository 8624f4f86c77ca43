// Quantized weights widened to f32 for the CPU: the same values through a different kernel, and
// the decision of when that fits in memory.
import { expect, test } from 'vitest';
import { floatWeightsFit, loadGlmModel } from '../../src/engine/model';
import { checkpointSource, estimateLayerBytes } from '../../src/engine/source';
import { fixtureCheckpoint, ort, relativeError } from '../helpers';

const IDS = [5, 9, 17, 200, 33, 101, 7];

test.each(['q4', 'q8'] as const)('%s widened to f32 gives the quantized logits within 1e-5 relative, with the KV cache and in segments', async (format) => {
  const checkpoint = await fixtureCheckpoint({ shape: 'glm-4-9b', seed: 12, shards: 2 });
  const quantized = await loadGlmModel(checkpointSource(checkpoint, format), { ort });
  const widened = await loadGlmModel(checkpointSource(checkpoint, format), { ort, floatWeightsOnCpu: true, segmentSize: 1 });
  expect(widened.floatWeights).toBe(true);
  expect(relativeError(await widened.forward(IDS, true), await quantized.forward(IDS, true))).toBeLessThan(1e-5);
  expect(relativeError(await widened.forward([44]), await quantized.forward([44]))).toBeLessThan(1e-5);
  await Promise.all([quantized.release(), widened.release()]);
});

test('f32 and f16 models are not widened', async () => {
  const checkpoint = await fixtureCheckpoint({ shape: 'glm-edge', seed: 11 });
  const model = await loadGlmModel(checkpointSource(checkpoint, 'f16'), { ort, floatWeightsOnCpu: true });
  expect(model.floatWeights).toBe(false);
  expect(floatWeightsFit(checkpointSource(checkpoint, 'f32'), {})).toBe(false);
  await model.release();
});

test('widening fits within the budget, a quarter of device memory and the wasm heap, or not at all', async () => {
  const checkpoint = await fixtureCheckpoint({ shape: 'glm-edge', seed: 11 });
  const source = checkpointSource(checkpoint, 'q4');
  const c = source.config;
  // The fixture's widened size: every layer in f32 plus the base part and an f32 lm_head.
  expect(floatWeightsFit(source, {})).toBe(true);
  expect(floatWeightsFit(source, { budgetBytes: source.baseBytes() })).toBe(false);
  // The pre-packed copy counts: a budget of the widened size fits only with prepacking off.
  const widened = source.baseBytes() + 4 * c.vocabSize * c.hiddenSize + c.numLayers * estimateLayerBytes(c, 'f32');
  expect(floatWeightsFit(source, { budgetBytes: widened })).toBe(false);
  expect(floatWeightsFit(source, { budgetBytes: widened, prepackWeights: false })).toBe(true);
  expect(floatWeightsFit(source, { deviceMemoryGiB: 8 })).toBe(true);
  // GLM-Edge 1.5B's shape: 6 GB as f32, over the wasm heap whatever the device.
  const big = { ...source, config: { ...c, vocabSize: 59264, hiddenSize: 2048, intermediateSize: 6144, numLayers: 28, numHeads: 16, numKvHeads: 4, headDim: 128 } };
  expect(floatWeightsFit(big, { deviceMemoryGiB: 64 })).toBe(false);
});
