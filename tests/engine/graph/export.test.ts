// The single-graph export (transformers.js's layout) computes what the engine computes, on the same
// weights: prefill over every position, then decode steps over its own past_key_values.
import { describe, expect, test } from 'vitest';
import type * as Ort from 'onnxruntime-web';
import { exportDecoder } from '../../../src/engine/graph/export';
import { loadGlmModel } from '../../../src/engine/runtime/model';
import { checkpointSource } from '../../../src/engine/formats/source';
import type { CheckpointSpec } from '../../../tools/checkpoint-writer';
import { fixtureCheckpoint, ort, relativeError } from '../../helpers';

const IDS = [5, 9, 17, 200, 33, 101, 7];
const NEXT = [44, 3];

const FIXTURES: [string, CheckpointSpec][] = [
  ['GLM-Edge shape', { shape: 'glm-edge', seed: 11 }],
  ['GLM-4-9B shape', { shape: 'glm-4-9b', seed: 12, shards: 2 }],
];

describe.each(FIXTURES)('%s', (_, spec) => {
  test.each(['f32', 'q4'] as const)('%s: exported decoder logits equal the engine within 1e-5 relative, prefill and decode', async (format) => {
    const checkpoint = await fixtureCheckpoint(spec);
    const { numLayers, numKvHeads, headDim, vocabSize } = checkpoint.config;
    const model = await loadGlmModel(checkpointSource(checkpoint, format), { ort });
    const session = await ort.InferenceSession.create(await exportDecoder(checkpointSource(checkpoint, format)));

    const ints = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
    let past: Record<string, Ort.Tensor> = {};
    for (let layer = 0; layer < numLayers; layer++) {
      for (const kind of ['key', 'value']) past[`past_key_values.${layer}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, numKvHeads, 0, headDim]);
    }
    let length = 0;
    const step = async (ids: number[]) => {
      const out = await session.run({
        input_ids: ints(ids),
        attention_mask: ints(Array(length + ids.length).fill(1)),
        position_ids: ints(ids.map((_, i) => length + i)),
        ...past,
      });
      length += ids.length;
      past = {};
      for (let layer = 0; layer < numLayers; layer++) {
        for (const kind of ['key', 'value']) past[`past_key_values.${layer}.${kind}`] = out[`present.${layer}.${kind}`];
      }
      expect(out.logits.dims).toEqual([1, ids.length, vocabSize]);
      return out.logits.data as Float32Array;
    };

    expect(relativeError(await step(IDS), await model.forward(IDS, true))).toBeLessThan(1e-5);
    for (const id of NEXT) expect(relativeError(await step([id]), await model.forward([id]))).toBeLessThan(1e-5);
    await Promise.all([model.release(), session.release()]);
  });
});

test('f16 has no single-graph export', async () => {
  const checkpoint = await fixtureCheckpoint({ shape: 'glm-edge', seed: 11 });
  await expect(exportDecoder(checkpointSource(checkpoint, 'f16'))).rejects.toThrow(/f16 has no single-graph export/);
});
