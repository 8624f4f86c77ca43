// Where decode time goes on the wasm backend (Node, one thread): ORT's session.run (kernels plus
// copying inputs into and outputs out of the wasm heap) against the engine's own JavaScript, per
// token, and the weight bytes each token reads against the time. Figures only.
// Usage: npx tsx bench/profile.ts [--model DIR (a checkpoint; default: bench's edge model)] [--tokens 64] [--threads 1]
import * as ort from 'onnxruntime-web';
import { parseArgs } from 'node:util';
import { openCheckpoint } from '../src/engine/checkpoint';
import { parameterCount } from '../src/engine/config';
import { generate } from '../src/engine/generate';
import { loadGlmModel } from '../src/engine/model';
import { checkpointSource } from '../src/engine/source';
import type { WeightFormat } from '../src/engine/weights';
import { folderFiles } from '../tools/node-files';

const { values } = parseArgs({ options: { model: { type: 'string', default: '.bench-models/checkpoints/edge' }, tokens: { type: 'string', default: '64' }, threads: { type: 'string', default: '1' } } });
ort.env.wasm.numThreads = Number(values.threads);

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

const checkpoint = await openCheckpoint(folderFiles(values.model!));
const params = parameterCount(checkpoint.config);
const configs: [string, WeightFormat, boolean][] = [
  ['q4, MatMulNBits', 'q4', false],
  ['q4 widened to f32', 'q4', true],
  ['f32', 'f32', false],
];
for (const [label, format, floatWeightsOnCpu] of (process.env.REVERSE ? configs.reverse() : configs)) {
  const model = await loadGlmModel(checkpointSource(checkpoint, format), { ort, floatWeightsOnCpu, maxSequenceLength: 512 });
  const prompt = Array.from({ length: 64 }, (_, i) => 300 + ((i * 7919) % 50000));
  const tokens = Number(values.tokens);
  const steps = generate(model, prompt, { maxNewTokens: tokens, temperature: 0, stopIds: [] });
  let first = await steps.next();
  inRun = 0;
  bySession.clear();
  const start = performance.now();
  while (!first.done) first = await steps.next();
  const total = performance.now() - start;
  const perToken = total / (tokens - 1);
  const bytesPerToken = format === 'q4' && !floatWeightsOnCpu ? params * 0.625 : params * 4;
  console.log(
    `${label.padEnd(18)} ${(1000 / perToken).toFixed(1).padStart(6)} tok/s: ${perToken.toFixed(2)} ms/token, ` +
      `${((inRun / total) * 100).toFixed(1)}% in session.run, ${(((total - inRun) / total) * 100).toFixed(1)}% in the engine's JS; ` +
      `weights read ${(bytesPerToken / 1e6).toFixed(0)} MB/token = ${(bytesPerToken / perToken / 1e6).toFixed(1)} GB/s`,
  );
  const perSession = [...bySession].map(([kind, time]) => `${kind} ${(time / (tokens - 1)).toFixed(2)} ms`);
  console.log(`${''.padEnd(18)} per token in run(), by session (first output): ${perSession.join(', ')}`);
  await model.release();
}
