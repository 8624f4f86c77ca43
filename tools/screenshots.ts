// Regenerates the README's screenshots (docs/screenshot-{phone,desktop}-{light,dark}-{en,zh}.png):
// the built app served as `npm start` serves it, in Debian's Chromium (Chinese from fonts-noto-cjk),
// on a fresh profile each, after asking the demo model the welcome's first suggested question.
// Usage: npm run screenshots
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../bench/browser';
import { startServer } from './serve';

const SIZES = {
  phone: { viewport: { width: 412, height: 915 }, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false },
} as const;
const TEXT = {
  en: { locale: 'en-US', ready: 'GLM Pocket demo ready', question: 'What is GLM Pocket?', send: 'Send' },
  zh: { locale: 'zh-CN', ready: 'GLM Pocket demo 已就绪', question: 'GLM Pocket 是什么？', send: '发送' },
} as const;

const { server, url } = await startServer({ root: 'dist' });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  for (const size of ['phone', 'desktop'] as const) {
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const language of ['en', 'zh'] as const) {
        const text = TEXT[language];
        const context = await browser.newContext({ ...SIZES[size], colorScheme, locale: text.locale });
        const page = await context.newPage();
        // A busy machine's compute pressure would pause the reply (and show a notice in the picture).
        await page.addInitScript(() => localStorage.getItem('glm-pocket.settings') || localStorage.setItem('glm-pocket.settings', JSON.stringify({ ignorePressure: true })));
        await page.goto(url);
        await page.getByText(text.ready).waitFor({ timeout: 60_000 });
        await page.getByRole('button', { name: text.question }).click();
        await page.getByRole('article').nth(1).waitFor({ timeout: 60_000 });
        await page.getByRole('button', { name: text.send }).waitFor({ timeout: 120_000 });
        // No focus ring in the picture, and the highlighted code and fonts settled.
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await page.evaluate(() => document.fonts.ready);
        const path = `docs/screenshot-${size}-${colorScheme}-${language}.png`;
        await page.screenshot({ path });
        console.log(`wrote ${path}`);
        await context.close();
      }
    }
  }
} finally {
  await browser.close();
  server.close();
}
