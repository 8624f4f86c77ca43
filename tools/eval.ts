// The demo model's evaluation: each prompt is a one-question chat with greedy generation, through
// the engine's chat as the app runs it; it passes when the reply contains one of its key phrases.
import { readFile } from 'node:fs/promises';
import type { Engine } from '../src/engine/engine';

export const DEFAULT_EVAL_FILE = 'tools/demo/eval.json';

export interface EvalCase {
  prompt: string;
  /** Any one of these, case-insensitive, makes the reply pass. */
  expect: string[];
}

export interface EvalResult extends EvalCase {
  reply: string;
  passed: boolean;
}

export async function readEvalCases(file: string): Promise<EvalCase[]> {
  const cases = JSON.parse(await readFile(file, 'utf8')) as EvalCase[];
  if (!Array.isArray(cases) || cases.some((c) => typeof c.prompt !== 'string' || !Array.isArray(c.expect) || c.expect.length === 0)) {
    throw new Error(`${file}: expected an array of { "prompt": string, "expect": [string, ...] }`);
  }
  return cases;
}

export async function runEval(engine: Engine<unknown>, cases: EvalCase[], maxNewTokens = 96): Promise<EvalResult[]> {
  const results: EvalResult[] = [];
  for (const c of cases) {
    let reply = '';
    await engine.chat([{ role: 'user', content: c.prompt }], { maxNewTokens, greedy: true }, (text) => (reply += text)).result;
    reply = reply.trim();
    const lower = reply.toLowerCase();
    results.push({ ...c, reply, passed: c.expect.some((phrase) => lower.includes(phrase.toLowerCase())) });
  }
  return results;
}
