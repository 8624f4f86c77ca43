// Time per sampled token (top-p / top-k over a GLM-4 sized vocabulary): the sampler against sorting
// the whole vocabulary, in the same process. Figures only. Usage: npx tsx bench/sampling.ts
import { Sampler } from '../src/engine/generation/sampling';
import { seededRandom } from '../src/util/random';
import { median } from './browser';

const VOCAB = 151552;
const random = seededRandom(1);
// A trained model's logits are peaked: a few dozen plausible tokens over a long flat tail.
const logits = Float32Array.from({ length: VOCAB }, () => (random() < 0.0005 ? 8 + 4 * random() : 6 * random() - 3));

function sortAll(values: Float32Array, topP: number): number {
  const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]);
  const max = values[order[0]];
  const weights = order.map((id) => Math.exp((values[id] - max) / 0.7));
  const total = weights.reduce((a, b) => a + b, 0);
  let mass = 0;
  let kept = 0;
  while (kept < order.length && mass < topP) mass += weights[kept++] / total;
  return order[Math.floor(random() * kept)];
}

function time(run: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < 30; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const sampler = new Sampler({ temperature: 0.7, topP: 0.9, seed: 1 });
for (let round = 0; round < 2; round++) {
  const sorted = time(() => sortAll(logits.slice(), 0.9));
  const ours = time(() => sampler.next(logits.slice(), []));
  console.log(`vocab ${VOCAB}, temperature 0.7, top-p 0.9: sort everything ${sorted.toFixed(2)} ms, sampler ${ours.toFixed(2)} ms per token (${(sorted / ours).toFixed(1)}x)`);
}
