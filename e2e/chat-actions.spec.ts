// What one can do to a conversation beyond asking: its own system prompt and settings (saved with
// it, sent to the engine, other chats unaffected), regenerating any reply (the later turns go after
// a confirmation), deleting one message, Enter on a touch screen and on a keyboard, and clearing all
// data back to a fresh profile.
import { expect, test, type Page } from '@playwright/test';
import { ask, ignoreComputePressure, putConversation, ready, serveApp, setVisibility } from './helpers';

const app = serveApp();

test.beforeEach(({ page }) => ignoreComputePressure(page));

interface EngineCall {
  messages: { role: string; content: string }[];
  options: { maxNewTokens?: number; temperature?: number };
}

/** Records what the app asks the engine for (the page's engine client is on globalThis). */
async function recordEngineCalls(page: Page): Promise<() => Promise<EngineCall[]>> {
  await page.evaluate(() => {
    const engine = (globalThis as any).glmPocketEngine;
    const calls: EngineCall[] = ((globalThis as any).engineCalls = []);
    const chat = engine.chat.bind(engine);
    engine.chat = (messages: EngineCall['messages'], options: EngineCall['options'], onText: (text: string) => void) => {
      calls.push({ messages: messages.map(({ role, content }) => ({ role, content })), options: { ...options } });
      return chat(messages, options, onText);
    };
  });
  return () => page.evaluate(() => (globalThis as any).engineCalls as EngineCall[]);
}

test("a chat's own system prompt, temperature and reply length are saved with it and used for its replies only", async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  const calls = await recordEngineCalls(page);
  const open = page.getByRole('button', { name: 'Customize this chat' });
  await open.click();
  const dialog = page.getByRole('dialog', { name: 'Customize this chat' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('textbox', { name: 'System prompt' }).fill('Answer in one short sentence.');
  await dialog.getByRole('spinbutton', { name: 'Temperature' }).fill('0');
  await dialog.getByRole('spinbutton', { name: 'Max reply tokens' }).fill('6');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  // Focus back on the button that opened it, now saying the chat has settings of its own.
  await expect(page.getByRole('button', { name: 'Customize this chat (it has its own prompt or sampling)' })).toBeFocused();

  await ask(page, 'What is GLM Pocket?');
  expect((await calls()).at(-1)).toEqual({
    messages: [{ role: 'system', content: 'Answer in one short sentence.' }, { role: 'user', content: 'What is GLM Pocket?' }],
    options: expect.objectContaining({ maxNewTokens: 6, temperature: 0 }),
  });

  // Kept across a reload.
  await page.reload();
  await ready(page);
  await page.getByRole('button', { name: 'Customize this chat (it has its own prompt or sampling)' }).click();
  await expect(dialog.getByRole('textbox', { name: 'System prompt' })).toHaveValue('Answer in one short sentence.');
  await expect(dialog.getByRole('spinbutton', { name: 'Max reply tokens' })).toHaveValue('6');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // Another conversation follows the app's Settings: no system prompt, the default reply length.
  const calls2 = await recordEngineCalls(page);
  await page.getByRole('button', { name: 'New chat' }).first().click();
  await ask(page, 'Is my data private?');
  const [other] = await calls2();
  expect(other.messages).toEqual([{ role: 'user', content: 'Is my data private?' }]);
  expect(other.options.maxNewTokens).toBe(256);
});

const TURNS = [
  { role: 'user' as const, content: 'First question' },
  { role: 'assistant' as const, content: 'Old first answer' },
  { role: 'user' as const, content: 'Second question' },
  { role: 'assistant' as const, content: 'Old second answer' },
];

test('regenerating an earlier reply asks first, then rewrites it from the history before it and removes the later turns', async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  await putConversation(page, 'turns', 'Turns', TURNS);
  await page.reload();
  await ready(page);
  const calls = await recordEngineCalls(page);
  const replies = page.getByRole('article', { name: 'GLM' });
  const first = replies.filter({ hasText: 'Old first answer' }).getByRole('button', { name: 'Regenerate' });

  // Cancelled: nothing changes and focus is back on the button.
  await first.click();
  const confirm = page.getByRole('alertdialog', { name: 'Regenerate this reply?' });
  await expect(confirm).toContainText('the 2 messages after it will be removed');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  await expect(first).toBeFocused();
  await expect(page.getByRole('article')).toHaveCount(4);
  expect(await calls()).toEqual([]);

  // Confirmed: the reply is written again from the first question alone; the later turns are gone.
  await setVisibility(page, 'hidden');
  await first.click();
  await confirm.getByRole('button', { name: 'Regenerate' }).click();
  await expect(page.getByRole('button', { name: 'Stop' })).toBeFocused();
  await setVisibility(page, 'visible');
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible({ timeout: 60_000 });
  expect((await calls()).map((c) => c.messages)).toEqual([[{ role: 'user', content: 'First question' }]]);
  await expect(page.getByRole('article')).toHaveCount(2);
  await expect(replies).not.toContainText('Old first answer');
  await expect(page.getByRole('log')).not.toContainText('Second question');
  await page.reload();
  await ready(page);
  await expect(page.getByRole('article')).toHaveCount(2);
  await expect(page.getByRole('log')).not.toContainText('Second question');

  // The last reply regenerates without a question: nothing comes after it.
  await replies.getByRole('button', { name: 'Regenerate' }).click();
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('article')).toHaveCount(2);
});

test('one message is deleted after a confirmation, and stays deleted', async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  await putConversation(page, 'turns', 'Turns', TURNS);
  await page.reload();
  await ready(page);
  const question = page.getByRole('article', { name: 'You' }).filter({ hasText: 'Second question' });
  await question.getByRole('button', { name: 'Delete message' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete message' });
  await expect(confirm).toContainText('Delete "Second question"?');
  await page.keyboard.press('Escape');
  await expect(confirm).toBeHidden();
  await expect(page.getByRole('article')).toHaveCount(4);
  await question.getByRole('button', { name: 'Delete message' }).click();
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('article')).toHaveCount(3);
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
  await page.reload();
  await ready(page);
  await expect(page.getByRole('log')).not.toContainText('Second question');
  await expect(page.getByRole('log')).toContainText('Old second answer');
});

/** Opens the app and types two lines into the composer with `newline` between them, which must not send. */
async function typeTwoLines(page: Page, coarsePointer: boolean, newline: string): Promise<void> {
  await page.goto(app.url);
  await ready(page);
  expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(coarsePointer);
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.click();
  await page.keyboard.type('First line');
  await page.keyboard.press(newline);
  await page.keyboard.type('second line');
  await expect(box).toHaveValue('First line\nsecond line');
  await expect(page.getByRole('article')).toHaveCount(0);
}

test.describe('on a touch screen', () => {
  test.use({ viewport: { width: 412, height: 915 }, hasTouch: true, isMobile: true });

  test('Enter starts a new line and the Send button sends', async ({ page }) => {
    await typeTwoLines(page, true, 'Enter');
    await page.getByRole('button', { name: 'Send' }).tap();
    await expect(page.getByRole('article', { name: 'You' })).toHaveText(/First line\s+second line/);
  });
});

test('with a keyboard, Enter sends and Shift+Enter starts a new line', async ({ page }) => {
  await typeTwoLines(page, false, 'Shift+Enter');
  const box = page.getByRole('textbox', { name: 'Message' });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('article', { name: 'You' })).toHaveText(/First line\s+second line/);
  await expect(box).toHaveValue('');
});

test('clearing all data names what goes with its size, then the app starts as on a fresh profile', async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  await putConversation(page, 'tea', 'Green tea', [{ role: 'user', content: 'How hot should the water be?' }]);
  await page.reload();
  await ready(page);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
  // The settings page's button, not the dialog's (which may still be closing when focus returns).
  const clear = page.locator('#app').getByRole('button', { name: 'Clear all data' });

  await clear.click();
  const confirm = page.getByRole('alertdialog', { name: 'Clear all data' });
  await expect(confirm).toContainText('1 conversations');
  await expect(confirm).toContainText(/1 models \(GLM Pocket demo\): 1\.\d+ MB/);
  await expect(confirm).toContainText(/[\d.]+ [kMG]B stored on this device in all/);
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(clear).toBeFocused();

  await clear.click();
  const chunkRequests: string[] = [];
  page.on('request', (r) => r.url().includes('/models/') && chunkRequests.push(r.url()));
  await confirm.getByRole('button', { name: 'Clear all data' }).click();
  // The page reloads into a first run: the welcome, the demo installing again, the settings as they come.
  await expect(page.getByRole('heading', { name: 'Chat with GLM, right on this device' })).toBeVisible({ timeout: 60_000 });
  await ready(page);
  await expect(page.getByRole('navigation', { name: 'Conversations' }).locator('li')).toHaveCount(0);
  expect(await page.evaluate(() => [JSON.parse(localStorage.getItem('glm-pocket.settings') ?? '{}').theme ?? 'system', document.documentElement.dataset.theme])).toEqual(['system', 'system']);
  const packs = await page.evaluate(() => (globalThis as any).glmPocketEngine.listPacks());
  expect(packs.map((p: { id: string; status: string }) => `${p.id} ${p.status}`)).toEqual(['glm-pocket-demo-q4 installed']);
  expect(chunkRequests.length, 'the demo was downloaded again').toBeGreaterThan(0);
});
