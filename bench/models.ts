// The synthetic GLM checkpoints the benchmarks generate (random weights, not committed).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeGlmCheckpoint, type CheckpointSpec } from '../tools/checkpoint-writer';

export const MODELS: Record<string, CheckpointSpec> = {
  // ~52M parameters.
  small: { shape: 'glm-edge', seed: 21, vocabSize: 59264, hiddenSize: 512, intermediateSize: 1408, numHeads: 8, numKvHeads: 2, numLayers: 8, maxPositionEmbeddings: 8192 },
  // GLM-Edge scaled down: hidden 1024, 8 layers, GQA 4:1 with 128-wide heads, GLM-Edge's vocabulary; ~151M parameters.
  edge: { shape: 'glm-edge', seed: 22, vocabSize: 59264, hiddenSize: 1024, intermediateSize: 2816, numHeads: 8, numKvHeads: 2, numLayers: 8, maxPositionEmbeddings: 8192 },
  // glm-edge-1.5b-chat's exact shape (hidden 2048, 28 layers, 16 heads / 4 KV heads of 128, tied): 1.47B parameters, 2.9 GB bf16 in two shards.
  'edge-1.5b': { shape: 'glm-edge', seed: 23, vocabSize: 59264, hiddenSize: 2048, intermediateSize: 6144, numHeads: 16, numKvHeads: 4, numLayers: 28, maxPositionEmbeddings: 8192, shards: 2 },
};

/** The checkpoint folder of a benchmark model under the cache folder, written on first use. */
export async function benchCheckpoint(cache: string, name: string): Promise<string> {
  const spec = MODELS[name];
  if (!spec) throw new Error(`unknown model ${name}: one of ${Object.keys(MODELS).join(', ')}`);
  const dir = join(cache, 'checkpoints', name);
  if (!(await stat(join(dir, 'config.json')).then(() => true, () => false))) {
    console.log(`writing checkpoint ${name}...`);
    await writeGlmCheckpoint(dir, spec);
  }
  return dir;
}

/**
 * Prompt ids drawn from a seeded generator over the printable ASCII byte tokens (33-126, without
 * "<" and "[", which begin GLM's special tokens): ids llama.cpp can be given as text, since wllama
 * takes no ids.
 */
export function promptIds(length: number, seed: number): number[] {
  const bytes = Array.from({ length: 94 }, (_, i) => 33 + i).filter((b) => b !== 60 && b !== 91);
  let state = seed;
  return Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return bytes[state % bytes.length];
  });
}
