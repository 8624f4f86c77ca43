// The page's side of the engine worker: the engine interface (src/engine/engine.ts) over the
// protocol, plus the pack store's calls.
import type { ChatResult, ChatRun, Engine, ReplyOptions } from '../engine/engine';
import type { GenerationStats } from '../engine/generation/generate';
import type { ChatMessage } from '../engine/generation/tokenizer';
import type { WeightFormat } from '../engine/formats/weights';
import type { InstallProgress } from '../store/progress';
import type { LoadRequest, ModelInfo, ModelLocation, PackSummary, ThrottleMode, WorkerRequest, WorkerResponse } from './protocol';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Listener = (message: WorkerResponse) => void;

export class WorkerError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class EngineClient implements Engine<ModelLocation> {
  private nextId = 1;
  private listeners = new Map<number, Listener>();
  private worker: Worker;
  /** Called when the worker reports that the GPU device was lost. */
  onDeviceLost: ((message: string) => void) | null = null;
  /** Called after the engine died and a fresh worker replaced it (no model is loaded in it). */
  onRestart: ((reason: string) => void) | null = null;
  private loadedInfo: ModelInfo | null = null;

  constructor(private readonly createWorker: () => Worker) {
    this.worker = this.start();
  }

  private start(): Worker {
    const worker = this.createWorker();
    worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
      if (event.data.type === 'device-lost') {
        this.loadedInfo = null;
        this.onDeviceLost?.(event.data.message);
      }
      else this.listeners.get(event.data.requestId)?.(event.data);
    };
    // An error nobody caught leaves the engine in an unknown state: replace it.
    worker.onerror = (event) => {
      event.preventDefault();
      this.restart(event.message || 'the engine stopped');
    };
    return worker;
  }

  /** Ends the current worker, fails what was pending, and starts a fresh one. */
  restart(reason: string): void {
    this.worker.terminate();
    const pending = [...this.listeners.entries()];
    this.listeners.clear();
    for (const [requestId, listener] of pending) listener({ type: 'error', requestId, name: 'EngineRestarted', message: `the engine stopped (${reason}) and was restarted` });
    this.worker = this.start();
    this.loadedInfo = null;
    this.onRestart?.(reason);
  }

  private send(request: DistributiveOmit<WorkerRequest, 'requestId'>, listener: Listener): number {
    const requestId = this.nextId++;
    this.listeners.set(requestId, listener);
    this.worker.postMessage({ ...request, requestId } as WorkerRequest);
    return requestId;
  }

  /** One request and its answer; aborting `signal` asks the worker to stop it (it then answers with an error). */
  private call<T extends WorkerResponse['type']>(request: DistributiveOmit<WorkerRequest, 'requestId'>, answer: T, onMessage?: Listener, signal?: AbortSignal): Promise<Extract<WorkerResponse, { type: T }>> {
    return new Promise((resolve, reject) => {
      const stop = () => this.worker.postMessage({ type: 'stop', requestId: id } satisfies WorkerRequest);
      const id = this.send(request, (message) => {
        if (message.type === 'error') reject(new WorkerError(message.name, message.message));
        else if (message.type === answer) resolve(message as Extract<WorkerResponse, { type: T }>);
        else {
          onMessage?.(message);
          return;
        }
        signal?.removeEventListener('abort', stop);
        this.listeners.delete(id);
      });
      if (signal?.aborted) stop();
      else signal?.addEventListener('abort', stop, { once: true });
    });
  }

  async load(options: LoadRequest, onProgress?: (done: number, total: number) => void): Promise<ModelInfo> {
    this.loadedInfo = null;
    const message = await this.call({ type: 'load', ...options }, 'loaded', (m) => m.type === 'progress' && onProgress?.(m.done, m.total));
    this.loadedInfo = message.info;
    return message.info;
  }

  info(): ModelInfo | null {
    return this.loadedInfo;
  }

  /** Installs (or resumes installing) the pack at a folder URL; resolves the store's packs. `signal` stops it, keeping what was stored. */
  async install(url: string, onProgress?: (p: InstallProgress) => void, signal?: AbortSignal): Promise<PackSummary[]> {
    return (await this.call({ type: 'install', url }, 'packs', (m) => m.type === 'install-progress' && onProgress?.(m.progress), signal)).packs;
  }

  /** Imports (or resumes importing) a Hugging Face repository into the store; resolves the store's packs. `signal` stops it, keeping what was stored. */
  async importRepo(request: Omit<Extract<WorkerRequest, { type: 'import' }>, 'type' | 'requestId'>, onProgress?: (p: InstallProgress) => void, signal?: AbortSignal): Promise<PackSummary[]> {
    return (await this.call({ type: 'import', ...request }, 'packs', (m) => m.type === 'install-progress' && onProgress?.(m.progress), signal)).packs;
  }

  /** Sets the pace of generation between tokens. */
  async throttle(mode: ThrottleMode): Promise<void> {
    await this.call({ type: 'throttle', mode }, 'done');
  }

  /** Frees the model's memory in the worker. */
  async unload(): Promise<void> {
    this.loadedInfo = null;
    await this.call({ type: 'unload' }, 'done');
  }

  /** Fault drill: the next load fails as if memory ran out. */
  async failNextLoad(): Promise<void> {
    await this.call({ type: 'fail-next-load' }, 'done');
  }

  /** Fault drill: crashes the worker. */
  crash(): void {
    this.worker.postMessage({ type: 'crash', requestId: this.nextId++ } satisfies WorkerRequest);
  }

  /** Fault drill: makes the worker's GPU device fail, to exercise the fallback to wasm. */
  async loseGpuDevice(): Promise<void> {
    await this.call({ type: 'lose-gpu-device' }, 'done');
  }

  /** Adds a folder picked with <input webkitdirectory>: a pack, or a checkpoint converted to `format`. */
  async importFiles(files: File[], format: WeightFormat, onProgress?: (p: InstallProgress) => void): Promise<PackSummary[]> {
    const folder = files[0]?.webkitRelativePath.split('/')[0] || 'picked-model';
    const entries = files.map((file) => ({ name: file.name, blob: file as Blob }));
    return (await this.call({ type: 'import-files', folder, files: entries, format }, 'packs', (m) => m.type === 'install-progress' && onProgress?.(m.progress))).packs;
  }

  async listPacks(): Promise<PackSummary[]> {
    return (await this.call({ type: 'list-packs' }, 'packs')).packs;
  }

  async deletePack(id: string): Promise<PackSummary[]> {
    return (await this.call({ type: 'delete-pack', id }, 'packs')).packs;
  }

  /** Logits [ids.length, vocab] for a fresh sequence, or for ids appended to the cached one. */
  async logits(ids: number[], append = false): Promise<{ logits: Float32Array; vocabSize: number }> {
    return this.call({ type: 'logits', ids, append }, 'logits');
  }

  /** Generates from token ids (no chat template): the ids chosen and the figures of the run. */
  async generate(ids: number[], options: ReplyOptions): Promise<{ ids: number[]; stats: GenerationStats }> {
    return this.call({ type: 'generate', ids, options }, 'generated');
  }

  /** Streams the reply's text pieces; `result` resolves with the figures when done. */
  chat(messages: ChatMessage[], options: ReplyOptions, onText: (text: string) => void): ChatRun {
    let requestId = 0;
    const result = new Promise<ChatResult>((resolve, reject) => {
      // Plain copies: the UI's reactive state proxies cannot be structured-cloned.
      const plain = messages.map(({ role, content }) => ({ role, content }));
      requestId = this.send({ type: 'chat', messages: plain, options: { ...options } }, (message) => {
        if (message.type === 'token') onText(message.text);
        else if (message.type === 'stats') resolve({ stats: message.stats, droppedMessages: message.droppedMessages, promptIds: message.promptIds, ids: message.ids });
        else if (message.type === 'error') reject(new WorkerError(message.name, message.message));
        if (message.type === 'stats' || message.type === 'error') this.listeners.delete(requestId);
      });
    });
    return { result, stop: () => this.worker.postMessage({ type: 'stop', requestId } satisfies WorkerRequest) };
  }
}
