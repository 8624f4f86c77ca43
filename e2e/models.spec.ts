// The Models page as a user meets it: one list of installed and available models with fit verdicts;
// a catalog model downloaded from a local mirror, its progress on the Chat view, paused (also across
// a reload), resumed and answering; a cancelled download leaving nothing stored; the header's
// switcher moving between two models; and axe on the page at phone and desktop sizes.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { listen, staticHandler } from '../tools/serve';
import { fixtureDir } from '../tests/helpers';
import { ask, ready } from './helpers';

const EDGE = 'GLM-Edge 1.5B chat';
const NINE = 'GLM-4 9B chat';
const EDGE_ID = 'zai-org--glm-edge-1.5b-chat-q4';
const NINE_ID = 'zai-org--glm-4-9b-chat-hf-q4';
/** While set, every tensor read of the mirror waits this long, so a download can be paused midway. */
const mirror = { delayMs: 0, tensorRequests: 0 };
let server: Server;
let baseUrl: string;
let edgeDir: string;

test.beforeAll(async () => {
  // Small random checkpoints published under the catalog's repository names on a local mirror.
  edgeDir = await fixtureDir({ shape: 'glm-edge', seed: 131, numLayers: 6 });
  const edge = edgeDir;
  const nine = await fixtureDir({ shape: 'glm-4-9b', seed: 132 });
  const files = staticHandler({ root: 'dist', mounts: { '/hub/zai-org/glm-edge-1.5b-chat/resolve/main/': edge, '/hub/zai-org/glm-4-9b-chat-hf/resolve/main/': nine } });
  ({ server, url: baseUrl } = await listen(
    createServer((req, res) => {
      if (!/\.safetensors$/.test(req.url ?? '')) return void files(req, res);
      mirror.tensorRequests++;
      setTimeout(() => void files(req, res), mirror.delayMs);
    }),
  ));
});
test.afterAll(() => server?.close());
test.use({ actionTimeout: 20_000 });
test.beforeEach(async ({ page }) => {
  mirror.delayMs = 0;
  // Short replies (the models are random), never paused for the load of this shared test machine.
  await page.addInitScript(() => localStorage.getItem('glm-pocket.settings') || localStorage.setItem('glm-pocket.settings', JSON.stringify({ maxTokens: 8, temperature: 0, ignorePressure: true })));
});

/** Opens the Models page with the mirror as the download endpoint. */
async function modelsWithMirror(page: Page): Promise<void> {
  await page.goto(baseUrl);
  await ready(page);
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await page.getByRole('button', { name: 'Advanced' }).click();
  await page.getByLabel('Endpoint (or a mirror)').fill(`${baseUrl}hub`);
  await page.getByRole('button', { name: 'Advanced' }).click();
}

const row = (page: Page, name: string) => page.getByRole('listitem').filter({ hasText: name });

/** What the store holds for a pack: its listing, and how many chunks under its id. */
async function stored(page: Page, id: string): Promise<{ pack: { status: string; storedBytes: number; totalBytes: number } | undefined; chunks: number; importRecord: boolean }> {
  return page.evaluate(async (id) => {
    const packs = (await (globalThis as any).glmPocketEngine.listPacks()) as { id: string; status: string; storedBytes: number; totalBytes: number }[];
    const keysOf = async (name: string, store: string) => {
      const open = indexedDB.open(name);
      const db = await new Promise<IDBDatabase>((done, fail) => ((open.onsuccess = () => done(open.result)), (open.onerror = fail)));
      if (!db.objectStoreNames.contains(store)) return [];
      const request = db.transaction(store).objectStore(store).getAllKeys();
      const keys = await new Promise<IDBValidKey[]>((done) => (request.onsuccess = () => done(request.result)));
      db.close();
      return keys.map(String);
    };
    const chunks = (await keysOf('glm-pocket-chunks', 'chunks')).filter((k) => k.startsWith(`${id}/`)).length;
    const importRecord = (await keysOf('glm-pocket-imports', 'imports')).includes(id);
    return { pack: packs.find((p) => p.id === id), chunks, importRecord };
  }, id);
}

test('the list shows the installed demo and the catalog models, each with its verdict for this device', async ({ page }) => {
  // A 4 GiB device: memory for the 1.5B model (about 1.3 GB with its cache), not for the 9B one.
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 4 }));
  await page.goto(baseUrl);
  await ready(page);
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await expect(page.getByRole('listitem')).toHaveCount(3);
  const demo = row(page, 'GLM Pocket demo');
  await expect(demo).toContainText('on this device · 4-bit');
  await expect(demo).toContainText('Runs well on this device');
  await expect(demo).toContainText('In use');
  await expect(demo.getByRole('button', { name: /Delete/ })).toHaveCount(0);
  // Headless Chromium has only a software GPU here: the app runs the 1.5B model on the CPU kernels, every layer in memory.
  const edge = row(page, EDGE);
  await expect(edge).toContainText(/\d+(\.\d+)? (MB|GB) download · 4-bit/);
  await expect(edge).toContainText('Runs well on this device');
  await expect(edge).toContainText('Recommended');
  await expect(edge.getByRole('button', { name: `Download: ${EDGE}` })).toBeEnabled();
  const nine = row(page, NINE);
  await expect(nine).toContainText(/Will not fit: it needs about [6-9]\.\d+ GB of memory and this device has 4\.29 GB/);
  await expect(nine).not.toContainText('Recommended');
  await expect(nine.getByRole('button', { name: `Download: ${NINE}` })).toBeDisabled();
  // The engineering details wait behind Advanced.
  await expect(page.getByText(/GLM Pocket's 4-bit\/8-bit kernels/)).toHaveCount(0);
  await page.getByRole('button', { name: 'Advanced' }).click();
  await expect(page.getByText(/^Running on WebAssembly · every layer in memory, run on the processor by GLM Pocket's 4-bit\/8-bit kernels on \d threads/)).toBeVisible();
  await expect(page.getByLabel('Pack URL')).toBeVisible();
});

test('a catalog model downloads from a mirror with its progress on the Chat view, pauses (also across a reload), resumes and answers', async ({ page }) => {
  await modelsWithMirror(page);
  mirror.delayMs = 150;
  await row(page, EDGE).getByRole('button', { name: `Download: ${EDGE}` }).click();
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  const bar = page.getByRole('region', { name: `Downloading ${EDGE}` });
  await expect(bar).toContainText(/[\d.]+ kB of [\d.]+ kB · [\d.]+ (B|kB|MB)\/s · \d+ (s|min \d+ s) left/);
  await expect(bar.getByRole('progressbar', { name: EDGE })).toBeVisible();
  await bar.getByRole('button', { name: 'Pause' }).click();
  const paused = page.getByRole('region', { name: `${EDGE}: paused` });
  await expect(paused).toBeVisible();
  const atPause = await stored(page, EDGE_ID);
  expect(atPause.pack).toMatchObject({ status: 'installing' });
  expect(atPause.pack!.storedBytes).toBeGreaterThan(0);
  expect(atPause.pack!.storedBytes).toBeLessThan(atPause.pack!.totalBytes);
  // Paused means stopped: nothing more is fetched.
  const requests = mirror.tensorRequests;
  await page.waitForTimeout(600);
  expect(mirror.tensorRequests).toBe(requests);

  await page.reload();
  await ready(page);
  await expect(paused).toContainText(`${EDGE}: paused`);
  await paused.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByRole('region', { name: `Downloading ${EDGE}` })).toBeVisible();
  await expect(page.getByRole('region', { name: /Downloading|paused/ })).toHaveCount(0, { timeout: 60_000 });
  expect((await stored(page, EDGE_ID)).pack).toMatchObject({ status: 'installed' });

  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await row(page, EDGE).getByRole('button', { name: `Use: ${EDGE}` }).click();
  await ready(page, `${EDGE} ready`);
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await ask(page, 'Hello');
  await expect(page.getByRole('status').filter({ hasText: 'GLM has answered.' })).toBeVisible();
  // The reply came from the downloaded model (a random one, whose greedy reply may be empty text): its vocabulary, and tokens it generates.
  const run = await page.evaluate(async () => {
    const engine = (globalThis as any).glmPocketEngine;
    const { vocabSize } = await engine.logits([1, 2, 3]);
    const { ids } = await engine.generate([1, 2, 3], { maxNewTokens: 4, temperature: 0, stopIds: [] });
    return { vocabSize, generated: ids.length };
  });
  expect(run).toEqual({ vocabSize: JSON.parse(await readFile(join(edgeDir, 'config.json'), 'utf8')).vocab_size, generated: 4 });
});

test('Cancel stops a download and deletes what it stored', async ({ page }) => {
  await modelsWithMirror(page);
  mirror.delayMs = 150;
  await row(page, NINE).getByRole('button', { name: `Download: ${NINE}` }).click();
  const bar = page.getByRole('region', { name: `Downloading ${NINE}` });
  await expect(bar).toContainText(/[1-9][\d.]* kB of/);
  await expect(row(page, NINE)).toContainText('Downloading…');
  expect((await stored(page, NINE_ID)).chunks).toBeGreaterThan(0);
  await bar.getByRole('button', { name: 'Cancel download' }).click();
  await expect(bar).toHaveCount(0);
  await expect(row(page, NINE).getByRole('button', { name: `Download: ${NINE}` })).toBeEnabled();
  expect(await stored(page, NINE_ID)).toEqual({ pack: undefined, chunks: 0, importRecord: false });
});

test('the header switcher lists the installed models, the current one checked, and switches between them', async ({ page }) => {
  await modelsWithMirror(page);
  for (const name of [EDGE, NINE]) {
    await row(page, name).getByRole('button', { name: `Download: ${name}` }).click();
    await expect(row(page, name).getByRole('button', { name: `Use: ${name}` })).toBeVisible({ timeout: 60_000 });
  }
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  const trigger = page.getByRole('button', { name: /Change model/ });
  const menu = page.getByRole('menu');
  const choose = async (name: string) => {
    await trigger.click();
    await menu.getByRole('menuitemradio', { name: new RegExp(name) }).click();
    await ready(page, `${name} ready`);
  };

  await trigger.click();
  await expect(menu.getByRole('menuitemradio')).toHaveCount(3);
  await expect(menu.getByRole('menuitemradio', { checked: true })).toHaveText(/GLM Pocket demo/);
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(trigger).toBeFocused();

  const logits = () => page.evaluate(async () => Array.from(((await (globalThis as any).glmPocketEngine.logits([1, 2])).logits as Float32Array).slice(0, 16)));
  await choose(EDGE);
  const edgeLogits = await logits();
  await choose(NINE);
  expect(await logits(), 'the engine holds the other model').not.toEqual(edgeLogits);
  await trigger.click();
  await expect(menu.getByRole('menuitemradio', { checked: true })).toHaveText(new RegExp(NINE));
  await menu.getByRole('menuitem', { name: 'Manage models' }).click();
  await expect(page.getByRole('heading', { name: 'Models' })).toBeFocused();
});

const SIZES = { phone: { width: 412, height: 915 }, desktop: { width: 1280, height: 800 } } as const;
for (const size of ['phone', 'desktop'] as const) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test.describe(`${size}, ${colorScheme}`, () => {
      test.use({ viewport: SIZES[size], colorScheme });
      test(`axe finds no WCAG 2.2 AA violation on the Models page, Advanced open, a download paused, and on the switcher (${size}, ${colorScheme})`, async ({ page }) => {
        await modelsWithMirror(page);
        mirror.delayMs = 150;
        await row(page, EDGE).getByRole('button', { name: `Download: ${EDGE}` }).click();
        const bar = page.getByRole('region', { name: `Downloading ${EDGE}` });
        await expect(bar).toContainText(/[1-9][\d.]* kB of/);
        await bar.getByRole('button', { name: 'Pause' }).click();
        await expect(page.getByRole('region', { name: `${EDGE}: paused` })).toBeVisible();
        await page.getByRole('button', { name: 'Advanced' }).click();
        const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
        const found: string[] = [];
        for (const screen of ['models', 'switcher', 'delete dialog']) {
          if (screen === 'switcher') await page.getByRole('button', { name: /Change model/ }).click();
          if (screen === 'delete dialog') {
            await page.keyboard.press('Escape');
            await row(page, EDGE).getByRole('button', { name: `Delete: ${EDGE}` }).click();
            await expect(page.getByRole('alertdialog')).toBeVisible();
          }
          const results = await new AxeBuilder({ page }).withTags(tags).analyze();
          expect(results.passes.map((r) => r.id)).toContain('target-size');
          found.push(...results.violations.map((v) => `${screen}: ${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`));
        }
        expect(found).toEqual([]);
        // Cancel keeps the model and gives focus back.
        await page.getByRole('button', { name: 'Cancel', exact: true }).click();
        await expect(row(page, EDGE).getByRole('button', { name: `Delete: ${EDGE}` })).toBeFocused();
      });
    });
  }
}
