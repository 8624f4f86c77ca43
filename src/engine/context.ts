// Fitting a conversation into the context window: the system prompt stays, the oldest turns go.
import type { ChatMessage, GlmTokenizer } from './tokenizer';

export interface FittedPrompt {
  ids: number[];
  /** Messages left out from the start of the conversation (not counting the system prompt). */
  droppedMessages: number;
}

/** The longest suffix of the conversation whose prompt leaves room for `reserve` new tokens. */
export function fitToContext(tokenizer: GlmTokenizer, messages: readonly ChatMessage[], contextTokens: number, reserve: number): FittedPrompt {
  const system = messages[0]?.role === 'system' ? [messages[0]] : [];
  const turns = messages.slice(system.length);
  for (let dropped = 0; dropped < turns.length; dropped++) {
    const kept = turns.slice(dropped);
    if (kept[0].role !== 'user' && dropped < turns.length - 1) continue; // start at a user turn
    const ids = tokenizer.chatPromptIds([...system, ...kept]);
    if (ids.length + reserve <= contextTokens) return { ids, droppedMessages: dropped };
  }
  const last = turns.slice(-1);
  const ids = tokenizer.chatPromptIds([...system, ...last]);
  if (ids.length >= contextTokens) throw new RangeError(`the message is ${ids.length} tokens long, more than the context length of ${contextTokens}`);
  return { ids, droppedMessages: turns.length - 1 };
}
