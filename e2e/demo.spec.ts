// First visit: the embedded demo pack installs from the app's own origin with visible progress,
// and a question gets an answer streamed into the conversation log, with its figures under it; a
// conversation's follow-ups are answered about what was asked before.
import { expect, test } from '@playwright/test';
import { ask, ready, serveApp } from './helpers';

const app = serveApp();

test('the demo model installs on first load and answers a question', async ({ page }) => {
  const origins = new Set<string>();
  page.on('request', (r) => origins.add(new URL(r.url()).origin));
  const statuses: string[] = [];
  await page.exposeFunction('recordStatus', (text: string) => statuses.push(text));
  await page.addInitScript(() => {
    new MutationObserver(() => document.querySelector('.status') && (window as any).recordStatus(document.querySelector('.status')!.textContent)).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(app.url);
  await expect(page.getByText('GLM Pocket demo ready')).toBeVisible({ timeout: 60_000 });
  expect(statuses.some((s) => /Installing the demo model: [\d.]+ [kM]B of 1.47 MB/.test(s)), 'install progress was shown').toBe(true);

  await page.getByRole('textbox', { name: 'Message' }).fill('How do I install the app on my iPhone?');
  await page.getByRole('button', { name: 'Send' }).click();
  // The figures fold under the reply: opened, they show the first-token time and the context use.
  await page.getByText('Details').click();
  await expect(page.getByText(/First token \d+ ms/)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText(/context \d+ of 1024 tokens/)).toBeVisible();
  await expect(page.getByRole('log')).toContainText('Add to Home Screen');
  expect([...origins]).toEqual([new URL(app.url).origin]);
});

test('a second visit loads the installed demo without downloading it again', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.getByText('GLM Pocket demo ready')).toBeVisible({ timeout: 60_000 });
  const chunkRequests: string[] = [];
  page.on('request', (r) => r.url().includes('/models/') && chunkRequests.push(r.url()));
  await page.reload();
  await expect(page.getByText('GLM Pocket demo ready')).toBeVisible({ timeout: 60_000 });
  expect(chunkRequests).toEqual([]);
});

test('a three-turn conversation stays on topic: each follow-up is answered about the model download', async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  const reply = () => page.getByRole('article', { name: 'GLM' }).last();
  await ask(page, 'I would like a real GLM model, how do I get one?');
  await expect(reply()).toContainText('Models page');
  await expect(reply()).toContainText('GLM-Edge 1.5B chat');
  await ask(page, 'How long does that take?');
  await expect(reply()).toContainText('depends on the model and your connection');
  await ask(page, 'Can I pause it?');
  await expect(reply()).toContainText('Pause, Resume and Cancel');
  await expect(page.getByRole('article', { name: 'GLM' })).toHaveCount(3);
});

test('a question outside what the demo knows gets the small-demo answer, in the language it was asked in', async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  const reply = () => page.getByRole('article', { name: 'GLM' }).last();
  await ask(page, 'Who invented the telephone?');
  await expect(reply()).toContainText("I'm a small offline demo");
  await ask(page, '蒙娜丽莎是谁画的？');
  await expect(reply()).toContainText('很小的离线演示模型');
  // "多长" ("how long") is also how download-time questions ask; after two out-of-scope turns it is still out of scope.
  await ask(page, '长城有多长？');
  await expect(reply()).toContainText('很小的离线演示模型');
});
