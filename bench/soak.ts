// Soak run: 300 generations with the demo model in headless Chromium, sampling the resident memory
// of the page's process (and the GPU process) every 25, and reporting the trend. Figures only.
//   npm run bench:soak [-- --generations 300 --backend wasm]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatBytes } from '../src/util/bytes';
import { startServer } from '../tools/serve';
import { chromiumProcesses, launchProfile } from './browser';

const { values } = parseArgs({ options: { generations: { type: 'string', default: '300' }, backend: { type: 'string', default: 'wasm' } } });
const GENERATIONS = Number(values.generations);
const QUESTIONS = ['How do I install the app?', 'Does it work offline?', 'What is top-p?', 'What is the memory budget?', '你好', '怎么删除模型？'];

async function residentBytes(): Promise<{ renderer: number; gpu: number }> {
  const processes = await chromiumProcesses();
  const max = (type: string) => Math.max(0, ...processes.filter((p) => p.type === type).map((p) => p.rssBytes));
  return { renderer: max('renderer'), gpu: max('gpu-process') };
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0);
  const den = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return num / den;
}

const profile = await mkdtemp(join(tmpdir(), 'glm-soak-'));
const { server, url } = await startServer({ root: 'dist' });
const context = await launchProfile(profile);
try {
  const page = await context.newPage();
  await page.goto(url);
  await page.getByText('GLM Pocket demo ready').waitFor({ timeout: 120_000 });
  await page.evaluate((backend) => (globalThis as any).glmPocketEngine.load({ location: { kind: 'pack', id: 'glm-pocket-demo-q4' }, backend, maxSequenceLength: 512 }), values.backend);
  const samples: { generation: number; renderer: number; gpu: number; ms: number }[] = [];
  const started = performance.now();
  for (let g = 1; g <= GENERATIONS; g++) {
    // A conversation that keeps growing: every generation sees the recent history, trimmed to the context.
    await page.evaluate(
      async ({ question, turn }) => {
        const w = globalThis as any;
        w.soakHistory ??= [];
        w.soakHistory.push({ role: 'user', content: question });
        let reply = '';
        await w.glmPocketEngine.chat(w.soakHistory, { maxNewTokens: 64, temperature: 0.7, topP: 0.9, seed: turn }, (t: string) => (reply += t)).result;
        w.soakHistory.push({ role: 'assistant', content: reply });
      },
      { question: QUESTIONS[g % QUESTIONS.length], turn: g },
    );
    if (g % 25 === 0) {
      const r = await residentBytes();
      samples.push({ generation: g, ...r, ms: performance.now() - started });
      console.log(`generation ${String(g).padStart(3)}: renderer ${formatBytes(r.renderer).padStart(8)}  gpu ${formatBytes(r.gpu).padStart(8)}  ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  const xs = samples.map((s) => s.generation);
  const rendererSlope = slope(xs, samples.map((s) => s.renderer)) * 100;
  const tail = samples.slice(samples.length / 2);
  const tailSlope = slope(tail.map((s) => s.generation), tail.map((s) => s.renderer)) * 100;
  console.log(`\ntrend of the renderer's resident memory: ${(rendererSlope / 1e6).toFixed(2)} MB per 100 generations over the run, ${(tailSlope / 1e6).toFixed(2)} MB per 100 over its second half`);
  console.log(`first sample ${formatBytes(samples[0].renderer)}, last ${formatBytes(samples.at(-1)!.renderer)}, max ${formatBytes(Math.max(...samples.map((s) => s.renderer)))}`);
} finally {
  await context.close();
  server.close();
  await rm(profile, { recursive: true, force: true });
}
