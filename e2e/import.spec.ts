// Importing a GLM repository from a Hugging Face-style endpoint in the browser (Range requests,
// conversion in the worker, straight into IndexedDB), or a folder picked on the device: the app
// then runs it with the logits of converting the same checkpoint locally.
import { expect, test, type Page } from '@playwright/test';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { openCheckpoint } from '../src/engine/formats/checkpoint';
import { ggufSource, openGguf } from '../src/engine/formats/gguf';
import { loadAsOnCpu } from './helpers';
import { checkpointSource } from '../src/engine/formats/source';
import { writeGlmCheckpoint } from '../tools/checkpoint-writer';
import { writeGguf } from '../tools/gguf-writer';
import { writePack } from '../src/engine/formats/pack/write';
import { folderFiles, folderSink } from '../tools/node-files';
import { listen, staticHandler } from '../tools/serve';

let server: Server;
let baseUrl: string;
let expected: number[];
let expectedGguf: number[];
const IDS = [9, 8, 7, 6];

test.beforeAll(async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'glm-hub-')), 'edge');
  await writeGlmCheckpoint(dir, { shape: 'glm-4-9b', seed: 111, shards: 2 });
  // A GGUF repository: one .gguf file, config and tokenizer in its metadata.
  const ggufDir = join(dir, '..', 'gguf');
  await mkdir(ggufDir);
  await writeGguf(dir, join(ggufDir, 'tiny-glm-Q4_0.gguf'), { type: 'Q4_0' });
  const mounts = { '/hub/zai-org/tiny-glm/resolve/main/': dir, '/hub/zai-org/tiny-glm-gguf/resolve/main/': ggufDir };
  ({ server, url: baseUrl } = await listen(createServer(staticHandler({ root: 'dist', mounts }))));
  ort.env.wasm.numThreads = 1;
  const model = await loadAsOnCpu(checkpointSource(await openCheckpoint(folderFiles(dir)), 'q4'));
  expected = Array.from(await model.forward(IDS, true));
  const fromGguf = await loadAsOnCpu(ggufSource(await openGguf(folderFiles(ggufDir), 'tiny-glm-Q4_0.gguf'), 'q4'));
  expectedGguf = Array.from(await fromGguf.forward(IDS, true));
});
test.afterAll(() => server?.close());

/** Imports `repo` (optionally one of its GGUF files) from the Models page, uses the pack, and checks its logits. */
async function importAndCompare(page: Page, repo: string, packName: string, reference: number[], gguf?: string): Promise<void> {
  await page.goto(baseUrl);
  await expect(page.getByText('GLM Pocket demo ready')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Models' }).click();
  await expect(page.getByText(/GLM-Edge 1.5B chat/)).toBeVisible();
  await page.getByRole('button', { name: 'Advanced' }).click();
  await page.getByLabel('Repository', { exact: true }).fill(repo);
  await page.getByLabel('Endpoint (or a mirror)').fill(`${baseUrl}hub`);
  if (gguf) await page.getByLabel(/GGUF file in the repository/).fill(gguf);
  await page.getByRole('button', { name: 'Import' }).click();
  const item = page.getByRole('listitem').filter({ hasText: packName });
  await expect(item).toBeVisible({ timeout: 60_000 });
  await item.getByRole('button', { name: 'Use' }).click();
  await expect(page.getByText(`${packName} ready`)).toBeVisible({ timeout: 60_000 });
  const logits = await page.evaluate(async (ids) => Array.from((await (globalThis as any).glmPocketEngine.logits(ids)).logits as Float32Array), IDS);
  // The page runs wasm with several threads, Node with one: sums may round differently.
  const maxDiff = Math.max(...logits.map((v, i) => Math.abs(v - reference[i])));
  expect(maxDiff / Math.max(...reference.map(Math.abs))).toBeLessThan(1e-5);
}

test('a repository imports from the Models page and loads with the logits of a local conversion', async ({ page }) => {
  await importAndCompare(page, 'zai-org/tiny-glm', 'tiny-glm (q4)', expected);
});

test('a GGUF file of a repository imports from the Models page and runs like the file read in Node', async ({ page }) => {
  await importAndCompare(page, 'zai-org/tiny-glm-gguf', 'tiny-glm-Q4_0 (q4)', expectedGguf, 'tiny-glm-Q4_0.gguf');
});

test('a repository that does not exist gives a clear message', async ({ page }) => {
  await page.goto(baseUrl);
  await expect(page.getByText('GLM Pocket demo ready')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Models' }).click();
  await page.getByRole('button', { name: 'Advanced' }).click();
  await page.getByLabel('Repository', { exact: true }).fill('zai-org/missing');
  await page.getByLabel('Endpoint (or a mirror)').fill(`${baseUrl}hub`);
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByRole('alert')).toContainText('config.json: not found in zai-org/missing@main');
});

test('a checkpoint folder and a pack folder picked on the device are added and run', async ({ page }) => {
  const root = await mkdtemp(join(tmpdir(), 'glm-picked-'));
  const checkpointDir = join(root, 'my-glm');
  await writeGlmCheckpoint(checkpointDir, { shape: 'glm-edge', seed: 121 });
  const packDir = join(root, 'my-pack');
  await writePack(await openCheckpoint(folderFiles(checkpointDir)), 'q8', folderSink(packDir), { id: 'my-pack-q8', name: 'My pack', chunkBytes: 8192 });

  await page.goto(baseUrl);
  await expect(page.getByText('GLM Pocket demo ready')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Models' }).click();
  await page.getByRole('button', { name: 'Advanced' }).click();
  const picker = page.getByLabel(/add a model folder from this device/);
  await picker.setInputFiles(checkpointDir);
  await expect(page.getByRole('listitem').filter({ hasText: 'my-glm (q4)' })).toBeVisible({ timeout: 60_000 });
  await picker.setInputFiles(packDir);
  const pack = page.getByRole('listitem').filter({ hasText: 'My pack' });
  await expect(pack).toContainText('8-bit');
  await pack.getByRole('button', { name: 'Use' }).click();
  await expect(page.getByText('My pack ready')).toBeVisible({ timeout: 60_000 });
  const expectedModel = await loadAsOnCpu(checkpointSource(await openCheckpoint(folderFiles(checkpointDir)), 'q8'));
  const expectedLogits = Array.from(await expectedModel.forward(IDS, true));
  const logits = await page.evaluate(async (ids) => Array.from((await (globalThis as any).glmPocketEngine.logits(ids)).logits as Float32Array), IDS);
  const maxDiff = Math.max(...logits.map((v, i) => Math.abs(v - expectedLogits[i])));
  expect(maxDiff / Math.max(...expectedLogits.map(Math.abs))).toBeLessThan(1e-5);
});
