// How fast ORT's wasm kernels multiply activations [M, K] by a weight matrix [K, N], for the
// matrices of glm-edge-1.5b (2048 x 12288 gate_up, 6144 x 2048 down: far larger than the CPU's
// caches, as a whole model's weights are), one token (decoding) and a 128-token prefill.
// Node, figures only: median of the runs, and the rate at which the kernel gets through the weights' bytes.
//   f32 MatMul (pre-packed): the ceiling of f32 decoding on wasm;
//   the int8 candidates, per-column weight scales, activations quantized per tensor:
//     DynamicQuantizeMatMul (one contrib op), DynamicQuantizeLinear + MatMulInteger (+ Cast, Mul by
//     both scales), DynamicQuantizeLinear + MatMulIntegerToFloat;
//   MatMulNBits 4 bits (per-block scales): what q4 layers run today.
// Usage: npx tsx bench/gemv.ts [--threads 1] [--shapes 1x2048x12288,1x6144x2048,128x2048x12288] [--runs 9]
import * as ort from 'onnxruntime-web';
import { parseArgs } from 'node:util';
import { DataType, Graph } from '../src/engine/graph/onnx/graph';
import { median } from './browser';

const { values } = parseArgs({
  options: { threads: { type: 'string', default: '1' }, shapes: { type: 'string', default: '1x2048x12288,1x6144x2048,128x2048x12288' }, runs: { type: 'string', default: '9' } },
});
ort.env.wasm.numThreads = Number(values.threads);
const RUNS = Number(values.runs);
const BLOCK = 32;

type Shape = { m: number; k: number; n: number };
type Build = (g: Graph, x: string, s: Shape) => string;

async function time(label: string, s: Shape, weightBytes: number, externals: { name: string; bytes: Uint8Array }[], matmul: Build): Promise<number> {
  const g = new Graph('gemv', externals);
  const x = g.input('x', DataType.FLOAT, [1, s.m, s.k]);
  g.output(matmul(g, x, s), 'y', DataType.FLOAT, [1, s.m, s.n]);
  const session = await ort.InferenceSession.create(g.encode(), { externalData: externals.map((e) => ({ path: e.name, data: e.bytes })) });
  const feeds = { x: new ort.Tensor('float32', Float32Array.from({ length: s.m * s.k }, (_, i) => Math.sin(i)), [1, s.m, s.k]) };
  for (let i = 0; i < 2; i++) await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await session.run(feeds);
    times.push(performance.now() - start);
  }
  await session.release();
  const ms = median(times);
  console.log(`  ${label.padEnd(40)} ${ms.toFixed(2).padStart(8)} ms  ${(weightBytes / 1e6).toFixed(0).padStart(4)} MB  ${(weightBytes / ms / 1e6).toFixed(1).padStart(5)} GB/s`);
  return ms;
}

const levels = (count: number, range: number) => Uint8Array.from({ length: count }, (_, i) => (i * 7919) % range);

async function shapeRun(s: Shape): Promise<void> {
  const { k, n } = s;
  console.log(`wasm, ${values.threads} thread(s): [${s.m}, ${k}] x [${k}, ${n}]`);
  const f32 = Float32Array.from({ length: k * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const f32File = { name: 'w.bin', bytes: new Uint8Array(f32.buffer) };
  const f32Ms = await time('f32 MatMul, pre-packed', s, f32.byteLength, [f32File], (g, x) => g.op('MatMul', [x, g.initializer('w', DataType.FLOAT, [k, n], f32)]));

  const int8 = new Int8Array(levels(k * n, 255).buffer).map((v) => v - 127);
  const int8File = { name: 'w.bin', bytes: new Uint8Array(int8.buffer) };
  const scales = new Float32Array(n).fill(0.01);
  const w = (g: Graph) => g.initializer('w', DataType.INT8, [k, n], int8);
  const ws = (g: Graph) => g.initializer('w.scales', DataType.FLOAT, [n], scales);
  const rows: [string, Build][] = [
    ['int8 DynamicQuantizeMatMul', (g, x) => g.msOp('DynamicQuantizeMatMul', [x, w(g), ws(g)])],
    ['int8 DQLinear + MatMulInteger + Mul', (g, x) => {
      const [q, qScale, qZero] = g.ops('DynamicQuantizeLinear', [x], 3);
      const acc = g.op('MatMulInteger', [q, w(g), qZero]);
      return g.op('Mul', [g.op('Cast', [acc], { to: DataType.FLOAT }), g.op('Mul', [qScale, ws(g)])]);
    }],
    ['int8 DQLinear + MatMulIntegerToFloat', (g, x) => {
      const [q, qScale, qZero] = g.ops('DynamicQuantizeLinear', [x], 3);
      return g.msOp('MatMulIntegerToFloat', [q, w(g), qScale, ws(g), qZero]);
    }],
  ];
  for (const [label, build] of rows) {
    const ms = await time(label, s, int8.byteLength, [int8File], build);
    console.log(`  ${''.padEnd(40)} ${(ms / f32Ms).toFixed(2)}x the f32 MatMul's time`);
  }
  const packed = levels((n * k) / 2, 256);
  const blockScales = new Float32Array((n * k) / BLOCK).fill(0.01);
  await time('MatMulNBits bits=4', s, packed.byteLength + blockScales.byteLength, [{ name: 'w.bin', bytes: packed }], (g, x) =>
    g.msOp('MatMulNBits', [x, g.initializer('w', DataType.UINT8, [n, k / BLOCK, BLOCK / 2], packed), g.initializer('s', DataType.FLOAT, [(n * k) / BLOCK], blockScales)], { K: k, N: n, bits: 4, block_size: BLOCK }),
  );
}

for (const text of values.shapes.split(',')) {
  const [m, k, n] = text.split('x').map(Number);
  await shapeRun({ m, k, n });
}
