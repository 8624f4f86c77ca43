// Token choice: greedy is argmax, a seed reproduces a sample, top-k/top-p/penalty narrow or shift choices.
import { describe, expect, test } from 'vitest';
import { Sampler, applyRepetitionPenalty } from '../../../src/engine/generation/sampling';
import { seededRandom } from '../../../src/util/random';

const logits = () => Float32Array.of(1, 3, 2.5, -1, 0);

function histogram(sampler: Sampler, draws: number): number[] {
  const counts = new Array(5).fill(0);
  for (let i = 0; i < draws; i++) counts[sampler.next(logits(), [])]++;
  return counts;
}

describe('Sampler', () => {
  test('greedy takes the largest logit', () => {
    expect(new Sampler({ greedy: true }).next(logits(), [])).toBe(1);
    expect(new Sampler({ temperature: 0 }).next(logits(), [])).toBe(1);
  });

  test('the same seed gives the same draws, another seed other draws', () => {
    const draw = (seed: number) => Array.from({ length: 40 }, function (this: Sampler) { return this.next(logits(), []); }, new Sampler({ seed }));
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  test('sampling follows the softmax distribution', () => {
    const counts = histogram(new Sampler({ seed: 1 }), 20000);
    const weights = Array.from(logits(), Math.exp);
    const total = weights.reduce((a, b) => a + b, 0);
    counts.forEach((c, i) => expect(c / 20000).toBeCloseTo(weights[i] / total, 1));
  });

  test('top-k 2 only ever picks the two most likely tokens', () => {
    const counts = histogram(new Sampler({ seed: 2, topK: 2 }), 2000);
    expect(counts[0] + counts[3] + counts[4]).toBe(0);
    expect(counts[1]).toBeGreaterThan(counts[2]);
  });

  test('a small top-p keeps only the most likely token', () => {
    expect(histogram(new Sampler({ seed: 3, topP: 0.1 }), 500)[1]).toBe(500);
  });

  test('a low temperature concentrates, a high one spreads', () => {
    expect(histogram(new Sampler({ seed: 4, temperature: 0.05 }), 500)[1]).toBe(500);
    expect(histogram(new Sampler({ seed: 4, temperature: 10 }), 2000)[3]).toBeGreaterThan(200);
  });

  test('the repetition penalty divides positive and multiplies negative logits of seen tokens', () => {
    const l = logits();
    applyRepetitionPenalty(l, [1, 3, 1], 2);
    expect(Array.from(l)).toEqual([1, 1.5, 2.5, -2, 0]);
    expect(new Sampler({ greedy: true, repetitionPenalty: 2 }).next(logits(), [1])).toBe(2);
  });

  test('out-of-range settings are refused', () => {
    expect(() => new Sampler({ topP: 0 })).toThrow(/top-p/);
    expect(() => new Sampler({ temperature: -1 })).toThrow(/temperature/);
    expect(() => new Sampler({ topK: 1.5 })).toThrow(/top-k/);
  });
});

/** The sampler as it was: sort the whole vocabulary, cut by top-k, softmax, cut by top-p. */
function referenceDraw(logits: Float32Array, temperature: number, topK: number, topP: number, u: number): number {
  let order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a]);
  if (topK > 0) order = order.slice(0, topK);
  const max = logits[order[0]];
  const weights = order.map((id) => Math.exp((logits[id] - max) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let kept = 0;
  let mass = 0;
  while (kept < order.length && mass < topP) mass += weights[kept++] / total;
  let target = u * mass * total;
  for (let i = 0; i < kept; i++) {
    target -= weights[i];
    if (target <= 0) return order[i];
  }
  return order[kept - 1];
}

describe('top-k / top-p without sorting the vocabulary', () => {
  // Peaked (a trained model), flat (a random one) and in between, over a GLM-sized vocabulary.
  const shapes: [string, number][] = [['peaked', 12], ['moderate', 3], ['flat', 0.05]];
  test.each(shapes)('%s logits: the same draws as sorting everything', (_, spread) => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 30; trial++) {
      const logits = Float32Array.from({ length: 59264 }, () => spread * (random() - 0.5) * (random() < 0.01 ? 4 : 1));
      const settings = [{ topK: 0, topP: 0.9, temperature: 0.7 }, { topK: 40, topP: 0.95, temperature: 1 }, { topK: 3, topP: 1, temperature: 1.3 }, { topK: 0, topP: 0.5, temperature: 2 }];
      for (const { topK, topP, temperature } of settings) {
        const seed = trial * 10 + topK;
        const u = seededRandom(seed)();
        expect(new Sampler({ seed, topK, topP, temperature }).next(logits.slice(), [])).toBe(referenceDraw(logits, temperature, topK, topP, u));
      }
    }
  });
});
