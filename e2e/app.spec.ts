// The app as a user meets it: offline after the first visit, saved conversations, safe Markdown,
// regenerate and edit, the Chinese UI, settings that persist, and the models page.
import { expect, test } from '@playwright/test';
import { ask, ready, serveApp } from './helpers';


const app = serveApp();

test('after the first visit the app opens and answers offline, fetching nothing from the network', async ({ page, context }) => {
  await page.goto(app.url);
  await ready(page);
  // Wait until the service worker has precached the app and is active; the first load is not
  // controlled yet, so a reload while online puts the page under it.
  const state = await page.evaluate(async () => {
    const worker = (await navigator.serviceWorker.ready).active!;
    if (worker.state !== 'activated') await new Promise((done) => worker.addEventListener('statechange', () => worker.state === 'activated' && done(null)));
    return worker.state;
  });
  expect(state).toBe('activated');
  await page.reload();
  await ready(page);

  await context.setOffline(true);
  const network: string[] = [];
  page.on('requestfinished', async (request) => {
    const response = await request.response();
    if (response && !response.fromServiceWorker()) network.push(request.url());
  });
  page.on('requestfailed', (request) => network.push(`failed: ${request.url()}`));
  await page.reload();
  await ready(page);
  await ask(page, 'Does it work in airplane mode?');
  await expect(page.getByRole('log')).toContainText(/works offline|offline/);
  expect(network.filter((url) => !url.startsWith('blob:') && !url.startsWith('data:'))).toEqual([]);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
});

test('the Content-Security-Policy holds: a chat, the models page and settings cause no violation', async ({ page }) => {
  await page.addInitScript(() => {
    (window as any).violations = [];
    addEventListener('securitypolicyviolation', (event) => {
      const e = event as SecurityPolicyViolationEvent;
      (window as any).violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(app.url);
  await ready(page);
  expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toContain("script-src 'self' 'wasm-unsafe-eval'");
  await ask(page, 'What is top-p?');
  await page.getByRole('button', { name: 'Models' }).click();
  await page.getByRole('button', { name: 'Settings' }).click();
  expect(await page.evaluate(() => (window as any).violations)).toEqual([]);
});

test('conversations are saved, listed, renamed and deleted, and survive a reload', async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  await ask(page, 'Hello');
  await page.getByRole('button', { name: 'New chat' }).click();
  await ask(page, 'Thanks');
  await page.reload();
  await ready(page);
  const list = page.getByRole('navigation', { name: 'Conversations' });
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await list.getByRole('button', { name: 'Rename: Hello' }).click();
  await list.getByRole('textbox', { name: 'Rename' }).fill('Greeting');
  await list.getByRole('textbox', { name: 'Rename' }).press('Enter');
  await expect(list.getByRole('button', { name: 'Greeting', exact: true })).toBeVisible();
  await list.getByRole('button', { name: 'Greeting', exact: true }).click();
  await expect(page.getByRole('log')).toContainText('Hello');
  page.once('dialog', (dialog) => dialog.accept());
  await list.getByRole('button', { name: 'Delete: Greeting' }).click();
  await expect(list.getByRole('listitem')).toHaveCount(1);
});

test('a follow-up question reuses the cached conversation: only the new turn is prefilled', async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  const figures = page.locator('.figures');
  await ask(page, 'Hello');
  await expect(figures).toContainText('First token');
  await expect(figures).not.toContainText('reused');
  await ask(page, 'What is top-p?');
  const reused = Number((await figures.textContent())?.match(/(\d+) tokens of the conversation reused/)?.[1]);
  // At least the system prompt and the first question come from the cache.
  expect(reused).toBeGreaterThan(10);
});

test('model output is rendered as Markdown, and HTML in it shows as text, never as live markup', async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  // A saved conversation whose reply holds Markdown and hostile HTML, as a model could write it.
  await page.evaluate(async () => {
    const open = indexedDB.open('glm-pocket-chats');
    const db = await new Promise<IDBDatabase>((done, fail) => ((open.onsuccess = () => done(open.result)), (open.onerror = fail), (open.onblocked = fail)));

    const content = '**bold** and `code`\n\n```js\nlet x = 1;\n```\n\n<img src=x onerror="window.pwned=1"><script>window.pwned=2</script><a href="javascript:window.pwned=3">link</a>';
    const tx = db.transaction('conversations', 'readwrite');
    tx.objectStore('conversations').put({ id: 'x', title: 'Hostile', modelId: 'glm-pocket-demo-q4', messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content }], createdAt: Date.now() + 1000, updatedAt: Date.now() + 1000 }, 'x');
    await new Promise((done, fail) => ((tx.oncomplete = done), (tx.onerror = () => fail(tx.error)), (tx.onabort = () => fail(tx.error))));
  });
  await page.reload();
  await ready(page);
  const reply = page.getByRole('article', { name: 'GLM' });
  await expect(reply.locator('strong')).toHaveText('bold');
  await expect(reply.locator('pre code')).toContainText('let x = 1;');
  await expect(reply.locator('img, script')).toHaveCount(0);
  await expect(reply).toContainText('<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>');
  await expect(reply.locator('a[href^="javascript"], [onerror]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).pwned)).toBeUndefined();
});

test('regenerate replaces the last reply; editing a question resends it', async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  await ask(page, 'Hello');
  await page.getByRole('button', { name: 'Regenerate' }).click();
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  await expect(page.getByRole('article', { name: 'GLM' })).toHaveCount(1);
  await page.getByRole('article', { name: 'You' }).getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('textbox', { name: 'Edit' }).fill('What is the memory budget?');
  await page.getByRole('button', { name: 'Save and resend' }).click();
  await expect(page.getByRole('article', { name: 'GLM' })).toContainText('memory', { timeout: 60_000 });
  await expect(page.getByRole('article', { name: 'You' })).toHaveText(/What is the memory budget\?/);
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' });
  test('the UI follows navigator.language and can switch to English', async ({ page }) => {
    await page.goto(app.url);
    await expect(page.getByText('GLM Pocket demo 已就绪')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('textbox', { name: '消息' })).toBeVisible();
    await expect(page.getByRole('button', { name: '发送' })).toBeVisible();
    // The engine's facts (backend, segment plan) are worded in Chinese too, with one separator each.
    await page.getByRole('button', { name: '模型', exact: true }).click();
    await page.getByRole('button', { name: '高级' }).click();
    await expect(page.getByText(/^运行在 WebAssembly · 所有层都在内存中，由 GLM Pocket 的 4 位\/8 位内核在处理器上以 \d 个线程运行/)).toBeVisible();
    await page.getByRole('button', { name: '设置', exact: true }).click();
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  });
});

test('settings persist, and the models page lists the demo with its size and backend', async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Max tokens').fill('64');
  await page.getByLabel('System prompt').fill('Answer briefly.');
  await page.reload();
  await ready(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByLabel('Max tokens')).toHaveValue('64');
  await expect(page.getByLabel('System prompt')).toHaveValue('Answer briefly.');

  await page.getByRole('button', { name: 'Models' }).click();
  await expect(page.getByRole('listitem').filter({ hasText: 'GLM Pocket demo' })).toContainText('1.47 MB on this device · 4-bit');
  await expect(page.getByText(/Running on WebAssembly/)).toBeVisible();
  await expect(page.getByText(/Storage: .* used, .* free/)).toBeVisible();
  await page.getByRole('button', { name: 'Advanced' }).click();
  await page.getByLabel('Pack URL').fill(`${app.url}no-such-pack/`);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('manifest.json answered HTTP 404: no pack there');
});
