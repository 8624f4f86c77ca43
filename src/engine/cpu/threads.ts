// Several threads on one matrix product or one layer's attention: helper workers instantiate the
// kernel module on the same shared memory and each takes its share of the rows or key/value heads; the calling thread takes the first share
// and waits for the others on an Atomics word. A product is about 0.1-20 ms, a hand-off some tens of
// microseconds. The helper is a short script run from a string, so that it starts alike in a browser
// worker (a blob URL; cross-origin isolation is what gives shared memory at all) and in Node
// (worker_threads, eval), with nothing to bundle.
import { withLimit } from '../../util/limit';
import type { KernelMemory } from './kernels';

/**
 * Control words: [generation, stop, finished helpers, the job's kind, then its arguments (16), then
 * per helper the generation it last took up].
 */
const GENERATION = 0;
const STOP = 1;
const FINISHED = 2;
const KIND = 3;
const ARGS = 4;
const TAKEN = 20;
const CONTROL_WORDS = 32;
const MATMUL = 0;
const ATTENTION = 1;
const STACK_BYTES = 64 * 1024;
/**
 * Products with fewer multiply-adds run on the calling thread alone: a hand-off costs some tens of
 * microseconds, more than splitting a small product saves (the demo model decodes at 0.25 ms a token
 * on one thread, 0.8-1.4 ms on two when every product is split).
 */
export const SPLIT_MIN_WORK = 1 << 20;
/**
 * How long a thread spins on the control words before it sleeps on them: waking a sleeping thread
 * takes long next to a product, and the next job mostly comes within this (two threads in Node: the
 * 1.5B shape decodes at 8.2-8.7 tokens/s with it, 6.8-7.7 without; a 48M model at 266-281, 225-242).
 */
const SPIN_MS = 1;
/** The longest the helpers may take to start and say they are ready; past it the kernels run on one thread. */
const START_LIMIT_MS = 10_000;
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
    for (const until = performance.now() + ${SPIN_MS}; Atomics.load(words, ${GENERATION}) === seen && performance.now() < until; );
    Atomics.wait(words, ${GENERATION}, seen);
    seen = Atomics.load(words, ${GENERATION});
    if (Atomics.load(words, ${STOP})) return;
    Atomics.store(words, ${TAKEN} + index, seen);
    const a = words.subarray(${ARGS}, ${ARGS} + 16);
    if (Atomics.load(words, ${KIND}) === ${MATMUL}) {
      const [bits, w, ws, xq, xs, y, n, k, tokens] = a;
      const share = Math.ceil(n / threads / 4) * 4;
      const first = Math.min(n, share * index), end = Math.min(n, first + share);
      if (first < end) (bits === 4 ? run.matmul_q4 : run.matmul_q8)(w, ws, xq, xs, y, n, k, tokens, first, end);
    } else {
      const [qkv, kv, layer, layers, past, rows, heads, kvHeads, headDim, out, scores, scoresBytes] = a;
      const share = Math.ceil(kvHeads / threads);
      const first = Math.min(kvHeads, share * index), end = Math.min(kvHeads, first + share);
      if (first < end) run.attention_heads(qkv, kv, layer, layers, past, rows, heads, kvHeads, headDim, out, scores + index * scoresBytes, first, end);
    }
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
    const ready = new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      worker.onerror = (event) => reject(new Error(`a CPU kernel thread failed to start: ${event.message}`));
    }).finally(() => URL.revokeObjectURL(url)); // only once the script has run: revoking earlier can race its fetch
    return { helper: worker, post: (m) => worker.postMessage(m), ready };
  }
  const specifier = 'node:worker_threads'; // Node only: kept out of the browser bundle
  const { Worker: NodeWorker } = (await import(/* @vite-ignore */ specifier)) as typeof import('node:worker_threads');
  const worker = new NodeWorker(HELPER, { eval: true });
  worker.unref(); // a helper waiting for work must not keep a finished command-line run alive
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
    /** Products (multiply-adds) and attention passes smaller than this run on the caller alone. */
    private readonly splitMinWork: number,
  ) {
    this.words = new Int32Array(memory.memory.buffer, control, CONTROL_WORDS);
  }

  /**
   * `count` threads in all (the caller's included) on a shared kernel memory; count 1 starts none.
   * Helpers that fail to start, or are not ready within START_LIMIT_MS, are stopped and the kernels
   * run on the calling thread alone (a warning says so): a load never waits on them for ever.
   */
  static async start(memory: KernelMemory, count: number, splitMinWork = SPLIT_MIN_WORK): Promise<KernelThreads> {
    const control = memory.alloc(CONTROL_WORDS * 4);
    const started: Awaited<ReturnType<typeof startHelper>>[] = [];
    try {
      for (let index = 1; index < count; index++) {
        const stackTop = memory.alloc(STACK_BYTES) + STACK_BYTES;
        const helper = await startHelper();
        started.push(helper);
        helper.post({ module: memory.module, memory: memory.memory, control, stackTop, index, threads: count });
      }
      await withLimit(Promise.all(started.map((h) => h.ready)), START_LIMIT_MS, () => new Error(`not ready within ${START_LIMIT_MS / 1000} s`));
    } catch (error) {
      started.forEach((h) => h.helper.terminate());
      console.warn(`the CPU kernels run on one thread: ${count - 1} helper thread(s) did not start (${(error as Error).message})`);
      return new KernelThreads(memory, [], control, splitMinWork);
    }
    return new KernelThreads(memory, started.map((h) => h.helper), control, splitMinWork);
  }

  get count(): number {
    return this.helpers.length + 1;
  }

  /** matmul_q4 / matmul_q8 over all rows, split between the threads in multiples of four rows. */
  matmul(bits: 4 | 8, w: number, ws: number, xq: number, xs: number, y: number, n: number, k: number, tokens: number): void {
    const run = this.memory.run;
    const product = bits === 4 ? run.matmul_q4 : run.matmul_q8;
    if (this.helpers.length === 0 || n * k * tokens < this.splitMinWork) {
      product(w, ws, xq, xs, y, n, k, tokens, 0, n);
      return;
    }
    const share = Math.ceil(n / this.count / 4) * 4;
    this.split(MATMUL, [bits, w, ws, xq, xs, y, n, k, tokens], () => product(w, ws, xq, xs, y, n, k, tokens, 0, Math.min(n, share)));
  }

  /**
   * attention_heads over every key/value head, split between the threads by heads; `scores` holds
   * `scoresBytes` of scratch for each thread.
   */
  attention(qkv: number, kv: number, layer: number, layers: number, past: number, rows: number, heads: number, kvHeads: number, headDim: number, out: number, scores: number, scoresBytes: number): void {
    const run = this.memory.run;
    const share = this.helpers.length === 0 ? kvHeads : Math.ceil(kvHeads / this.count);
    const own = () => run.attention_heads(qkv, kv, layer, layers, past, rows, heads, kvHeads, headDim, out, scores, 0, Math.min(kvHeads, share));
    // A short context is cheap next to a hand-off.
    if (share === kvHeads || (past + rows) * rows * heads * headDim < this.splitMinWork) {
      run.attention_heads(qkv, kv, layer, layers, past, rows, heads, kvHeads, headDim, out, scores, 0, kvHeads);
      return;
    }
    this.split(ATTENTION, [qkv, kv, layer, layers, past, rows, heads, kvHeads, headDim, out, scores, scoresBytes], own);
  }

  /** Hands the job to the helpers, runs the caller's share, and waits (bounded) for theirs. */
  private split(kind: number, args: number[], own: () => void): void {
    const words = this.words;
    words.set(args, ARGS);
    Atomics.store(words, KIND, kind);
    Atomics.store(words, FINISHED, 0);
    Atomics.add(words, GENERATION, 1);
    Atomics.notify(words, GENERATION);
    own();
    for (const until = performance.now() + SPIN_MS; Atomics.load(words, FINISHED) < this.helpers.length && performance.now() < until; );
    const deadline = performance.now() + PRODUCT_LIMIT_MS;
    for (let done = Atomics.load(words, FINISHED); done < this.helpers.length; done = Atomics.load(words, FINISHED)) {
      if (performance.now() > deadline) {
        const generation = Atomics.load(words, GENERATION);
        const idle = this.helpers.map((_, i) => i + 1).filter((i) => Atomics.load(words, TAKEN + i) !== generation);
        const state = idle.length > 0 ? `helper(s) ${idle.join(', ')} never took it up` : 'every helper took it up';
        throw new Error(`a CPU kernel thread did not finish its share in ${PRODUCT_LIMIT_MS / 1000} s (${state})`);
      }
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
