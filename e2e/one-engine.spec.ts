// The CLI and the app run one engine: for the same conversation and settings, a conversation longer
// than the context, the app's worker (in Chromium) and `glm chat` (in Node) choose the same context
// window, run the same prompt ids and give the same greedy reply at every turn.
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { startServer } from '../tools/serve';

const PACK = 'glm-pocket-demo-q4';
const TURNS = ['How do I install the app?', 'Does it work offline?', 'How do I get a real GLM model?', 'What does the temperature setting do?', 'How do I delete a model?', 'Thank you!'];
const SETTINGS = { context: 160, maxNewTokens: 32, threads: 1 };

interface Turn {
  text: string;
  promptIds: number[];
  ids: number[];
  droppedMessages: number;
}

/** `glm chat --json` with the turns on standard input: one JSON line per turn. */
function cliConversation(): Promise<Turn[]> {
  const args = ['--import', 'tsx', 'tools/glm.ts', 'chat', '--model', `public/models/${PACK}`, '--greedy', '--json', '--context', String(SETTINGS.context), '--max-new-tokens', String(SETTINGS.maxNewTokens), '--threads', String(SETTINGS.threads)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout.trim().split('\n').map((line) => JSON.parse(line) as Turn)) : reject(new Error(`glm chat exited ${code}: ${stderr}`))));
    child.stdin.end(TURNS.join('\n') + '\n');
  });
}

let server: Server;
let baseUrl: string;
test.beforeAll(async () => {
  ({ server, url: baseUrl } = await startServer({ root: 'dist' }));
});
test.afterAll(() => server?.close());

test('the CLI and the app give the same prompt ids and greedy replies across a conversation longer than the context', async ({ page }) => {
  const cli = cliConversation();
  await page.goto(baseUrl);
  await expect(page.getByText('GLM Pocket demo ready')).toBeVisible();
  const app = (await page.evaluate(
    async ({ pack, turns, settings }) => {
      const engine = (globalThis as any).glmPocketEngine;
      await engine.load({ location: { kind: 'pack', id: pack }, backend: 'wasm', threads: settings.threads, maxSequenceLength: settings.context });
      const messages: { role: string; content: string }[] = [];
      const out = [];
      for (const turn of turns) {
        messages.push({ role: 'user', content: turn });
        let text = '';
        const result = await engine.chat(messages, { maxNewTokens: settings.maxNewTokens, greedy: true }, (piece: string) => (text += piece)).result;
        // As the app keeps it (chat.svelte.ts): the reply's text, trimmed.
        messages.push({ role: 'assistant', content: text.trim() });
        out.push({ text, promptIds: result.promptIds, ids: result.ids, droppedMessages: result.droppedMessages });
      }
      return out;
    },
    { pack: PACK, turns: TURNS, settings: SETTINGS },
  )) as Turn[];
  const fromCli = await cli;
  expect(fromCli).toHaveLength(TURNS.length);
  expect(app.some((turn) => turn.droppedMessages > 0), 'the conversation outgrew the context').toBe(true);
  for (const [i, turn] of app.entries()) {
    expect(fromCli[i].promptIds, `turn ${i + 1}: prompt ids`).toEqual(turn.promptIds);
    expect(fromCli[i].ids, `turn ${i + 1}: reply ids`).toEqual(turn.ids);
    expect(fromCli[i].text).toBe(turn.text);
    expect(fromCli[i].droppedMessages).toBe(turn.droppedMessages);
  }
});

test('fault drills are refused unless the page was opened with ?fault-drills', async ({ page }) => {
  await page.goto(baseUrl);
  await expect(page.getByText('GLM Pocket demo ready')).toBeVisible();
  const refused = await page.evaluate(() => (globalThis as any).glmPocketEngine.failNextLoad().then(() => 'accepted', (e: Error) => `${e.name}: ${e.message}`));
  expect(refused).toMatch(/fault drill "fail-next-load" is off in this build/);
});
