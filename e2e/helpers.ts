// Steps the app's browser tests share: serving the built app, waiting for the demo model, asking a question.
import { expect, test, type Page } from '@playwright/test';
import type { Server } from 'node:http';
import { startServer } from '../tools/serve';

/** Serves the built app (dist/) to the tests of the calling file; `app.url` is its address once they run. */
export function serveApp(): { url: string } {
  const app = { url: '' };
  let server: Server | undefined;
  test.beforeAll(async () => {
    ({ server, url: app.url } = await startServer({ root: 'dist' }));
  });
  test.afterAll(() => server?.close());
  return app;
}

/** Waits until the app has installed and loaded its demo model. */
export async function ready(page: Page, text = 'GLM Pocket demo ready'): Promise<void> {
  await expect(page.getByText(text)).toBeVisible({ timeout: 60_000 });
}

/** Sends a message and waits for the reply to finish (the Send button is back). */
export async function ask(page: Page, text: string, send = 'Send', box = 'Message'): Promise<void> {
  await page.getByRole('textbox', { name: box }).fill(text);
  await page.getByRole('button', { name: send }).click();
  await expect(page.getByRole('button', { name: send })).toBeVisible({ timeout: 120_000 });
}
