// The engine's logits against the float64 reference, for both GLM shapes, every weight format,
// both attention paths, the KV cache and every segment size.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Checkpoint } from '../../../src/engine/formats/checkpoint';
import { defaultAttentionKind } from '../../../src/engine/graph/graphs';
import { floatsToHalves, halfToFloat } from '../../../src/engine/formats/half';
import { loadGlmModel } from '../../../src/engine/runtime/model';
import { dequantize, quantize } from '../../../src/engine/formats/quant';
import type { WeightFormat } from '../../../src/engine/formats/weights';
import type { CheckpointSpec } from '../../../tools/checkpoint-writer';
import { cosine, fixtureCheckpoint, flatten, ort, relativeError } from '../../helpers';
import { loadReferenceWeights, referenceLogits, type WeightTransform } from '../../reference/glm-reference';
import { checkpointSource } from '../../../src/engine/formats/source';

const IDS = [5, 9, 17, 200, 33, 101, 7];

const FIXTURES: [string, CheckpointSpec][] = [
  ['GLM-Edge shape (full rotary, tied, no bias)', { shape: 'glm-edge', seed: 11 }],
  ['GLM-4-9B shape (partial rotary, bias, untied, 2 shards)', { shape: 'glm-4-9b', seed: 12, shards: 2 }],
  ['rope_parameters, head_dim 16 with partial rotary (plain attention), K not a multiple of 32', { shape: 'glm-4-9b', seed: 13, hiddenSize: 64, intermediateSize: 80, ropeParameters: true }],
];

const TRANSFORMS: Record<WeightFormat, WeightTransform> = {
  f32: (w) => w,
  f16: (w) => Float32Array.from(floatsToHalves(w), halfToFloat),
  q8: (w, rows, cols) => dequantize(quantize(w, rows, cols, 8)),
  q4: (w, rows, cols) => dequantize(quantize(w, rows, cols, 4)),
};

/** Minimum cosine similarity of each format's logits with the unquantized reference (measured: see the test output). */
const COSINE_BOUND: Record<WeightFormat, number> = { f32: 0.999999, f16: 0.9999, q8: 0.999, q4: 0.95 };

describe.each(FIXTURES)('%s', (_, spec) => {
  let checkpoint: Checkpoint;
  let exact: Float64Array;

  beforeAll(async () => {
    checkpoint = await fixtureCheckpoint(spec);
    exact = flatten(referenceLogits(checkpoint.config, await loadReferenceWeights(checkpoint), IDS));
  });

  test.each(['f32', 'f16', 'q8', 'q4'] as const)('%s logits match the reference on the same stored weights within 1e-4 relative', async (format) => {
    const model = await loadGlmModel(checkpointSource(checkpoint, format), { ort });
    const logits = await model.forward(IDS, true);
    const sameWeights = flatten(referenceLogits(checkpoint.config, await loadReferenceWeights(checkpoint, TRANSFORMS[format]), IDS));
    expect(relativeError(logits, sameWeights)).toBeLessThan(1e-4);
    const similarity = cosine(logits, exact);
    console.log(`${spec.shape} ${format}: cosine with the unquantized reference ${similarity.toFixed(6)}`);
    expect(similarity).toBeGreaterThan(COSINE_BOUND[format]);
    await model.release();
  });

  test('both attention paths give the same logits', async () => {
    const rows = [];
    for (const attention of ['gqa', 'plain'] as const) {
      if (attention === 'gqa' && defaultAttentionKind(checkpoint.config) !== 'gqa') continue;
      const model = await loadGlmModel(checkpointSource(checkpoint, 'f32'), { ort, attention });
      rows.push(await model.forward(IDS, true));
      await model.release();
    }
    for (const r of rows) expect(relativeError(r, exact)).toBeLessThan(1e-4);
  });

  test('KV-cache decoding gives the logits of recomputing the whole sequence', async () => {
    const model = await loadGlmModel(checkpointSource(checkpoint, 'q4'), { ort });
    const full = await model.forward(IDS, true);
    model.reset();
    const V = checkpoint.config.vocabSize;
    // A 3-token prefill, a 2-token continuation (chunked prefill), then one token at a time.
    const chunks = [IDS.slice(0, 3), IDS.slice(3, 5), ...IDS.slice(5).map((id) => [id])];
    let position = 0;
    for (const chunk of chunks) {
      const rows = await model.forward(chunk, true);
      position += chunk.length;
      expect(model.cachedTokens).toBe(position);
      expect(relativeError(rows, full.subarray((position - chunk.length) * V, position * V))).toBeLessThan(1e-5);
    }
    const last = await (async () => {
      model.reset();
      await model.forward(IDS.slice(0, -1));
      return model.forward(IDS.slice(-1));
    })();
    expect(relativeError(last, full.subarray((IDS.length - 1) * V))).toBeLessThan(1e-5);
    await model.release();
  });

  test('passes split at maxPassTokens give the logits of one pass (every row, and the last row alone)', async () => {
    const whole = await loadGlmModel(checkpointSource(checkpoint, 'f32'), { ort });
    const full = await whole.forward(IDS, true);
    await whole.release();
    const split = await loadGlmModel(checkpointSource(checkpoint, 'f32'), { ort, maxPassTokens: 3 });
    expect(split.passTokens).toBe(3);
    expect(relativeError(await split.forward(IDS, true), full)).toBeLessThan(1e-5);
    expect(split.cachedTokens).toBe(IDS.length);
    split.reset();
    const V = checkpoint.config.vocabSize;
    const last = await split.forward(IDS);
    expect(last.length).toBe(V);
    expect(relativeError(last, full.subarray((IDS.length - 1) * V))).toBeLessThan(1e-5);
    await split.release();
  });

  test('segment sizes 1, 2 and all layers give identical logits', async () => {
    const results: Float32Array[] = [];
    for (const segmentSize of [1, 2, checkpoint.config.numLayers]) {
      const model = await loadGlmModel(checkpointSource(checkpoint, 'q8'), { ort, segmentSize });
      expect(model.segments.length).toBe(Math.ceil(checkpoint.config.numLayers / segmentSize));
      results.push(await model.forward(IDS, true));
      await model.release();
    }
    expect(relativeError(results[0], results[2])).toBeLessThan(1e-6);
    expect(relativeError(results[1], results[2])).toBeLessThan(1e-6);
  });
});
