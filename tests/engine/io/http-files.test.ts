// Reading a checkpoint over HTTP with Range requests, against a local server: same model as from
// disk, and clear errors for 404, 401/403, HTML pages and short reads.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openCheckpoint } from '../../../src/engine/formats/checkpoint';
import { httpFiles } from '../../../src/engine/io/http-files';
import { loadGlmModel } from '../../../src/engine/runtime/model';
import { folderFiles } from '../../../tools/node-files';
import { startServer } from '../../../tools/serve';
import { fixtureDir, ort } from '../../helpers';
import { checkpointSource } from '../../../src/engine/formats/source';

const NO_RETRIES = { limits: { retries: 0 } };

describe('httpFiles', () => {
  let dir: string;
  let server: Server;
  let url: string;
  let odd: Server;
  let oddUrl: string;
  const ranges: string[] = [];

  beforeAll(async () => {
    dir = await fixtureDir({ shape: 'glm-4-9b', shards: 2, seed: 51 });
    ({ server, url } = await startServer({ root: dir }));
    server.on('request', (req) => ranges.push(String(req.headers.range)));
    // A server with the misbehaviours users meet: auth walls, HTML error pages, short bodies.
    odd = createServer((req, res) => {
      if (req.url?.startsWith('/gated/')) res.writeHead(401).end();
      else if (req.url?.startsWith('/html/')) res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>Sign in</html>');
      else if (req.url?.startsWith('/short/')) res.writeHead(206, { 'Content-Range': 'bytes 0-99/1000', 'Content-Length': 10 }).end('0123456789');
      else res.writeHead(404).end();
    });
    await new Promise<void>((done) => odd.listen(0, '127.0.0.1', done));
    oddUrl = `http://127.0.0.1:${(odd.address() as AddressInfo).port}/`;
  });
  afterAll(() => {
    server.close();
    odd.close();
  });

  test('a sharded checkpoint served over HTTP loads and gives the logits of the same folder on disk', async () => {
    ranges.length = 0;
    const remote = await loadGlmModel(checkpointSource(await openCheckpoint(httpFiles(url)), 'q8'), { ort });
    const local = await loadGlmModel(checkpointSource(await openCheckpoint(folderFiles(dir)), 'q8'), { ort });
    expect(Array.from(await remote.forward([3, 1, 4, 1, 5], true))).toEqual(Array.from(await local.forward([3, 1, 4, 1, 5], true)));
    // Every read was a ranged one: the weights were fetched tensor by tensor.
    expect(ranges.every((r) => /^bytes=\d+-\d+$/.test(r))).toBe(true);
  });

  test('a missing file is absent (size null), and reading it is a clear error', async () => {
    const files = httpFiles(url);
    expect(await files.size('nope.json')).toBeNull();
    await expect(files.read('nope.json', 0, 10)).rejects.toThrow(/nope.json: not found at/);
  });

  test('401/403 says access was refused and hints at a token', async () => {
    await expect(openCheckpoint(httpFiles(`${oddUrl}gated/`))).rejects.toThrow(/config.json: the server at .* refused access \(HTTP 401\): .*access token/);
  });

  test('an HTML page instead of the file is named as such', async () => {
    await expect(openCheckpoint(httpFiles(`${oddUrl}html/`))).rejects.toThrow(/config.json: the server answered with an HTML page instead of the file/);
  });

  test('a short body is reported as a dropped connection', async () => {
    await expect(httpFiles(`${oddUrl}short/`, NO_RETRIES).read('model.safetensors', 0, 100)).rejects.toThrow(/wanted bytes 0..100 but the server sent 10/);
  });

  test('an unreachable host is a clear network error', async () => {
    await expect(openCheckpoint(httpFiles('http://127.0.0.1:9/', NO_RETRIES))).rejects.toThrow(/could not fetch http:\/\/127.0.0.1:9\/config.json .*check the address and the network/);
  });
});
