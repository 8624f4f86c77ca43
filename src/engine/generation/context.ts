// Fitting a conversation into the context window: the system prompt (and the template's prefix)
// stays, the oldest turns go. The window grows backwards from the newest message, so the cost
// depends on the window, not on how long the conversation has become.
//
// Given the token ids the model's KV cache holds, the window also keeps the cache useful: the
// start the previous turn used is kept while the conversation from there still fits, so only the
// new turn needs a forward pass. When turns must go, a third of the window is freed at once, so
// that the next few turns keep their start too, instead of every turn dropping one old turn and
// running the whole window again.
import { commonPrefixLength } from '../../util/compare';
import type { ChatMessage, GlmTokenizer } from './tokenizer';

export interface FittedPrompt {
  ids: number[];
  /** Messages left out from the start of the conversation (not counting the system prompt). */
  droppedMessages: number;
}

/** Of the window, the share freed beyond what is needed when turns must be dropped and the cache cannot be reused. */
const SLACK = 1 / 3;

/**
 * A suffix of the conversation, starting at a user turn, whose prompt leaves room for `reserve`
 * new tokens: the longest one, or with `cachedIds` the one the cache continues (see above).
 */
export function fitToContext(tokenizer: GlmTokenizer, messages: readonly ChatMessage[], contextTokens: number, reserve: number, cachedIds?: readonly number[]): FittedPrompt {
  const system = messages[0]?.role === 'system' ? [messages[0]] : [];
  const turns = messages.slice(system.length);
  const fitting: FittedPrompt[] = []; // newest start first, so the last is the longest
  for (let start = turns.length - 1; start >= 0; start--) {
    if (turns[start].role !== 'user' && start > 0) continue;
    const ids = tokenizer.chatPromptIds([...system, ...turns.slice(start)]);
    if (ids.length + reserve > contextTokens) break;
    fitting.push({ ids, droppedMessages: start });
  }
  const longest = fitting[fitting.length - 1];
  if (longest && (!cachedIds || longest.droppedMessages === 0)) return longest;
  if (longest && cachedIds) {
    // The window the cache continues: the cache holds at least its whole first user turn (a start
    // that shares only the system prompt and the first words of its question does not count).
    const continued = fitting.findLast((f) => {
      const firstTurn = commonPrefixLength(tokenizer.chatPromptIds([...system, turns[f.droppedMessages]]), f.ids);
      return commonPrefixLength(f.ids, cachedIds) >= firstTurn;
    });
    return continued ?? fitting.findLast((f) => f.ids.length + reserve <= contextTokens * (1 - SLACK)) ?? longest;
  }
  // Not even the newest message leaves room for a full reply: send it alone if it fits at all.
  const ids = tokenizer.chatPromptIds([...system, ...turns.slice(-1)]);
  if (ids.length >= contextTokens) throw new RangeError(`the message is ${ids.length} tokens long, more than the context length of ${contextTokens}`);
  return { ids, droppedMessages: Math.max(0, turns.length - 1) };
}
