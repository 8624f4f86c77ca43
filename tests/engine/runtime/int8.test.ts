// The CPU's int8 path (q4/q8 weights converted to int8 per column, activations quantized per tensor
// by the kernel) against the float64 reference: cosine and top-1 agreement of the logits, on random
// checkpoints of both GLM shapes with and without activation outliers (a few norm channels 20-100x).
import { describe, expect, test } from 'vitest';
import { loadGlmModel } from '../../../src/engine/runtime/model';
import { dequantize, quantize } from '../../../src/engine/formats/quant';
import { checkpointSource } from '../../../src/engine/formats/source';
import type { CheckpointSpec } from '../../../tools/checkpoint-writer';
import { cosine, fixtureCheckpoint, flatten, ort } from '../../helpers';
import { loadReferenceWeights, referenceLogits } from '../../reference/glm-reference';

const IDS = [5, 9, 17, 200, 33, 101, 7, 64, 250, 12, 88, 140];
const OUTLIERS = { channels: 4, scale: 100 };

/** Share of positions whose most likely token is the reference's. */
function topOneAgreement(logits: ArrayLike<number>, reference: ArrayLike<number>, vocab: number): number {
  const argmax = (a: ArrayLike<number>, row: number) => {
    let best = row * vocab;
    for (let i = row * vocab; i < (row + 1) * vocab; i++) if (a[i] > a[best]) best = i;
    return best;
  };
  const rows = logits.length / vocab;
  let same = 0;
  for (let r = 0; r < rows; r++) if (argmax(logits, r) === argmax(reference, r)) same++;
  return same / rows;
}

const FIXTURES: [string, CheckpointSpec][] = [
  ['GLM-Edge shape', { shape: 'glm-edge', seed: 11 }],
  ['GLM-Edge shape with outliers', { shape: 'glm-edge', seed: 11, outliers: OUTLIERS }],
  ['GLM-4-9B shape', { shape: 'glm-4-9b', seed: 12 }],
  ['GLM-4-9B shape with outliers', { shape: 'glm-4-9b', seed: 12, outliers: OUTLIERS }],
];

describe.each(FIXTURES)('%s', (_, spec) => {
  test.each(['q4', 'q8'] as const)('%s as int8: logits close to the float64 reference on the stored weights (cosine, top-1)', async (format) => {
    const checkpoint = await fixtureCheckpoint(spec);
    const bits = format === 'q4' ? 4 : 8;
    const stored = flatten(referenceLogits(checkpoint.config, await loadReferenceWeights(checkpoint, (w, rows, cols) => dequantize(quantize(w, rows, cols, bits))), IDS));
    const model = await loadGlmModel(checkpointSource(checkpoint, format), { ort, int8: { head: true, layers: checkpoint.config.numLayers } });
    expect(model.int8).toEqual({ head: true, layers: checkpoint.config.numLayers });
    const logits = await model.forward(IDS, true);
    const similarity = cosine(logits, stored);
    const agreement = topOneAgreement(logits, stored, checkpoint.config.vocabSize);
    console.log(`${spec.shape}${spec.outliers ? ' outliers' : ''} ${format} int8: cosine ${similarity.toFixed(5)}, top-1 ${agreement.toFixed(2)}`);
    await model.release();
  });
});
