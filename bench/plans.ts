// What layer-wise loading costs in decode speed: the same model with the default segment plan,
// one layer per segment, and one segment for all layers, loaded side by side in one process and
// run in alternation with the order rotated each round (A B C D, B C D A, ...), so that the
// machine's drift and the position in a round hit all alike. A second copy of the one-segment
// plan runs as a control: the two are the same, so their difference is the measurement's noise.
// Each plan is compared with one segment round by round (the two runs of a round are neighbours
// in time): the median of those ratios, with a 95% bootstrap interval over the rounds.
// Node, wasm, figures only.
// Usage: npx tsx bench/plans.ts [--model edge|small] [--format f32|q4] [--reps 9] [--tokens 64] [--threads 1] [--reverse-load]
import * as ort from 'onnxruntime-web';
import { parseArgs } from 'node:util';
import { openCheckpoint } from '../src/engine/formats/checkpoint';
import { generateAll } from '../src/engine/generation/generate';
import { modelSizes, planLoad } from '../src/engine/runtime/fit';
import { loadGlmModel, type GlmModel } from '../src/engine/runtime/model';
import { checkpointSource } from '../src/engine/formats/source';
import type { WeightFormat } from '../src/engine/formats/weights';
import { folderFiles } from '../tools/node-files';
import { seededRandom } from '../src/util/random';
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
    'reverse-load': { type: 'boolean', default: false },
  },
});
ort.env.wasm.numThreads = Number(values.threads);

async function decodeRate(model: GlmModel, prompt: number[]): Promise<number> {
  const { stats } = await generateAll(model, prompt, { maxNewTokens: Number(values.tokens), greedy: true, stopIds: [], reuseCache: false });
  return stats.decodeTokensPerSecond;
}

const checkpoint = await openCheckpoint(folderFiles(await benchCheckpoint(values.cache!, values.model!)));
const source = checkpointSource(checkpoint, values.format as WeightFormat);
// The int8 kernels where the app would use them (the same plan); the segment plans are what differ.
const int8 = planLoad(modelSizes(source.config, source.format), {}, { backend: 'wasm', contextTokens: 512 }).int8;
const numLayers = checkpoint.config.numLayers;
const plans: [string, number | undefined][] = [
  ['default plan', undefined],
  ['one layer per segment', 1],
  ['control: one segment', numLayers],
  ['one segment', numLayers],
];
// Where a model's weights land in the wasm heap can move its speed by a few percent: --reverse-load
// loads the plans in the opposite order, to tell a plan's cost from its place.
const models: GlmModel[] = new Array(plans.length);
const loadOrder = plans.map((_, i) => (values['reverse-load'] ? plans.length - 1 - i : i));
for (const i of loadOrder) models[i] = await loadGlmModel(source, { ort, segmentSize: plans[i][1], int8, maxSequenceLength: 512 });
const prompt = promptIds(64, 7);
const rates: number[][] = plans.map(() => []);
for (let rep = 0; rep < Number(values.reps); rep++) {
  for (let k = 0; k < models.length; k++) {
    const i = (rep + k) % models.length;
    rates[i].push(await decodeRate(models[i], prompt));
  }
}
/** Median of the per-round ratios a/b, and its 95% interval from resampling the rounds (seeded). */
function pairedRatio(a: number[], b: number[]): { median: number; low: number; high: number } {
  const ratios = a.map((x, round) => x / b[round]);
  const random = seededRandom(1);
  const medians = Array.from({ length: 2000 }, () => median(ratios.map(() => ratios[Math.floor(random() * ratios.length)]))).sort((x, y) => x - y);
  return { median: median(ratios), low: medians[Math.floor(0.025 * medians.length)], high: medians[Math.floor(0.975 * medians.length)] };
}

const single = rates[plans.length - 1];
const percent = (ratio: number) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`;
console.log(`${values.model} ${values.format}${int8.head ? ` (lm_head and ${int8.layers} layers as int8)` : ''}, wasm ${values.threads} thread(s), ${values.tokens} tokens after a 64-token prompt, ${values.reps} runs each, in rotated alternation, loaded ${values['reverse-load'] ? 'last to first' : 'first to last'}`);
for (const [i, [label]] of plans.entries()) {
  const m = median(rates[i]);
  const spread = `${Math.min(...rates[i]).toFixed(1)}-${Math.max(...rates[i]).toFixed(1)}`;
  const against = i === plans.length - 1 ? '' : (({ median, low, high }) => `  ${percent(median).padStart(6)} against one segment (95%: ${percent(low)} to ${percent(high)})`)(pairedRatio(rates[i], single));
  console.log(`${label.padEnd(22)} ${String(models[i].segments.length).padStart(2)} segments  ${m.toFixed(1).padStart(6)} tok/s (runs ${spread})${against}`);
}
await Promise.all(models.map((m) => m.release()));
