// The demo model's evaluation: each case is a chat of one or more user turns, greedy generation through
// the engine's chat as the app runs it (earlier turns answered by the model itself, as in the app); it
// passes when the last reply contains every one of its key phrases.
import { readFile } from 'node:fs/promises';
import type { Engine } from '../src/engine/engine';
import type { ChatMessage } from '../src/engine/generation/tokenizer';
import { CHAT_DEFAULTS } from '../src/engine/defaults';
import type { SamplingOptions } from '../src/engine/generation/sampling';

export const DEFAULT_EVAL_FILE = 'tools/demo/eval.json';

export interface EvalCase {
  /** What the rates are grouped by, e.g. "en app", "zh out of scope", "en multi-turn". */
  class: string;
  /** The topic of tools/demo/topics.ts (or "out-of-scope") whose answer it expects. */
  topic: string;
  /** The user's message, or the user's turns in order. */
  prompt: string | string[];
  /** All of these, case-insensitive, must be in the last reply. */
  expect: string[];
}

export interface EvalResult extends EvalCase {
  reply: string;
  passed: boolean;
}

const isCase = (c: EvalCase) =>
  typeof c.class === 'string' &&
  typeof c.topic === 'string' &&
  (typeof c.prompt === 'string' || (Array.isArray(c.prompt) && c.prompt.length > 0 && c.prompt.every((p) => typeof p === 'string'))) &&
  Array.isArray(c.expect) &&
  c.expect.length > 0 &&
  c.expect.every((p) => typeof p === 'string' && p.length > 0);

export async function readEvalCases(file: string): Promise<EvalCase[]> {
  const cases = JSON.parse(await readFile(file, 'utf8')) as EvalCase[];
  if (!Array.isArray(cases) || !cases.every(isCase)) {
    throw new Error(`${file}: expected an array of { "class": string, "topic": string, "prompt": string | [string, ...], "expect": [string, ...] }`);
  }
  return cases;
}

/** The user turns of a case, in order. */
export const turnsOf = (c: EvalCase): string[] => (typeof c.prompt === 'string' ? [c.prompt] : c.prompt);

/** Sampling as the app samples by default (its temperature and top-p), from `seed`. */
export const appSampling = (seed?: number): SamplingOptions => ({ temperature: CHAT_DEFAULTS.temperature, topP: CHAT_DEFAULTS.topP, seed });

/**
 * Each case's conversation, turn by turn, the model's own replies fed back as the app does. Greedy
 * unless `sampling` says otherwise; a sampled case's turns use seeds from `sampling.seed` (default 1)
 * plus the case's index, so a run is reproducible.
 */
export async function runEval(engine: Engine<unknown>, cases: EvalCase[], sampling: SamplingOptions = { greedy: true }, maxNewTokens = 96): Promise<EvalResult[]> {
  const results: EvalResult[] = [];
  for (const [index, c] of cases.entries()) {
    const messages: ChatMessage[] = [];
    let reply = '';
    for (const turn of turnsOf(c)) {
      messages.push({ role: 'user', content: turn });
      reply = '';
      const seed = sampling.greedy ? undefined : (sampling.seed ?? 1) + index * 16 + messages.length;
      await engine.chat([...messages], { ...sampling, maxNewTokens, seed }, (text) => (reply += text)).result;
      reply = reply.trim();
      messages.push({ role: 'assistant', content: reply });
    }
    const lower = reply.toLowerCase();
    results.push({ ...c, reply, passed: c.expect.every((phrase) => lower.includes(phrase.toLowerCase())) });
  }
  return results;
}

/** Pass rate per class, and over all cases. */
export function classRates(results: EvalResult[]): { class: string; passed: number; total: number; passRate: number }[] {
  const classes = [...new Set(results.map((r) => r.class))].sort();
  return [...classes, 'all'].map((name) => {
    const inClass = results.filter((r) => name === 'all' || r.class === name);
    const passed = inClass.filter((r) => r.passed).length;
    return { class: name, passed, total: inClass.length, passRate: passed / inClass.length };
  });
}
