// Several threads on one matrix product: helper workers instantiate the kernel module on the same
// shared memory and each multiplies its share of the rows; the calling thread takes the first share
// and waits for the others on an Atomics word. A product is about 0.1-20 ms, a hand-off some tens of
// microseconds. The helper is a short script run from a string, so that it starts alike in a browser
// worker (a blob URL; cross-origin isolation is what gives shared memory at all) and in Node
// (worker_threads, eval), with nothing to bundle.
import type { KernelMemory } from './kernels';

/** Control words: [generation, stop, finished helpers, then the job's arguments]. */
const GENERATION = 0;
const STOP = 1;
const FINISHED = 2;
const ARGS = 3;
const CONTROL_WORDS = 16;
const STACK_BYTES = 64 * 1024;
/**
 * Products with fewer multiply-adds run on the calling thread alone: a hand-off costs some tens of
 * microseconds, more than splitting a small product saves (the demo model decodes at 0.25 ms a token
 * on one thread, 0.8-1.4 ms on two when every product is split).
 */
const SPLIT_MIN_WEIGHTS = 1 << 20;
/** The longest a product may take before the caller gives up on a helper (a lost worker must not hang a reply). */
const PRODUCT_LIMIT_MS = 60_000;

const HELPER = `
const listen = (handler) => typeof self !== 'undefined' && typeof self.postMessage === 'function'
  ? (self.onmessage = (event) => handler(event.data, (m) => self.postMessage(m)))
  : (() => { const { parentPort } = require('node:worker_threads'); parentPort.once('message', (m) => handler(m, (r) => parentPort.postMessage(r))); })();
listen(({ module, memory, control, stackTop, index, threads }, reply) => {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const run = instance.exports;
  run.__stack_pointer.value = stackTop;
  const words = new Int32Array(memory.buffer, control, ${CONTROL_WORDS});
  reply('ready');
  let seen = 0;
  for (;;) {
    Atomics.wait(words, ${GENERATION}, seen);
    seen = Atomics.load(words, ${GENERATION});
    if (Atomics.load(words, ${STOP})) return;
    const [bits, w, ws, xq, xs, y, n, k, tokens] = words.subarray(${ARGS}, ${ARGS} + 9);
    const share = Math.ceil(n / threads / 4) * 4;
    const first = Math.min(n, share * index), end = Math.min(n, first + share);
    if (first < end) (bits === 4 ? run.matmul_q4 : run.matmul_q8)(w, ws, xq, xs, y, n, k, tokens, first, end);
    Atomics.add(words, ${FINISHED}, 1);
    Atomics.notify(words, ${FINISHED});
  }
});
`;

interface Helper {
  terminate(): unknown;
}

async function startHelper(): Promise<{ helper: Helper; post(message: unknown): void; ready: Promise<void> }> {
  if (typeof Worker !== 'undefined') {
    const url = URL.createObjectURL(new Blob([HELPER], { type: 'text/javascript' }));
    const worker = new Worker(url);
    URL.revokeObjectURL(url);
    const ready = new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      worker.onerror = (event) => reject(new Error(`a CPU kernel thread failed to start: ${event.message}`));
    });
    return { helper: worker, post: (m) => worker.postMessage(m), ready };
  }
  const specifier = 'node:worker_threads'; // Node only: kept out of the browser bundle
  const { Worker: NodeWorker } = (await import(/* @vite-ignore */ specifier)) as typeof import('node:worker_threads');
  const worker = new NodeWorker(HELPER, { eval: true });
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return { helper: worker, post: (m) => worker.postMessage(m), ready };
}

/** Whether this runtime can share a memory between threads (in a browser: cross-origin isolation). */
export function sharedMemorySupported(): boolean {
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

export class KernelThreads {
  private readonly words: Int32Array;

  private constructor(
    private readonly memory: KernelMemory,
    private readonly helpers: Helper[],
    control: number,
  ) {
    this.words = new Int32Array(memory.memory.buffer, control, CONTROL_WORDS);
  }

  /** `count` threads in all (the caller's included) on a shared kernel memory; count 1 starts none. */
  static async start(memory: KernelMemory, count: number): Promise<KernelThreads> {
    const control = memory.alloc(CONTROL_WORDS * 4);
    const started: Awaited<ReturnType<typeof startHelper>>[] = [];
    try {
      for (let index = 1; index < count; index++) {
        const stackTop = memory.alloc(STACK_BYTES) + STACK_BYTES;
        const helper = await startHelper();
        started.push(helper);
        helper.post({ module: memory.module, memory: memory.memory, control, stackTop, index, threads: count });
      }
      await Promise.all(started.map((h) => h.ready));
    } catch (error) {
      started.forEach((h) => h.helper.terminate());
      throw error;
    }
    return new KernelThreads(memory, started.map((h) => h.helper), control);
  }

  get count(): number {
    return this.helpers.length + 1;
  }

  /** matmul_q4 / matmul_q8 over all rows, split between the threads in multiples of four rows. */
  matmul(bits: 4 | 8, w: number, ws: number, xq: number, xs: number, y: number, n: number, k: number, tokens: number): void {
    const run = this.memory.run;
    const product = bits === 4 ? run.matmul_q4 : run.matmul_q8;
    if (this.helpers.length === 0 || n * k * tokens < SPLIT_MIN_WEIGHTS) {
      product(w, ws, xq, xs, y, n, k, tokens, 0, n);
      return;
    }
    const words = this.words;
    words.set([bits, w, ws, xq, xs, y, n, k, tokens], ARGS);
    Atomics.store(words, FINISHED, 0);
    Atomics.add(words, GENERATION, 1);
    Atomics.notify(words, GENERATION);
    const share = Math.ceil(n / this.count / 4) * 4;
    product(w, ws, xq, xs, y, n, k, tokens, 0, Math.min(n, share));
    const deadline = performance.now() + PRODUCT_LIMIT_MS;
    for (let done = Atomics.load(words, FINISHED); done < this.helpers.length; done = Atomics.load(words, FINISHED)) {
      if (performance.now() > deadline) throw new Error(`a CPU kernel thread did not finish a product in ${PRODUCT_LIMIT_MS / 1000} s`);
      Atomics.wait(words, FINISHED, done, 100);
    }
  }

  close(): void {
    if (this.helpers.length === 0) return;
    Atomics.store(this.words, STOP, 1);
    Atomics.add(this.words, GENERATION, 1);
    Atomics.notify(this.words, GENERATION);
    this.helpers.forEach((h) => h.terminate());
  }
}
