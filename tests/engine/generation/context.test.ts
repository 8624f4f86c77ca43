// Fitting a conversation into the context: newest turns kept, system prompt kept, whole turns dropped.
import { beforeAll, describe, expect, test } from 'vitest';
import { fitToContext } from '../../../src/engine/generation/context';
import { GlmTokenizer, type ChatMessage } from '../../../src/engine/generation/tokenizer';
import { commonPrefixLength } from '../../../src/util/compare';
import { fixtureCheckpoint } from '../../helpers';

describe('fitToContext', () => {
  let tokenizer: GlmTokenizer;
  beforeAll(async () => {
    const c = await fixtureCheckpoint({ shape: 'glm-edge' });
    tokenizer = new GlmTokenizer(c.tokenizerJson, c.tokenizerConfig);
  });

  const conversation = (turns: number): ChatMessage[] => [
    { role: 'system', content: 'Be brief.' },
    ...Array.from({ length: turns }, (_, i): ChatMessage[] => [
      { role: 'user', content: `question ${i}` },
      { role: 'assistant', content: `answer ${i}` },
    ]).flat(),
    { role: 'user', content: 'last question' },
  ];

  test('a conversation that fits is sent whole', () => {
    const messages = conversation(2);
    const fitted = fitToContext(tokenizer, messages, 512, 64);
    expect(fitted.droppedMessages).toBe(0);
    expect(fitted.ids).toEqual(tokenizer.chatPromptIds(messages));
  });

  test('the oldest whole turns go, the system prompt stays, and the kept part starts at a user turn', () => {
    const messages = conversation(40);
    const fitted = fitToContext(tokenizer, messages, 200, 32);
    expect(fitted.ids.length + 32).toBeLessThanOrEqual(200);
    expect(fitted.droppedMessages % 2).toBe(0);
    const kept = messages.slice(1 + fitted.droppedMessages);
    expect(kept[0].role).toBe('user');
    expect(fitted.ids).toEqual(tokenizer.chatPromptIds([messages[0], ...kept]));
    // One more turn would not have fitted.
    expect(tokenizer.chatPromptIds([messages[0], ...messages.slice(fitted.droppedMessages - 1)]).length + 32).toBeGreaterThan(200);
  });

  test('with the cached ids, the window keeps its start while it fits, and frees a third of the context when it moves', () => {
    const run = (useCache: boolean) => {
      const messages: ChatMessage[] = [{ role: 'system', content: 'Be brief.' }];
      let cached: number[] = [];
      let moves = 0;
      let prefilled = 0;
      for (let turn = 0; turn < 40; turn++) {
        messages.push({ role: 'user', content: `question ${turn}, a longer one` });
        const fitted = fitToContext(tokenizer, messages, 200, 32, useCache ? cached : undefined);
        expect(fitted.ids.length + 32).toBeLessThanOrEqual(200);
        const reused = commonPrefixLength(fitted.ids, cached);
        // The cache holds the previous prompt (and the reply): a prompt that does not continue it runs from where it parts.
        if (turn > 0 && reused < cached.length) moves++;
        prefilled += fitted.ids.length - reused;
        cached = fitted.ids;
        messages.push({ role: 'assistant', content: `answer ${turn}` });
      }
      return { moves, prefilled };
    };
    const plain = run(false);
    const cacheAware = run(true);
    console.log(`40 turns at a 200-token context: window moved ${plain.moves} times, ${plain.prefilled} tokens prefilled; with the cache: ${cacheAware.moves} times, ${cacheAware.prefilled} tokens`);
    expect(cacheAware.moves).toBeLessThan(plain.moves / 2);
    expect(cacheAware.prefilled).toBeLessThan(plain.prefilled / 2);
  });

  test('a start that shares only the first word of its question with the cache is not taken for the cached window', () => {
    const answer = (topic: string) => `Here is how ${topic} works: ${'step, '.repeat(12)}done.`;
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'How do I parse JSON?' },
      { role: 'assistant', content: answer('JSON') },
      { role: 'user', content: 'Thanks, and arrays?' },
      { role: 'assistant', content: answer('arrays') },
      { role: 'user', content: 'How about YAML?' },
    ];
    // The cache holds the previous turn's window, which started at the first question.
    const cached = [...tokenizer.chatPromptIds(messages.slice(0, 4)), 7, 8, 9];
    const length = (start: number) => tokenizer.chatPromptIds([messages[0], ...messages.slice(1 + start)]).length;
    const [context, reserve] = [Math.ceil((length(2) + 32) * 1.5), 32];
    expect(length(0) + reserve).toBeGreaterThan(context); // the cached start no longer fits
    const fitted = fitToContext(tokenizer, messages, context, reserve, cached);
    // Not the newest question alone (it shares "How" with the cached start): two thirds of the window.
    expect(fitted.droppedMessages).toBe(2);
  });

  test('a single message longer than the context is refused with its length', () => {
    expect(() => fitToContext(tokenizer, [{ role: 'user', content: 'x'.repeat(300) }], 100, 10)).toThrow(/the message is \d+ tokens long, more than the context length of 100/);
  });
});
