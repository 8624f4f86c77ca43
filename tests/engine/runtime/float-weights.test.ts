// Quantized weights widened to f32 for the CPU: the same values through a different kernel (when
// that fits is planLoad's decision, tests/engine/runtime/fit.test.ts).
import { expect, test } from 'vitest';
import { loadGlmModel } from '../../../src/engine/runtime/model';
import { checkpointSource } from '../../../src/engine/formats/source';
import { fixtureCheckpoint, ort, relativeError } from '../../helpers';

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
  await model.release();
});
