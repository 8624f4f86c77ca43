// The benchmark page: GLM Pocket (its engine worker, packs from IndexedDB), transformers.js (the same
// weights as one exported graph) and llama.cpp (wllama, the same weights as a chatglm GGUF) behind the
// same calls, driven by bench/run.ts.
import { AutoModelForCausalLM, BaseStreamer, env, Tensor } from '@huggingface/transformers';
import { Wllama, type RawCompletionChunk } from '@wllama/wllama';
import type { Backend } from '../../src/worker/protocol';
import { EngineClient } from '../../src/worker/client';

export interface RunRequest {
  /** Pack id (GLM Pocket), model folder under /models/tjs/ (transformers.js) or GGUF file under /gguf/ (llama.cpp). */
  model: string;
  backend: Backend;
  threads: number;
  /** GLM Pocket only: layers per segment; absent = the default plan. */
  segmentSize?: number;
  /** GLM Pocket on WebGPU: false lets ORT allocate a longer KV cache each step. */
  kvInPlace?: boolean;
  /** GLM Pocket only: the memory budget the load plans within (the app's Settings > Memory budget); absent = none. */
  memoryBudgetBytes?: number;
  /** GLM Pocket on wasm: false runs onnxruntime's kernels where its own CPU kernels would run. */
  cpuKernels?: boolean;
  /** transformers.js only: the dtype naming the graph file. */
  dtype?: 'fp32' | 'q4';
  prompts: { ids: number[]; newTokens: number }[];
}

export interface PromptResult {
  promptTokens: number;
  ids: number[];
  timeToFirstTokenMs: number;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
}

export interface RunResult {
  loadMs: number;
  segments?: number;
  /** GLM Pocket: its own CPU kernels ran the model (no onnxruntime). */
  cpuKernels?: boolean;
  /** GLM Pocket: q4/q8 linear layers widened to f32 for the CPU. */
  floatWeights?: boolean;
  /** GLM Pocket on wasm, q4/q8: whether lm_head and how many decoder layers ran on the int8 kernels. */
  int8?: { head: boolean; layers: number };
  /** GLM Pocket: the memory budget it loaded within, when the run set one. */
  budgetBytes?: number;
  /** GLM Pocket on WebGPU: the adapter, e.g. "google swiftshader". */
  adapter?: string;
  prompts: PromptResult[];
}

const engine = new EngineClient(() => new Worker(new URL('../../src/worker/engine.worker.ts', import.meta.url), { type: 'module' }));

async function pocketInstall(url: string): Promise<void> {
  await engine.install(url);
}

async function pocket(request: RunRequest): Promise<RunResult> {
  const start = performance.now();
  const maxSequenceLength = Math.max(...request.prompts.map((p) => p.ids.length + p.newTokens));
  const info = await engine.load({ location: { kind: 'pack', id: request.model }, backend: request.backend, threads: request.threads, segmentSize: request.segmentSize, kvInPlace: request.kvInPlace, maxSequenceLength, memoryBudgetBytes: request.memoryBudgetBytes, cpuKernels: request.cpuKernels });
  const loadMs = performance.now() - start;
  const prompts: PromptResult[] = [];
  for (const prompt of request.prompts) {
    const { ids, stats } = await engine.generate(prompt.ids, { maxNewTokens: prompt.newTokens, temperature: 0, stopIds: [], reuseCache: false });
    prompts.push({ promptTokens: prompt.ids.length, ids, timeToFirstTokenMs: stats.timeToFirstTokenMs, prefillTokensPerSecond: stats.prefillTokensPerSecond, decodeTokensPerSecond: stats.decodeTokensPerSecond });
  }
  await engine.unload();
  return { loadMs, segments: info.segments, cpuKernels: info.cpuKernels, floatWeights: info.floatWeights, int8: info.int8, budgetBytes: request.memoryBudgetBytes, adapter: info.adapter, prompts };
}

/** Times each call of put(): transformers.js puts the prompt first, then each new token. */
class Clock extends BaseStreamer {
  times: number[] = [];
  put(): void {
    this.times.push(performance.now());
  }
  end(): void {}
}

async function transformersJs(request: RunRequest): Promise<RunResult> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = new URL('./models/tjs/', location.href).href;
  const onnx = env.backends.onnx as { wasm: { wasmPaths: unknown; numThreads: number } };
  onnx.wasm.wasmPaths = { mjs: new URL('./ort-tjs/ort-wasm-simd-threaded.asyncify.mjs', location.href).href, wasm: new URL('./ort-tjs/ort-wasm-simd-threaded.asyncify.wasm', location.href).href };
  onnx.wasm.numThreads = request.threads;
  const start = performance.now();
  const model = await AutoModelForCausalLM.from_pretrained(request.model, { dtype: request.dtype, device: request.backend });
  const loadMs = performance.now() - start;
  const prompts: PromptResult[] = [];
  for (const prompt of request.prompts) {
    const n = prompt.ids.length;
    const inputIds = new Tensor('int64', BigInt64Array.from(prompt.ids, BigInt), [1, n]);
    const attentionMask = new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]);
    const clock = new Clock();
    const begin = performance.now();
    const output = (await model.generate({ input_ids: inputIds, attention_mask: attentionMask, max_new_tokens: prompt.newTokens, min_new_tokens: prompt.newTokens, do_sample: false, streamer: clock as never })) as Tensor;
    const end = performance.now();
    const ids = Array.from(output.data as BigInt64Array, Number).slice(n);
    const tokenTimes = clock.times.slice(clock.times.length - ids.length);
    const first = tokenTimes[0];
    prompts.push({
      promptTokens: n,
      ids,
      timeToFirstTokenMs: first - begin,
      prefillTokensPerSecond: (n / (first - begin)) * 1000,
      decodeTokensPerSecond: ids.length > 1 ? ((ids.length - 1) / (end - first)) * 1000 : 0,
    });
  }
  await model.dispose();
  return { loadMs, prompts };
}

/**
 * Prompt ids as text llama.cpp tokenizes back into them: wllama takes no ids. The benchmark models'
 * vocabulary is byte-level BPE without merges, so a printable ASCII byte's token id is the byte.
 */
function asciiPrompt(ids: number[]): string {
  if (ids.some((id) => id < 33 || id > 126)) throw new Error('llama.cpp prompts must be printable ASCII byte tokens');
  return String.fromCharCode(...ids);
}

/** Byte tokens 128-255 alone are not UTF-8, which wllama's JSON results cannot carry: never sampled. */
const NOT_UTF8 = Array.from({ length: 128 }, (_, i) => [128 + i, false]);

async function llamaCpp(request: RunRequest): Promise<RunResult> {
  const start = performance.now();
  const wllama = new Wllama({ default: new URL('./wllama/wasm/wllama.wasm', location.href).href }, { allowOffline: true, suppressNativeLog: true });
  wllama.setCompat(null); // the default fetches a compat build from a CDN
  const blob = await (await fetch(new URL(`./gguf/${request.model}`, location.href))).blob();
  const maxSequenceLength = Math.max(...request.prompts.map((p) => p.ids.length + p.newTokens));
  await wllama.loadModel([blob], { n_ctx: maxSequenceLength, n_threads: request.threads, n_gpu_layers: 0 });
  const loadMs = performance.now() - start;
  const prompts: PromptResult[] = [];
  for (const prompt of request.prompts) {
    const n = prompt.ids.length;
    const times: number[] = [];
    let promptTokens = 0;
    const begin = performance.now();
    await wllama.createCompletion({
      prompt: asciiPrompt(prompt.ids),
      max_tokens: prompt.newTokens,
      temperature: 0,
      ignore_eos: true,
      cache_prompt: false,
      logit_bias: NOT_UTF8,
      stream: true,
      onData: (chunk: RawCompletionChunk) => {
        if (chunk.choices.length) times.push(performance.now());
        promptTokens = chunk.timings?.prompt_n ?? promptTokens;
      },
    } as never);
    const end = times.at(-1)!;
    if (promptTokens !== n) throw new Error(`llama.cpp read the ${n}-token prompt as ${promptTokens} tokens`);
    prompts.push({ promptTokens: n, ids: [], timeToFirstTokenMs: times[0] - begin, prefillTokensPerSecond: (n / (times[0] - begin)) * 1000, decodeTokensPerSecond: times.length > 1 ? ((times.length - 1) / (end - times[0])) * 1000 : 0 });
  }
  await wllama.exit();
  return { loadMs, prompts };
}

Object.assign(globalThis, { bench: { pocketInstall, pocket, transformersJs, llamaCpp } });
document.title = 'GLM Pocket benchmark: ready';
