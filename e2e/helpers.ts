// Steps the app's browser tests share: serving the built app, waiting for the demo model, asking a question.
import { expect, test, type Page } from '@playwright/test';
import type { Server } from 'node:http';
import * as ort from 'onnxruntime-web';
import { startServer } from '../tools/serve';
import { loadGlmModel, type CausalModel } from '../src/engine/runtime/model';
import { loadCpuModel } from '../src/engine/cpu/model';
import { modelSizes, planLoad } from '../src/engine/runtime/fit';
import type { ModelSource } from '../src/engine/formats/source';

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

/** Saves a conversation straight into the app's IndexedDB store (reload the page to see it), newest first. */
export async function putConversation(page: Page, id: string, title: string, messages: { role: 'user' | 'assistant'; content: string }[]): Promise<void> {
  await page.evaluate(
    async ({ id, title, messages }) => {
      const open = indexedDB.open('glm-pocket-chats');
      const db = await new Promise<IDBDatabase>((done, fail) => ((open.onsuccess = () => done(open.result)), (open.onerror = fail), (open.onblocked = fail)));
      const tx = db.transaction('conversations', 'readwrite');
      const at = Date.now() + 1000;
      tx.objectStore('conversations').put({ id, title, modelId: 'glm-pocket-demo-q4', messages, createdAt: at, updatedAt: at }, id);
      await new Promise((done, fail) => ((tx.oncomplete = done), (tx.onerror = () => fail(tx.error)), (tx.onabort = () => fail(tx.error))));
      db.close();
    },
    { id, title, messages },
  );
}

/** Makes the page believe it went to the background (hidden: replies pause) or came back. */
export const setVisibility = (page: Page, state: 'hidden' | 'visible') =>
  page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => s });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);

/**
 * Sets "ignore compute pressure" on a fresh profile, before the app reads its settings: other
 * programs loading a shared test machine would otherwise pause the replies a test waits for.
 */
export const ignoreComputePressure = (page: Page) =>
  page.addInitScript(() => localStorage.getItem('glm-pocket.settings') || localStorage.setItem('glm-pocket.settings', JSON.stringify({ ignorePressure: true })));

/**
 * A model loaded by the engine in Node as the app plans it on the CPU (GLM Pocket's CPU kernels for
 * q4/q8, else planLoad's int8 layers on onnxruntime): what the app's wasm logits are held to.
 */
export function loadAsOnCpu(source: ModelSource): Promise<CausalModel> {
  const plan = planLoad(modelSizes(source.config, source.format), {}, { backend: 'wasm', contextTokens: 512 });
  return plan.cpuKernels ? loadCpuModel(source, { maxSequenceLength: 512 }) : loadGlmModel(source, { ort, int8: plan.int8 });
}
