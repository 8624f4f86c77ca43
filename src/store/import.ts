// Importing a Hugging Face GLM checkpoint straight into the store: tensors are read with Range
// requests, converted part by part in the worker, and each part's chunks are stored as soon as
// they are written. Progress is recorded per part, so an interrupted import resumes at the first
// part not yet stored. Memory stays at one layer's tensors plus its part.
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import { openCheckpoint } from '../engine/checkpoint';
import { hubFiles, type HubLocation } from '../engine/hub';
import type { WrittenSoFar } from '../engine/pack/write';
import { writePack } from '../engine/pack/write';
import type { WeightFormat } from '../engine/weights';
import { DownloadError } from './errors';
import { storeChunkBytes, storeInstalledPack } from './packs';

interface ImportState extends WrittenSoFar {
  id: string;
  format: WeightFormat;
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

export async function importFromHub(location: HubLocation, format: WeightFormat, onProgress?: (p: ImportProgress) => void): Promise<string> {
  const id = importedPackId(location.repo, format);
  const checkpoint = await openCheckpoint(hubFiles(location));
  const previous = await get<ImportState>(id, db());
  try {
    const manifest = await writePack(checkpoint, format, { write: (file, bytes) => storeChunkBytes(id, file, bytes) }, {
      id,
      name: `${location.repo.split('/')[1]} (${format})`,
      resume: previous,
      onWritten: (soFar) => set(id, { id, format, ...soFar }, db()),
      onProgress: (partsDone, partsTotal) => onProgress?.({ partsDone, partsTotal }),
    });
    await storeInstalledPack(manifest, `${location.endpoint ?? 'https://huggingface.co'}/${location.repo}`);
    await del(id, db());
    return id;
  } catch (error) {
    if ((error as Error).name === 'CheckpointError' && /dropped|could not be fetched/.test((error as Error).message)) {
      throw new DownloadError(`the import of ${location.repo} was interrupted (${(error as Error).message}); import again to resume`);
    }
    throw error;
  }
}
