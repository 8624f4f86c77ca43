// Checkpoint and pack folders on disk, for the CLI and the Node tests (ranged reads, no whole-file loads).
import { mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointFiles } from '../src/engine/files';
import type { PackFiles } from '../src/engine/pack/read';
import type { PackSink } from '../src/engine/pack/write';

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

export function packFolder(dir: string): PackFiles {
  return {
    label: dir.endsWith('/') ? dir : `${dir}/`,
    read: async (file) => new Uint8Array(await readFile(join(dir, file))),
  };
}

export function folderSink(dir: string): PackSink {
  return {
    async write(file, bytes) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, file), bytes);
    },
  };
}
