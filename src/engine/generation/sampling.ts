// Picking the next token from logits: greedy, or sampling with temperature, top-k, top-p and a
// repetition penalty, from a seeded generator so a seed reproduces a reply.
import { seededRandom } from '../../util/random';

export interface SamplingOptions {
  /** Always take the most likely token; the other options are then ignored except the penalty. */
  greedy?: boolean;
  temperature?: number;
  /** Keep only the k most likely tokens (0 = all). */
  topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p (1 = all). */
  topP?: number;
  /** transformers' repetition penalty: > 1 discourages tokens already in the sequence. */
  repetitionPenalty?: number;
  seed?: number;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Applies the penalty in place to the logits of tokens already seen. */
export function applyRepetitionPenalty(logits: Float32Array, seen: Iterable<number>, penalty: number): void {
  if (penalty === 1) return;
  for (const id of new Set(seen)) logits[id] = logits[id] > 0 ? logits[id] / penalty : logits[id] * penalty;
}

/**
 * The tokens top-k and top-p can keep, in descending order, with their softmax weights
 * exp((logit - max) / temperature) and the total the probabilities are relative to (all tokens, or
 * the top k). Sorting a 150k vocabulary per token costs ~20 ms; instead only the tokens above a
 * weight floor are sorted, the floor lowered until they are sure to hold the answer: the k most
 * likely tokens, and at least top-p of the mass.
 */
function candidates(logits: Float32Array, temperature: number, topK: number, topP: number): { order: number[]; weights: number[]; total: number } {
  const n = logits.length;
  const max = argmaxValue(logits);
  const all = new Float64Array(n);
  let totalAll = 0;
  for (let i = 0; i < n; i++) totalAll += all[i] = Math.exp((logits[i] - max) / temperature);
  // Nothing to cut: every token in index order, no sorting at all.
  if (topK === 0 && topP >= 1) return { order: Array.from({ length: n }, (_, i) => i), weights: Array.from(all), total: totalAll };
  const k = topK > 0 ? Math.min(topK, n) : n;
  for (let gap = 8; ; gap *= 2) {
    const floor = gap > 700 ? 0 : Math.exp(-gap);
    const ids: number[] = [];
    let mass = 0;
    for (let i = 0; i < n; i++) {
      if (all[i] >= floor) {
        ids.push(i);
        mass += all[i];
      }
    }
    // Every token above the floor outranks every token below it: the answer is among them when they
    // are at least k (top-k), or hold top-p of the mass (no top-k), or are all the tokens.
    const enough = floor === 0 || ids.length === n || (topK > 0 ? ids.length >= k : mass >= topP * totalAll);
    if (!enough) continue;
    ids.sort((a, b) => all[b] - all[a] || a - b);
    const order = ids.slice(0, k);
    const weights = order.map((id) => all[id]);
    return { order, weights, total: topK > 0 ? weights.reduce((a, b) => a + b, 0) : totalAll };
  }
}

function argmaxValue(values: Float32Array): number {
  let best = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > best) best = values[i];
  return best;
}

export class Sampler {
  private readonly random: () => number;

  constructor(private readonly options: SamplingOptions = {}) {
    const { temperature = 1, topK = 0, topP = 1, repetitionPenalty = 1 } = options;
    if (!(temperature >= 0)) throw new RangeError(`temperature must be >= 0, got ${temperature}`);
    if (!(topP > 0 && topP <= 1)) throw new RangeError(`top-p must be in (0, 1], got ${topP}`);
    if (!(Number.isInteger(topK) && topK >= 0)) throw new RangeError(`top-k must be a whole number >= 0, got ${topK}`);
    if (!(repetitionPenalty > 0)) throw new RangeError(`repetition penalty must be > 0, got ${repetitionPenalty}`);
    this.random = seededRandom(options.seed ?? Date.now());
  }

  /** Picks a token from one row of logits (modified in place); seen = the tokens of the sequence so far. */
  next(logits: Float32Array, seen: readonly number[]): number {
    const { greedy = false, temperature = 1, topK = 0, topP = 1, repetitionPenalty = 1 } = this.options;
    applyRepetitionPenalty(logits, seen, repetitionPenalty);
    if (greedy || temperature === 0) return argmax(logits);

    const { order, weights, total } = candidates(logits, temperature, topK, topP);
    let kept = 0;
    let mass = 0;
    while (kept < order.length && mass < topP) mass += weights[kept++] / total;

    let target = this.random() * mass * total;
    for (let i = 0; i < kept; i++) {
      target -= weights[i];
      if (target <= 0) return order[i];
    }
    return order[kept - 1];
  }
}
