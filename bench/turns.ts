// Time to first token over the turns of a chat, with the cached conversation reused (the default)
// against a fresh sequence every turn (reuseCache: false). Node, wasm, figures only.
// Each turn's prompt is the conversation so far plus a new question, as the app builds it.
// Usage: npx tsx bench/turns.ts [--model small|edge] [--format q4|f32] [--turns 8] [--reps 3]
import { parseArgs } from 'node:util';
import { openCheckpoint } from '../src/engine/formats/checkpoint';
import { generateAll, type GenerationStats } from '../src/engine/generation/generate';
import { LocalEngine } from '../src/engine/engine';
import type { CausalModel } from '../src/engine/runtime/model';
import { checkpointSource, type ModelSource } from '../src/engine/formats/source';
import type { WeightFormat } from '../src/engine/formats/weights';
import { nodeHost } from '../tools/node-engine';
import { folderFiles } from '../tools/node-files';
import { median } from './browser';
import { benchCheckpoint, promptIds } from './models';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'small' },
    format: { type: 'string', default: 'q4' },
    turns: { type: 'string', default: '8' },
    reps: { type: 'string', default: '3' },
    cache: { type: 'string', default: '.bench-models' },
  },
});
const SYSTEM_TOKENS = 48;
const QUESTION_TOKENS = 24;
const REPLY_TOKENS = 32;

/** One conversation of `turns` turns; the replies of the first pass make the prompts of the others. */
async function conversation(model: CausalModel, reuseCache: boolean, replies: number[][]): Promise<GenerationStats[]> {
  const options = { maxNewTokens: REPLY_TOKENS, greedy: true, stopIds: [], reuseCache };
  model.reset();
  let sequence = promptIds(SYSTEM_TOKENS, 1);
  const stats: GenerationStats[] = [];
  for (let turn = 0; turn < Number(values.turns); turn++) {
    const prompt = [...sequence, ...promptIds(QUESTION_TOKENS, 10 + turn)];
    const result = await generateAll(model, prompt, options);
    if (replies[turn] === undefined) replies[turn] = result.ids;
    else if (result.ids.join() !== replies[turn].join()) throw new Error(`turn ${turn + 1}: the reply differs with reuseCache ${reuseCache}`);
    stats.push(result.stats);
    sequence = [...prompt, ...replies[turn]];
  }
  return stats;
}

const checkpoint = await openCheckpoint(folderFiles(await benchCheckpoint(values.cache!, values.model!)));
const source = checkpointSource(checkpoint, values.format as WeightFormat);
// Loaded as the app and the CLI load it (the same load plan), on one thread.
const engine = new LocalEngine<ModelSource>({ ...nodeHost, open: async (opened) => opened });
await engine.load({ location: source, backend: 'wasm', threads: 1, maxSequenceLength: 2048 });
const model = engine.model();
const replies: number[][] = [];
const samples = { reuse: [] as GenerationStats[][], fresh: [] as GenerationStats[][] };
for (let rep = 0; rep < Number(values.reps); rep++) {
  // Alternate which goes first.
  for (const reuse of rep % 2 ? [false, true] : [true, false]) samples[reuse ? 'reuse' : 'fresh'].push(await conversation(model, reuse, replies));
}
await model.release();

console.log(`${values.model} ${values.format}, wasm 1 thread, ${Number(values.reps)} conversations each; replies identical with and without reuse`);
console.log('| turn | prompt tokens | reused | TTFT fresh | TTFT reused | shorter by |');
console.log('|---|---|---|---|---|---|');
for (let turn = 0; turn < Number(values.turns); turn++) {
  const ttft = (kind: 'reuse' | 'fresh') => median(samples[kind].map((c) => c[turn].timeToFirstTokenMs));
  const s = samples.reuse[0][turn];
  console.log(`| ${turn + 1} | ${s.promptTokens} | ${s.reusedTokens} | ${ttft('fresh').toFixed(0)} ms | ${ttft('reuse').toFixed(0)} ms | ${(ttft('fresh') / ttft('reuse')).toFixed(1)}x |`);
}
