// Web Worker entry: runs the engine and the pack store off the UI thread and answers the
// protocol in src/worker/protocol.ts.
import { openCheckpoint } from '../src/engine/checkpoint';
import { generate, generateAll } from '../src/engine/generate';
import { httpFiles } from '../src/engine/http-files';
import { floatWeightsFit, loadGlmModel, type GlmModel, type OrtModule } from '../src/engine/model';
import type { DeviceLimits } from '../src/engine/plan';
import { fitToContext } from '../src/engine/context';
import { checkpointSource, type ModelSource } from '../src/engine/source';
import { GlmTokenizer, TextStreamer } from '../src/engine/tokenizer';
import { importFromHub, importPickedFolder } from '../src/store/import';
import { deletePack, installPack, listPacks, openInstalledPack, packSizes } from '../src/store/packs';
import type { Backend, LoadRequest, ModelLocation, PackSummary, ThrottleMode, WorkerRequest, WorkerResponse } from '../src/worker/protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let loaded: { model: GlmModel; tokenizer: GlmTokenizer } | null = null;
let gpuDevice: GPUDevice | null = null;
/** Set by the 'fail-next-load' fault drill. */
let failNextLoad = false;
const running = new Map<number, AbortController>();

/**
 * Work on the model (load, unload, forward passes) runs one request at a time, in arrival order:
 * a load or unload must not release the model under a reply that is still running passes.
 */
let modelWork: Promise<unknown> = Promise.resolve();
function onModel<T>(work: () => Promise<T>): Promise<T> {
  const result = modelWork.then(work);
  modelWork = result.catch(() => undefined);
  return result;
}

/** Replacing or dropping the model stops the replies being generated first. */
function replaceModel<T>(work: () => Promise<T>): Promise<T> {
  for (const controller of running.values()) controller.abort();
  return onModel(work);
}

/** Pacing of generation between tokens, set by the page (visibility, compute pressure). */
const pace = { mode: 'run' as ThrottleMode, wake: null as (() => void) | null };
const SLOW_STEP_MS = 250;

const turns = new MessageChannel();
/**
 * Lets the messages that wait in the worker's queue (a stop, a load) run: a pass on one wasm
 * thread completes without ever yielding to the event loop, so a reply would otherwise run to its
 * end before a stop is read. (A message channel, not setTimeout, which waits 4 ms when nested.)
 */
function yieldToMessages(): Promise<void> {
  return new Promise((resume) => {
    turns.port1.onmessage = () => resume();
    turns.port2.postMessage(null);
  });
}

/** Reads waiting messages, then waits while generation is paused (a stop ends the wait), or a moment when it is slowed. */
async function beforeStep(signal: AbortSignal): Promise<void> {
  await yieldToMessages();
  while (pace.mode === 'pause' && !signal.aborted) await new Promise<void>((resume) => (pace.wake = resume));
  if (pace.mode === 'slow' && !signal.aborted) await new Promise((done) => setTimeout(done, SLOW_STEP_MS));
}

function post(message: WorkerResponse): void {
  scope.postMessage(message);
}

async function runtime(backend: Backend, threads?: number): Promise<OrtModule> {
  const ort: OrtModule = backend === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = threads ?? (self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 1);
  return ort;
}

async function deviceLimits(backend: Backend): Promise<{ limits: DeviceLimits; adapter?: string }> {
  const deviceMemoryGiB = (navigator as { deviceMemory?: number }).deviceMemory;
  if (backend !== 'webgpu') return { limits: { deviceMemoryGiB } };
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) throw new Error('WebGPU is not available on this device: choose the CPU (wasm) backend');
  return {
    limits: { deviceMemoryGiB, maxBufferSize: adapter.limits.maxBufferSize, maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize },
    adapter: [adapter.info.vendor, adapter.info.architecture].filter(Boolean).join(' ') || 'unknown GPU',
  };
}

/** Tells the page when the GPU device ORT uses is lost, so it can reload the model on wasm. */
async function watchDevice(ort: OrtModule): Promise<void> {
  const device = await ort.env.webgpu.device;
  if (!device || device === gpuDevice) return; // already watched
  gpuDevice = device;
  void device.lost.then((info) => {
    if (info.reason === 'destroyed' && !loaded) return;
    loaded = null;
    post({ type: 'device-lost', requestId: 0, message: info.message || 'the GPU device was lost' });
  });
}

async function openSource(location: ModelLocation): Promise<ModelSource> {
  if (location.kind === 'pack') return openInstalledPack(location.id);
  return checkpointSource(await openCheckpoint(httpFiles(new URL(location.url, self.location.href).href)), location.format);
}

function requireModel(): { model: GlmModel; tokenizer: GlmTokenizer } {
  if (!loaded) throw new Error('no model is loaded');
  return loaded;
}

async function summaries(): Promise<PackSummary[]> {
  const records = await listPacks();
  const sizes = await packSizes(records);
  return records.map((r) => ({ id: r.id, name: r.manifest.name, quant: r.manifest.quant, status: r.status, totalBytes: r.manifest.totalBytes, storedBytes: sizes.get(r.id) ?? 0, sourceUrl: r.sourceUrl }));
}

async function load(requestId: number, request: LoadRequest): Promise<void> {
  const start = performance.now();
  const ort = await runtime(request.backend, request.threads);
  const { limits, adapter } = await deviceLimits(request.backend);
  if (request.bindingLimitBytes) limits.maxStorageBufferBindingSize = Math.min(limits.maxStorageBufferBindingSize ?? Infinity, request.bindingLimitBytes);
  let source = await openSource(request.location);
  if (failNextLoad) {
    failNextLoad = false;
    source = { ...source, readLayer: () => Promise.reject(new RangeError('Array buffer allocation failed (fault drill)')) };
  }
  await loaded?.model.release();
  loaded = null;
  const model = await loadGlmModel(source, {
    ort,
    device: limits,
    maxSequenceLength: request.maxSequenceLength && Math.min(request.maxSequenceLength, source.config.maxPositionEmbeddings),
    segmentSize: request.segmentSize,
    memoryBudgetBytes: request.memoryBudgetBytes,
    prepackWeights: request.prepackWeights,
    floatWeightsOnCpu: request.backend === 'wasm' && (request.floatWeightsOnCpu ?? floatWeightsFit(source, { budgetBytes: request.memoryBudgetBytes, deviceMemoryGiB: limits.deviceMemoryGiB, prepackWeights: request.prepackWeights })),
    kvInPlace: request.kvInPlace,
    sessionOptions: { executionProviders: [request.backend] },
    onProgress: (done, total) => post({ type: 'progress', requestId, done, total }),
  });
  loaded = { model, tokenizer: new GlmTokenizer(source.tokenizerJson, source.tokenizerConfig) };
  if (request.backend === 'webgpu') void watchDevice(ort);
  const c = model.config;
  post({
    type: 'loaded',
    requestId,
    info: {
      backend: request.backend,
      format: source.format,
      layers: c.numLayers,
      segments: model.segments.length,
      streaming: model.plan.streaming,
      plan: model.plan.why,
      attention: model.attention,
      floatWeights: model.floatWeights,
      kvInPlace: model.kvInPlace,
      attentionCheck: model.attentionCheck,
      passTokens: model.passTokens,
      vocabSize: c.vocabSize,
      maxSequenceLength: model.maxSequenceLength,
      loadMs: performance.now() - start,
      adapter,
    },
  });
}

async function chat(request: Extract<WorkerRequest, { type: 'chat' }>): Promise<void> {
  const { requestId } = request;
  const { model, tokenizer } = requireModel();
  const controller = new AbortController();
  running.set(requestId, controller);
  try {
    const streamer = new TextStreamer(tokenizer);
    const prompt = fitToContext(tokenizer, request.messages, model.maxSequenceLength, request.options.maxNewTokens, model.cachedSequence);
    const maxNewTokens = Math.min(request.options.maxNewTokens, model.maxSequenceLength - prompt.ids.length);
    controller.signal.addEventListener('abort', () => pace.wake?.());
    const run = generate(model, prompt.ids, { ...request.options, maxNewTokens, signal: controller.signal, beforeStep: () => beforeStep(controller.signal) });
    let step = await run.next();
    while (!step.done) {
      post({ type: 'token', requestId, id: step.value, text: streamer.push(step.value) });
      step = await run.next();
    }
    post({ type: 'stats', requestId, stats: step.value, droppedMessages: prompt.droppedMessages });
  } finally {
    running.delete(requestId);
  }
}

async function handle(request: WorkerRequest): Promise<void> {
  const { requestId } = request;
  switch (request.type) {
    case 'load':
      return replaceModel(() => load(requestId, request));
    case 'logits':
      return onModel(async () => {
        const { model } = requireModel();
        if (!request.append) model.reset();
        const logits = await model.forward(request.ids, true);
        post({ type: 'logits', requestId, logits, vocabSize: model.config.vocabSize });
      });
    case 'chat':
      return onModel(() => chat(request));
    case 'generate':
      return onModel(async () => {
        const { ids, stats } = await generateAll(requireModel().model, request.ids, request.options);
        post({ type: 'generated', requestId, ids, stats });
      });
    case 'stop':
      running.get(requestId)?.abort();
      return;
    case 'install':
      await installPack(new URL(request.url, self.location.href).href, { onProgress: (progress) => post({ type: 'install-progress', requestId, progress }) });
      post({ type: 'packs', requestId, packs: await summaries() });
      return;
    case 'import':
      await importFromHub({ repo: request.repo, revision: request.revision, endpoint: request.endpoint, token: request.token }, request.format, { onProgress: (p) => post({ type: 'import-progress', requestId, ...p }), gguf: request.gguf });
      post({ type: 'packs', requestId, packs: await summaries() });
      return;
    case 'throttle':
      pace.mode = request.mode;
      pace.wake?.();
      pace.wake = null;
      post({ type: 'done', requestId });
      return;
    case 'unload':
      return replaceModel(async () => {
        await loaded?.model.release();
        loaded = null;
        post({ type: 'done', requestId });
      });
    case 'fail-next-load':
      failNextLoad = true;
      post({ type: 'done', requestId });
      return;
    case 'crash':
      setTimeout(() => {
        throw new Error('the engine crashed (fault drill)');
      });
      return;
    case 'lose-gpu-device':
      gpuDevice?.destroy();
      post({ type: 'done', requestId });
      return;
    case 'import-files':
      await importPickedFolder(new Map(request.files.map((f) => [f.name, f.blob])), request.folder, request.format, (p) => post({ type: 'import-progress', requestId, ...p }));
      post({ type: 'packs', requestId, packs: await summaries() });
      return;
    case 'list-packs':
      post({ type: 'packs', requestId, packs: await summaries() });
      return;
    case 'delete-pack':
      await deletePack(request.id);
      post({ type: 'packs', requestId, packs: await summaries() });
      return;
  }
}

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  handle(event.data).catch((error: Error) => post({ type: 'error', requestId: event.data.requestId, name: error.name, message: error.message }));
};
