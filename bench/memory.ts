// Peak memory while loading a large synthetic pack in headless Chromium: layer-wise loading against
// reading all weights at once, on wasm and WebGPU, and streaming with a quarter-size budget.
// Figures only (no pass/fail). Usage: npm run bench:memory [-- --out docs/memory.json]
import { createServer } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openCheckpoint } from '../src/engine/formats/checkpoint';
import { writePack } from '../src/engine/formats/pack/write';
import { formatBytes } from '../src/util/bytes';
import { writeGlmCheckpoint } from '../tools/checkpoint-writer';
import { folderFiles, folderSink } from '../tools/node-files';
import { listen, staticHandler } from '../tools/serve';
import { launchProfile, median, memoryPeaks, type MemoryPeaks } from './browser';

const { values } = parseArgs({ options: { out: { type: 'string' }, layers: { type: 'string', default: '8' }, repeat: { type: 'string', default: '3' } } });
const REPEAT = Number(values.repeat);

interface Run {
  backend: 'wasm' | 'webgpu';
  mode: string;
  segmentSize?: number;
  budgetFraction?: number;
  /** Only start the page and its engine worker: the fixed overhead. */
  baseline?: boolean;
  prepackWeights?: boolean;
}

const RUNS: Run[] = [
  { backend: 'wasm', mode: 'baseline: page and worker, no model', baseline: true },
  { backend: 'wasm', mode: 'layer-wise (1 layer per segment)', segmentSize: 1 },
  { backend: 'wasm', mode: 'layer-wise (1 layer), prepacking off', segmentSize: 1, prepackWeights: false },
  { backend: 'wasm', mode: 'layer-wise (default plan)' },
  { backend: 'wasm', mode: 'whole model at once (one segment)', segmentSize: 1000 },
  { backend: 'wasm', mode: 'streaming, budget = model / 4', budgetFraction: 0.25 },
  { backend: 'webgpu', mode: 'layer-wise (1 layer per segment)', segmentSize: 1 },
  { backend: 'webgpu', mode: 'whole model at once (one segment)', segmentSize: 1000 },
  { backend: 'webgpu', mode: 'streaming, budget = model / 4', budgetFraction: 0.25 },
];

const work = await mkdtemp(join(tmpdir(), 'glm-bench-memory-'));
try {
  console.log('writing a synthetic GLM checkpoint and converting it to an f32 pack...');
  const checkpointDir = join(work, 'checkpoint');
  await writeGlmCheckpoint(checkpointDir, { shape: 'glm-edge', seed: 7, vocabSize: 16000, hiddenSize: 1024, intermediateSize: 2816, numHeads: 8, numKvHeads: 2, numLayers: Number(values.layers) });
  const packDir = join(work, 'pack');
  const manifest = await writePack(await openCheckpoint(folderFiles(checkpointDir)), 'f32', folderSink(packDir), { id: 'bench-f32' });
  await rm(checkpointDir, { recursive: true });
  const weightBytes = manifest.parts.reduce((s, p) => s + p.bytes, 0);
  console.log(`pack: ${formatBytes(manifest.totalBytes)} (${manifest.parts.length - 1} layers of ${formatBytes(manifest.parts[1].bytes)}, base ${formatBytes(manifest.parts[0].bytes)})`);

  const app = staticHandler({ root: 'dist', mounts: { '/pack/': packDir } });
  const { server, url } = await listen(createServer(app));
  const profile = join(work, 'profile');
  const budgetOf = (run: Run) => (run.budgetFraction ? Math.round(weightBytes * run.budgetFraction) : undefined);

  console.log('installing the pack into IndexedDB...');
  let context = await launchProfile(profile);
  let page = await context.newPage();
  await page.goto(url);
  await page.evaluate(() => (globalThis as any).glmPocketEngine.install('/pack/'));
  await context.close();

  type Sample = MemoryPeaks & { loadMs: number; segments: number; streaming: boolean };
  const samples = new Map<Run, Sample[]>(RUNS.map((r) => [r, []]));
  // Rounds of every configuration in turn (A B C ... A B C ...), a fresh browser for each sample.
  for (let round = 0; round < REPEAT; round++) {
    for (const run of RUNS) {
      context = await launchProfile(profile);
      page = await context.newPage();
      await page.goto(url);
      const info = await page.evaluate(
        async ({ backend, segmentSize, budgetBytes, baseline, prepackWeights }) => {
          const engine = (globalThis as any).glmPocketEngine;
          if (baseline) return { ...(await engine.listPacks())[0], loadMs: 0, segments: 0, streaming: false };
          const info = await engine.load({ location: { kind: 'pack', id: 'bench-f32' }, backend, segmentSize, memoryBudgetBytes: budgetBytes, threads: 1, prepackWeights });
          await engine.logits([1, 2, 3]);
          return info;
        },
        { backend: run.backend, segmentSize: run.segmentSize, budgetBytes: budgetOf(run), baseline: run.baseline, prepackWeights: run.prepackWeights },
      );
      const peaks = await memoryPeaks();
      await context.close();
      samples.get(run)!.push({ ...peaks, loadMs: info.loadMs, segments: info.segments, streaming: info.streaming });
      console.log(`round ${round + 1}: ${run.backend.padEnd(6)} ${run.mode.padEnd(40)} renderer ${formatBytes(peaks.rendererBytes).padStart(8)}  gpu ${formatBytes(peaks.gpuBytes).padStart(8)}`);
    }
  }
  const results = RUNS.map((run) => {
    const s = samples.get(run)!;
    const m = (f: (x: Sample) => number) => median(s.map(f));
    return { ...run, budgetBytes: budgetOf(run), segments: s[0].segments, streaming: s[0].streaming, rendererBytes: m((x) => x.rendererBytes), gpuBytes: m((x) => x.gpuBytes), totalBytes: m((x) => x.rendererBytes + x.gpuBytes), loadMs: m((x) => x.loadMs), samples: s };
  });
  server.close();

  const table = [
    `Pack: ${formatBytes(manifest.totalBytes)} f32 (${manifest.parts.length - 1} layers of ${formatBytes(manifest.parts[1].bytes)}, base part ${formatBytes(manifest.parts[0].bytes)}). Medians of ${REPEAT} fresh browser starts each.`,
    '',
    '| backend | loading | segments | renderer peak | GPU process peak | renderer + GPU | load time |',
    '|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.backend} | ${r.mode} | ${r.segments}${r.streaming ? ' (streamed)' : ''} | ${formatBytes(r.rendererBytes)} | ${formatBytes(r.gpuBytes)} | ${formatBytes(r.totalBytes)} | ${(r.loadMs / 1000).toFixed(1)} s |`),
  ].join('\n');
  console.log(`\n${table}`);
  if (values.out) await writeFile(values.out, JSON.stringify({ date: new Date().toISOString(), packBytes: manifest.totalBytes, results }, null, 2));
} finally {
  await rm(work, { recursive: true, force: true });
}
