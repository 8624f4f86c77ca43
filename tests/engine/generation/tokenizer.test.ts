// The tokenizer and the chat template: GLM templates render as @huggingface/jinja renders them, and a
// hostile or broken template in tokenizer_config.json fails fast with an error naming that file.
import { readFile } from 'node:fs/promises';
import { Template } from '@huggingface/jinja';
import { beforeAll, describe, expect, test } from 'vitest';
import { CheckpointError } from '../../../src/engine/errors';
import { GlmTokenizer, TextStreamer, type ChatMessage } from '../../../src/engine/generation/tokenizer';
import { GLM4_TEMPLATE, specialTokenId } from '../../../tools/checkpoint-writer';
import { fixtureCheckpoint } from '../../helpers';

let tokenizerJson: unknown;
let tokenizerConfig: Record<string, unknown>;
beforeAll(async () => {
  ({ tokenizerJson, tokenizerConfig } = await fixtureCheckpoint({ shape: 'glm-4-9b' }));
});

describe('GlmTokenizer', () => {
  let tokenizer: GlmTokenizer;
  beforeAll(() => {
    tokenizer = new GlmTokenizer(tokenizerJson, tokenizerConfig);
  });

  test('byte-level encoding round-trips English and Chinese', () => {
    for (const text of ['Hello, GLM Pocket!', '你好，离线聊天。', 'tabs\tand\nnewlines']) {
      expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    }
  });

  test('the chat template renders GLM turns, and special tokens encode as single ids', () => {
    const messages = [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'Hi' },
    ];
    expect(tokenizer.renderChat(messages)).toBe('[gMASK]<sop><|system|>\nBe brief.<|user|>\nHi<|assistant|>\n');
    const ids = tokenizer.chatPromptIds(messages);
    expect(ids.slice(0, 3)).toEqual([specialTokenId('[gMASK]'), specialTokenId('<sop>'), specialTokenId('<|system|>')]);
    expect(ids[ids.length - 2]).toBe(specialTokenId('<|assistant|>'));
    expect(tokenizer.decode(ids)).toBe('\nBe brief.\nHi\n');
  });

  test('the streamer holds back a character split across byte tokens', () => {
    const streamer = new TextStreamer(tokenizer);
    const bytes = tokenizer.encode('好');
    expect(bytes).toHaveLength(3);
    expect(streamer.push(bytes[0])).toBe('');
    expect(streamer.push(bytes[1])).toBe('');
    expect(streamer.push(bytes[2])).toBe('好');
  });

  test('streamed deltas add up to the decoded reply, for text of every kind', () => {
    const text = 'Hello, world! 你好，世界。 Numbers 12345 and  two spaces.\nNew line 🙂 end';
    const ids = tokenizer.encode(text);
    const streamer = new TextStreamer(tokenizer);
    const deltas = ids.map((id) => streamer.push(id));
    expect(deltas.join('')).toBe(tokenizer.decode(ids));
    expect(deltas.filter((d) => d !== '').length).toBeGreaterThan(20);
  });
});

/** A GLM-style template using what real ones do: macros, namespace, loop fields, filters, tests, globals. */
const FEATURE_TEMPLATE = `[gMASK]<sop>
{%- macro text(content) -%}
  {%- if content is string -%}{{ content }}{%- else -%}{%- for part in content if part.type == 'text' -%}{{ part.text }}{%- endfor -%}{%- endif -%}
{%- endmacro -%}
{%- set ns = namespace(last_user=-1) -%}
{%- for i in range(messages | length) -%}{%- if messages[i].role == 'user' -%}{%- set ns.last_user = i -%}{%- endif -%}{%- endfor -%}
{%- if messages[0].role == 'system' -%}<|system|>{{ {'turns': messages | length, 'bos': bos_token} | tojson }}{%- endif -%}
{%- for m in messages -%}
  {%- if m.role not in ['system', 'user', 'assistant'] -%}{{ raise_exception('unknown role ' ~ m.role) }}{%- endif -%}
  <|{{ m.role }}|>{{ '\\n' ~ text(m.content) | trim }}
  {%- if m.role == 'assistant' and loop.index0 > ns.last_user %}{{ eos_token }}{%- endif -%}
  {%- if loop.last and m.role == 'user' %} ({{ loop.length }} turns, {{ strftime_now('%Y') }}, {{ none is none }}, {{ True and not false }}){%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}<|assistant|>\n{%- endif -%}`;

function conversation(turns: number, chars: number): ChatMessage[] {
  const words = (i: number) => `turn ${i} `.repeat(chars).slice(0, chars);
  return [{ role: 'system', content: 'Be brief.' }, ...Array.from({ length: turns }, (_, i): ChatMessage => ({ role: i % 2 ? 'assistant' : 'user', content: words(i) }))];
}

function withTemplate(chatTemplate: string): GlmTokenizer {
  return new GlmTokenizer(tokenizerJson, { ...tokenizerConfig, chat_template: chatTemplate, bos_token: '<sop>' });
}

/** The error a render throws, and how long it took to come. */
function renderFailure(chatTemplate: string, messages: readonly ChatMessage[] = conversation(2, 10)): { error: unknown; ms: number } {
  const tokenizer = withTemplate(chatTemplate);
  const start = performance.now();
  try {
    tokenizer.renderChat(messages);
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
  throw new Error('the template rendered');
}

describe('chat template', () => {
  test('GLM templates render exactly as @huggingface/jinja renders them, long conversations included', async () => {
    const demo = JSON.parse(await readFile('models/glm-pocket-demo/tokenizer_config.json', 'utf8')) as { chat_template: string };
    for (const source of [GLM4_TEMPLATE, demo.chat_template, FEATURE_TEMPLATE]) {
      for (const messages of [conversation(1, 5), conversation(6, 40), conversation(2000, 200)]) {
        const expected = new Template(source).render({ bos_token: '<sop>', eos_token: '<|endoftext|>', messages, add_generation_prompt: true });
        expect(withTemplate(source).renderChat(messages)).toBe(expected);
      }
    }
  });

  test('a loop over range(100000000) fails at once, naming tokenizer_config.json and the bound', () => {
    const { error, ms } = renderFailure('{% for i in range(100000000) %}x{% endfor %}');
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toMatch(/^tokenizer_config\.json: chat_template asked range\(\) for 100000000 numbers, more than the \d+ steps this render may take/);
    expect(ms).toBeLessThan(500);
  });

  test('loops that would run a billion times stop at the step bound', () => {
    const { error, ms } = renderFailure('{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}{{ k }}{% endfor %}{% endfor %}{% endfor %}');
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toMatch(/^tokenizer_config\.json: chat_template took more than \d+ steps to render/);
    expect(ms).toBeLessThan(2000);
  });

  test('a text that doubles on every turn of a loop stops at the size bound', () => {
    const { error, ms } = renderFailure("{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}");
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toMatch(/^tokenizer_config\.json: chat_template made a text longer than \d+ characters/);
    expect(ms).toBeLessThan(1000);
  });

  test('a list that doubles on every turn of a loop stops at the size bound', () => {
    const { error, ms } = renderFailure('{% set ns = namespace(l=[1]) %}{% for i in range(64) %}{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l | length }}');
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toMatch(/^tokenizer_config\.json: chat_template made a list longer than \d+ items/);
    expect(ms).toBeLessThan(1000);
  });

  test('steps that are each slow are stopped by the clock', () => {
    // 100,000 replacements in a text of half a million characters: few steps, and minutes of work.
    const slow = "{% set ns = namespace(s='x') %}{% for i in range(19) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{% for i in range(100000) %}{% set t = ns.s | replace('x', 'y') %}{% endfor %}";
    const { error, ms } = renderFailure(slow);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toMatch(/^tokenizer_config\.json: chat_template took more than \d+ ms to render/);
    expect(ms).toBeLessThan(2000);
  });

  test('a template that does not parse is refused when the tokenizer is made, naming its file', () => {
    expect(() => withTemplate('{% for x in %}{% endfor %}')).toThrow(CheckpointError);
    expect(() => withTemplate('{% if true %}never closed')).toThrow(/^tokenizer_config\.json: chat_template does not parse: /);
  });

  test.each([
    ["{{ raise_exception('Conversation roles must alternate') }}", /Conversation roles must alternate/],
    ['{{ no_such_function() }}', /Cannot call something that is not a function/],
    ['{{ 1 + none }}', /Cannot perform operation on null values/],
  ])('a template that fails while rendering (%s) names its file', (source, problem) => {
    const { error } = renderFailure(source);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toMatch(/^tokenizer_config\.json: chat_template failed: /);
    expect((error as Error).message).toMatch(problem);
  });
});
