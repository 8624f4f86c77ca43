// The pack store in real Chromium (real IndexedDB, the engine worker): install with progress,
// resume after a dropped connection and a page reload, corrupted chunk, quota too small, delete,
// and loading from the store with the checkpoint's logits.
import { expect, test, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import * as ort from 'onnxruntime-web';
import { openCheckpoint } from '../src/engine/formats/checkpoint';
import { loadAsOnCpu } from './helpers';
import type { PackManifest } from '../src/engine/formats/pack/manifest';
import { checkpointSource } from '../src/engine/formats/source';
import { packFixture, packHandler, newFaults } from '../tests/pack-fixtures';
import { folderFiles } from '../tools/node-files';
import { listen, staticHandler } from '../tools/serve';

const IDS = [3, 14, 15, 92, 65];
const faults = newFaults();
let server: Server;
let baseUrl: string;
let manifest: PackManifest;
let expectedLogits: number[];

test.beforeAll(async () => {
  const fixture = await packFixture({ shape: 'glm-edge', seed: 91 }, 'q4', 4096);
  manifest = fixture.manifest;
  const pack = packHandler(fixture.packDir, faults);
  const app = staticHandler({ root: 'dist' });
  ({ server, url: baseUrl } = await listen(createServer((req, res) => ((req.url ?? '').startsWith('/pack/') ? pack(req, res) : app(req, res)))));
  ort.env.wasm.numThreads = 1;
  const model = await loadAsOnCpu(checkpointSource(await openCheckpoint(folderFiles(fixture.checkpointDir)), 'q4'));
  expectedLogits = Array.from(await model.forward(IDS, true));
});
test.afterAll(() => server?.close());
test.beforeEach(() => {
  faults.requests.length = 0;
  faults.dropOnce.clear();
  faults.dropAlways.clear();
  faults.corrupt.clear();
});

/** Opens the app and waits until its own first-load work (the demo install) is done. */
async function openApp(page: Page): Promise<void> {
  await page.goto(baseUrl);
  await expect(page.getByText('GLM Pocket demo ready')).toBeVisible();
}

/** This test's pack in the store's list (the demo pack is there too). */
async function testPacks(page: Page): Promise<unknown[]> {
  const packs = (await engineCall<{ id: string }[]>(page, 'listPacks')) as { id: string }[];
  return packs.filter((p) => p.id === manifest.id);
}

/** Calls the page's engine client; errors come back as { error } so their text can be checked. */
function engineCall<T>(page: Page, fn: string, ...args: unknown[]): Promise<T | { error: string }> {
  return page.evaluate(
    async ({ fn, args }) => {
      const engine = (globalThis as any).glmPocketEngine;
      try {
        const result = await engine[fn](...args);
        return result instanceof Float32Array ? Array.from(result) : result;
      } catch (error) {
        return { error: `${(error as Error).name}: ${(error as Error).message}` };
      }
    },
    { fn, args },
  );
}

test('install shows progress, lists the pack, and the stored pack gives the checkpoint logits', async ({ page }) => {
  await openApp(page);
  const progress = await page.evaluate(async () => {
    const seen: { bytesDone: number; bytesTotal: number }[] = [];
    await (globalThis as any).glmPocketEngine.install('/pack/', (p: { bytesDone: number; bytesTotal: number }) => seen.push(p));
    return seen;
  });
  expect(progress.length).toBeGreaterThan(3);
  expect(progress[progress.length - 1]).toMatchObject({ bytesDone: manifest.totalBytes, bytesTotal: manifest.totalBytes });
  expect(await testPacks(page)).toEqual([{ id: manifest.id, name: manifest.name, format: 'q4', status: 'installed', totalBytes: manifest.totalBytes, storedBytes: manifest.totalBytes, sourceUrl: `${baseUrl}pack/`, config: manifest.config }]);

  faults.requests.length = 0;
  await engineCall(page, 'load', { location: { kind: 'pack', id: manifest.id }, backend: 'wasm', segmentSize: 1 });
  expect(faults.requests, 'loading reads the store, not the network').toEqual([]);
  const { logits } = (await engineCall<{ logits: number[] }>(page, 'logits', IDS)) as { logits: number[] };
  expect(Array.from(logits)).toEqual(expectedLogits);
});

test('a connection that stays broken through the retries leaves a pack that is not loaded; after a reload the install resumes from the missing chunk', async ({ page }) => {
  await openApp(page);
  const victim = manifest.parts[2].chunks[1].file;
  faults.dropAlways.add(victim);
  expect(await engineCall(page, 'install', '/pack/')).toEqual({ error: expect.stringMatching(/DownloadError: .*install again to resume/) });
  expect(faults.requests.filter((file) => file === victim), 'the first try and 4 retries').toHaveLength(5);
  faults.dropAlways.clear();
  expect(await testPacks(page)).toEqual([expect.objectContaining({ status: 'installing' })]);
  expect(await engineCall(page, 'load', { location: { kind: 'pack', id: manifest.id }, backend: 'wasm' })).toEqual({ error: expect.stringMatching(/not fully downloaded yet/) });

  await page.reload();
  await expect(page.getByText('GLM Pocket demo ready')).toBeVisible();
  faults.requests.length = 0;
  await engineCall(page, 'install', '/pack/');
  const order = [manifest.tokenizer.json, ...manifest.parts.flatMap((p) => p.chunks)].map((c) => c.file);
  expect(faults.requests).toEqual(['manifest.json', ...order.slice(order.indexOf(victim))]);
  expect(await testPacks(page)).toEqual([expect.objectContaining({ status: 'installed', storedBytes: manifest.totalBytes })]);
});

test('a corrupted chunk is rejected and not stored', async ({ page }) => {
  await openApp(page);
  faults.corrupt.add(manifest.parts[1].chunks[0].file);
  expect(await engineCall(page, 'install', '/pack/')).toEqual({ error: expect.stringMatching(/PackError: .*layer\.0\.0\.bin: the downloaded bytes do not match the manifest's SHA-256/) });
  const [pack] = (await testPacks(page)) as { status: string; storedBytes: number }[];
  expect(pack.status).toBe('installing');
  expect(pack.storedBytes).toBe(manifest.tokenizer.json.bytes + manifest.parts[0].bytes);
});

test('a quota too small fails before downloading, with a clear message in the page too', async ({ page }) => {
  // Chromium applies a quota override only before the origin first uses storage.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseUrl).origin, quotaSize: 20_000 });
  await page.goto(baseUrl);
  await expect(page.getByRole('alert')).toHaveText(/not enough storage/);
  expect(await engineCall(page, 'install', '/pack/')).toEqual({ error: expect.stringMatching(/QuotaError: not enough storage: /) });
  expect(faults.requests).toEqual(['manifest.json']);
  expect(await testPacks(page)).toEqual([]);
});

test('delete removes the pack', async ({ page }) => {
  await openApp(page);
  await engineCall(page, 'install', '/pack/');
  expect(await engineCall(page, 'deletePack', manifest.id)).toEqual([expect.objectContaining({ id: 'glm-pocket-demo-q4' })]);
  expect(await engineCall(page, 'load', { location: { kind: 'pack', id: manifest.id }, backend: 'wasm' })).toEqual({ error: expect.stringMatching(/no model "test-glm-edge-q4" is installed/) });
});
