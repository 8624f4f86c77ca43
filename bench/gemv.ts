// How fast ORT's wasm kernels multiply one token's vector by a weight matrix (decoding), for a
// matrix the size of the benchmark edge model's lm_head (1024 x 59264: far larger than the CPU's
// caches, as a whole model's weights are). Node, figures only: median of 15 runs, and the rate at
// which the kernel gets through the weights' bytes.
//   f32 MatMul (pre-packed and as stored): the ceiling of f32 decoding on wasm;
//   int8 DynamicQuantizeMatMul (per-column weight scales, activations quantized per tensor) and
//   MatMulNBits with 8 and 4 bits (per-block scales): the integer kernels.
// Usage: npx tsx bench/gemv.ts [--threads 1]
import * as ort from 'onnxruntime-web';
import { parseArgs } from 'node:util';
import { DataType, Graph } from '../src/engine/graph/onnx/graph';
import { median } from './browser';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '1' } } });
ort.env.wasm.numThreads = Number(values.threads);
const K = 1024;
const N = 59264;
const BLOCK = 32;

async function time(label: string, weightBytes: Uint8Array, matmul: (g: Graph, x: string) => string, prepack = true): Promise<void> {
  const g = new Graph('gemv', [{ name: 'w.bin', bytes: weightBytes }]);
  const x = g.input('x', DataType.FLOAT, [1, 1, K]);
  g.output(matmul(g, x), 'y', DataType.FLOAT, [1, 1, N]);
  const session = await ort.InferenceSession.create(g.encode(), {
    externalData: [{ path: 'w.bin', data: weightBytes }],
    ...(!prepack && { extra: { session: { disable_prepacking: '1' } } }),
  });
  const feeds = { x: new ort.Tensor('float32', Float32Array.from({ length: K }, (_, i) => Math.sin(i)), [1, 1, K]) };
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const start = performance.now();
    await session.run(feeds);
    times.push(performance.now() - start);
  }
  await session.release();
  const ms = median(times);
  console.log(`${label.padEnd(34)} ${ms.toFixed(2).padStart(7)} ms  ${(weightBytes.byteLength / 1e6).toFixed(0).padStart(4)} MB  ${(weightBytes.byteLength / ms / 1e6).toFixed(1).padStart(5)} GB/s`);
}

const levels = (count: number, range: number) => Uint8Array.from({ length: count }, (_, i) => (i * 7919) % range);
console.log(`wasm, ${values.threads} thread(s): [1, ${K}] x [${K}, ${N}]`);
const f32 = Float32Array.from({ length: K * N }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
const f32Bytes = new Uint8Array(f32.buffer);
const f32MatMul = (g: Graph, x: string) => g.op('MatMul', [x, g.initializer('w', DataType.FLOAT, [K, N], f32)]);
await time('f32 MatMul, pre-packed', f32Bytes, f32MatMul);
await time('f32 MatMul, as stored', f32Bytes, f32MatMul, false);
const int8 = new Int8Array(levels(K * N, 255).buffer).map((v) => v - 127);
await time('int8 DynamicQuantizeMatMul', new Uint8Array(int8.buffer), (g, x) =>
  g.msOp('DynamicQuantizeMatMul', [x, g.initializer('w', DataType.INT8, [K, N], int8), g.initializer('s', DataType.FLOAT, [N], new Float32Array(N).fill(0.01))]),
);
for (const bits of [8, 4]) {
  const packed = levels((N * K * bits) / 8, 256);
  await time(`MatMulNBits bits=${bits}`, packed, (g, x) =>
    g.msOp('MatMulNBits', [x, g.initializer('w', DataType.UINT8, [N, K / BLOCK, (BLOCK * bits) / 8], packed), g.initializer('s', DataType.FLOAT, [(N * K) / BLOCK], new Float32Array((N * K) / BLOCK).fill(0.01))], { K, N, bits, block_size: BLOCK }),
  );
}
