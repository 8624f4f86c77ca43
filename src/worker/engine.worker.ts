// Web Worker entry: the in-process engine (LocalEngine) and the pack store, off the UI thread,
// behind the protocol in src/worker/protocol.ts. Fault drills answer only in a worker started with
// the test flag (see src/worker/protocol.ts, DRILLS_WORKER_NAME).
import { openCheckpoint } from '../engine/formats/checkpoint';
import { LocalEngine, type EngineHost } from '../engine/engine';
import { httpFiles } from '../engine/io/http-files';
import type { OrtModule } from '../engine/runtime/model';
import { checkpointSource, type ModelSource } from '../engine/formats/source';
import { forgetImport, importedBytes, importFromHub, importPickedFolder, listUnfinishedImports } from '../store/import';
import { deletePack, installPack, listPacks, openInstalledPack, packSizes } from '../store/packs';
import type { InstallProgress } from '../store/progress';
import { deviceFactsFor } from './device-facts';
import { DRILLS_WORKER_NAME, type ChatRequest, type ModelLocation, type PackSummary, type ThrottleMode, type WorkerRequest, type WorkerResponse } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const drillsEnabled = scope.name === DRILLS_WORKER_NAME;
let gpuDevice: GPUDevice | null = null;
/** Set by the 'fail-next-load' fault drill. */
let failNextLoad = false;
/** What a 'stop' message stops: running replies, installs and imports, by request id. */
const stoppers = new Map<number, () => void>();

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
  const wake = () => pace.wake?.();
  signal.addEventListener('abort', wake, { once: true });
  while (pace.mode === 'pause' && !signal.aborted) await new Promise<void>((resume) => (pace.wake = resume));
  signal.removeEventListener('abort', wake);
  if (pace.mode === 'slow' && !signal.aborted) await new Promise((done) => setTimeout(done, SLOW_STEP_MS));
}

function post(message: WorkerResponse): void {
  scope.postMessage(message);
}

async function runtime(backend: 'wasm' | 'webgpu', threads?: number): Promise<OrtModule> {
  const ort: OrtModule = backend === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = threads ?? (self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 1);
  return ort;
}

/** Tells the page when the GPU device ORT uses is lost, so it can reload the model on wasm. */
async function watchDevice(ort: OrtModule): Promise<void> {
  const device = await ort.env.webgpu.device;
  if (!device || device === gpuDevice) return; // already watched
  gpuDevice = device;
  void device.lost.then((info) => {
    if (info.reason === 'destroyed' && !engine.info()) return;
    engine.forget();
    post({ type: 'device-lost', requestId: 0, message: info.message || 'the GPU device was lost' });
  });
}

async function open(location: ModelLocation): Promise<ModelSource> {
  const source = location.kind === 'pack' ? await openInstalledPack(location.id) : checkpointSource(await openCheckpoint(httpFiles(new URL(location.url, self.location.href).href)), location.format);
  if (!failNextLoad) return source;
  failNextLoad = false;
  return { ...source, readLayer: () => Promise.reject(new RangeError('Array buffer allocation failed (fault drill)')) };
}

const host: EngineHost<ModelLocation> = { runtime, open, deviceFacts: deviceFactsFor, beforeStep };
const engine = new LocalEngine(host);

/** The store's packs, installed or not, and the imports that did not finish. */
async function summaries(): Promise<PackSummary[]> {
  const records = await listPacks();
  const sizes = await packSizes(records);
  const packs: PackSummary[] = records.map((r) => ({
    id: r.id, name: r.manifest.name, format: r.manifest.format, status: r.status, totalBytes: r.manifest.totalBytes, storedBytes: sizes.get(r.id) ?? 0, sourceUrl: r.sourceUrl, config: r.manifest.config,
    ...(r.status === 'installing' && { resume: { kind: 'install', url: r.sourceUrl } }),
  }));
  const imports = (await listUnfinishedImports()).filter((i) => !packs.some((p) => p.id === i.id));
  const unfinished: PackSummary[] = imports.map((i) => ({
    id: i.id, name: i.name, format: i.format, status: 'installing', totalBytes: i.bytesTotal, storedBytes: importedBytes(i), sourceUrl: i.identity.source, config: i.config,
    resume: i.hub ? { kind: 'import', request: i.hub } : null,
  }));
  return [...packs, ...unfinished].sort((a, b) => a.id.localeCompare(b.id));
}

/** Runs a request that a 'stop' message can end (it then rejects with a DownloadError saying it was stopped). */
async function stoppable<T>(requestId: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  stoppers.set(requestId, () => controller.abort());
  try {
    return await run(controller.signal);
  } finally {
    stoppers.delete(requestId);
  }
}

async function chat(request: ChatRequest): Promise<void> {
  const { requestId } = request;
  const run = engine.chat(request.messages, request.options, (text) => post({ type: 'token', requestId, text }));
  stoppers.set(requestId, run.stop);
  try {
    const { stats, droppedMessages, promptIds, ids } = await run.result;
    post({ type: 'stats', requestId, stats, droppedMessages, promptIds, ids });
  } finally {
    stoppers.delete(requestId);
  }
}

/** Fault drills, for the browser tests: refused unless the worker was started with the test flag. */
function drill(request: Extract<WorkerRequest, { type: 'fail-next-load' | 'crash' | 'lose-gpu-device' }>): void {
  if (!drillsEnabled) throw new Error(`fault drill "${request.type}" is off in this build (start the page with ?fault-drills)`);
  switch (request.type) {
    case 'fail-next-load':
      failNextLoad = true;
      break;
    case 'crash':
      setTimeout(() => {
        throw new Error('the engine crashed (fault drill)');
      });
      return;
    case 'lose-gpu-device':
      gpuDevice?.destroy();
      break;
  }
  post({ type: 'done', requestId: request.requestId });
}

async function handle(request: WorkerRequest): Promise<void> {
  const { requestId } = request;
  switch (request.type) {
    case 'load': {
      const info = await engine.load(request, (done, total) => post({ type: 'progress', requestId, done, total }));
      if (info.backend === 'webgpu') void watchDevice(await runtime('webgpu', request.threads));
      post({ type: 'loaded', requestId, info });
      return;
    }
    case 'logits':
      post({ type: 'logits', requestId, ...(await engine.logits(request.ids, request.append)) });
      return;
    case 'chat':
      return chat(request);
    case 'generate':
      post({ type: 'generated', requestId, ...(await engine.generate(request.ids, request.options)) });
      return;
    case 'stop':
      stoppers.get(requestId)?.();
      return;
    case 'install': {
      const url = new URL(request.url, self.location.href).href;
      await stoppable(requestId, (signal) => installPack(url, { signal, onProgress: (progress) => post({ type: 'install-progress', requestId, progress }) }));
      post({ type: 'packs', requestId, packs: await summaries() });
      return;
    }
    case 'import': {
      const { repo, revision, endpoint, token, format, gguf } = request;
      const onProgress = (progress: InstallProgress) => post({ type: 'install-progress', requestId, progress });
      await stoppable(requestId, (signal) => importFromHub({ repo, revision, endpoint, token }, format, { onProgress, gguf, http: { signal } }));
      post({ type: 'packs', requestId, packs: await summaries() });
      return;
    }
    case 'import-files':
      await importPickedFolder(new Map(request.files.map((f) => [f.name, f.blob])), request.folder, request.format, (progress) => post({ type: 'install-progress', requestId, progress }));
      post({ type: 'packs', requestId, packs: await summaries() });
      return;
    case 'throttle':
      pace.mode = request.mode;
      pace.wake?.();
      pace.wake = null;
      post({ type: 'done', requestId });
      return;
    case 'unload':
      await engine.unload();
      post({ type: 'done', requestId });
      return;
    case 'fail-next-load':
    case 'crash':
    case 'lose-gpu-device':
      return drill(request);
    case 'list-packs':
      post({ type: 'packs', requestId, packs: await summaries() });
      return;
    case 'delete-pack':
      await deletePack(request.id);
      await forgetImport(request.id);
      post({ type: 'packs', requestId, packs: await summaries() });
      return;
    default:
      return unhandled(request);
  }
}

/** A request kind this switch does not handle is a type error here. */
function unhandled(request: never): never {
  throw new Error(`unknown request ${JSON.stringify(request)}`);
}

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  handle(event.data).catch((error: Error) => post({ type: 'error', requestId: event.data.requestId, name: error.name, message: error.message }));
};
