// Web Worker entry: runs the engine off the UI thread and answers the protocol in src/worker/protocol.ts.
import { openCheckpoint } from '../src/engine/checkpoint';
import { generate } from '../src/engine/generate';
import { httpFiles } from '../src/engine/http-files';
import { loadGlmModel, type GlmModel, type OrtModule } from '../src/engine/model';
import { checkpointSource } from '../src/engine/source';
import { GlmTokenizer, TextStreamer } from '../src/engine/tokenizer';
import type { Backend, WorkerRequest, WorkerResponse } from '../src/worker/protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let loaded: { model: GlmModel; tokenizer: GlmTokenizer } | null = null;
const running = new Map<number, AbortController>();

function post(message: WorkerResponse): void {
  scope.postMessage(message);
}

async function runtime(backend: Backend, threads?: number): Promise<OrtModule> {
  const ort: OrtModule = backend === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = threads ?? (self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 1);
  return ort;
}

function requireModel(): { model: GlmModel; tokenizer: GlmTokenizer } {
  if (!loaded) throw new Error('no model is loaded');
  return loaded;
}

async function handle(request: WorkerRequest): Promise<void> {
  const { requestId } = request;
  switch (request.type) {
    case 'load': {
      const start = performance.now();
      const ort = await runtime(request.backend, request.threads);
      const checkpoint = await openCheckpoint(httpFiles(new URL(request.url, self.location.href).href));
      await loaded?.model.release();
      loaded = null;
      const model = await loadGlmModel(checkpointSource(checkpoint, request.format), {
        ort,
        segmentSize: request.segmentSize,
        sessionOptions: { executionProviders: [request.backend] },
        onProgress: (done, total) => post({ type: 'progress', requestId, done, total }),
      });
      loaded = { model, tokenizer: new GlmTokenizer(checkpoint.tokenizerJson, checkpoint.tokenizerConfig) };
      const c = model.config;
      post({
        type: 'loaded',
        requestId,
        info: { backend: request.backend, format: request.format, layers: c.numLayers, segments: model.segments.length, attention: model.attention, vocabSize: c.vocabSize, loadMs: performance.now() - start },
      });
      return;
    }
    case 'logits': {
      const { model } = requireModel();
      model.reset();
      const logits = await model.forward(request.ids, true);
      post({ type: 'logits', requestId, logits, vocabSize: model.config.vocabSize });
      return;
    }
    case 'chat': {
      const { model, tokenizer } = requireModel();
      const controller = new AbortController();
      running.set(requestId, controller);
      try {
        const streamer = new TextStreamer(tokenizer);
        const run = generate(model, tokenizer.chatPromptIds(request.messages), { ...request.options, signal: controller.signal });
        let step = await run.next();
        while (!step.done) {
          post({ type: 'token', requestId, id: step.value, text: streamer.push(step.value) });
          step = await run.next();
        }
        post({ type: 'stats', requestId, stats: step.value });
      } finally {
        running.delete(requestId);
      }
      return;
    }
    case 'stop':
      running.get(requestId)?.abort();
      return;
  }
}

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  handle(event.data).catch((error: Error) => post({ type: 'error', requestId: event.data.requestId, name: error.name, message: error.message }));
};
