// GLM Pocket against transformers.js and llama.cpp on identical weights, in headless Chromium. Figures only.
//   npm run bench [-- --models small,edge --formats q4,f32 --backends wasm-1,wasm-all,webgpu
//                    --reps 3 --decode 128 --variants pocket-default,llama.cpp --out docs/benchmarks.json]
// For each model, format and backend, the variants run in alternation (A B C D A B C D ...), each
// in a fresh browser: GLM Pocket with its default segment plan, with one layer per segment, with one
// segment for all layers, on WebGPU also with a growing KV cache instead of the one written in place,
// transformers.js on the same weights exported as one graph (npm run export, q4 and f32), and on wasm
// llama.cpp (@wllama/wllama, its own wasm) on the same weights as a chatglm GGUF (tools/gguf-writer.ts:
// q4 as Q4_0, q8 as Q8_0). Every timed run's greedy tokens are compared with transformers.js's on the
// same backend (llama.cpp returns no ids here: its runs are not compared).
import { createServer } from 'node:http';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from '@playwright/test';
import { openCheckpoint } from '../src/engine/formats/checkpoint';
import { parameterCount } from '../src/engine/formats/config';
import { writePack } from '../src/engine/formats/pack/write';
import { formatBytes } from '../src/util/bytes';
import { commonPrefixLength } from '../src/util/compare';
import { exportTransformersJs } from '../tools/export';
import { writeGguf } from '../tools/gguf-writer';
import { folderFiles, folderSink } from '../tools/node-files';
import { listen, staticHandler } from '../tools/serve';
import { inPage, launchProfile, median, memoryPeaks } from './browser';
import { benchCheckpoint, MODELS, promptIds } from './models';
import type { RunRequest, RunResult } from './page/main';
import { chartSvg, markdownTables, type Summary } from './report';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'small,edge' },
    formats: { type: 'string', default: 'q4,f32' },
    backends: { type: 'string', default: 'wasm-1,wasm-all,webgpu' },
    reps: { type: 'string', default: '3' },
    decode: { type: 'string', default: '128' },
    prompts: { type: 'string', default: '128,512' },
    /** WebGPU on a software adapter is ~150x slower than wasm: fewer tokens there. */
    'webgpu-decode': { type: 'string', default: '16' },
    cache: { type: 'string', default: '.bench-models' },
    /** A subset of the variants (default: every one the backend and format have). */
    variants: { type: 'string' },
    /** The Chromium profile (IndexedDB holds the installed packs); one per concurrent run. */
    profile: { type: 'string' },
    out: { type: 'string' },
    markdown: { type: 'string' },
    svg: { type: 'string' },
    /** GLM Pocket's memory budget in MiB (Settings > Memory budget): the load plans within it (planLoad). */
    budget: { type: 'string' },
    /** Minutes one run (a load and its prompts) may take before the benchmark stops with an error naming it. */
    'run-limit': { type: 'string', default: '60' },
  },
});
const RUN_LIMIT_MS = Number(values['run-limit']) * 60_000;
const BUDGET_BYTES = values.budget ? Number(values.budget) * 2 ** 20 : undefined;

type Format = 'q4' | 'q8' | 'f32';
type Variant = 'pocket-default' | 'pocket-onnxruntime' | 'pocket-layer' | 'pocket-single' | 'pocket-kv-growing' | 'transformers.js' | 'llama.cpp';
/** The GGUF type llama.cpp runs for a format: the same blocks as the pack's. */
const GGUF_TYPES = { q4: 'Q4_0', q8: 'Q8_0' } as const;
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const chosen = values.variants ? new Set(list(values.variants)) : null;
/**
 * pocket-onnxruntime: onnxruntime's kernels where the default plan runs GLM Pocket's CPU kernels (wasm,
 * q4/q8); pocket-kv-growing: the default plan with ORT allocating a longer KV cache each step (WebGPU only).
 */
function variantsFor(backend: string, format: Format): Variant[] {
  const all: Variant[] = ['pocket-default', 'pocket-layer', 'pocket-single'];
  if (backend !== 'webgpu' && format !== 'f32') all.push('pocket-onnxruntime');
  if (backend === 'webgpu') all.push('pocket-kv-growing');
  if (format !== 'q8') all.push('transformers.js');
  if (format !== 'f32' && backend !== 'webgpu') all.push('llama.cpp');
  return all.filter((v) => !chosen || chosen.has(v));
}
const exists = (path: string) => stat(path).then(() => true, () => false);

/** The model in each runtime's form, written once into the cache: pack, transformers.js export, GGUF. */
async function prepare(cache: string, name: string, format: Format, variants: Set<Variant>): Promise<{ packId: string; gguf: string; params: number }> {
  const checkpoint = await benchCheckpoint(cache, name);
  const packId = `${name}-${format}`;
  if (!(await exists(join(cache, 'packs', packId, 'manifest.json')))) {
    console.log(`converting ${packId}...`);
    await writePack(await openCheckpoint(folderFiles(checkpoint)), format, folderSink(join(cache, 'packs', packId)), { id: packId });
  }
  if (variants.has('transformers.js') && !(await exists(join(cache, 'tjs', packId, 'config.json')))) {
    console.log(`exporting ${packId} for transformers.js...`);
    await exportTransformersJs(checkpoint, format, join(cache, 'tjs', packId));
  }
  const type = format === 'f32' ? null : GGUF_TYPES[format];
  const gguf = type ? `${name}-${type}.gguf` : '';
  if (type && variants.has('llama.cpp') && !(await exists(join(cache, 'gguf', gguf)))) {
    console.log(`writing ${gguf} for llama.cpp...`);
    await mkdir(join(cache, 'gguf'), { recursive: true });
    // Written beside, then renamed: a run stopped part way leaves no truncated file under the final name.
    await writeGguf(checkpoint, join(cache, 'gguf', `${gguf}.partial`), { type, keepValues: false });
    await rename(join(cache, 'gguf', `${gguf}.partial`), join(cache, 'gguf', gguf));
  }
  return { packId, gguf, params: parameterCount((await openCheckpoint(folderFiles(checkpoint))).config) };
}

async function openPage(profile: string, url: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await launchProfile(profile);
  const page = await context.newPage();
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && console.log(`  [page] ${m.text()}`));
  await page.goto(url);
  await page.waitForFunction(() => document.title.endsWith('ready'));
  return { page, close: () => context.close() };
}

function request(variant: Variant, packId: string, gguf: string, numLayers: number, backend: string, prompts: RunRequest['prompts']): RunRequest {
  const [kind, threads] = backend.split('-');
  const base = { model: packId, backend: kind as RunRequest['backend'], threads: threads === 'all' ? cpus().length : Number(threads ?? 1), prompts };
  if (variant === 'transformers.js') return { ...base, dtype: packId.endsWith('q4') ? 'q4' : 'fp32' };
  if (variant === 'llama.cpp') return { ...base, model: gguf };
  const pocket = { ...base, memoryBudgetBytes: BUDGET_BYTES };
  // Segments are onnxruntime's: the plans that set them run its kernels on the CPU too.
  if (variant === 'pocket-onnxruntime') return { ...pocket, cpuKernels: false };
  if (variant === 'pocket-layer') return { ...pocket, segmentSize: 1, cpuKernels: false };
  if (variant === 'pocket-kv-growing') return { ...pocket, kvInPlace: false };
  return variant === 'pocket-single' ? { ...pocket, segmentSize: numLayers, cpuKernels: false } : pocket;
}

/** One run in a fresh browser, with its processes' peak memory and the machine's 1-minute load average as it ended (the machine may be shared). */
async function runOnce(profile: string, url: string, variant: Variant, req: RunRequest): Promise<RunResult & { rendererBytes: number; gpuBytes: number; loadAverage: number }> {
  const { page, close } = await openPage(profile, url);
  try {
    const step = `${req.model} ${req.backend}-${req.threads} ${variant}`;
    console.log(`${step}: running`);
    const result = await inPage(page, step, RUN_LIMIT_MS, () =>
      page.evaluate(
        ({ variant, req }) => {
          const bench = (globalThis as any).bench;
          return variant === 'transformers.js' ? bench.transformersJs(req) : variant === 'llama.cpp' ? bench.llamaCpp(req) : bench.pocket(req);
        },
        { variant, req },
      ),
    );
    const peaks = await memoryPeaks();
    return { ...(result as RunResult), rendererBytes: peaks.rendererBytes, gpuBytes: peaks.gpuBytes, loadAverage: loadavg()[0] };
  } finally {
    await close();
  }
}

const cache = resolve(values.cache!);
const profile = resolve(values.profile ?? join(cache, 'profile'));
await mkdir(cache, { recursive: true });
const decode = Number(values.decode);
const handler = staticHandler({ root: 'dist-bench', mounts: { '/models/tjs/': join(cache, 'tjs'), '/packs/': join(cache, 'packs'), '/ort-tjs/': 'node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist', '/gguf/': join(cache, 'gguf'), '/wllama/': 'node_modules/@wllama/wllama/esm/' } });
const { server, url } = await listen(createServer(handler));
const summaries: Summary[] = [];
const browserVersion = await (async () => {
  const context = await launchProfile(profile);
  const version = context.browser()?.version() ?? (await (await context.newPage()).evaluate(() => navigator.userAgent));
  await context.close();
  return version;
})();

const machine = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${browserVersion} headless`;
const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();

/** The results so far to --out and --markdown: written after each configuration, so a run stopped part way keeps what it measured. */
async function writeResults(): Promise<void> {
  if (values.out) await writeFile(values.out, JSON.stringify({ date: new Date().toISOString(), machine, command, results: summaries }, null, 2));
  if (values.markdown) await writeFile(values.markdown, `${markdownTables(summaries)}\n`);
}

try {
  for (const name of list(values.models!)) {
    for (const format of list(values.formats!) as Format[]) {
      const backends = list(values.backends!);
      const { packId, gguf, params } = await prepare(cache, name, format, new Set(backends.flatMap((b) => variantsFor(b, format))));
      const numLayers = MODELS[name].numLayers!;
      // Install the pack into IndexedDB (untimed), and check GLM Pocket and transformers.js choose the same greedy tokens.
      {
        const { page, close } = await openPage(profile, url);
        await inPage(page, `${packId}: install`, RUN_LIMIT_MS, () => page.evaluate((u) => (globalThis as any).bench.pocketInstall(u), new URL(`packs/${packId}/`, url).href));
        await close();
      }
      let sameTokens = 'not compared';
      if (backends.some((b) => variantsFor(b, format).includes('transformers.js'))) {
        const check = [{ ids: promptIds(128, 1), newTokens: 32 }];
        const ours = await runOnce(profile, url, 'pocket-default', request('pocket-default', packId, gguf, numLayers, 'wasm-1', check));
        const theirs = await runOnce(profile, url, 'transformers.js', request('transformers.js', packId, gguf, numLayers, 'wasm-1', check));
        sameTokens = `${commonPrefixLength(ours.prompts[0].ids, theirs.prompts[0].ids)}/${ours.prompts[0].ids.length}`;
      }
      console.log(`${packId}: ${(params / 1e6).toFixed(0)}M parameters; greedy tokens identical to transformers.js's: ${sameTokens}`);

      for (const backend of backends) {
        const newTokens = backend === 'webgpu' ? Number(values['webgpu-decode']) : decode;
        const prompts = list(values.prompts!).map((n, i) => ({ ids: promptIds(Number(n), 100 + i), newTokens: i === 0 ? newTokens : 4 }));
        const variants = variantsFor(backend, format);
        const samples = new Map<Variant, Awaited<ReturnType<typeof runOnce>>[]>(variants.map((v) => [v, []]));
        for (let rep = 0; rep < Number(values.reps); rep++) {
          for (const variant of variants) {
            const r = await runOnce(profile, url, variant, request(variant, packId, gguf, numLayers, backend, prompts));
            samples.get(variant)!.push(r);
            const p = r.prompts;
            console.log(
              `${packId} ${backend.padEnd(8)} ${variant.padEnd(15)} rep ${rep + 1}: load ${(r.loadMs / 1000).toFixed(2)} s, ` +
                p.map((x) => `ttft(${x.promptTokens}) ${x.timeToFirstTokenMs.toFixed(0)} ms`).join(', ') +
                `, decode ${p[0].decodeTokensPerSecond.toFixed(1)} tok/s, renderer ${formatBytes(r.rendererBytes)}, gpu ${formatBytes(r.gpuBytes)}, load average ${r.loadAverage.toFixed(1)}`,
            );
          }
        }
        const peerIds = samples.get('transformers.js')?.[0].prompts[0].ids;
        for (const variant of variants) {
          const s = samples.get(variant)!;
          const m = (f: (r: (typeof s)[number]) => number) => median(s.map(f));
          summaries.push({
            model: name,
            params,
            format,
            backend,
            variant,
            segments: s[0].segments,
            cpuKernels: s[0].cpuKernels,
            floatWeights: s[0].floatWeights,
            int8: s[0].int8,
            budgetBytes: s[0].budgetBytes,
            adapter: s[0].adapter,
            sameTokens,
            tokensAsPeer: peerIds && variant !== 'llama.cpp' ? `${commonPrefixLength(s[0].prompts[0].ids, peerIds)}/${peerIds.length}` : undefined,
            loadMs: m((r) => r.loadMs),
            prompts: prompts.map((p, i) => ({ promptTokens: p.ids.length, timeToFirstTokenMs: m((r) => r.prompts[i].timeToFirstTokenMs), prefillTokensPerSecond: m((r) => r.prompts[i].prefillTokensPerSecond) })),
            decodeTokens: newTokens,
            decodeTokensPerSecond: m((r) => r.prompts[0].decodeTokensPerSecond),
            rendererBytes: m((r) => r.rendererBytes),
            gpuBytes: m((r) => r.gpuBytes),
            samples: s.length,
            loadAverage: m((r) => r.loadAverage),
          });
        }
        await writeResults();
      }
    }
  }
} finally {
  server.close();
}

console.log(`\n${machine}\n${command}\n\n${markdownTables(summaries)}`);
await writeResults();
if (values.svg) await writeFile(values.svg, chartSvg(summaries));
