// One engine interface for every caller: load a model from a location, chat (template, context
// window, cache reuse, sampling, streaming, figures), generate from ids, logits, unload, model info.
// LocalEngine implements it in-process over onnxruntime-web (the CLI, the benchmarks, and the
// worker behind its protocol); the worker client implements it for the app (src/worker/client.ts).
import type { AttentionCheck } from './runtime/attention-check';
import { fitToContext } from './generation/context';
import { asOutOfMemory } from './errors';
import { planLoad, modelSizes, NO_INT8, type Backend, type DeviceFacts, type Int8Plan } from './runtime/fit';
import { generate, generateAll, type GenerateOptions, type GenerationStats } from './generation/generate';
import { DEFAULT_CONTEXT_TOKENS, loadGlmModel, type CausalModel, type GlmModel, type OrtModule } from './runtime/model';
import { cpuKernelsSupported } from './cpu/kernels';
import { loadCpuModel, type CpuGlmModel } from './cpu/model';
import type { PlanWhy } from './runtime/plan';
import type { ModelSource } from './formats/source';
import { GlmTokenizer, TextStreamer, type ChatMessage } from './generation/tokenizer';
import type { WeightFormat } from './formats/weights';

export type { Backend } from './runtime/fit';

export interface LoadRequest<Location> {
  location: Location;
  backend: Backend;
  /** Decoder layers per onnxruntime session (its path only: WebGPU, or wasm without the CPU kernels). */
  segmentSize?: number;
  memoryBudgetBytes?: number;
  threads?: number;
  prepackWeights?: boolean;
  /** Context length in tokens (prompt + reply); the KV cache and rotary tables are sized for it. */
  maxSequenceLength?: number;
  /** Plans for a smaller GPU binding limit than the adapter's, e.g. a phone's 128 MiB on a desktop. */
  bindingLimitBytes?: number;
  /** wasm only: run q4/q8 linear layers widened to f32 on onnxruntime (for comparisons: 8x q4's memory). */
  floatWeightsOnCpu?: boolean;
  /** wasm, q4/q8: false runs onnxruntime's kernels (the int8 plan) where GLM Pocket's CPU kernels would run (for comparisons). */
  cpuKernels?: boolean;
  /** WebGPU only: keep the KV cache in fixed-capacity GPU buffers written in place (default true). */
  kvInPlace?: boolean;
}

export interface ModelInfo {
  backend: Backend;
  format: WeightFormat;
  layers: number;
  segments: number;
  streaming: boolean;
  /** Why the segment plan is what it is, for the models page. */
  plan: PlanWhy;
  attention: 'gqa' | 'plain';
  /** wasm, q4/q8: GLM Pocket's CPU kernels run the model on its stored bytes, not onnxruntime. */
  cpuKernels: boolean;
  /** q4/q8 linear layers widened to f32 for the CPU's faster MatMul. */
  floatWeights: boolean;
  /**
   * wasm, q4/q8: lm_head and how many decoder layers run on the int8 kernels (as fast as f32 MatMul);
   * the other `layers - int8.layers` run MatMulNBits, several times slower. planLoad chose it within the budget.
   */
  int8: Int8Plan;
  /** WebGPU: the KV cache is written in place in fixed-capacity GPU buffers. */
  kvInPlace: boolean;
  /** WebGPU: how this GPU's attention kernel did against the CPU's (see engine/attention-check.ts). */
  attentionCheck: AttentionCheck;
  /** Most new tokens per pass through the layers (Infinity: no limit). */
  passTokens: number;
  vocabSize: number;
  maxSequenceLength: number;
  loadMs: number;
  /** The GPU adapter's description when on WebGPU, e.g. "google swiftshader". */
  adapter?: string;
}

/** Sampling and length of a reply; the engine adds the stop signal and the pacing. */
export type ReplyOptions = Omit<GenerateOptions, 'signal' | 'beforeStep'>;

export interface ChatResult {
  stats: GenerationStats;
  /** Older messages left out to fit the context length. */
  droppedMessages: number;
  /** The prompt the model ran: the conversation's window through the chat template. */
  promptIds: number[];
  /** The reply's token ids. */
  ids: number[];
}

export interface ChatRun {
  result: Promise<ChatResult>;
  /** Ends the reply after the token being made; `result` resolves with what was made. */
  stop(): void;
}

export interface Engine<Location> {
  load(request: LoadRequest<Location>, onProgress?: (done: number, total: number) => void): Promise<ModelInfo>;
  /** Streams the reply's text pieces to onText. */
  chat(messages: ChatMessage[], options: ReplyOptions, onText: (text: string) => void): ChatRun;
  /** Generates from token ids (no chat template): the ids chosen and the figures of the run. */
  generate(ids: number[], options: ReplyOptions): Promise<{ ids: number[]; stats: GenerationStats }>;
  /** Logits [ids.length, vocab] for a fresh sequence, or for ids appended to the cached one. */
  logits(ids: number[], append?: boolean): Promise<{ logits: Float32Array; vocabSize: number }>;
  /** Frees the model's memory. */
  unload(): Promise<void>;
  /** The loaded model, or null. */
  info(): ModelInfo | null;
}

/** What the place the engine runs in provides: the runtime, the files, the device. */
export interface EngineHost<Location> {
  /** onnxruntime-web for a backend, with its thread count set. */
  runtime(backend: Backend, threads?: number): Promise<OrtModule>;
  open(location: Location): Promise<ModelSource>;
  /** The device's facts, gathered once (with the adapter's description on WebGPU). */
  deviceFacts(backend: Backend): Promise<{ facts: DeviceFacts; adapter?: string }>;
  /** Awaited before each decode step: lets the host read its messages and pace generation. */
  beforeStep?(signal: AbortSignal): Promise<void>;
}

/** No model is loaded: load one first. */
export class NoModelError extends Error {
  constructor() {
    super('no model is loaded');
    this.name = 'NoModelError';
  }
}

interface Loaded {
  model: CausalModel;
  tokenizer: GlmTokenizer;
  info: ModelInfo;
}

/** What ModelInfo says of a model on GLM Pocket's CPU kernels: no segments, no onnxruntime. */
function cpuModelFacts(model: CpuGlmModel) {
  return {
    segments: 1,
    streaming: false,
    plan: { kind: 'cpu-kernels', threads: model.threadCount } satisfies PlanWhy,
    attention: 'gqa' as const,
    cpuKernels: true,
    floatWeights: false,
    int8: NO_INT8,
    kvInPlace: false,
    attentionCheck: 'not-run' as const,
    passTokens: model.passTokens,
    maxSequenceLength: model.maxSequenceLength,
  };
}

/** What ModelInfo says of a model on onnxruntime's sessions. */
function sessionModelFacts(model: GlmModel) {
  return {
    segments: model.segments.length,
    streaming: model.plan.streaming,
    plan: model.plan.why,
    attention: model.attention,
    cpuKernels: false,
    floatWeights: model.floatWeights,
    int8: model.int8,
    kvInPlace: model.kvInPlace,
    attentionCheck: model.attentionCheck,
    passTokens: model.passTokens,
    maxSequenceLength: model.maxSequenceLength,
  };
}

export class LocalEngine<Location> implements Engine<Location> {
  private loaded: Loaded | null = null;
  private readonly running = new Set<AbortController>();
  /**
   * Work on the model (load, unload, forward passes) runs one call at a time, in call order: a load
   * or unload must not release the model under a reply that is still running passes.
   */
  private work: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: EngineHost<Location>) {}

  private onModel<T>(run: () => Promise<T>): Promise<T> {
    const result = this.work.then(run);
    this.work = result.catch(() => undefined);
    return result;
  }

  /** Replacing or dropping the model stops the replies being generated first. */
  private replaceModel<T>(run: () => Promise<T>): Promise<T> {
    for (const controller of this.running) controller.abort();
    return this.onModel(run);
  }

  private requireModel(): Loaded {
    if (!this.loaded) throw new NoModelError();
    return this.loaded;
  }

  info(): ModelInfo | null {
    return this.loaded?.info ?? null;
  }

  /** The loaded model itself, for tools that go below the interface (profiles, attention checks). */
  model(): CausalModel {
    return this.requireModel().model;
  }

  load(request: LoadRequest<Location>, onProgress?: (done: number, total: number) => void): Promise<ModelInfo> {
    return this.replaceModel(async () => {
      const started = performance.now();
      const ort = await this.host.runtime(request.backend, request.threads);
      const { facts, adapter } = await this.host.deviceFacts(request.backend);
      const device: DeviceFacts = request.bindingLimitBytes ? { ...facts, maxStorageBufferBindingSize: Math.min(facts.maxStorageBufferBindingSize ?? Infinity, request.bindingLimitBytes) } : facts;
      const source = await this.host.open(request.location);
      const maxSequenceLength = Math.min(request.maxSequenceLength ?? DEFAULT_CONTEXT_TOKENS, source.config.maxPositionEmbeddings);
      const floatWeightsOnCpu = request.backend === 'wasm' && request.floatWeightsOnCpu === true;
      const plan = planLoad(modelSizes(source.config, source.format), device, {
        backend: request.backend,
        contextTokens: maxSequenceLength,
        budgetBytes: request.memoryBudgetBytes,
        stored: true,
        cpuKernels: request.cpuKernels !== false && !floatWeightsOnCpu && cpuKernelsSupported(),
      });
      await this.loaded?.model.release();
      this.loaded = null;
      const common = { backend: request.backend, format: source.format, layers: source.config.numLayers, vocabSize: source.config.vocabSize };
      let model: CausalModel;
      let described: Omit<ModelInfo, keyof typeof common | 'loadMs'>;
      try {
        if (plan.cpuKernels) {
          // As many threads as the host gave onnxruntime (the worker: up to 4 where cross-origin isolated).
          const cpu = await loadCpuModel(source, { maxSequenceLength, threads: ort.env.wasm.numThreads ?? 1, onProgress });
          model = cpu;
          described = cpuModelFacts(cpu);
        } else {
          const sessions = await loadGlmModel(source, {
            ort,
            device,
            maxSequenceLength,
            segmentSize: request.segmentSize,
            memoryBudgetBytes: plan.budgetBytes,
            prepackWeights: request.prepackWeights,
            floatWeightsOnCpu,
            int8: plan.int8,
            kvInPlace: request.kvInPlace,
            sessionOptions: { executionProviders: [request.backend] },
            onProgress,
          });
          model = sessions;
          described = { ...sessionModelFacts(sessions), adapter };
        }
      } catch (error) {
        throw asOutOfMemory(error);
      }
      const info: ModelInfo = { ...common, ...described, loadMs: performance.now() - started };
      this.loaded = { model, tokenizer: new GlmTokenizer(source.tokenizerJson, source.tokenizerConfig), info };
      return info;
    });
  }

  /** Drops the model without releasing it (its GPU device was lost, and its buffers with it); stops its replies. */
  forget(): void {
    for (const controller of this.running) controller.abort();
    this.loaded = null;
  }

  unload(): Promise<void> {
    return this.replaceModel(async () => {
      await this.loaded?.model.release();
      this.loaded = null;
    });
  }

  chat(messages: ChatMessage[], options: ReplyOptions, onText: (text: string) => void): ChatRun {
    const controller = new AbortController();
    const result = this.onModel(async () => {
      const { model, tokenizer } = this.requireModel();
      this.running.add(controller);
      try {
        const streamer = new TextStreamer(tokenizer);
        const prompt = fitToContext(tokenizer, messages, model.maxSequenceLength, options.maxNewTokens, model.cachedSequence);
        const maxNewTokens = Math.min(options.maxNewTokens, model.maxSequenceLength - prompt.ids.length);
        const beforeStep = this.host.beforeStep && (() => this.host.beforeStep!(controller.signal));
        const run = generate(model, prompt.ids, { ...options, maxNewTokens, signal: controller.signal, beforeStep });
        const ids: number[] = [];
        let step = await run.next();
        while (!step.done) {
          ids.push(step.value);
          onText(streamer.push(step.value));
          step = await run.next();
        }
        return { stats: step.value, droppedMessages: prompt.droppedMessages, promptIds: prompt.ids, ids };
      } finally {
        this.running.delete(controller);
      }
    });
    return { result, stop: () => controller.abort() };
  }

  generate(ids: number[], options: ReplyOptions): Promise<{ ids: number[]; stats: GenerationStats }> {
    return this.onModel(() => generateAll(this.requireModel().model, ids, options));
  }

  logits(ids: number[], append = false): Promise<{ logits: Float32Array; vocabSize: number }> {
    return this.onModel(async () => {
      const { model } = this.requireModel();
      if (!append) model.reset();
      return { logits: await model.forward(ids, true), vocabSize: model.config.vocabSize };
    });
  }
}
