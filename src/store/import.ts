// Importing a Hugging Face GLM checkpoint straight into the store: tensors are read with Range
// requests, converted part by part in the worker, and each part's chunks are stored as soon as
// they are written. Progress is recorded per part, so an interrupted import resumes at the first
// part not yet stored. Memory stays at one layer's tensors plus its part.
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import { blobCheckpointFiles, blobPackFiles } from '../engine/io/blob-files';
import { openCheckpoint, type Checkpoint } from '../engine/formats/checkpoint';
import { openGguf, type GgufCheckpoint } from '../engine/formats/gguf';
import { DownloadError } from '../engine/errors';
import type { HttpOptions } from '../engine/io/http';
import { checkHubLocation, hubFiles, type HubLocation } from '../engine/io/hub';
import { MANIFEST_FILE, packChunks } from '../engine/formats/pack/manifest';
import { readChunk, readManifest } from '../engine/formats/pack/read';
import { importIdentity, sameImport, type ImportIdentity } from '../engine/formats/pack/resume';
import type { WrittenSoFar } from '../engine/formats/pack/write';
import { writePack } from '../engine/formats/pack/write';
import type { WeightFormat } from '../engine/formats/weights';
import { QuotaError } from './errors';
import { checkSpace, deleteUnfinishedPack, storeChunkBytes, storeInstalledPack } from './packs';

interface ImportState extends WrittenSoFar {
  id: string;
  identity: ImportIdentity;
}

let imports: UseStore | null = null;
const db = () => (imports ??= createStore('glm-pocket-imports', 'imports'));

export interface ImportProgress {
  partsDone: number;
  partsTotal: number;
}

/** The pack id an import of this repository and format is stored under. */
export function importedPackId(repo: string, format: WeightFormat): string {
  return `${repo.replace('/', '--')}-${format}`;
}

/** Converts a checkpoint (safetensors or GGUF) into the store as pack `id`, resuming at the first part not yet stored. */
async function importCheckpoint(open: () => Promise<Checkpoint | GgufCheckpoint>, format: WeightFormat, id: string, name: string, source: string, onProgress?: (p: ImportProgress) => void): Promise<string> {
  const checkpoint = await open();
  const identity = await importIdentity(checkpoint, source, format);
  const recorded = await get<ImportState>(id, db());
  // Parts of another import (another revision, endpoint, format, or changed files) are not resumed.
  const previous = sameImport(recorded?.identity, identity) ? recorded : undefined;
  if (recorded && !previous) await deleteUnfinishedPack(id);
  const store = async (file: string, bytes: Uint8Array) => {
    try {
      await storeChunkBytes(id, file, bytes);
    } catch (error) {
      if ((error as Error).name !== 'QuotaExceededError') throw error;
      throw new QuotaError(`not enough storage to keep ${name}: free some space or delete a model, then import again to resume`);
    }
  };
  const manifest = await writePack(checkpoint, format, { write: store }, {
    id,
    name,
    resume: previous,
    onWritten: (soFar) => set(id, { id, identity, ...soFar } satisfies ImportState, db()),
    onProgress: (partsDone, partsTotal) => onProgress?.({ partsDone, partsTotal }),
  });
  await storeInstalledPack(manifest, source);
  await del(id, db());
  return id;
}

export interface HubImportOptions {
  onProgress?: (p: ImportProgress) => void;
  /** A GGUF file of the repository to import instead of its safetensors checkpoint. */
  gguf?: string;
  /** Time limits, retries and a stop signal for the downloads. */
  http?: HttpOptions;
}

/**
 * Imports a repository's safetensors checkpoint, or with `gguf` one of its GGUF files (tokenizer from
 * the repository when it has tokenizer.json, else from the GGUF metadata).
 */
export async function importFromHub(location: HubLocation, format: WeightFormat, options: HubImportOptions = {}): Promise<string> {
  const { onProgress, gguf } = options;
  const { repo, revision, endpoint } = checkHubLocation(location);
  const stem = gguf?.replace(/\.gguf$/i, '');
  const name = stem ?? repo.split('/')[1];
  const files = hubFiles(location, options.http);
  const open = gguf ? () => openGguf(files, gguf) : () => openCheckpoint(files);
  const id = importedPackId(stem ? `${repo}--${stem}` : repo, format);
  const source = `${endpoint}/${repo}@${revision}${gguf ? `/${gguf}` : ''}`;
  try {
    return await importCheckpoint(open, format, id, `${name} (${format})`, source, onProgress);
  } catch (error) {
    if (error instanceof DownloadError && error.transient) throw new DownloadError(`the import of ${repo} was interrupted (${error.message}); import again to resume`);
    throw error;
  }
}

/**
 * Adds a folder the user picked: a pack (manifest.json: every chunk verified, then stored) or a
 * Hugging Face checkpoint folder (converted like an import). `folder` is the folder's name.
 */
export async function importPickedFolder(files: Map<string, Blob>, folder: string, format: WeightFormat, onProgress?: (p: ImportProgress) => void): Promise<string> {
  if (files.has(MANIFEST_FILE)) {
    const pack = blobPackFiles(files, folder);
    const manifest = await readManifest(pack);
    await checkSpace(manifest.totalBytes);
    const chunks = packChunks(manifest);
    for (const [index, chunk] of chunks.entries()) {
      await storeChunkBytes(manifest.id, chunk.file, await readChunk(pack, chunk, true));
      onProgress?.({ partsDone: index + 1, partsTotal: chunks.length });
    }
    await storeInstalledPack(manifest, `file:${folder}`);
    return manifest.id;
  }
  const checkpointFiles = blobCheckpointFiles(files, folder);
  const gguf = [...files.keys()].find((name) => /\.gguf$/i.test(name));
  const open = gguf ? () => openGguf(checkpointFiles, gguf) : () => openCheckpoint(checkpointFiles);
  return importCheckpoint(open, format, `${folder}-${format}`, `${folder} (${format})`, `file:${folder}${gguf ? `/${gguf}` : ''}`, onProgress);
}
