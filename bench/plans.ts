// What layer-wise loading costs in decode speed: the same model with the default segment plan,
// one layer per segment, and one segment for all layers, loaded side by side in one process and
// run in alternation with the order rotated each round (A B C, B C A, C A B, ...), so that the
// machine's drift and the position in a round hit all three alike.
// Node, wasm, figures only (medians, ratios against one segment).
// Usage: npx tsx bench/plans.ts [--model edge|small] [--format f32|q4] [--reps 9] [--tokens 64] [--threads 1]
import * as ort from 'onnxruntime-web';
import { parseArgs } from 'node:util';
import { openCheckpoint } from '../src/engine/checkpoint';
import { generateAll } from '../src/engine/generate';
import { floatWeightsFit, loadGlmModel, type GlmModel } from '../src/engine/model';
import { checkpointSource } from '../src/engine/source';
import type { WeightFormat } from '../src/engine/weights';
import { folderFiles } from '../tools/node-files';
import { median } from './browser';
import { benchCheckpoint, promptIds } from './models';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'edge' },
    format: { type: 'string', default: 'f32' },
    reps: { type: 'string', default: '9' },
    tokens: { type: 'string', default: '64' },
    threads: { type: 'string', default: '1' },
    cache: { type: 'string', default: '.bench-models' },
  },
});
ort.env.wasm.numThreads = Number(values.threads);

async function decodeRate(model: GlmModel, prompt: number[]): Promise<number> {
  const { stats } = await generateAll(model, prompt, { maxNewTokens: Number(values.tokens), greedy: true, stopIds: [], reuseCache: false });
  return stats.decodeTokensPerSecond;
}

const checkpoint = await openCheckpoint(folderFiles(await benchCheckpoint(values.cache!, values.model!)));
const source = checkpointSource(checkpoint, values.format as WeightFormat);
const floatWeightsOnCpu = floatWeightsFit(source, {});
const numLayers = checkpoint.config.numLayers;
const plans: [string, number | undefined][] = [
  ['default plan', undefined],
  ['one layer per segment', 1],
  ['one segment', numLayers],
];
const models = [];
for (const [, segmentSize] of plans) models.push(await loadGlmModel(source, { ort, segmentSize, floatWeightsOnCpu, maxSequenceLength: 512 }));
const prompt = promptIds(64, 7);
const rates: number[][] = plans.map(() => []);
for (let rep = 0; rep < Number(values.reps); rep++) {
  for (let k = 0; k < models.length; k++) {
    const i = (rep + k) % models.length;
    rates[i].push(await decodeRate(models[i], prompt));
  }
}
const single = median(rates[plans.length - 1]);
console.log(`${values.model} ${values.format}${floatWeightsOnCpu ? ' (as f32 MatMul)' : ''}, wasm ${values.threads} thread(s), ${values.tokens} tokens after a 64-token prompt, ${values.reps} runs each, in rotated alternation`);
for (const [i, [label]] of plans.entries()) {
  const m = median(rates[i]);
  const spread = `${Math.min(...rates[i]).toFixed(1)}-${Math.max(...rates[i]).toFixed(1)}`;
  console.log(`${label.padEnd(22)} ${String(models[i].segments.length).padStart(2)} segments  ${m.toFixed(1).padStart(6)} tok/s (runs ${spread})  ${((m / single - 1) * 100).toFixed(1).padStart(5)}% against one segment`);
}
await Promise.all(models.map((m) => m.release()));
