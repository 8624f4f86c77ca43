// axe (WCAG 2.2 AA rules, target-size included) on every main screen at phone and desktop sizes,
// light and dark, English and Chinese: the welcome, a chat with a rich reply, its settings dialog,
// the conversation drawer, the Models page, Settings and its clear-all-data confirmation.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { putConversation, ready, serveApp } from './helpers';
import { RICH_REPLY } from './rich-reply';

const app = serveApp();
/** @axe-core/playwright 4.14.0 checks target-size only under the wcag22aa tag. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

async function violations(page: Page, screen: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  // The rules this issue is about did run (and passed or found something), not silently skipped.
  const ran = [...results.passes, ...results.violations].map((r) => r.id);
  expect(ran, screen).toEqual(expect.arrayContaining(['target-size', 'color-contrast']));
  return results.violations.map((v) => `${screen}: ${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

const SIZES = { phone: { width: 412, height: 915 }, desktop: { width: 1280, height: 800 } } as const;
const TEXT = {
  en: { ready: 'GLM Pocket demo ready', models: 'Models', settings: 'Settings', drawer: 'Open conversations', customize: 'Customize this chat', clear: 'Clear all data' },
  zh: { ready: 'GLM Pocket demo 已就绪', models: '模型', settings: '设置', drawer: '打开对话列表', customize: '自定义此对话', clear: '清除所有数据' },
} as const;

for (const size of ['phone', 'desktop'] as const) {
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const language of ['en', 'zh'] as const) {
      test.describe(`${size}, ${colorScheme}, ${language}`, () => {
        test.use({ viewport: SIZES[size], colorScheme, locale: language === 'zh' ? 'zh-CN' : 'en-US' });
        test(`axe finds no WCAG 2.2 AA violation on the main screens (${size}, ${colorScheme}, ${language})`, async ({ page }) => {
          const text = TEXT[language];
          const found: string[] = [];
          await page.goto(app.url);
          await ready(page, text.ready);
          found.push(...(await violations(page, 'welcome')));

          await putConversation(page, 'rich', 'Rich reply', [{ role: 'user', content: 'Show me code and a table' }, { role: 'assistant', content: RICH_REPLY }]);
          await page.reload();
          await ready(page, text.ready);
          await expect(page.locator('code.hljs')).toHaveCount(1);
          found.push(...(await violations(page, 'chat')));
          await page.getByRole('button', { name: text.customize, exact: true }).click();
          await expect(page.getByRole('dialog')).toBeVisible();
          found.push(...(await violations(page, 'chat settings')));
          await page.keyboard.press('Escape');
          await expect(page.getByRole('dialog')).toBeHidden();

          if (size === 'phone') {
            await page.getByRole('button', { name: text.drawer }).click();
            await expect(page.getByRole('dialog')).toBeVisible();
            found.push(...(await violations(page, 'drawer')));
            await page.keyboard.press('Escape');
          }
          await page.getByRole('button', { name: text.models, exact: true }).click();
          found.push(...(await violations(page, 'models')));
          await page.getByRole('button', { name: text.settings, exact: true }).click();
          found.push(...(await violations(page, 'settings')));
          await page.getByRole('button', { name: text.clear }).click();
          await expect(page.getByRole('alertdialog')).toBeVisible();
          found.push(...(await violations(page, 'clear all data')));
          await page.keyboard.press('Escape');
          expect(found).toEqual([]);
        });
      });
    }
  }
}
