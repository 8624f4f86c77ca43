// writePack refuses a chunk size it cannot cut parts by (zero would never advance), before it
// writes anything.
import { describe, expect, test } from 'vitest';
import type { Checkpoint } from '../../../../src/engine/formats/checkpoint';
import { PackError } from '../../../../src/engine/errors';
import { writePack, type PackSink } from '../../../../src/engine/formats/pack/write';
import { fixtureCheckpoint } from '../../../helpers';

/** Records file names; past a few hundred writes the writer is looping, so the sink stops it. */
function countingSink(): PackSink & { files: string[] } {
  const files: string[] = [];
  return {
    files,
    async write(file) {
      files.push(file);
      if (files.length > 500) throw new Error(`runaway: ${files.length} files written`);
    },
  };
}

describe('writePack chunk size', () => {
  let checkpoint: Checkpoint;

  test.each([0, -1, 0.5, 1.5, 1024 * 1024 + 0.5, Number.NaN, Number.POSITIVE_INFINITY])('a chunk size of %s bytes is refused before anything is written', async (chunkBytes) => {
    checkpoint ??= await fixtureCheckpoint({ shape: 'glm-edge', seed: 81 });
    const sink = countingSink();
    const written = writePack(checkpoint, 'q4', sink, { id: 'bad-chunks', chunkBytes });
    await expect(written).rejects.toThrow(PackError);
    await expect(written).rejects.toThrow(/chunk size must be a whole number of bytes, at least 1/);
    expect(sink.files).toEqual([]);
  });

  test('a whole number of bytes cuts each part into chunks of that size', async () => {
    checkpoint ??= await fixtureCheckpoint({ shape: 'glm-edge', seed: 81 });
    const manifest = await writePack(checkpoint, 'q4', countingSink(), { id: 'small-chunks', chunkBytes: 4096 });
    for (const part of manifest.parts) {
      expect(part.chunks.slice(0, -1).every((c) => c.bytes === 4096)).toBe(true);
      expect(part.chunks.reduce((sum, c) => sum + c.bytes, 0)).toBe(part.bytes);
    }
  });
});
