// Steps the app's browser tests share: waiting for the demo model, asking a question.
import { expect, type Page } from '@playwright/test';

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
