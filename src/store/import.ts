// Importing a Hugging Face GLM checkpoint straight into the store: tensors are read with Range
// requests, converted part by part in the worker, and each part's chunks are stored as soon as
// they are written. Progress is recorded per part, so an interrupted import resumes at the first
// part not yet stored (also after a reload: unfinished imports are listed with what they need to
// resume). Memory stays at one layer's tensors plus its part.
import { createStore, del, get, set, values, type UseStore } from 'idb-keyval';
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
import { estimateBaseBytes, estimateLayerBytes } from '../engine/formats/source';
import { QuotaError } from './errors';
import { checkSpace, deleteUnfinishedPack, storeChunkBytes, storeInstalledPack } from './packs';
import { progressMeter, type InstallProgress } from './progress';

/** A Hugging Face import as the page asks for it (the token stays with the page, never stored here). */
export interface HubImportRequest {
  repo: string;
  revision?: string;
  endpoint?: string;
  format: WeightFormat;
  /** A .gguf file of the repository to import instead of its safetensors. */
  gguf?: string;
}

/** An import in progress, recorded before its first part and after each one. */
export interface ImportState extends WrittenSoFar {
  id: string;
  identity: ImportIdentity;
  name: string;
  format: WeightFormat;
  /** The checkpoint's config.json. */
  config: Record<string, unknown>;
  /** The pack's size as estimated from the config (exact once the import is done). */
  bytesTotal: number;
  /** How to resume it: the same Hugging Face import; absent for a folder picked on the device. */
  hub?: HubImportRequest;
}

let imports: UseStore | null = null;
const db = () => (imports ??= createStore('glm-pocket-imports', 'imports'));

/** Every import that started and did not finish (stopped, failed, or the page closed). */
export function listUnfinishedImports(): Promise<ImportState[]> {
  return values<ImportState>(db());
}

/** Drops the record of an unfinished import (its chunks go with deletePack). */
export function forgetImport(id: string): Promise<void> {
  return del(id, db());
}

/** Bytes an import has stored in parts it completed. */
export function importedBytes(state: WrittenSoFar): number {
  return (state.tokenizer?.bytes ?? 0) + state.parts.reduce((sum, p) => sum + p.bytes, 0);
}

interface ImportTarget {
  id: string;
  name: string;
  /** Where it comes from, as recorded in the pack and in the import's identity. */
  source: string;
  hub?: HubImportRequest;
  onProgress?: (p: InstallProgress) => void;
}

/** The pack id an import of this repository and format is stored under. */
function importedPackId(repo: string, format: WeightFormat): string {
  return `${repo.replace('/', '--')}-${format}`;
}

/** The pack id a Hugging Face import is stored under (a GGUF file's stem joins the repository's name). */
export function hubImportId(request: Pick<HubImportRequest, 'repo' | 'format' | 'gguf'>): string {
  const stem = request.gguf?.replace(/\.gguf$/i, '');
  return importedPackId(stem ? `${request.repo}--${stem}` : request.repo, request.format);
}

/** Converts a checkpoint (safetensors or GGUF) into the store as pack `target.id`, resuming at the first part not yet stored. */
async function importCheckpoint(open: () => Promise<Checkpoint | GgufCheckpoint>, format: WeightFormat, target: ImportTarget): Promise<string> {
  const { id, name, source } = target;
  const checkpoint = await open();
  const identity = await importIdentity(checkpoint, source, format);
  const recorded = await get<ImportState>(id, db());
  // Parts of another import (another revision, endpoint, format, or changed files) are not resumed.
  const previous = sameImport(recorded?.identity, identity) ? recorded : undefined;
  if (recorded && !previous) await deleteUnfinishedPack(id);
  const { config } = checkpoint;
  const tokenizerBytes = new TextEncoder().encode(JSON.stringify(checkpoint.tokenizerJson)).byteLength;
  const bytesTotal = tokenizerBytes + estimateBaseBytes(config, format) + config.numLayers * estimateLayerBytes(config, format);
  const record = (soFar: WrittenSoFar) => set(id, { id, identity, name, format, config: checkpoint.rawConfig, bytesTotal, hub: target.hub, ...soFar } satisfies ImportState, db());
  // Recorded before the first part, so a stop at any point leaves an import the app lists as resumable.
  await record(previous ?? { parts: [] });
  const report = progressMeter(bytesTotal, previous ? importedBytes(previous) : 0, target.onProgress);
  report(0);
  const store = async (file: string, bytes: Uint8Array) => {
    try {
      await storeChunkBytes(id, file, bytes);
    } catch (error) {
      if ((error as Error).name !== 'QuotaExceededError') throw error;
      throw new QuotaError(`not enough storage to keep ${name}: free some space or delete a model, then import again to resume`);
    }
    if (file !== MANIFEST_FILE) report(bytes.byteLength);
  };
  const manifest = await writePack(checkpoint, format, { write: store }, { id, name, resume: previous, onWritten: record });
  await storeInstalledPack(manifest, source);
  await del(id, db());
  return id;
}

export interface HubImportOptions {
  onProgress?: (p: InstallProgress) => void;
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
  const id = hubImportId({ repo, format, gguf });
  const source = `${endpoint}/${repo}@${revision}${gguf ? `/${gguf}` : ''}`;
  try {
    const hub: HubImportRequest = { repo, revision, endpoint, format, gguf };
    return await importCheckpoint(open, format, { id, name: `${name} (${format})`, source, hub, onProgress });
  } catch (error) {
    if (error instanceof DownloadError && error.transient) throw new DownloadError(`the import of ${repo} was interrupted (${error.message}); import again to resume`);
    throw error;
  }
}

/**
 * Adds a folder the user picked: a pack (manifest.json: every chunk verified, then stored) or a
 * Hugging Face checkpoint folder (converted like an import). `folder` is the folder's name.
 */
export async function importPickedFolder(files: Map<string, Blob>, folder: string, format: WeightFormat, onProgress?: (p: InstallProgress) => void): Promise<string> {
  if (files.has(MANIFEST_FILE)) {
    const pack = blobPackFiles(files, folder);
    const manifest = await readManifest(pack);
    await checkSpace(manifest.totalBytes);
    const report = progressMeter(manifest.totalBytes, 0, onProgress);
    for (const chunk of packChunks(manifest)) {
      await storeChunkBytes(manifest.id, chunk.file, await readChunk(pack, chunk, true));
      report(chunk.bytes);
    }
    await storeInstalledPack(manifest, `file:${folder}`);
    return manifest.id;
  }
  const checkpointFiles = blobCheckpointFiles(files, folder);
  const gguf = [...files.keys()].find((name) => /\.gguf$/i.test(name));
  const open = gguf ? () => openGguf(checkpointFiles, gguf) : () => openCheckpoint(checkpointFiles);
  return importCheckpoint(open, format, { id: `${folder}-${format}`, name: `${folder} (${format})`, source: `file:${folder}${gguf ? `/${gguf}` : ''}`, onProgress });
}
