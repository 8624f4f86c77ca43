// The app's server compresses text and wasm for clients that accept it (brotli first, then gzip),
// never model chunks or Range answers, and caches hashed assets for good.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { get, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickEncoding, startServer } from '../../tools/serve';

describe('pickEncoding', () => {
  it('prefers brotli, then gzip, and skips what the client refuses with q=0', () => {
    expect(pickEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(pickEncoding('gzip, deflate')).toBe('gzip');
    expect(pickEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(pickEncoding('identity')).toBeNull();
    expect(pickEncoding(undefined)).toBeNull();
  });
});

describe('the server', () => {
  const script = `export const text = ${JSON.stringify('GLM Pocket '.repeat(2000))};\n`;
  const chunk = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
  let url = '';
  let close = () => {};

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'serve-'));
    await mkdir(join(root, 'assets'));
    await writeFile(join(root, 'assets', 'index-KINW2sO_.js'), script);
    await writeFile(join(root, 'index.html'), '<!doctype html><title>GLM Pocket</title>');
    await writeFile(join(root, 'chunk-0000.bin'), chunk);
    const started = await startServer({ root });
    url = started.url;
    close = () => started.server.close();
  });
  afterAll(() => close());

  /** The raw answer (Node's http does not decode bodies). */
  const fetchRaw = (path: string, headers: Record<string, string>) =>
    new Promise<{ response: IncomingMessage; body: Buffer }>((done, fail) => {
      get(new URL(path, url), { headers }, (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () => done({ response, body: Buffer.concat(parts) }));
      }).on('error', fail);
    });

  it('answers brotli to a client that accepts it, far smaller than the file, cached for good when hashed', async () => {
    const { response, body } = await fetchRaw('assets/index-KINW2sO_.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers.vary).toBe('Accept-Encoding');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(body.length).toBeLessThan(script.length / 10);
    expect(brotliDecompressSync(body).toString()).toBe(script);
  });

  it('answers gzip to a client without brotli, and the plain file with its length to one without either', async () => {
    const gzip = await fetchRaw('index.html', { 'accept-encoding': 'gzip' });
    expect(gzip.response.headers['content-encoding']).toBe('gzip');
    expect(gzip.response.headers['cache-control']).toBe('no-cache');
    expect(gunzipSync(gzip.body).toString()).toBe('<!doctype html><title>GLM Pocket</title>');
    const plain = await fetchRaw('assets/index-KINW2sO_.js', {});
    expect(plain.response.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.response.headers['content-length'])).toBe(script.length);
    expect(plain.body.toString()).toBe(script);
  });

  it('sends model chunks and Range answers as they are', async () => {
    const whole = await fetchRaw('chunk-0000.bin', { 'accept-encoding': 'br' });
    expect(whole.response.headers['content-encoding']).toBeUndefined();
    expect(new Uint8Array(whole.body)).toEqual(chunk);
    const part = await fetchRaw('assets/index-KINW2sO_.js', { 'accept-encoding': 'br', range: 'bytes=0-9' });
    expect(part.response.statusCode).toBe(206);
    expect(part.response.headers['content-encoding']).toBeUndefined();
    expect(part.body.toString()).toBe(script.slice(0, 10));
  });
});
