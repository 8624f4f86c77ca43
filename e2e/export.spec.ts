// Conversations as files: one downloads as Markdown from its row; all of them export from Settings
// as one JSON file that a fresh profile imports, an import never overwrites a conversation already
// there, and a file that is not an export is refused with a message.
import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { putConversation, ready, serveApp } from './helpers';

const app = serveApp();

test('a conversation downloads as Markdown with its title and each message under its role', async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  await putConversation(page, 'rust', 'Rust lifetimes', [{ role: 'user', content: 'What is a lifetime?' }, { role: 'assistant', content: 'A scope a reference is **valid** for.' }]);
  await page.reload();
  await ready(page);
  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export as Markdown: Rust lifetimes' }).click();
  const download = await downloaded;
  expect(download.suggestedFilename()).toBe('Rust lifetimes.md');
  expect(await readFile((await download.path())!, 'utf8')).toBe('# Rust lifetimes\n\n## User\n\nWhat is a lifetime?\n\n## Assistant\n\nA scope a reference is **valid** for.\n');
});

test('all conversations export as one file that a fresh profile imports; importing again keeps both copies', async ({ page, browser }) => {
  await page.goto(app.url);
  await ready(page);
  await putConversation(page, 'rust', 'Rust lifetimes', [{ role: 'user', content: 'What is a lifetime?' }]);
  await putConversation(page, 'tea', 'Green tea', [{ role: 'user', content: 'How hot should the water be?' }, { role: 'assistant', content: 'About 80 °C.' }]);
  await page.reload();
  await ready(page);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export all conversations' }).click();
  const file = (await (await downloaded).path())!;
  expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ format: 'glm-pocket-conversations', version: 2 });

  const fresh = await (await browser.newContext()).newPage();
  await fresh.goto(app.url);
  await ready(fresh);
  const list = fresh.getByRole('navigation', { name: 'Conversations' });
  await expect(list.getByRole('button', { name: 'Rust lifetimes', exact: true })).toHaveCount(0);
  await fresh.getByRole('button', { name: 'Settings', exact: true }).click();
  const chooser = fresh.waitForEvent('filechooser');
  await fresh.getByRole('button', { name: 'Import conversations' }).click();
  await (await chooser).setFiles(file);
  await expect(fresh.getByRole('status').filter({ hasText: 'Imported 2 conversations.' })).toBeVisible();
  await expect(list.getByRole('button', { name: 'Rust lifetimes', exact: true })).toBeVisible();
  await expect(list.getByRole('button', { name: 'Green tea', exact: true })).toBeVisible();
  await fresh.context().close();

  // The same file again into the first profile: the conversations with those ids stay, the copies get new ids.
  const again = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import conversations' }).click();
  await (await again).setFiles(file);
  await expect(page.getByRole('status').filter({ hasText: 'Imported 2 conversations.' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: 'Green tea', exact: true })).toHaveCount(2);
  const ids = await page.locator('nav[aria-label="Conversations"] li').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
  expect(new Set(ids).size).toBe(4);
  expect(ids).toEqual(expect.arrayContaining(['rust', 'tea']));
});

test('a file that is not a GLM Pocket export is refused with a message, and nothing is added', async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import conversations' }).click();
  await (await chooser).setFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello":"world"}') });
  await expect(page.getByRole('alert')).toHaveText(/not a GLM Pocket export of conversations/);
  await expect(page.getByRole('navigation', { name: 'Conversations' }).locator('li')).toHaveCount(0);
});
