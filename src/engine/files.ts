// Where a checkpoint's files come from: a folder on disk (CLI), picked files or HTTP (browser).
// The engine reads only through this interface, with ranged reads so big files never load whole.

export interface CheckpointFiles {
  /** Shown in error messages, e.g. the folder path or the repo id. */
  readonly label: string;
  /** The file's size in bytes, or null when the checkpoint has no such file. */
  size(name: string): Promise<number | null>;
  /** Bytes [start, end) of the file. */
  read(name: string, start: number, end: number): Promise<Uint8Array>;
}

/** Reads a whole (small) file as text, or null when it is absent. */
export async function readText(files: CheckpointFiles, name: string): Promise<string | null> {
  const size = await files.size(name);
  if (size === null) return null;
  return new TextDecoder().decode(await files.read(name, 0, size));
}
