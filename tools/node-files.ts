// Checkpoint and pack folders on disk, for the CLI and the Node tests (ranged reads, no whole-file loads).
import { mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { CheckpointError, PackError } from '../src/engine/errors';
import { checkRelativeFilePath, type CheckpointFiles, type PackFiles } from '../src/engine/io/files';
import type { PackSink } from '../src/engine/formats/pack/write';

/** The path of `name` inside `dir`, refusing a name that would lead outside it. */
function inside(dir: string, name: string): string {
  checkRelativeFilePath(name, dir);
  const path = resolve(dir, name);
  if (!path.startsWith(resolve(dir) + sep)) throw new CheckpointError(dir, `${JSON.stringify(name)} is outside the model's folder`);
  return path;
}

export function folderFiles(dir: string): CheckpointFiles {
  return {
    label: dir,
    async size(name) {
      const found = await stat(inside(dir, name)).catch(() => null);
      if (found?.isDirectory()) throw new CheckpointError(join(dir, name), 'is a folder, not a file');
      return found?.size ?? null;
    },
    async version(name) {
      const found = await stat(inside(dir, name)).catch(() => null);
      return found ? String(found.mtimeMs) : null;
    },
    async read(name, start, end) {
      const path = inside(dir, name);
      const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
        throw new CheckpointError(path, error.code === 'ENOENT' ? 'not found' : `cannot be read (${error.code ?? error.message})`);
      });
      try {
        const out = new Uint8Array(end - start);
        const { bytesRead } = await handle.read(out, 0, out.length, start).catch((error: NodeJS.ErrnoException) => {
          throw new CheckpointError(path, error.code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${error.code ?? error.message})`);
        });
        if (bytesRead !== out.length) throw new CheckpointError(path, `wanted bytes ${start}..${end}, the file ended after ${start + bytesRead}: it is truncated`);
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
    read: async (file) => {
      const path = inside(dir, file);
      return new Uint8Array(
        await readFile(path).catch((error: NodeJS.ErrnoException) => {
          throw new PackError(`${path}: ${error.code === 'ENOENT' ? 'not found: the pack is incomplete' : `cannot be read (${error.code ?? error.message})`}`);
        }),
      );
    },
  };
}

export function folderSink(dir: string): PackSink {
  return {
    async write(file, bytes) {
      await mkdir(dir, { recursive: true });
      await writeFile(inside(dir, file), bytes);
    },
  };
}
