// Converting a checkpoint's weights a block of rows at a time gives exactly the weights of
// converting each tensor whole, in every format, across block and tensor boundaries (fused q, k, v).
import { describe, expect, test } from 'vitest';
import { readTensor } from '../../../src/engine/formats/checkpoint';
import { floatLinear, rowBlockLinear } from '../../../src/engine/formats/source';
import { WEIGHT_FORMATS } from '../../../src/engine/formats/weights';
import { fixtureCheckpoint } from '../../helpers';

describe('rowBlockLinear', () => {
  test.each(WEIGHT_FORMATS)('%s: fused q, k, v in blocks of 3 rows equal the whole tensors converted at once', async (format) => {
    const checkpoint = await fixtureCheckpoint({ shape: 'glm-4-9b', seed: 17 });
    const names = ['q_proj', 'k_proj', 'v_proj'].map((n) => `model.layers.1.self_attn.${n}.weight`);
    const rows = names.map((name) => checkpoint.tensors.get(name)!.shape[0]);
    const k = checkpoint.config.hiddenSize;
    const n = rows.reduce((a, b) => a + b, 0);
    const reads: number[] = [];
    const readRows = (name: string, first: number, count: number) => {
      reads.push(count);
      return readTensor(checkpoint, name, { first, count });
    };
    // 3 rows of floats per block: the tensors' row counts are not multiples of it.
    const blocked = await rowBlockLinear(readRows, names.map((name, i) => ({ name, rows: rows[i] })), k, format, 3 * 4 * k);
    const whole = await floatLinear((name) => readTensor(checkpoint, name), names, n, k, format);
    expect(Math.max(...reads)).toBe(3);
    expect(rows.some((r) => r % 3 !== 0)).toBe(true);
    expect(blocked).toEqual(whole);
  });
});
