// Where a checkpoint's files come from: a folder on disk (CLI), picked files or HTTP (browser).
// The engine reads only through this interface, with ranged reads so big files never load whole.
import { CheckpointError } from '../errors';

export interface CheckpointFiles {
  /** Shown in error messages, e.g. the folder path or the repo id. */
  readonly label: string;
  /** The file's size in bytes, or null when the checkpoint has no such file. */
  size(name: string): Promise<number | null>;
  /** Bytes [start, end) of the file. */
  read(name: string, start: number, end: number): Promise<Uint8Array>;
  /**
   * What tells this file's content apart from another at the same size, where the source knows it:
   * the server's ETag, the file's modification time. Null when unknown or absent.
   */
  version?(name: string): Promise<string | null>;
}

/** Where a pack's files come from: a folder, a URL, or the browser's store. */
export interface PackFiles {
  readonly label: string;
  /** The file's bytes. */
  read(file: string): Promise<Uint8Array>;
}

/** Reads a whole (small) file as text, or null when it is absent. */
export async function readText(files: CheckpointFiles, name: string): Promise<string | null> {
  const size = await files.size(name);
  if (size === null) return null;
  return new TextDecoder().decode(await files.read(name, 0, size));
}

/**
 * Whether a name read from an index or a manifest names a file in the same folder: not empty, no
 * path separator, not `.` or `..`, no `%` (a URL would decode `%2e%2e` to `..`), no control characters.
 */
export function isPlainFileName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= 255 && name !== '.' && name !== '..' && !/[/\\%:\u0000-\u001f]/.test(name);
}

/**
 * Whether a name the user gave (a GGUF file in a repository) is a relative path inside the folder:
 * plain names joined by `/`, none of them `.` or `..`.
 */
export function isRelativeFilePath(name: string): boolean {
  return name.split('/').every(isPlainFileName);
}

/** A name that must be a file inside the checkpoint's folder, or a CheckpointError naming where it came from. */
export function checkRelativeFilePath(name: string, where: string): string {
  if (!isRelativeFilePath(name)) {
    throw new CheckpointError(where, `${JSON.stringify(name)} is not a file name inside the model's folder (a path with "..", "/" at the start, "\\" or "%" is refused)`);
  }
  return name;
}
