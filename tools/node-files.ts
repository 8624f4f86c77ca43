// CheckpointFiles over a folder on disk, for the CLI and the Node tests (ranged reads, no whole-file loads).
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointFiles } from '../src/engine/files';

export function folderFiles(dir: string): CheckpointFiles {
  return {
    label: dir,
    async size(name) {
      try {
        return (await stat(join(dir, name))).size;
      } catch {
        return null;
      }
    },
    async read(name, start, end) {
      const handle = await open(join(dir, name), 'r');
      try {
        const out = new Uint8Array(end - start);
        const { bytesRead } = await handle.read(out, 0, out.length, start);
        if (bytesRead !== out.length) throw new Error(`${join(dir, name)}: wanted bytes ${start}..${end}, the file ended after ${start + bytesRead}`);
        return out;
      } finally {
        await handle.close();
      }
    },
  };
}
