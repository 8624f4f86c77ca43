// The int8 product's two guards against the kernel's one activation scale per tensor: outlier
// channels kept apart in f32, and each token's row scaled to the same range (graphs.ts, int8.ts).
import { expect, test } from 'vitest';
import { DataType, Graph } from '../../../src/engine/graph/onnx/graph';
import { int8Product } from '../../../src/engine/graph/graphs';
import { toInt8 } from '../../../src/engine/formats/int8';
import { dequantize, quantize } from '../../../src/engine/formats/quant';
import { seededRandom } from '../../../src/util/random';
import { ort } from '../../helpers';

const K = 96;
const N = 40;

/** x [2, K] @ W^T for W [N, K] row-major, in float64. */
function product(x: Float32Array, w: Float32Array): Float64Array {
  const out = new Float64Array(2 * N);
  for (let r = 0; r < 2; r++) for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) out[r * N + n] += x[r * K + k] * w[n * K + k];
  return out;
}

/** Largest error of row r relative to that row's largest magnitude. */
function rowError(y: Float32Array, exact: Float64Array, r: number): number {
  let err = 0;
  let size = 0;
  for (let n = 0; n < N; n++) {
    err = Math.max(err, Math.abs(y[r * N + n] - exact[r * N + n]));
    size = Math.max(size, Math.abs(exact[r * N + n]));
  }
  return err / size;
}

async function run(x: Float32Array, weight: Float32Array, options: { outliers?: number[]; scaleRows?: boolean }): Promise<Float32Array> {
  const m = { ...toInt8(quantize(weight, N, K, 8), options.outliers), scaleRows: options.scaleRows };
  const g = new Graph('int8_product');
  const input = g.input('x', DataType.FLOAT, [1, 2, K]);
  g.output(int8Product(g, 'w', input, m), 'y', DataType.FLOAT, [1, 2, N]);
  const session = await ort.InferenceSession.create(g.encode());
  const y = (await session.run({ x: new ort.Tensor('float32', x, [1, 2, K]) })).y.data as Float32Array;
  await session.release();
  return y;
}

const random = seededRandom(5);
const weight = Float32Array.from({ length: N * K }, () => random() - 0.5);
const stored = dequantize(quantize(weight, N, K, 8));

test('a token 1000x larger than the other in one tensor: scaling each row keeps the small one within 2%, one scale for the tensor does not', async () => {
  const x = Float32Array.from({ length: 2 * K }, (_, i) => (random() - 0.5) * (i < K ? 1 : 1000));
  const exact = product(x, stored);
  const scaled = await run(x, weight, { scaleRows: true });
  expect(rowError(scaled, exact, 0)).toBeLessThan(0.02);
  expect(rowError(scaled, exact, 1)).toBeLessThan(0.02);
  const unscaled = await run(x, weight, {});
  expect(rowError(unscaled, exact, 0)).toBeGreaterThan(0.2);
});

test('channels 100x larger than the rest: kept apart in f32 the product stays within 2%, inside the int8 product it does not', async () => {
  const outliers = [7, 50];
  const x = Float32Array.from({ length: 2 * K }, (_, i) => (random() - 0.5) * (outliers.includes(i % K) ? 100 : 1));
  const exact = product(x, stored);
  const apart = await run(x, weight, { outliers });
  for (const r of [0, 1]) expect(rowError(apart, exact, r)).toBeLessThan(0.02);
  const inside = await run(x, weight, {});
  expect(Math.max(rowError(inside, exact, 0), rowError(inside, exact, 1))).toBeGreaterThan(0.05);
});
