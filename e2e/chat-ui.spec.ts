// The chat as a phone user meets it: a reply with a long code line and a wide table stays inside
// the screen on a phone and on a desktop (its blocks scroll), the conversation drawer is a modal that traps and returns focus,
// a long conversation opens at its end with a way back to it, focus follows Send and the reply,
// and the welcome shows on a fresh profile only.
import { expect, test } from '@playwright/test';
import { ask, ignoreComputePressure, putConversation, ready, serveApp, setVisibility } from './helpers';
import { RICH_REPLY } from './rich-reply';

const app = serveApp();
test.beforeEach(({ page }) => ignoreComputePressure(page));

for (const [size, viewport] of [['phone', { width: 412, height: 915 }], ['desktop', { width: 1280, height: 800 }]] as const) {
  test(`a reply with a long code line and a wide table keeps every element inside the viewport (${size})`, async ({ browser }) => {
    const context = await browser.newContext({ viewport, hasTouch: size === 'phone', isMobile: size === 'phone' });
    const page = await context.newPage();
    await page.goto(app.url);
    await ready(page);
    await putConversation(page, 'rich', 'Rich reply', [{ role: 'user', content: 'Show me code and a table' }, { role: 'assistant', content: RICH_REPLY }]);
    await page.reload();
    await ready(page);
    const reply = page.getByRole('article', { name: 'GLM' });
    await expect(reply.locator('code.hljs .hljs-keyword').first()).toHaveText('const');
    await expect(reply.getByRole('button', { name: 'Copy code' })).toBeVisible();
    await expect(reply.locator('blockquote')).toContainText('A quoted remark');

    const layout = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const outside = [...document.querySelectorAll('body *')].filter((el) => {
        // What scrolls inside a code block or a table's box may extend past it; the box may not.
        if (el.parentElement?.closest('pre, .table-scroll')) return false;
        const r = el.getBoundingClientRect();
        return r.width > 0 && (r.left < -1 || r.right > width + 1);
      });
      const scrolls = (selector: string) => {
        const el = document.querySelector(selector)!;
        return el.scrollWidth > el.clientWidth;
      };
      return {
        pageOverflow: document.documentElement.scrollWidth - width,
        outside: outside.map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
        codeScrolls: scrolls('pre'),
        tableScrolls: scrolls('.table-scroll'),
      };
    });
    expect(layout).toEqual({ pageOverflow: 0, outside: [], codeScrolls: true, tableScrolls: true });
    const send = await page.getByRole('button', { name: 'Send' }).boundingBox();
    expect(send!.x + send!.width).toBeLessThanOrEqual(viewport.width);
    // The code block scrolls by keyboard too.
    await expect(reply.locator('pre')).toHaveAttribute('tabindex', '0');
    await context.close();
  });
}

test.describe('on a phone', () => {
  test.use({ viewport: { width: 412, height: 915 }, hasTouch: true, isMobile: true });

  test('the conversation drawer is modal: focus moves in and stays, Escape and a tap outside close it, focus comes back', async ({ page }) => {
    const violations: string[] = [];
    await page.exposeFunction('cspViolation', (text: string) => violations.push(text));
    await page.addInitScript(() =>
      addEventListener('securitypolicyviolation', (event) => {
        const e = event as SecurityPolicyViolationEvent;
        (window as any).cspViolation(`${e.violatedDirective} ${e.blockedURI}`);
      }),
    );
    await page.goto(app.url);
    await ready(page);
    await ask(page, 'Hello');
    const trigger = page.getByRole('button', { name: 'Open conversations' });
    const drawer = page.getByRole('dialog', { name: 'Conversations' });
    await trigger.click();
    await expect(drawer).toBeVisible();
    const focusInside = () => drawer.evaluate((d) => d.contains(document.activeElement));
    expect(await focusInside()).toBe(true);
    for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      expect(await focusInside(), `focus after ${key}`).toBe(true);
    }
    // Nothing behind the drawer is reachable meanwhile, and its whole width is on screen.
    const box = await drawer.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(412);

    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
    await expect(trigger).toBeFocused();

    await trigger.click();
    await expect(drawer).toBeVisible();
    await page.mouse.click(400, 450);
    await expect(drawer).toBeHidden();
    await expect(trigger).toBeFocused();

    // Picking a conversation closes the drawer and puts focus in the message box.
    await trigger.click();
    await drawer.getByRole('button', { name: 'Hello', exact: true }).click();
    await expect(drawer).toBeHidden();
    await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
    // The dialog library's styles and focus guards stay within the Content-Security-Policy.
    expect(violations).toEqual([]);
  });
});

test('while a reply streams, no live region reads its text: the only announcement is that it finished', async ({ page }) => {
  // Every text a live region (status, alert, log, aria-live) takes while the page runs, and how often the log changed.
  await page.addInitScript(() => {
    const seen: string[] = ((window as any).liveTexts = []);
    (window as any).logChanges = 0;
    const live = '[role=status], [role=alert], [role=log], [aria-live]:not([aria-live=off])';
    new MutationObserver(() => {
      if (document.querySelector('[role=log]')) (window as any).logChanges++;
      for (const region of document.querySelectorAll<HTMLElement>(live)) {
        if (region.closest('[aria-live=off]')) continue;
        const text = region.innerText.trim();
        if (text && seen.at(-1) !== text && !seen.includes(text)) seen.push(text);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(app.url);
  await ready(page);
  await ask(page, 'How do I install the app on my iPhone?');
  const reply = (await page.getByRole('article', { name: 'GLM' }).locator('.markdown').innerText()).trim();
  const { liveTexts, logChanges } = await page.evaluate(() => ({ liveTexts: (window as any).liveTexts as string[], logChanges: (window as any).logChanges as number }));
  expect(logChanges, 'the reply streamed in several pieces').toBeGreaterThan(5);
  expect(liveTexts).toContain('GLM has answered.');
  const words = reply.split(/\s+/).slice(0, 3).join(' ');
  expect(liveTexts.filter((text) => text.includes(words)), `live regions that read "${words}…"`).toEqual([]);
});

test('a long conversation opens at its latest message; scrolled up, a button goes back to it', async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  const messages = Array.from({ length: 30 }, (_, i) => ({ role: i % 2 ? ('assistant' as const) : ('user' as const), content: `Message ${i + 1}` }));
  await putConversation(page, 'long', 'Long', messages);
  await page.reload();
  await ready(page);
  const log = page.getByRole('log');
  const toLatest = page.getByRole('button', { name: 'Scroll to the latest message' });
  await expect(log.getByText('Message 30', { exact: true })).toBeInViewport();
  await expect(toLatest).toHaveCount(0);
  await log.evaluate((el) => el.scrollTo({ top: 0 }));
  await toLatest.click();
  await expect(log.getByText('Message 30', { exact: true })).toBeInViewport();
  await expect(toLatest).toHaveCount(0);
});

test('focus lands on Stop after Send and back in the message box after the reply; the reply is announced once, when finished', async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  // Held in the background, the reply stays unfinished while focus is checked.
  await setVisibility(page, 'hidden');
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('What is the memory budget?');
  await box.press('Enter');
  await expect(page.getByRole('button', { name: 'Stop' })).toBeFocused();
  // The log is not a live region: the streamed tokens are not read out one by one.
  await expect(page.getByRole('log')).toHaveAttribute('aria-live', 'off');
  await setVisibility(page, 'visible');
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible({ timeout: 60_000 });
  await expect(box).toBeFocused();
  await expect(page.getByRole('status').filter({ hasText: 'GLM has answered.' })).toHaveCount(1);

  // Regenerate removes the reply it was pressed on: focus goes to Stop, then back to the message box.
  await setVisibility(page, 'hidden');
  await page.getByRole('button', { name: 'Regenerate' }).click();
  await expect(page.getByRole('button', { name: 'Stop' })).toBeFocused();
  await setVisibility(page, 'visible');
  await expect(box).toBeFocused({ timeout: 60_000 });

  // Edit puts focus in the editor; Escape cancels and returns it to Edit.
  const question = page.getByRole('article', { name: 'You' });
  await question.getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByRole('textbox', { name: 'Edit' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(question.getByRole('button', { name: 'Edit' })).toBeFocused();

  // Rename: Enter saves and returns focus to the conversation; New chat puts focus in the message box.
  const list = page.getByRole('navigation', { name: 'Conversations' });
  await list.getByRole('button', { name: 'Rename: What is the memory budget?' }).click();
  await expect(list.getByRole('textbox', { name: 'Rename' })).toBeFocused();
  await list.getByRole('textbox', { name: 'Rename' }).fill('Budget');
  await list.getByRole('textbox', { name: 'Rename' }).press('Enter');
  await expect(list.getByRole('button', { name: 'Budget', exact: true })).toBeFocused();
  await list.getByRole('button', { name: 'New chat' }).click();
  await expect(box).toBeFocused();
});

test('the first-run welcome shows on a fresh profile, leads to a real model, and not after the first conversation', async ({ page }) => {
  await page.goto(app.url);
  await ready(page);
  const welcome = page.getByRole('heading', { name: 'Chat with GLM, right on this device' });
  await expect(welcome).toBeVisible();
  await expect(page.getByText('only knows about GLM Pocket itself')).toBeVisible();
  await page.getByRole('button', { name: /^Get GLM-Edge 1.5B chat \(.+ download\)$/ }).click();
  await expect(page.getByRole('heading', { name: 'Models', exact: true })).toBeFocused();
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await page.getByRole('button', { name: 'Does GLM Pocket work offline?' }).click();
  await expect(page.getByRole('article', { name: 'GLM' })).toContainText('offline', { timeout: 60_000 });
  await page.reload();
  await ready(page);
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(page.getByRole('heading', { name: 'What would you like to know?' })).toBeVisible();
  await expect(welcome).toHaveCount(0);
});
