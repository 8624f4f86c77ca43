// How fast ORT's wasm f32 MatMul reads weights when it multiplies one token's vector (decoding), for
// a matrix the size of the benchmark edge model's lm_head (243 MB: far larger than the CPU's caches,
// as a whole model's weights are, so every run reads it from memory). Node, figures only: the rate
// is weight bytes / median time of 15 runs. This is the ceiling of f32 decoding on wasm here.
// Usage: npx tsx bench/gemv.ts [--threads 1]
import * as ort from 'onnxruntime-web';
import { parseArgs } from 'node:util';
import { DataType, Graph } from '../src/engine/onnx/graph';
import { median } from './browser';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '1' } } });
ort.env.wasm.numThreads = Number(values.threads);

async function readRate(k: number, n: number, prepack: boolean): Promise<{ ms: number; gbPerSecond: number }> {
  const weights = Float32Array.from({ length: k * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const bytes = new Uint8Array(weights.buffer);
  const g = new Graph('gemv', [{ name: 'w.bin', bytes }]);
  const x = g.input('x', DataType.FLOAT, [1, 1, k]);
  g.output(g.op('MatMul', [x, g.initializer('w', DataType.FLOAT, [k, n], weights)]), 'y', DataType.FLOAT, [1, 1, n]);
  const session = await ort.InferenceSession.create(g.encode(), { externalData: [{ path: 'w.bin', data: bytes }], ...(!prepack && { extra: { session: { disable_prepacking: '1' } } }) });
  const feeds = { x: new ort.Tensor('float32', new Float32Array(k).fill(0.01), [1, 1, k]) };
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const start = performance.now();
    await session.run(feeds);
    times.push(performance.now() - start);
  }
  await session.release();
  const ms = median(times);
  return { ms, gbPerSecond: (k * n * 4) / ms / 1e6 };
}

console.log(`wasm, ${values.threads} thread(s): f32 MatMul of one token's vector [1, K] x [K, N]`);
for (const prepack of [true, false]) {
  const r = await readRate(1024, 59264, prepack);
  console.log(`1024 x 59264 ${prepack ? 'pre-packed' : 'as stored '}  ${r.ms.toFixed(2)} ms  ${r.gbPerSecond.toFixed(1)} GB/s`);
}
