// On a GPU no initializer may exceed one upload (GPU_UPLOAD_BYTES in model.ts): a quantized
// embedding table is split into row blocks, and the lookup reads each id from its block.
import { expect, test } from 'vitest';
import { buildEmbeddingGraph } from '../../../src/engine/graph/graphs';
import { blockBytes, dequantize, quantize } from '../../../src/engine/formats/quant';
import type { GlmConfig } from '../../../src/engine/formats/config';
import { seededRandom } from '../../../src/util/random';
import { ort } from '../../helpers';

const ROWS = 300;
const HIDDEN = 64;

async function lookup(graph: Uint8Array, ids: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(graph);
  const out = await session.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]) });
  await session.release();
  return Object.values(out)[0].data as Float32Array;
}

test.each([4, 8] as const)('a q%i table split into row blocks of any size gives the same rows as the whole table', async (bits) => {
  const random = seededRandom(7 + bits);
  const table = Float32Array.from({ length: ROWS * HIDDEN }, () => random() * 2 - 1);
  const matrix = quantize(table, ROWS, HIDDEN, bits);
  const embedTokens = { kind: 'quantized' as const, matrix };
  const config = { hiddenSize: HIDDEN } as GlmConfig;
  // first and last rows, both sides of every block boundary, a repeat
  const ids = [0, 1, 63, 64, 65, 127, 128, 200, 299, 64, 0];
  const whole = await lookup(buildEmbeddingGraph(config, embedTokens), ids);
  const rowBytes = (HIDDEN / 32) * blockBytes(bits);
  for (const rowsPerPart of [1, 64, 100, 299]) {
    const split = await lookup(buildEmbeddingGraph(config, embedTokens, [], rowsPerPart * rowBytes), ids);
    // (+ 0: the blocks' rows are summed, so a -0 comes back as 0)
    expect(Array.from(split, (v) => v + 0), `${rowsPerPart} rows a part`).toEqual(Array.from(whole, (v) => v + 0));
  }
  // and the whole lookup is the table's dequantized rows
  const rows = dequantize(matrix);
  const expected = ids.flatMap((id) => Array.from(rows.subarray(id * HIDDEN, (id + 1) * HIDDEN)));
  expect(Array.from(whole, (v) => v + 0)).toEqual(expected.map((v) => v + 0));
});
