// What an import converts, so that an interrupted import resumes only into the same one: the
// source (endpoint, repository, revision or folder), the weight format, and each input file's
// size and version. Parts written from other inputs are never mixed into a pack.
import type { Checkpoint } from '../checkpoint';
import type { GgufCheckpoint } from '../gguf';
import type { WeightFormat } from '../weights';

export interface ImportIdentity {
  /** Where the files come from, e.g. "https://huggingface.co/zai-org/glm-edge-1.5b-chat@main". */
  source: string;
  format: WeightFormat;
  /** Each input file (present or not) with "size version", or null when absent. */
  files: Record<string, string | null>;
}

/** The files a checkpoint was read from: its JSON files and the safetensors or GGUF files. */
function inputFiles(checkpoint: Checkpoint | GgufCheckpoint): string[] {
  const tokenizer = ['tokenizer.json', 'tokenizer_config.json'];
  if ('kind' in checkpoint) return [checkpoint.file, ...tokenizer];
  const weights = new Set([...checkpoint.tensors.values()].map((entry) => entry.file));
  return ['config.json', 'generation_config.json', ...tokenizer, 'model.safetensors.index.json', ...[...weights].sort()];
}

export async function importIdentity(checkpoint: Checkpoint | GgufCheckpoint, source: string, format: WeightFormat): Promise<ImportIdentity> {
  const files: Record<string, string | null> = {};
  for (const name of inputFiles(checkpoint)) {
    const size = await checkpoint.files.size(name);
    files[name] = size === null ? null : `${size} ${(await checkpoint.files.version?.(name)) ?? ''}`.trim();
  }
  return { source, format, files };
}

export function sameImport(a: ImportIdentity | undefined, b: ImportIdentity): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** Says what differs, for a refusal the user can act on. */
export function importDifference(recorded: ImportIdentity | undefined, wanted: ImportIdentity): string {
  if (!recorded) return 'it records no source (an older version of GLM Pocket wrote it)';
  if (recorded.source !== wanted.source) return `it imports ${recorded.source}, not ${wanted.source}`;
  if (recorded.format !== wanted.format) return `it imports as ${recorded.format}, not ${wanted.format}`;
  const changed = Object.keys({ ...recorded.files, ...wanted.files }).filter((name) => recorded.files[name] !== wanted.files[name]);
  return `the source's files changed since (${changed.join(', ')})`;
}
