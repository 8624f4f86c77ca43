// Files the user picked on the device (a checkpoint folder or a pack folder), read with
// Blob.slice so a multi-gigabyte safetensors file is never read whole.
import { CheckpointError, PackError } from '../errors';
import type { CheckpointFiles, PackFiles } from './files';

/** `files` maps each file's name (without the folder) to the picked File. */
export function blobCheckpointFiles(files: Map<string, Blob>, label: string): CheckpointFiles {
  return {
    label,
    size: async (name) => files.get(name)?.size ?? null,
    version: async (name) => {
      const file = files.get(name);
      return file instanceof File ? String(file.lastModified) : null;
    },
    async read(name, start, end) {
      const blob = files.get(name);
      if (!blob) throw new CheckpointError(name, `is not among the files picked from ${label}`);
      return new Uint8Array(await blob.slice(start, end).arrayBuffer());
    },
  };
}

export function blobPackFiles(files: Map<string, Blob>, label: string): PackFiles {
  const checkpoint = blobCheckpointFiles(files, label);
  return {
    label: `${label}/`,
    async read(name) {
      const size = await checkpoint.size(name);
      if (size === null) throw new PackError(`${label}/${name}: is not among the picked files (the pack folder is incomplete)`);
      return checkpoint.read(name, 0, size);
    },
  };
}
