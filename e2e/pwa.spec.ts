// Installability, phone layouts, the same greedy reply on wasm and WebGPU, and screenshots of the
// main screens (written to e2e/screenshots/, which git ignores).
import { devices, expect, test } from '@playwright/test';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchProfile } from '../bench/browser';
import { ask, ready, serveApp } from './helpers';

const app = serveApp();
const SHOTS = 'e2e/screenshots';

test('Chromium finds the app installable: manifest parses, no installability errors, the service worker controls the page', async () => {
  // A persistent profile: Chromium never offers installation in an incognito context.
  const context = await launchProfile(await mkdtemp(join(tmpdir(), 'glm-install-')));
  const page = await context.newPage();
  await page.goto(app.url);
  await ready(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await ready(page);
  expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  const cdp = await page.context().newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors).toEqual([]);
  const manifest = await cdp.send('Page.getAppManifest');
  expect(manifest.errors).toEqual([]);
  expect(JSON.parse(manifest.data ?? '{}')).toMatchObject({ name: 'GLM Pocket', display: 'standalone' });
  await context.close();
});

test('the same greedy reply on wasm and on WebGPU', async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  const replies: string[] = [];
  for (const backend of ['CPU (WebAssembly)', 'WebGPU (GPU)']) {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Backend').selectOption({ label: backend });
    await page.getByLabel(/Temperature/).fill('0');
    await page.getByRole('button', { name: 'Reload model' }).click();
    await ready(page);
    await page.getByRole('button', { name: 'Models' }).click();
    await expect(page.getByText(backend.startsWith('WebGPU') ? /Running on WebGPU/ : /Running on WebAssembly/)).toBeVisible();
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    await page.getByRole('button', { name: 'New chat' }).click();
    await ask(page, 'What is the context length?');
    replies.push((await page.getByRole('article', { name: 'GLM' }).last().locator('.markdown').textContent()) ?? '');
  }
  expect(replies[0]).toContain('context length is how many tokens');
  expect(replies[1]).toBe(replies[0]);
});

for (const [name, device] of [
  ['Pixel 7', devices['Pixel 7']],
  ['iPhone 14', devices['iPhone 14']],
] as const) {
  test.describe(name, () => {
    test.use({ viewport: device.viewport, deviceScaleFactor: device.deviceScaleFactor, isMobile: device.isMobile, hasTouch: device.hasTouch, userAgent: device.userAgent });
    test('the chat works by touch and nothing overflows the screen', async ({ page }) => {
      await page.goto(app.url);
      await ready(page);
      await page.getByRole('textbox', { name: 'Message' }).tap();
      await page.getByRole('textbox', { name: 'Message' }).fill('How do I delete a model?');
      await page.getByRole('button', { name: 'Send' }).tap();
      await expect(page.getByRole('log')).toContainText('Delete', { timeout: 60_000 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const composer = await page.getByRole('textbox', { name: 'Message' }).boundingBox();
      expect(composer!.y + composer!.height).toBeLessThanOrEqual(page.viewportSize()!.height);
      for (const tab of ['Models', 'Settings']) {
        await page.getByRole('button', { name: tab }).tap();
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      }
    });
  });
}

test.describe('screenshots', () => {
  for (const [label, viewport, colorScheme, locale] of [
    ['phone-light-en', { width: 412, height: 915 }, 'light', 'en-US'],
    ['phone-dark-zh', { width: 412, height: 915 }, 'dark', 'zh-CN'],
    ['desktop-light-zh', { width: 1280, height: 800 }, 'light', 'zh-CN'],
    ['desktop-dark-en', { width: 1280, height: 800 }, 'dark', 'en-US'],
  ] as const) {
    test.describe(label, () => {
      test.use({ viewport, colorScheme, locale });
      test(`main screens (${label})`, async ({ page }) => {
        const zh = locale.startsWith('zh');
        await page.goto(app.url);
        await ready(page, zh ? 'GLM Pocket demo 已就绪' : 'GLM Pocket demo ready');
        await ask(page, zh ? 'GLM Pocket 是什么？' : 'What is GLM Pocket?', zh ? '发送' : 'Send', zh ? '消息' : 'Message');
        await page.screenshot({ path: `${SHOTS}/chat-${label}.png` });
        await page.getByRole('button', { name: zh ? '模型' : 'Models', exact: true }).click();
        await page.screenshot({ path: `${SHOTS}/models-${label}.png` });
        await page.getByRole('button', { name: zh ? '设置' : 'Settings', exact: true }).click();
        await page.screenshot({ path: `${SHOTS}/settings-${label}.png` });
      });
    });
  }
});
