// Where decode time goes on the wasm backend (Node): ORT's session.run (kernels plus copying
// inputs into and outputs out of the wasm heap) against the engine's own JavaScript, per token,
// per session, and the weight bytes each token reads against the time. With --ops, ORT's own
// profiler splits the kernel time of a decode step by operator, and the MatMuls by weight shape
// with the rate they read their weights at. Figures only.
// Usage: npx tsx bench/profile.ts [--model DIR (a checkpoint; default: bench's edge model)]
//          [--prompt 64] [--tokens 64] [--threads 1] [--formats q4-nbits,q4-f32,q4-int8,f32] [--ops]
import * as ort from 'onnxruntime-web';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { openCheckpoint } from '../src/engine/formats/checkpoint';
import { parameterCount } from '../src/engine/formats/config';
import { generate } from '../src/engine/generation/generate';
import { loadGlmModel } from '../src/engine/runtime/model';
import { checkpointSource } from '../src/engine/formats/source';
import type { WeightFormat } from '../src/engine/formats/weights';
import { folderFiles } from '../tools/node-files';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: '.bench-models/checkpoints/edge' },
    prompt: { type: 'string', default: '64' },
    tokens: { type: 'string', default: '64' },
    threads: { type: 'string', default: '1' },
    formats: { type: 'string', default: 'q4-nbits,q4-f32,f32' },
    ops: { type: 'boolean', default: false },
  },
});
ort.env.wasm.numThreads = Number(values.threads);

// ORT's wasm module prints its profile to standard output (in Node through fs.writeSync, in a
// browser through console.log): collected while profileLines is set.
const print = console.log;
let profileLines: string[] | null = null;
const writeSync = fs.writeSync;
fs.writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
  if (fd === 1 && profileLines && typeof data === 'string') {
    profileLines.push(...data.split('\n'));
    return data.length;
  }
  return (writeSync as (...args: unknown[]) => number)(fd, data, ...rest);
}) as typeof fs.writeSync;

// onnxruntime-common exports its session class typed as a factory: time every run() through its prototype.
type Run = ort.InferenceSession['run'];
const sessionClass = ort.InferenceSession as unknown as { prototype: { run: Run } };
const run = sessionClass.prototype.run;
let inRun = 0;
/** Time in run() per session, by the session's kind (its first output's name). */
const bySession = new Map<string, number>();
sessionClass.prototype.run = async function (this: ort.InferenceSession, ...args: Parameters<Run>) {
  const start = performance.now();
  try {
    return await run.apply(this, args);
  } finally {
    const time = performance.now() - start;
    inRun += time;
    const kind = this.outputNames[0]!;
    bySession.set(kind, (bySession.get(kind) ?? 0) + time);
  }
} as Run;
/** Sessions created since the last clear, to end their profiling. */
const created: ort.InferenceSession[] = [];
const create = ort.InferenceSession.create.bind(ort.InferenceSession) as (...args: unknown[]) => Promise<ort.InferenceSession>;
(ort.InferenceSession as unknown as { create: typeof create }).create = async (...args) => {
  const session = await create(...args);
  created.push(session);
  return session;
};

/** label, format, kernels of the q4 layers: MatMulNBits, widened to f32, or converted to int8. */
const FORMATS: Record<string, [string, WeightFormat, 'nbits' | 'f32' | 'int8']> = {
  'q4-nbits': ['q4, MatMulNBits', 'q4', 'nbits'],
  'q4-f32': ['q4 widened to f32', 'q4', 'f32'],
  'q4-int8': ['q4 as int8', 'q4', 'int8'],
  f32: ['f32', 'f32', 'nbits'],
};

const checkpoint = await openCheckpoint(folderFiles(values.model!));
const params = parameterCount(checkpoint.config);
for (const name of values.formats!.split(',')) {
  const [label, format, kernels] = FORMATS[name] ?? [];
  if (!label) throw new Error(`unknown format ${name}: one of ${Object.keys(FORMATS).join(', ')}`);
  created.length = 0;
  const model = await loadGlmModel(checkpointSource(checkpoint, format), {
    ort,
    floatWeightsOnCpu: kernels === 'f32',
    int8: { head: kernels === 'int8', layers: kernels === 'int8' ? checkpoint.config.numLayers : 0 },
    maxSequenceLength: Math.max(512, Number(values.prompt) + Number(values.tokens)),
    ...(values.ops && { sessionOptions: { enableProfiling: true } }),
  });
  const prompt = Array.from({ length: Number(values.prompt) }, (_, i) => 300 + ((i * 7919) % 50000));
  const tokens = Number(values.tokens);
  const steps = generate(model, prompt, { maxNewTokens: tokens, temperature: 0, stopIds: [] });
  let first = await steps.next();
  inRun = 0;
  bySession.clear();
  const start = performance.now();
  while (!first.done) first = await steps.next();
  const total = performance.now() - start;
  const perToken = total / (tokens - 1);
  const bytesPerToken = params * (format !== 'q4' ? 4 : { nbits: 0.625, f32: 4, int8: 1 }[kernels!]);
  print(
    `${label.padEnd(18)} ${(1000 / perToken).toFixed(1).padStart(6)} tok/s: ${perToken.toFixed(2)} ms/token, ` +
      `${((inRun / total) * 100).toFixed(1)}% in session.run, ${(((total - inRun) / total) * 100).toFixed(1)}% in the engine's JS; ` +
      `weights read ${(bytesPerToken / 1e6).toFixed(0)} MB/token = ${(bytesPerToken / perToken / 1e6).toFixed(1)} GB/s`,
  );
  const perSession = [...bySession].map(([kind, time]) => `${kind} ${(time / (tokens - 1)).toFixed(2)} ms`);
  print(`${''.padEnd(18)} per token in run(), by session (first output): ${perSession.join(', ')}`);
  if (values.ops) printOps(endProfiles(), tokens - 1);
  await model.release();
}

interface ProfileEvent {
  cat: string;
  name: string;
  dur: number;
  args: { op_name?: string; input_type_shape?: Record<string, number[]>[]; output_type_shape?: Record<string, number[]>[] };
}

/**
 * Ends the profiling of the sessions created for this model; their kernel events of decode steps:
 * after a session's first run, one new position (the prompt's runs, in chunks, have more).
 */
function endProfiles(): ProfileEvent[] {
  const decode: ProfileEvent[] = [];
  for (const session of created) {
    profileLines = [];
    (session as unknown as { endProfiling(): void }).endProfiling();
    const events = profileLines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line.replace(/,\s*$/, '')) as ProfileEvent);
    profileLines = null;
    // A run's kernel events come before its model_run event; the first run is the prompt's.
    let runs = 0;
    for (const event of events) {
      if (event.cat === 'Session' && event.name === 'model_run') runs++;
      else if (event.cat === 'Node' && runs > 0 && Object.values(event.args.output_type_shape?.[0] ?? {})[0]?.[1] === 1) decode.push(event);
    }
  }
  return decode;
}

function printOps(events: ProfileEvent[], steps: number): void {
  const byOp = new Map<string, { time: number; calls: number }>();
  const byMatMul = new Map<string, { time: number; calls: number; bytes: number }>();
  for (const event of events) {
    const op = event.args.op_name ?? event.name;
    const entry = byOp.get(op) ?? { time: 0, calls: 0 };
    byOp.set(op, { time: entry.time + event.dur, calls: entry.calls + 1 });
    // f32 MatMul, or int8 (ORT fuses DynamicQuantizeLinear + MatMulInteger + Cast + Mul into DynamicQuantizeMatMul).
    const bytesPerWeight = op === 'MatMul' ? 4 : op === 'DynamicQuantizeMatMul' ? 1 : 0;
    if (!bytesPerWeight) continue;
    const k = Object.values(event.args.input_type_shape![0])[0].at(-1)!;
    const n = Object.values(event.args.output_type_shape![0])[0].at(-1)!;
    const key = `${op} ${k}x${n}`;
    const shape = byMatMul.get(key) ?? { time: 0, calls: 0, bytes: k * n * bytesPerWeight };
    byMatMul.set(key, { ...shape, time: shape.time + event.dur, calls: shape.calls + 1 });
  }
  const kernels = [...byOp.values()].reduce((sum, e) => sum + e.time, 0);
  print(`${''.padEnd(18)} kernel time per decode step (ORT profiler): ${(kernels / steps / 1000).toFixed(2)} ms`);
  for (const [op, { time, calls }] of [...byOp].sort((a, b) => b[1].time - a[1].time)) {
    print(`${''.padEnd(20)}${op.padEnd(34)} ${(time / steps / 1000).toFixed(3).padStart(7)} ms  ${((time / kernels) * 100).toFixed(1).padStart(5)}%  ${(calls / steps).toFixed(0)} calls`);
  }
  for (const [shape, { time, calls, bytes }] of [...byMatMul].sort((a, b) => a[1].bytes - b[1].bytes)) {
    const each = time / calls;
    print(`${''.padEnd(20)}${shape.padEnd(34)} ${(time / steps / 1000).toFixed(3).padStart(7)} ms  ${(each).toFixed(0).padStart(5)} us each, weights read at ${(bytes / each / 1e3).toFixed(1)} GB/s`);
  }
}
