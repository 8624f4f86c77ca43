// Importing from a Hugging Face-style server (`{endpoint}/{repo}/resolve/{revision}/{file}`, Range
// requests) into the store: same logits as converting locally, resume after a dropped connection,
// and clear errors for a wrong repo, 401, a non-GLM config and an HTML page.
import 'fake-indexeddb/auto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openCheckpoint } from '../../src/engine/formats/checkpoint';
import { ggufSource, openGguf } from '../../src/engine/formats/gguf';
import { loadGlmModel } from '../../src/engine/runtime/model';
import { checkpointSource } from '../../src/engine/formats/source';
import type { WeightFormat } from '../../src/engine/formats/weights';
import { DownloadError } from '../../src/engine/errors';
import { importedBytes, importFromHub, listUnfinishedImports } from '../../src/store/import';
import { deletePack, listPacks, openInstalledPack } from '../../src/store/packs';
import { writeGguf } from '../../tools/gguf-writer';
import { folderFiles } from '../../tools/node-files';
import { listen, staticHandler } from '../../tools/serve';
import { fixtureDir, ort } from '../helpers';

/** A dropped connection is retried by default; these tests look at what an interrupted import leaves. */
const NO_RETRIES = { http: { limits: { retries: 0 } } };

describe('import from a Hugging Face-style endpoint', () => {
  const dirs: Record<string, string> = {};
  let server: Server;
  let endpoint: string;
  const faults = { dropRequest: -1, requests: 0, authorization: [] as (string | undefined)[] };

  beforeAll(async () => {
    dirs.edge = await fixtureDir({ shape: 'glm-edge', seed: 101 });
    dirs.sharded = await fixtureDir({ shape: 'glm-4-9b', seed: 102, shards: 2 });
    dirs.llama = await fixtureDir({ shape: 'glm-edge', seed: 103 });
    // A GGUF repository holds only the .gguf file: config and tokenizer come from its metadata.
    dirs.gguf = await mkdtemp(join(tmpdir(), 'glm-gguf-'));
    await writeGguf(dirs.edge, join(dirs.gguf, 'glm-edge-test-Q4_0.gguf'), { type: 'Q4_0' });
    const config = JSON.parse(await readFile(join(dirs.llama, 'config.json'), 'utf8'));
    await writeFile(join(dirs.llama, 'config.json'), JSON.stringify({ ...config, model_type: 'llama' }));
    // Another revision of zai-org/edge: a different model under the same repository id.
    const edgeV2 = await fixtureDir({ shape: 'glm-edge', seed: 104 });
    dirs.edgeV2 = edgeV2;
    const mounts = { ...Object.fromEntries(Object.entries(dirs).map(([name, dir]) => [`/zai-org/${name}/resolve/main/`, dir])), '/zai-org/edge/resolve/v2/': edgeV2 };
    const files = staticHandler({ root: dirs.edge, mounts });
    ({ server, url: endpoint } = await listen(
      createServer((req, res) => {
        const url = req.url ?? '';
        faults.authorization.push(req.headers.authorization);
        if (url.startsWith('/gated/')) return void res.writeHead(req.headers.authorization === 'Bearer secret' ? 404 : 401).end();
        if (url.startsWith('/html/')) return void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>Sign in</html>');
        if (!Object.keys(mounts).some((prefix) => url.startsWith(prefix))) return void res.writeHead(404).end();
        if (/\.(safetensors|gguf)$/.test(url) && faults.requests++ === faults.dropRequest) {
          res.writeHead(206, { 'Content-Type': 'application/octet-stream', 'Content-Length': 1000, 'Content-Range': 'bytes 0-999/100000' });
          res.write(new Uint8Array(10));
          return void setTimeout(() => res.destroy(), 10);
        }
        void files(req, res);
      }),
    ));
    endpoint = endpoint.replace(/\/$/, '');
  });
  afterAll(() => server.close());

  async function expectSameLogits(packId: string, dir: string, format: WeightFormat): Promise<void> {
    const imported = await loadGlmModel(await openInstalledPack(packId), { ort });
    const local = await loadGlmModel(checkpointSource(await openCheckpoint(folderFiles(dir)), format), { ort });
    const ids = [2, 7, 1, 8, 28];
    expect(Array.from(await imported.forward(ids, true))).toEqual(Array.from(await local.forward(ids, true)));
  }

  test('a single-file checkpoint imports as q4 with the logits of converting it locally, its progress in bytes of the pack', async () => {
    const progress: { bytesDone: number; bytesTotal: number }[] = [];
    const id = await importFromHub({ repo: 'zai-org/edge', endpoint }, 'q4', { onProgress: (p) => progress.push(p) });
    expect(id).toBe('zai-org--edge-q4');
    const { totalBytes } = (await listPacks()).find((p) => p.id === id)!.manifest;
    expect(progress[0].bytesDone).toBe(0);
    expect(progress.map((p) => p.bytesDone)).toEqual([...progress.map((p) => p.bytesDone)].sort((a, b) => a - b));
    // The total is estimated from the config before anything is converted: it is the pack's size.
    expect(progress.at(-1)).toEqual({ bytesDone: totalBytes, bytesTotal: totalBytes, bytesPerSecond: expect.any(Number), secondsLeft: 0 });
    await expectSameLogits(id, dirs.edge, 'q4');
  });

  test('a stopped import is listed with what it needs to resume, and resumes from the parts it stored', async () => {
    const controller = new AbortController();
    const stopped = importFromHub({ repo: 'zai-org/edge', endpoint }, 'q8', {
      onProgress: (p) => p.bytesDone > 0 && controller.abort(),
      http: { signal: controller.signal },
    });
    await expect(stopped).rejects.toThrow(/was stopped/);
    const [unfinished] = (await listUnfinishedImports()).filter((i) => i.id === 'zai-org--edge-q8');
    expect(unfinished).toMatchObject({ name: 'edge (q8)', format: 'q8', hub: { repo: 'zai-org/edge', revision: 'main', endpoint, format: 'q8' } });
    expect(importedBytes(unfinished)).toBeGreaterThan(0);
    expect(importedBytes(unfinished)).toBeLessThan(unfinished.bytesTotal);
    const resumedFrom: number[] = [];
    const id = await importFromHub(unfinished.hub!, 'q8', { onProgress: (p) => resumedFrom.push(p.bytesDone) });
    expect(resumedFrom[0]).toBe(importedBytes(unfinished));
    expect(await listUnfinishedImports()).toEqual([]);
    await expectSameLogits(id, dirs.edge, 'q8');
    await deletePack(id);
  });

  test('a sharded checkpoint with an index imports as q8 with the logits of converting it locally', async () => {
    const id = await importFromHub({ repo: 'zai-org/sharded', endpoint }, 'q8');
    await expectSameLogits(id, dirs.sharded, 'q8');
  });

  /** Imports zai-org/edge as f16 whole (counting its requests), then again with a drop in its last layer. */
  async function interruptedEdgeImport(): Promise<number> {
    faults.requests = 0;
    faults.dropRequest = -1;
    await importFromHub({ repo: 'zai-org/edge', endpoint }, 'f16');
    const fullRequests = faults.requests;
    await deletePack('zai-org--edge-f16');
    faults.requests = 0;
    faults.dropRequest = fullRequests - 3; // in the last layer
    await expect(importFromHub({ repo: 'zai-org/edge', endpoint }, 'f16', NO_RETRIES)).rejects.toThrow(DownloadError);
    return fullRequests;
  }

  test('a dropped connection stops the import; importing again resumes at the first part not stored', async () => {
    const fullRequests = await interruptedEdgeImport();
    await expect(openInstalledPack('zai-org--edge-f16')).rejects.toThrow(/no model "zai-org--edge-f16" is installed/);
    faults.dropRequest = -1;
    faults.requests = 0;
    const id = await importFromHub({ repo: 'zai-org/edge', endpoint }, 'f16');
    expect(faults.requests, 'only the header reads and the unfinished layer are fetched again').toBeLessThan(fullRequests / 2);
    await expectSameLogits(id, dirs.edge, 'f16');
  });

  test('an interrupted import is not resumed by an import of another revision: no parts of the two are mixed', async () => {
    const fullRequests = await interruptedEdgeImport();
    faults.dropRequest = -1;
    faults.requests = 0;
    const id = await importFromHub({ repo: 'zai-org/edge', endpoint, revision: 'v2' }, 'f16');
    expect(faults.requests, 'every part of v2 is fetched').toBeGreaterThanOrEqual(fullRequests - 1);
    await expectSameLogits(id, dirs.edgeV2, 'f16');
    await deletePack(id);
  });

  test('a GGUF file of a repository imports (q4 blocks as they are), resumes after a dropped connection, and runs like the file read locally', async () => {
    const gguf = 'glm-edge-test-Q4_0.gguf';
    faults.requests = 0;
    faults.dropRequest = -1;
    const id = await importFromHub({ repo: 'zai-org/gguf', endpoint }, 'q4', { gguf });
    expect(id).toBe('zai-org--gguf--glm-edge-test-Q4_0-q4');
    const fullRequests = faults.requests;
    await deletePack(id);
    faults.requests = 0;
    faults.dropRequest = fullRequests - 2;
    await expect(importFromHub({ repo: 'zai-org/gguf', endpoint }, 'q4', { gguf, ...NO_RETRIES })).rejects.toThrow(DownloadError);
    faults.dropRequest = -1;
    faults.requests = 0;
    await importFromHub({ repo: 'zai-org/gguf', endpoint }, 'q4', { gguf });
    expect(faults.requests, 'the stored parts are not fetched again').toBeLessThan(fullRequests / 2);
    const imported = await loadGlmModel(await openInstalledPack(id), { ort });
    const local = await loadGlmModel(ggufSource(await openGguf(folderFiles(dirs.gguf), gguf), 'q4'), { ort });
    const ids = [2, 7, 1, 8, 28];
    expect(Array.from(await imported.forward(ids, true))).toEqual(Array.from(await local.forward(ids, true)));
    await expect(importFromHub({ repo: 'zai-org/gguf', endpoint }, 'q4', { gguf: 'missing.gguf' })).rejects.toThrow(/missing\.gguf: the GGUF file is missing/);
  });

  test('a wrong repository id, a 401, a non-GLM config and an HTML page each give a clear message', async () => {
    await expect(importFromHub({ repo: 'zai-org/nope', endpoint }, 'q4')).rejects.toThrow(`config.json: not found in zai-org/nope@main on ${endpoint}`);
    await expect(importFromHub({ repo: 'not a repo', endpoint }, 'q4')).rejects.toThrow(/not a repository id: expected "owner\/name"/);
    await expect(importFromHub({ repo: 'gated/model', endpoint }, 'q4')).rejects.toThrow(/refused access \(HTTP 401\): the repository may be gated or need an access token/);
    await expect(importFromHub({ repo: 'zai-org/llama', endpoint }, 'q4')).rejects.toThrow(/model_type is "llama"; GLM Pocket runs model_type "glm"/);
    await expect(importFromHub({ repo: 'html/model', endpoint }, 'q4')).rejects.toThrow(/answered with an HTML page instead of the file/);
    expect((await listPacks()).map((p) => p.id)).not.toContain('zai-org--llama-q4');
  });

  test('an access token is sent as a bearer token', async () => {
    faults.authorization.length = 0;
    await expect(importFromHub({ repo: 'gated/model', endpoint, token: 'secret' }, 'q4')).rejects.toThrow(/config.json: not found/);
    expect(faults.authorization).toContain('Bearer secret');
  });
});
