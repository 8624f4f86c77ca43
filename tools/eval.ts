// The demo model's evaluation: each prompt goes through the chat template and greedy generation
// in the engine; it passes when the reply contains one of its expected key phrases.
import { readFile } from 'node:fs/promises';
import { generate } from '../src/engine/generate';
import type { GlmModel } from '../src/engine/model';
import { GlmTokenizer } from '../src/engine/tokenizer';

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

export async function runEval(model: GlmModel, tokenizer: GlmTokenizer, cases: EvalCase[], maxNewTokens = 96): Promise<EvalResult[]> {
  const results: EvalResult[] = [];
  for (const c of cases) {
    const ids: number[] = [];
    for await (const id of generate(model, tokenizer.chatPromptIds([{ role: 'user', content: c.prompt }]), { maxNewTokens, greedy: true })) ids.push(id);
    const reply = tokenizer.decode(ids).trim();
    const lower = reply.toLowerCase();
    results.push({ ...c, reply, passed: c.expect.some((phrase) => lower.includes(phrase.toLowerCase())) });
  }
  return results;
}
