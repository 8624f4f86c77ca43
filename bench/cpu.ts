// The CPU path for a real-size model in Node, one configuration per process (so that peak RSS is its
// own): GLM Pocket's CPU kernels (cpu/kernels.c), or onnxruntime's: MatMulNBits for every
// q4 layer, or the int8 plan planLoad chooses within a budget (all int8 unbounded, mixed int8/q4 at
// e.g. 1.2 GB). Prints load time, prefill and decode figures and peak RSS.
// Usage: npx tsx bench/cpu.ts --model PACK_DIR [--kernels pocket|int8|nbits] [--threads 1] [--budget-mb 1200] [--prompt 128] [--tokens 16]
import * as ort from 'onnxruntime-web';
import { parseArgs } from 'node:util';
import { generate } from '../src/engine/generation/generate';
import { loadCpuModel } from '../src/engine/cpu/model';
import { loadGlmModel } from '../src/engine/runtime/model';
import { modelSizes, NO_INT8, planInt8 } from '../src/engine/runtime/fit';
import { openDiskModel } from '../tools/node-engine';
import { promptIds } from './models';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    threads: { type: 'string', default: '1' },
    kernels: { type: 'string', default: 'pocket' },
    'budget-mb': { type: 'string' },
    prompt: { type: 'string', default: '128' },
    tokens: { type: 'string', default: '16' },
  },
});
ort.env.wasm.numThreads = Number(values.threads);
const budgetBytes = values['budget-mb'] ? Number(values['budget-mb']) * 1e6 : undefined;
const promptLength = Number(values.prompt);
const tokens = Number(values.tokens);

const source = await openDiskModel({ path: values.model! });
const int8 = values.kernels === 'nbits' ? NO_INT8 : planInt8(modelSizes(source.config, source.format), {}, { backend: 'wasm', contextTokens: 512, budgetBytes });
const maxSequenceLength = Math.max(512, promptLength + tokens);
const started = performance.now();
const model =
  values.kernels === 'pocket'
    ? await loadCpuModel(source, { maxSequenceLength, threads: Number(values.threads) })
    : await loadGlmModel(source, { ort, int8, memoryBudgetBytes: budgetBytes, maxSequenceLength });
const loadMs = performance.now() - started;
const steps = generate(model, promptIds(promptLength, 7), { maxNewTokens: tokens, temperature: 0, stopIds: [] });
let step = await steps.next();
while (!step.done) step = await steps.next();
const stats = step.value;
const peakMB = process.resourceUsage().maxRSS / 1024;
const plan =
  'int8' in model
    ? `int8 head ${model.int8.head}, ${model.int8.layers}/${source.config.numLayers} layers int8, ${model.segments.length} segments (${model.plan.streaming ? 'streaming' : 'all resident'})`
    : `CPU kernels on ${model.threadCount} thread(s), ${(model.weightBytes / 1e6).toFixed(0)} MB of weights`;
console.log(
  `${values.kernels}${budgetBytes ? ` budget ${values['budget-mb']} MB` : ''}, ${values.threads} thread(s): ${plan}; load ${(loadMs / 1000).toFixed(1)} s; ` +
    `prefill ${promptLength} tokens ${stats.prefillTokensPerSecond.toFixed(2)} tok/s (first token ${(stats.timeToFirstTokenMs / 1000).toFixed(2)} s); ` +
    `decode ${stats.decodeTokensPerSecond.toFixed(2)} tok/s over ${tokens} tokens; peak RSS ${peakMB.toFixed(0)} MB`,
);
await model.release();
