// Fitting a conversation into the context window: the system prompt (and the template's prefix)
// stays, the oldest turns go. The window grows backwards from the newest message, so the cost
// depends on the window, not on how long the conversation has become.
import type { ChatMessage, GlmTokenizer } from './tokenizer';

export interface FittedPrompt {
  ids: number[];
  /** Messages left out from the start of the conversation (not counting the system prompt). */
  droppedMessages: number;
}

/** The longest suffix of the conversation, starting at a user turn, whose prompt leaves room for `reserve` new tokens. */
export function fitToContext(tokenizer: GlmTokenizer, messages: readonly ChatMessage[], contextTokens: number, reserve: number): FittedPrompt {
  const system = messages[0]?.role === 'system' ? [messages[0]] : [];
  const turns = messages.slice(system.length);
  let best: FittedPrompt | null = null;
  for (let start = turns.length - 1; start >= 0; start--) {
    if (turns[start].role !== 'user' && start > 0) continue;
    const ids = tokenizer.chatPromptIds([...system, ...turns.slice(start)]);
    if (ids.length + reserve > contextTokens) break;
    best = { ids, droppedMessages: start };
  }
  if (best) return best;
  // Not even the newest message leaves room for a full reply: send it alone if it fits at all.
  const ids = tokenizer.chatPromptIds([...system, ...turns.slice(-1)]);
  if (ids.length >= contextTokens) throw new RangeError(`the message is ${ids.length} tokens long, more than the context length of ${contextTokens}`);
  return { ids, droppedMessages: Math.max(0, turns.length - 1) };
}
