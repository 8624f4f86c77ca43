// The IndexedDB pack store (fake-indexeddb in Node): install, resume, corruption, quota, delete, load.
import 'fake-indexeddb/auto';
import { createStore, set } from 'idb-keyval';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { openCheckpoint } from '../../src/engine/formats/checkpoint';
import { DownloadError, PackError } from '../../src/engine/errors';
import { loadGlmModel } from '../../src/engine/runtime/model';
import { checkpointSource } from '../../src/engine/formats/source';
import { QuotaError } from '../../src/store/errors';
import { deletePack, installPack, listPacks, openInstalledPack, packSizes, storeChunkBytes, storedPackFiles, type InstallProgress, type PackRecord } from '../../src/store/packs';
import { folderFiles } from '../../tools/node-files';
import { ort } from '../helpers';
import { packFixture, servePack, type PackServer } from '../pack-fixtures';
import type { PackManifest } from '../../src/engine/formats/pack/manifest';

/** A drop is retried by default; these tests look at what an interrupted install leaves. */
const NO_RETRIES = { limits: { retries: 0 } };

describe('pack store', () => {
  let server: PackServer;
  let manifest: PackManifest;
  let checkpointDir: string;
  let chunkCount: number;

  beforeAll(async () => {
    ({ manifest, checkpointDir } = await packFixture({ shape: 'glm-edge', seed: 71 }, 'q4', 4096).then(async (f) => {
      server = await servePack(f.packDir);
      return f;
    }));
    chunkCount = manifest.parts.reduce((n, p) => n + p.chunks.length, 1);
  });
  afterAll(() => server.close());
  afterEach(async () => {
    vi.unstubAllGlobals();
    server.requests.length = 0;
    server.dropOnce.clear();
    server.corrupt.clear();
    server.html = false;
    for (const p of await listPacks()) await deletePack(p.id);
  });

  test('install streams every chunk with progress, and the stored pack loads with the checkpoint logits', async () => {
    const progress: InstallProgress[] = [];
    const record = await installPack(server.url, { onProgress: (p) => progress.push(p) });
    expect(record.status).toBe('installed');
    expect(chunkCount).toBeGreaterThan(5);
    expect(server.requests.filter((f) => f.endsWith('.bin') || f === 'tokenizer.json')).toHaveLength(chunkCount);
    const last = progress[progress.length - 1];
    expect(last.bytesDone).toBe(manifest.totalBytes);
    expect(last.bytesTotal).toBe(manifest.totalBytes);
    expect(last.bytesPerSecond).toBeGreaterThan(0);
    expect(progress.every((p, i) => i === 0 || p.bytesDone >= progress[i - 1].bytesDone)).toBe(true);

    expect((await listPacks()).map((p) => [p.id, p.status])).toEqual([[manifest.id, 'installed']]);
    expect((await packSizes()).get(manifest.id)).toBe(manifest.totalBytes);

    const stored = await loadGlmModel(await openInstalledPack(manifest.id), { ort });
    const direct = await loadGlmModel(checkpointSource(await openCheckpoint(folderFiles(checkpointDir)), 'q4'), { ort });
    expect(Array.from(await stored.forward([1, 2, 3], true))).toEqual(Array.from(await direct.forward([1, 2, 3], true)));
  });

  test('a connection dropped once is retried: the install completes, fetching that chunk again', async () => {
    const victim = manifest.parts[2].chunks[0].file;
    server.dropOnce.add(victim);
    expect((await installPack(server.url, { limits: { retryDelayMs: 1 } })).status).toBe('installed');
    expect(server.requests.filter((f) => f === victim)).toHaveLength(2);
  });

  test('a dropped connection leaves a half-installed pack that is not loaded, and installing again resumes from the missing chunk', async () => {
    const victim = manifest.parts[2].chunks[0].file;
    server.dropOnce.add(victim);
    await expect(installPack(server.url, NO_RETRIES)).rejects.toThrow(DownloadError);
    await expect(installPack(server.url).then(() => 'second try')).resolves.toBe('second try');
    // The second run fetched only the manifest and the chunks from the dropped one on.
    const secondRun = server.requests.slice(server.requests.lastIndexOf('manifest.json') + 1);
    const order = [manifest.tokenizer.json, ...manifest.parts.flatMap((p) => p.chunks)].map((c) => c.file);
    expect(secondRun).toEqual(order.slice(order.indexOf(victim)));
    expect((await listPacks())[0].status).toBe('installed');
  });

  test('a half-installed pack is refused by the loader', async () => {
    server.dropOnce.add(manifest.parts[1].chunks[0].file);
    await expect(installPack(server.url, NO_RETRIES)).rejects.toThrow(/interrupted .* install again to resume/);
    expect((await listPacks())[0].status).toBe('installing');
    await expect(openInstalledPack(manifest.id)).rejects.toThrow(/not fully downloaded yet/);
  });

  test('a chunk whose bytes do not match its hash is rejected and not stored', async () => {
    const bad = manifest.parts[1].chunks[1].file;
    server.corrupt.add(bad);
    await expect(installPack(server.url)).rejects.toThrow(PackError);
    await expect(installPack(server.url)).rejects.toThrow(new RegExp(`${bad.replace(/\./g, '\\.')}: the downloaded bytes do not match`));
    const sizes = await packSizes();
    const before = manifest.tokenizer.json.bytes + manifest.parts[0].bytes + manifest.parts[1].chunks[0].bytes;
    expect(sizes.get(manifest.id)).toBe(before);
    server.corrupt.clear();
    expect((await installPack(server.url)).status).toBe('installed');
  });

  test('too little storage fails before any chunk is fetched, and stores nothing', async () => {
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ quota: 50_000, usage: 20_000 }), persist: async () => true } });
    await expect(installPack(server.url)).rejects.toThrow(QuotaError);
    await expect(installPack(server.url)).rejects.toThrow(/not enough storage: the download needs [\d.]+ kB and this browser allows 30.0 kB more/);
    expect(server.requests.every((f) => f === 'manifest.json')).toBe(true);
    expect(await listPacks()).toEqual([]);
  });

  test('persistent storage is asked for before downloading', async () => {
    const persist = vi.fn(async () => true);
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ quota: 1e9, usage: 0 }), persist } });
    await installPack(server.url);
    expect(persist).toHaveBeenCalledOnce();
  });

  test('a pack stored by an earlier version (manifest version 1: "quant") is listed in version 2\'s names', async () => {
    const { kind, format, ...rest } = manifest;
    const v1 = { ...rest, format: kind, version: 1, quant: format };
    await set(manifest.id, { id: manifest.id, manifest: v1, sourceUrl: server.url, status: 'installed', updatedAt: 0 }, createStore('glm-pocket-packs', 'packs'));
    const [listed] = await listPacks();
    expect([listed.manifest.kind, listed.manifest.version, listed.manifest.format]).toEqual(['glm-pocket-pack', 2, 'q4']);
  });

  test('a stored chunk of several MiB comes back byte for byte', async () => {
    const bytes = new Uint8Array(3 * 1024 * 1024 + 777);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    await storeChunkBytes('big-chunk', 'w.0.bin', bytes);
    const record = { id: 'big-chunk', manifest, sourceUrl: '', status: 'installing', updatedAt: 0 } as PackRecord;
    const read = await storedPackFiles(record).read('w.0.bin');
    // Compared as Buffers: a failed toEqual on megabytes would spend minutes printing the diff.
    expect(Buffer.from(read).equals(Buffer.from(bytes))).toBe(true);
  });

  test('delete removes the pack and every chunk', async () => {
    await installPack(server.url);
    await deletePack(manifest.id);
    expect(await listPacks()).toEqual([]);
    expect((await packSizes()).size).toBe(0);
    await expect(openInstalledPack(manifest.id)).rejects.toThrow(/no model "test-glm-edge-q4" is installed/);
  });

  test('installing an installed pack fetches nothing but the manifest', async () => {
    await installPack(server.url);
    server.requests.length = 0;
    await installPack(server.url);
    expect(server.requests).toEqual(['manifest.json']);
  });

  test('404 and HTML instead of a pack give clear errors and store nothing', async () => {
    await expect(installPack(server.url.replace('/pack/', '/nothing-here/missing/'))).rejects.toThrow(/manifest.json answered HTTP 404: no pack there/);
    server.html = true;
    await expect(installPack(server.url)).rejects.toThrow(/is an HTML page, not a pack file/);
    expect(await listPacks()).toEqual([]);
  });
});
