// CLI: write a small random GLM checkpoint for tests and benchmarks.
//   npm run make-checkpoint -- --shape glm-edge|glm-4-9b --out DIR [--seed N] [--shards N] [--hidden N] [--layers N] [--vocab N]
import { parseArgs } from 'node:util';
import { writeGlmCheckpoint, type CheckpointShape } from './checkpoint-writer';

const { values } = parseArgs({
  options: {
    shape: { type: 'string', default: 'glm-edge' },
    out: { type: 'string' },
    seed: { type: 'string', default: '1' },
    shards: { type: 'string', default: '1' },
    hidden: { type: 'string' },
    layers: { type: 'string' },
    vocab: { type: 'string' },
  },
});
if (!values.out || (values.shape !== 'glm-edge' && values.shape !== 'glm-4-9b')) {
  console.error('usage: make-checkpoint --shape glm-edge|glm-4-9b --out DIR [--seed N] [--shards N] [--hidden N] [--layers N] [--vocab N]');
  process.exit(2);
}
const int = (v: string | undefined) => (v === undefined ? undefined : Number.parseInt(v, 10));
await writeGlmCheckpoint(values.out, {
  shape: values.shape as CheckpointShape,
  seed: int(values.seed),
  shards: int(values.shards),
  hiddenSize: int(values.hidden),
  numLayers: int(values.layers),
  vocabSize: int(values.vocab),
});
console.log(`wrote ${values.shape} checkpoint to ${values.out}`);
