// Prefill + incremental decode over the KV cache, yielding tokens as they are chosen.
import { ContextOverflowError, type CausalModel } from '../runtime/model';
import { Sampler, type SamplingOptions } from './sampling';

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Long prompts go through the model in chunks of this many tokens (bounds activation memory). */
  prefillChunkTokens?: number;
  /** Ids that end the reply (yielded, then generation stops); defaults to the config's eos ids. */
  stopIds?: readonly number[];
  signal?: AbortSignal;
  /** Awaited before each decode step: lets the caller pause or slow generation (background, heat). */
  beforeStep?: () => Promise<void>;
  /**
   * Start from the model's cached keys and values for the prompt's first tokens when they are the
   * same tokens (a chat's previous turns), instead of a fresh sequence (default true).
   */
  reuseCache?: boolean;
}

/**
 * Why a reply ended: a stop id, maxNewTokens, the signal, or the context: the last token chosen
 * fills the model's last position (maxSequenceLength), so none can follow it.
 */
export type StopReason = 'stop-token' | 'max-new-tokens' | 'aborted' | 'context-full';

export interface GenerationStats {
  stopReason: StopReason;
  promptTokens: number;
  /** Prompt tokens whose keys and values were already in the cache (not run again). */
  reusedTokens: number;
  generatedTokens: number;
  /** From the call to the first token chosen (prefill included). */
  timeToFirstTokenMs: number;
  prefillTokensPerSecond: number;
  /** Tokens after the first, over the time after the first. */
  decodeTokensPerSecond: number;
}

/**
 * Generates from promptIds: a fresh sequence, except for the start of the prompt that the model's
 * cache already holds (reuseCache). Tokens are yielded one by one; the return value carries the
 * figures of the run.
 */
export async function* generate(model: CausalModel, promptIds: readonly number[], options: GenerateOptions): AsyncGenerator<number, GenerationStats> {
  // Refused before the cache is touched: a prompt that cannot fit leaves the cached conversation as it was.
  if (promptIds.length > model.maxSequenceLength) throw new ContextOverflowError(promptIds.length, model.maxSequenceLength);
  const stopIds = new Set(options.stopIds ?? model.config.eosTokenIds);
  const sampler = new Sampler(options);
  const sequence = [...promptIds];
  const start = performance.now();
  if (options.reuseCache === false) model.reset();
  const reused = model.keepPrefix(promptIds);
  const newIds = promptIds.slice(reused);

  const chunk = options.prefillChunkTokens ?? 512;
  for (let start = 0; start + chunk < newIds.length; start += chunk) await model.forward(newIds.slice(start, start + chunk));
  let logits = await model.forward(newIds.slice(Math.floor((newIds.length - 1) / chunk) * chunk));
  const prefillMs = performance.now() - start;
  let firstTokenAt = 0;
  let generated = 0;
  /** Why the reply ends here, or null to choose another token; `chosen` is the token just yielded. */
  const reasonToStop = (chosen?: number): StopReason | null => {
    if (chosen !== undefined && stopIds.has(chosen)) return 'stop-token';
    if (!(generated < options.maxNewTokens)) return 'max-new-tokens';
    if (options.signal?.aborted) return 'aborted';
    // The chosen token goes back in at the next position, which a full context does not have.
    return chosen !== undefined && model.cachedTokens >= model.maxSequenceLength ? 'context-full' : null;
  };
  let stopReason = reasonToStop();
  while (!stopReason) {
    const id = sampler.next(logits, sequence);
    sequence.push(id);
    if (++generated === 1) firstTokenAt = performance.now();
    yield id;
    stopReason = reasonToStop(id);
    if (stopReason) break;
    await options.beforeStep?.();
    if (!options.signal?.aborted) logits = await model.forward([id]);
    stopReason = reasonToStop(); // the signal may have been aborted while paused or during the pass
  }
  const decodeMs = performance.now() - firstTokenAt;
  return {
    stopReason,
    promptTokens: promptIds.length,
    reusedTokens: reused,
    generatedTokens: generated,
    timeToFirstTokenMs: firstTokenAt - start,
    prefillTokensPerSecond: (newIds.length / prefillMs) * 1000,
    decodeTokensPerSecond: generated > 1 ? ((generated - 1) / decodeMs) * 1000 : 0,
  };
}

/** Runs generate() to the end: the ids chosen and the figures of the run. */
export async function generateAll(model: CausalModel, promptIds: readonly number[], options: GenerateOptions): Promise<{ ids: number[]; stats: GenerationStats }> {
  const run = generate(model, promptIds, options);
  const ids: number[] = [];
  let step = await run.next();
  for (; !step.done; step = await run.next()) ids.push(step.value);
  return { ids, stats: step.value };
}
