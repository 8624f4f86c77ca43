// Model packs in IndexedDB (idb-keyval): one record per pack, one Blob per chunk. An install
// streams chunks from a URL, verifies each SHA-256 before storing it, resumes from the first
// missing chunk, and marks the pack installed only when every chunk is stored.
import { createStore, del, delMany, get, keys, set, values, type UseStore } from 'idb-keyval';
import { ChunkMissingError, DownloadError, PackError } from '../engine/errors';
import { fetchBounded, statusError, withRetries, type HttpOptions } from '../engine/io/http';
import { MANIFEST_FILE, packChunks, parseManifest, storedManifest, type PackManifest } from '../engine/formats/pack/manifest';
import { openPack, type PackSource } from '../engine/formats/pack/read';
import type { PackFiles } from '../engine/io/files';
import { sha256Hex } from '../engine/formats/pack/sha256';
import { formatBytes } from '../util/bytes';
import { withLimit } from '../util/limit';
import { QuotaError, StorageReadError } from './errors';
import { progressMeter, type InstallProgress } from './progress';

export type { InstallProgress } from './progress';

export interface PackRecord {
  id: string;
  manifest: PackManifest;
  sourceUrl: string;
  status: 'installing' | 'installed';
  updatedAt: number;
}

export interface InstallOptions extends HttpOptions {
  onProgress?: (p: InstallProgress) => void;
}

let stores: { packs: UseStore; chunks: UseStore } | null = null;

function db(): { packs: UseStore; chunks: UseStore } {
  stores ??= { packs: createStore('glm-pocket-packs', 'packs'), chunks: createStore('glm-pocket-chunks', 'chunks') };
  return stores;
}

const chunkKey = (id: string, file: string) => `${id}/${file}`;

/** Every pack in the store, installed or half-installed. */
export async function listPacks(): Promise<PackRecord[]> {
  const records = await values<PackRecord>(db().packs);
  return records.map((r) => ({ ...r, manifest: storedManifest(r.manifest) })).sort((a, b) => a.id.localeCompare(b.id));
}

async function storedChunkFiles(id: string): Promise<Set<string>> {
  const prefix = `${id}/`;
  const all = (await keys<string>(db().chunks)).filter((k) => k.startsWith(prefix));
  return new Set(all.map((k) => k.slice(prefix.length)));
}

/** Removes a pack and all its chunks. */
export async function deletePack(id: string): Promise<void> {
  const files = await storedChunkFiles(id);
  await delMany([...files].map((f) => chunkKey(id, f)), db().chunks);
  await del(id, db().packs);
}

/** Removes the chunks stored for a pack that is not installed (an import that will not be resumed). */
export async function deleteUnfinishedPack(id: string): Promise<void> {
  if ((await get<PackRecord>(id, db().packs))?.status === 'installed') return;
  await deletePack(id);
}

/** One file of the pack, bounded in time and retried when the failure is transient. */
async function fetchPackFile(url: string, options: InstallOptions, onBytes?: (n: number) => void): Promise<Uint8Array> {
  return withRetries(url, options, async () => {
    // Bytes reported by an attempt that then fails are taken back, so a retry does not count them twice.
    let reported = 0;
    const answer = await fetchBounded(url, {}, options);
    const { response } = answer;
    if (!response.ok) {
      answer.cancel();
      const message = `${url} answered HTTP ${response.status}${response.status === 404 ? ': no pack there' : ''}`;
      throw statusError(response, message);
    }
    if ((response.headers.get('content-type') ?? '').includes('text/html')) {
      answer.cancel();
      throw new PackError(`${url} is an HTML page, not a pack file: check the address`);
    }
    try {
      return await answer.read((n) => {
        reported += n;
        onBytes?.(n);
      });
    } catch (error) {
      onBytes?.(-reported);
      throw error;
    }
  });
}

/** Reads and validates the manifest of the pack at a folder URL (ending in '/'). */
export async function fetchManifest(base: string, options: HttpOptions = {}): Promise<PackManifest> {
  const url = base + MANIFEST_FILE;
  const text = new TextDecoder().decode(await fetchPackFile(url, options));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PackError(`${url}: is not valid JSON`);
  }
  return parseManifest(json, url);
}

/** Fails early with a QuotaError when the browser's storage estimate leaves less than bytesNeeded. */
export async function checkSpace(bytesNeeded: number): Promise<void> {
  const estimate = await globalThis.navigator?.storage?.estimate?.();
  if (!estimate?.quota) return;
  const free = estimate.quota - (estimate.usage ?? 0);
  if (free < bytesNeeded) throw new QuotaError(`not enough storage: the download needs ${formatBytes(bytesNeeded)} and this browser allows ${formatBytes(free)} more; free some space or delete a model`);
}

/**
 * Installs (or resumes installing) the pack at baseUrl, a folder URL holding manifest.json.
 * Chunks already stored are skipped; each new chunk is verified before it is stored.
 */
export async function installPack(baseUrl: string, options: InstallOptions = {}): Promise<PackRecord> {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const manifest = await fetchManifest(base, options);
  try {
    return await install(base, manifest, options);
  } catch (error) {
    // The browser refuses an IndexedDB write (or even opening the database) when the origin's quota is spent.
    if ((error as Error).name !== 'QuotaExceededError') throw error;
    throw new QuotaError(`not enough storage: the browser refused to store more of this ${formatBytes(manifest.totalBytes)} model; free some space or delete a model, then install again to resume`);
  }
}

async function install(base: string, manifest: PackManifest, options: InstallOptions): Promise<PackRecord> {
  const { id } = manifest;

  const existing = await get<PackRecord>(id, db().packs);
  const sameContent = existing && JSON.stringify(packChunks(existing.manifest)) === JSON.stringify(packChunks(manifest));
  if (existing && !sameContent) await deletePack(id);

  const stored = await storedChunkFiles(id);
  const chunks = packChunks(manifest);
  const missing = chunks.filter((c) => !stored.has(c.file));
  // Installed and complete: nothing to do. (Installed with chunks gone means the browser evicted some: fetch them again.)
  if (existing?.status === 'installed' && sameContent && missing.length === 0) return existing;
  const bytesTotal = manifest.totalBytes;
  const missingBytes = missing.reduce((sum, c) => sum + c.bytes, 0);
  await checkSpace(missingBytes);
  await globalThis.navigator?.storage?.persist?.();

  const record: PackRecord = { id, manifest, sourceUrl: base, status: 'installing', updatedAt: Date.now() };
  await set(id, record, db().packs);

  const report = progressMeter(bytesTotal, bytesTotal - missingBytes, options.onProgress);
  report(0);
  for (const chunk of missing) {
    const bytes = await fetchPackFile(base + chunk.file, options, report).catch((error: unknown) => {
      if (!(error instanceof DownloadError) || !error.transient) throw error;
      throw new DownloadError(`the download of ${chunk.file} was interrupted (${error.message}); install again to resume from it`);
    });
    if (bytes.byteLength !== chunk.bytes || (await sha256Hex(bytes)) !== chunk.sha256) {
      throw new PackError(`${base}${chunk.file}: the downloaded bytes do not match the manifest's SHA-256; it was not stored (install again to retry it)`);
    }
    await storeChunkBytes(id, chunk.file, bytes);
  }
  const installed: PackRecord = { ...record, status: 'installed', updatedAt: Date.now() };
  await set(id, installed, db().packs);
  return installed;
}

/** Stores one chunk of a pack being written in place (an import); see installPack for downloads. */
export async function storeChunkBytes(id: string, file: string, bytes: Uint8Array): Promise<void> {
  await set(chunkKey(id, file), new Blob([bytes as Uint8Array<ArrayBuffer>]), db().chunks);
}

/** Marks a pack whose chunks are all stored as installed. */
export async function storeInstalledPack(manifest: PackManifest, sourceUrl: string): Promise<void> {
  await set(manifest.id, { id: manifest.id, manifest, sourceUrl, status: 'installed', updatedAt: Date.now() } satisfies PackRecord, db().packs);
}

/** The longest one stored chunk (16 MiB at most) may take to read before the load fails instead of waiting. */
const CHUNK_READ_LIMIT_MS = 60_000;

/** `work`, or a StorageReadError naming `where`: the browser's storage not answering must fail the load, not hang it. */
function bounded<T>(work: Promise<T>, where: string): Promise<T> {
  return withLimit(work, CHUNK_READ_LIMIT_MS, () => new StorageReadError(`${where}: reading it from storage did not finish in ${CHUNK_READ_LIMIT_MS / 1000} s (reload the page and try again)`));
}

/** The stored chunks of a pack as PackFiles (the manifest comes from the record). */
export function storedPackFiles(record: PackRecord): PackFiles {
  const label = `installed pack ${record.id}: `;
  return {
    label,
    async read(file) {
      if (file === MANIFEST_FILE) return new TextEncoder().encode(JSON.stringify(record.manifest));
      const where = `${label}${file}`;
      const blob = await bounded(get<Blob>(chunkKey(record.id, file), db().chunks), where);
      if (!blob) throw new ChunkMissingError(`${where} is missing from storage (the browser may have evicted it): download the model again`);
      // Read whole, not through blob.stream(): in Chromium 156 a BYOB read of a stored chunk's stream
      // sometimes never resolved (the 1.5B shape on the CPU kernels with a shared memory: 1 load in
      // 3-5, always at its last layer), where arrayBuffer() did not (24 loads of 24).
      return new Uint8Array(await bounded(blob.arrayBuffer(), where));
    },
  };
}

/** Opens an installed pack for loading; a half-installed pack is refused. */
export async function openInstalledPack(id: string): Promise<PackSource> {
  const record = await get<PackRecord>(id, db().packs);
  if (!record) throw new PackError(`no model "${id}" is installed`);
  if (record.status !== 'installed') throw new PackError(`model "${id}" is not fully downloaded yet: resume the download before loading it`);
  return openPack(storedPackFiles(record), false);
}

/** Bytes stored for each pack (complete or not); pass the records when already listed. */
export async function packSizes(records?: PackRecord[]): Promise<Map<string, number>> {
  const storedKeys = new Set(await keys<string>(db().chunks));
  const sizes = new Map<string, number>();
  for (const record of records ?? (await listPacks())) {
    const stored = packChunks(record.manifest).filter((c) => storedKeys.has(chunkKey(record.id, c.file)));
    sizes.set(record.id, stored.reduce((sum, c) => sum + c.bytes, 0));
  }
  return sizes;
}
