// GPUs bind at most maxStorageBufferBindingSize bytes per buffer (128 MiB on many phones): lm_head
// is split across bindings and the embedding lookup moves to the CPU, with the same logits.
import { describe, expect, test } from 'vitest';
import { loadGlmModel } from '../../../src/engine/runtime/model';
import { checkpointSource } from '../../../src/engine/formats/source';
import { fixtureCheckpoint, ort } from '../../helpers';

const IDS = [3, 30, 130, 230];

describe('binding limits', () => {
  test.each(['q4', 'q8'] as const)('a %s lm_head larger than the limit is split into row blocks with identical logits', async (format) => {
    // A vocabulary of 4096 makes lm_head (4096 rows of 4 blocks) the one matrix over a 100 kB limit.
    const checkpoint = await fixtureCheckpoint({ shape: 'glm-4-9b', seed: 131, vocabSize: 4096 });
    const whole = await loadGlmModel(checkpointSource(checkpoint, format), { ort });
    const split = await loadGlmModel(checkpointSource(checkpoint, format), { ort, device: { maxStorageBufferBindingSize: 100_000 } });
    expect(Array.from(await split.forward(IDS, true))).toEqual(Array.from(await whole.forward(IDS, true)));
  });

  test('tied embeddings (GLM-Edge) split too, the lookup and lm_head reading the same bytes', async () => {
    const checkpoint = await fixtureCheckpoint({ shape: 'glm-edge', seed: 132, vocabSize: 4096 });
    const whole = await loadGlmModel(checkpointSource(checkpoint, 'q4'), { ort });
    const split = await loadGlmModel(checkpointSource(checkpoint, 'q4'), { ort, device: { maxStorageBufferBindingSize: 50_000 } });
    expect(Array.from(await split.forward(IDS, true))).toEqual(Array.from(await whole.forward(IDS, true)));
  });

  test('float weights that do not fit are refused with the sizes and what to do', async () => {
    const checkpoint = await fixtureCheckpoint({ shape: 'glm-4-9b', seed: 133, vocabSize: 4096 });
    await expect(loadGlmModel(checkpointSource(checkpoint, 'f16'), { ort, device: { maxStorageBufferBindingSize: 200_000 } })).rejects.toThrow(
      'lm_head.weight takes 1.05 MB as f16, more than this GPU binds at once (200 kB): use a q4 or q8 model',
    );
    await expect(loadGlmModel(checkpointSource(checkpoint, 'f32'), { ort, device: { maxStorageBufferBindingSize: 50_000 } })).rejects.toThrow(
      'a layer matrix of this model takes 262 kB as f32, more than this GPU binds at once (50.0 kB): use a smaller quantization',
    );
  });
});
