// Browser tests in Debian's Chromium (Playwright's own browser download is not used).
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from './bench/browser';

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  workers: 1,
  reporter: [['list']],
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // --expose-gc: memory tests collect garbage before they measure.
      args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'],
    },
  },
});
