// Peak memory of the browser import of a real-size checkpoint, and of loading what it stored: a
// random checkpoint of glm-edge-1.5b-chat's exact shape (generated once, cached, not committed),
// served Hugging Face-style from this machine, imported through the app's engine worker in headless
// Chromium, then loaded on WebGPU and on wasm in fresh browsers. Figures only (no pass/fail).
//   npx vite build && npx tsx bench/import-memory.ts [--model edge-1.5b] [--format q4] [--dist dist] [--loads webgpu,wasm]
//     [--segment-size N] [--reps N] [--profile DIR [--skip-import]] [--out FILE]
// Each load runs --reps times in fresh browsers, the backends alternated; the table gives each run and the median.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BrowserContext, Page } from '@playwright/test';
import { formatBytes } from '../src/util/bytes';
import { listen, staticHandler } from '../tools/serve';
import { launchProfile, median, memoryPeaks, rendererResidentBytes, resetPeaks } from './browser';
import { benchCheckpoint } from './models';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'edge-1.5b' },
    format: { type: 'string', default: 'q4' },
    dist: { type: 'string', default: 'dist' },
    cache: { type: 'string', default: '.bench-models' },
    out: { type: 'string' },
    loads: { type: 'string', default: 'webgpu,wasm' },
    reps: { type: 'string', default: '1' },
    /** Layers per segment for the loads (default: the engine's plan). */
    'segment-size': { type: 'string' },
    /** A browser profile to use and keep (default: a fresh one, removed after). */
    profile: { type: 'string' },
    /** IndexedDB belongs to an origin: a kept profile needs the same port each run. */
    port: { type: 'string', default: '4180' },
    /** The pack is already in --profile: measure the loads only. */
    'skip-import': { type: 'boolean', default: false },
  },
});

interface Sample {
  step: string;
  idleRendererBytes: number;
  peakRendererBytes: number;
  peakGpuBytes: number;
  peakBrowserBytes: number;
  seconds: number;
}

/** Waits until the app's own start (the demo install and load) is done, then frees its model. */
async function settle(page: Page): Promise<void> {
  // (A build from before EngineClient.info() shows its state in the page only.)
  await page.waitForFunction(
    () => {
      const engine = (globalThis as any).glmPocketEngine;
      return typeof engine?.info === 'function' ? engine.info() !== null : document.body.innerText.includes('demo ready');
    },
    undefined,
    { timeout: 120_000 },
  );
  await withLimit(page.evaluate(() => (globalThis as any).glmPocketEngine.unload()), 60_000, 'the app did not free its demo model within a minute');
  // Let the page's start-up garbage go before the idle figure.
  await page.waitForTimeout(2000);
}

/** Longest a step may take before the run stops with an error naming it (a step that hangs). */
const STEP_LIMIT_MS = 10 * 60_000;

/** `work`, or an error saying `message` once `ms` have passed without an answer. */
async function withLimit<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/** Runs `work` (in the page) and reports the renderer's resident memory before and its peak during. */
async function measure(step: string, work: () => Promise<unknown>): Promise<Sample> {
  const idleRendererBytes = await rendererResidentBytes();
  await resetPeaks();
  const started = performance.now();
  await withLimit(work(), STEP_LIMIT_MS, `${step}: no answer after ${STEP_LIMIT_MS / 60_000} minutes`);
  const seconds = (performance.now() - started) / 1000;
  const peaks = await memoryPeaks();
  const sample = { step, idleRendererBytes, peakRendererBytes: peaks.rendererBytes, peakGpuBytes: peaks.gpuBytes, peakBrowserBytes: peaks.browserBytes, seconds };
  console.log(`${step}: renderer idle ${formatBytes(idleRendererBytes)}, peak ${formatBytes(peaks.rendererBytes)} (+${formatBytes(peaks.rendererBytes - idleRendererBytes)}), GPU process peak ${formatBytes(peaks.gpuBytes)}, browser process peak ${formatBytes(peaks.browserBytes)}, ${seconds.toFixed(1)} s`);
  return sample;
}

const checkpoint = await benchCheckpoint(values.cache!, values.model!);
const repo = `bench/${values.model}`;
const { server, url } = await listen(createServer(staticHandler({ root: values.dist!, mounts: { [`/${repo}/resolve/main/`]: checkpoint } })), { port: Number(values.port) });
const profile = values.profile ?? (await mkdtemp(join(tmpdir(), 'glm-import-memory-')));
const segmentSize = values['segment-size'] ? Number(values['segment-size']) : undefined;
const samples: Sample[] = [];
try {
  let context: BrowserContext;
  let page: Page;
  const format = values.format!;
  if (!values['skip-import']) {
    context = await launchProfile(profile);
    page = await context.newPage();
    await page.goto(url);
    await settle(page);
    samples.push(
      await measure(`import ${values.model} as ${format}`, () =>
        page.evaluate(({ repo, endpoint, format }) => (globalThis as any).glmPocketEngine.importRepo({ repo, endpoint, format }), { repo, endpoint: url.replace(/\/$/, ''), format }),
      ),
    );
    await context.close();
  }
  const id = `${repo.replace('/', '--')}-${format}`;
  const backends = Array.from({ length: Number(values.reps) }, () => values.loads!.split(',')).flat();
  for (const backend of backends) {
    context = await launchProfile(profile);
    page = await context.newPage();
    await page.goto(url);
    await settle(page);
    const load = () => page.evaluate(({ id, backend, segmentSize }) => (globalThis as any).glmPocketEngine.load({ location: { kind: 'pack', id }, backend, threads: 1, segmentSize }), { id, backend, segmentSize });
    const info = (await measure(`load ${id} on ${backend}`, load).then(async (sample) => {
      samples.push(sample);
      return page.evaluate(() => (globalThis as any).glmPocketEngine.info?.());
    })) as { segments: number } | undefined;
    if (info) console.log(`  ${info.segments} segments`);
    await context.close();
  }
} finally {
  server.close();
  if (!values.profile) await rm(profile, { recursive: true, force: true });
}
console.log('\n| step | renderer idle | renderer peak | above idle | GPU process peak | browser process peak | time |\n|---|---|---|---|---|---|---|');
for (const s of samples) console.log(`| ${s.step} | ${formatBytes(s.idleRendererBytes)} | ${formatBytes(s.peakRendererBytes)} | ${formatBytes(s.peakRendererBytes - s.idleRendererBytes)} | ${formatBytes(s.peakGpuBytes)} | ${formatBytes(s.peakBrowserBytes)} | ${s.seconds.toFixed(1)} s |`);
for (const step of new Set(samples.map((s) => s.step))) {
  const runs = samples.filter((s) => s.step === step);
  if (runs.length < 2) continue;
  const m = (f: (s: Sample) => number) => median(runs.map(f));
  console.log(`| ${step}, median of ${runs.length} | ${formatBytes(m((s) => s.idleRendererBytes))} | ${formatBytes(m((s) => s.peakRendererBytes))} | ${formatBytes(m((s) => s.peakRendererBytes - s.idleRendererBytes))} | ${formatBytes(m((s) => s.peakGpuBytes))} | ${formatBytes(m((s) => s.peakBrowserBytes))} | ${m((s) => s.seconds).toFixed(1)} s |`);
}
if (values.out) await writeFile(values.out, JSON.stringify({ date: new Date().toISOString(), model: values.model, format: values.format, dist: values.dist, samples }, null, 2));
