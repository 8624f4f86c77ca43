// Compute pressure in real Chromium, nothing emulated: its PressureObserver ("cpu") follows the device's CPU
// utilisation, so a reply that loads every core reports critical by itself. The app must not pause or slow
// such a reply, and must still pause one when other programs load the device.
import { expect, test, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumProcesses } from '../bench/browser';
import { writeGlmCheckpoint } from '../tools/checkpoint-writer';
import { listen, staticHandler } from '../tools/serve';
import { ready } from './helpers';

let server: Server;
let baseUrl: string;

// A random GLM big enough that a reply is CPU-bound for several seconds, with every product large enough
// for the CPU kernels to split it between the threads (threads.ts, SPLIT_MIN_WORK), so that the reply
// keeps every core busy: about 48M parameters, imported through the app like any Hugging Face repository.
test.beforeAll(async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'glm-busy-')), 'busy');
  await writeGlmCheckpoint(dir, { shape: 'glm-edge', seed: 5, hiddenSize: 1024, intermediateSize: 3072, numHeads: 8, numKvHeads: 2, numLayers: 4, maxPositionEmbeddings: 1024 });
  ({ server, url: baseUrl } = await listen(createServer(staticHandler({ root: 'dist', mounts: { '/hub/zai-org/busy-glm/resolve/main/': dir } }))));
});
test.afterAll(() => server?.close());

/** What the page saw: every pressure record (its own real observer, beside the app's) and every banner shown. */
interface Seen {
  records: [number, string][];
  banners: [number, string][];
}

/** Opens the app with a long greedy reply set and the busy model imported and loaded. */
async function openWithBusyModel(page: Page, settings: Record<string, unknown> = {}): Promise<void> {
  await page.addInitScript((stored) => {
    const w = window as unknown as { seen: Seen; PressureObserver: new (cb: (rs: { time: number; state: string }[]) => void) => { observe(s: string): Promise<void> } };
    w.seen = { records: [], banners: [] };
    new w.PressureObserver((rs) => rs.forEach((r) => w.seen.records.push([Math.round(r.time), r.state]))).observe('cpu');
    new MutationObserver(() => {
      const text = document.querySelector('.banner')?.textContent ?? '';
      if (w.seen.banners.at(-1)?.[1] !== text) w.seen.banners.push([Math.round(performance.now()), text]);
    }).observe(document, { subtree: true, childList: true, characterData: true });
    if (!localStorage.getItem('glm-pocket.settings')) localStorage.setItem('glm-pocket.settings', JSON.stringify(stored));
  }, { maxTokens: 600, temperature: 0, contextLength: 1024, ...settings });
  await page.goto(baseUrl);
  await ready(page);
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await page.getByRole('button', { name: 'Advanced' }).click();
  await page.getByLabel('Repository', { exact: true }).fill('zai-org/busy-glm');
  await page.getByLabel('Endpoint (or a mirror)').fill(`${baseUrl}hub`);
  await page.getByRole('button', { name: 'Import' }).click();
  const item = page.getByRole('listitem').filter({ hasText: 'busy-glm (q4)' });
  await expect(item).toBeVisible({ timeout: 60_000 });
  await item.getByRole('button', { name: 'Use' }).click();
  await ready(page, 'busy-glm (q4) ready');
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
}

/** Sends a question; resolves the page's clock when it was sent. */
async function send(page: Page, text: string): Promise<number> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  const ms = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: 'Send' }).click();
  return ms;
}

async function finished(page: Page): Promise<number> {
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible({ timeout: 120_000 });
  return page.evaluate(() => performance.now());
}

const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: Seen }).seen);

/** CPU time (clock ticks) of the whole machine, its idle part, and the part used by this test's browser. */
async function cpuTicks(): Promise<{ total: number; idle: number; browser: number }> {
  const [cpu] = (await readFile('/proc/stat', 'utf8')).split('\n');
  const fields = cpu.split(/\s+/).slice(1, 9).map(Number);
  const browser = await Promise.all(
    (await chromiumProcesses()).map((p) =>
      readFile(`/proc/${p.pid}/stat`, 'utf8').then(
        (stat) => stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, 13).map(Number).reduce((a, b) => a + b),
        () => 0,
      ),
    ),
  );
  return { total: fields.reduce((a, b) => a + b), idle: fields[3] + fields[4], browser: browser.reduce((a, b) => a + b, 0) };
}

/** The share of the machine's CPU that programs other than this browser used between two readings. */
function otherShare(a: Awaited<ReturnType<typeof cpuTicks>>, b: Awaited<ReturnType<typeof cpuTicks>>): number {
  const total = b.total - a.total;
  return total > 0 ? Math.max(0, total - (b.idle - a.idle) - (b.browser - a.browser)) / total : 0;
}

/** Waits until other programs leave the CPU alone (this machine may run other work); skips the test if they never do. */
async function quietMachine(): Promise<void> {
  for (let tries = 0; tries < 30; tries++) {
    const before = await cpuTicks();
    await new Promise((done) => setTimeout(done, 2000));
    if (otherShare(before, await cpuTicks()) < 0.1) return;
  }
  test.skip(true, 'other programs kept the CPU busy for a minute: this test needs an otherwise idle machine');
}

/** Writes what the page saw to PRESSURE_RECORD_DIR, when set: real sequences for tests/app/pressure.test.ts. */
async function keep(page: Page, name: string, recording: object): Promise<void> {
  const dir = process.env.PRESSURE_RECORD_DIR;
  if (dir) await writeFile(join(dir, `${name}.json`), JSON.stringify({ chromium: page.context().browser()?.version(), cores: cpus().length, ...recording }));
}

const pressureBanner = /the device reports/;

/** The banners shown between two times: the one showing at `fromMs`, and those that came after until `toMs`. */
function bannersBetween(banners: Seen['banners'], fromMs: number, toMs: number): Seen['banners'] {
  const showing = banners.filter(([ms]) => ms <= fromMs).at(-1);
  return [...(showing ? [showing] : []), ...banners.filter(([ms]) => ms > fromMs && ms <= toMs)];
}

test('a reply that keeps every core busy is neither paused nor slowed when nothing else runs', async ({ page }) => {
  await openWithBusyModel(page);
  await quietMachine();
  const before = await cpuTicks();
  const sentMs = await send(page, 'Tell me about models');
  const doneMs = await finished(page);
  const others = otherShare(before, await cpuTicks());
  const { records, banners } = await seen(page);
  await keep(page, 'own-reply', { records, banners, replies: [[sentMs, doneMs]], otherShare: others });
  test.skip(others > 0.2, `other programs used ${Math.round(others * 100)}% of the CPU during the reply: pressure from them should throttle it`);
  // The reply drove the device's pressure up by itself: this is the case the throttle must see through.
  expect(records.filter(([ms, state]) => ms > sentMs && ms < doneMs && (state === 'serious' || state === 'critical')).length).toBeGreaterThan(0);
  // Banners from before the reply (other programs loaded the machine while it waited) do not count.
  expect(bannersBetween(banners, sentMs, doneMs).filter(([, text]) => pressureBanner.test(text))).toEqual([]);
});

/** Programs that keep every core busy until killed. */
function loadEveryCore(): ChildProcess[] {
  return cpus().map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

test('other programs loading every core pause a reply, which resumes when they stop', async ({ page }) => {
  await openWithBusyModel(page);
  const sentMs = await send(page, 'Tell me about models');
  const load = loadEveryCore();
  try {
    // The probe finds the pressure staying while the reply is paused.
    await expect(page.getByText('Paused: the device reports critical load or heat.')).toBeVisible({ timeout: 20_000 });
  } finally {
    for (const p of load) p.kill();
  }
  const stopped = await cpuTicks();
  try {
    await expect(page.getByText(pressureBanner)).toHaveCount(0, { timeout: 30_000 });
  } catch (error) {
    const others = otherShare(stopped, await cpuTicks());
    test.skip(others > 0.5, `other programs kept ${Math.round(others * 100)}% of the CPU busy after ours stopped: the reply rightly stayed paused`);
    throw error;
  }
  const doneMs = await finished(page);
  const { records, banners } = await seen(page);
  await keep(page, 'other-load', { records, banners, replies: [[sentMs, doneMs]] });
  expect(banners.some(([, text]) => text === 'Paused: the device reports critical load or heat.')).toBe(true);
});

test('with compute pressure ignored in Settings, other programs do not pause a reply', async ({ page }) => {
  await openWithBusyModel(page, { ignorePressure: true });
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByLabel(/Ignore compute pressure/)).toBeChecked();
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  const load = loadEveryCore();
  try {
    await send(page, 'Tell me about models');
    await finished(page);
  } finally {
    for (const p of load) p.kill();
  }
  const { records, banners } = await seen(page);
  expect(records.some(([, state]) => state === 'critical')).toBe(true);
  expect(banners.filter(([, text]) => pressureBanner.test(text))).toEqual([]);
});
