// Downloads against local servers that misbehave as real ones do: no headers, a stall after the
// headers, a trickle, dropped connections, busy servers (503/429 with Retry-After), HTML 404 pages
// from a mirror, cross-origin redirects. Every read ends in the file's bytes or one typed error,
// within its time limits; a random mix of behaviours (fast-check) holds to the same.
import fc from 'fast-check';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openCheckpoint } from '../../../src/engine/formats/checkpoint';
import { CheckpointError, DownloadError } from '../../../src/engine/errors';
import type { HttpLimits } from '../../../src/engine/io/http';
import { httpFiles } from '../../../src/engine/io/http-files';
import { listen, staticHandler } from '../../../tools/serve';
import { fixtureDir } from '../../helpers';

const FAST: Partial<HttpLimits> = { headersTimeoutMs: 150, idleTimeoutMs: 150, retries: 2, retryDelayMs: 5, maxRetryDelayMs: 50 };
const FILE = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) % 251);

type Behaviour = 'ok' | 'no-headers' | 'stall-body' | 'drop' | 'trickle' | 'busy' | 'rate-limited' | 'html-200' | 'html-404' | 'short' | 'ignore-range' | 'redirect';
const BEHAVIOURS: Behaviour[] = ['ok', 'no-headers', 'stall-body', 'drop', 'trickle', 'busy', 'rate-limited', 'html-200', 'html-404', 'short', 'ignore-range', 'redirect'];

/** Answers a Range request for FILE the way `behaviour` says. */
function answer(behaviour: Behaviour, req: IncomingMessage, res: ServerResponse, redirectTo: string): void {
  const [, a, b] = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '') ?? [];
  const start = Number(a ?? 0);
  const end = Math.min(Number(b ?? FILE.length - 1), FILE.length - 1);
  const body = FILE.subarray(start, end + 1);
  const partial = { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length, 'Content-Range': `bytes ${start}-${end}/${FILE.length}`, ETag: '"v1"' };
  switch (behaviour) {
    case 'ok':
      return void res.writeHead(206, partial).end(body);
    case 'no-headers':
      return; // never answers; the client's limit ends it
    case 'stall-body':
      res.writeHead(206, partial);
      return void res.write(body.subarray(0, body.length >> 1));
    case 'drop':
      res.writeHead(206, partial);
      res.write(body.subarray(0, body.length >> 1));
      return void setTimeout(() => res.destroy(), 5);
    case 'trickle': {
      // Slower in all than the idle limit, but never silent for as long.
      res.writeHead(206, partial);
      let sent = 0;
      const step = Math.max(1, Math.ceil(body.length / 4));
      const timer = setInterval(() => {
        res.write(body.subarray(sent, sent + step));
        sent += step;
        if (sent >= body.length) {
          clearInterval(timer);
          res.end();
        }
      }, 60);
      return;
    }
    case 'busy':
      return void res.writeHead(503, { 'Content-Type': 'text/html' }).end('<html>busy</html>');
    case 'rate-limited':
      return void res.writeHead(429, { 'Retry-After': '0' }).end();
    case 'html-200':
      return void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>Sign in</html>');
    case 'html-404':
      return void res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>');
    case 'short':
      return void res.writeHead(206, { ...partial, 'Content-Length': 3 }).end(body.subarray(0, 3));
    case 'ignore-range':
      return void res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': FILE.length }).end(FILE);
    case 'redirect':
      return void res.writeHead(302, { Location: redirectTo + (req.url ?? '') }).end();
  }
}

describe('bounded HTTP reads', () => {
  let server: Server;
  let base: string;
  let cdn: Server;
  let cdnUrl: string;
  /** Behaviour of each request in turn (then 'ok'); what each request carried. */
  let script: Behaviour[] = [];
  const seen: { url: string; authorization?: string }[] = [];
  const cdnSeen: { authorization?: string }[] = [];
  const open: ServerResponse[] = [];

  beforeAll(async () => {
    ({ server: cdn, url: cdnUrl } = await listen(
      createServer((req, res) => {
        cdnSeen.push({ authorization: req.headers.authorization });
        answer('ok', req, res, '');
      }),
    ));
    ({ server, url: base } = await listen(
      createServer((req, res) => {
        seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
        open.push(res);
        answer(script.shift() ?? 'ok', req, res, cdnUrl.replace(/\/$/, ''));
      }),
    ));
  });
  afterAll(() => {
    for (const res of open) res.destroy();
    server.close();
    cdn.close();
  });

  function files(limits: Partial<HttpLimits> = FAST, signal?: AbortSignal) {
    return httpFiles(`${base}repo/`, { limits, signal, headers: { Authorization: 'Bearer secret' } });
  }

  async function timed<T>(run: () => Promise<T>): Promise<{ result: T | unknown; ms: number }> {
    const started = performance.now();
    const result = await run().catch((error: unknown) => error);
    return { result, ms: performance.now() - started };
  }

  test('a server that sends no headers fails after the header limit, each attempt, never hanging', async () => {
    script = ['no-headers', 'no-headers', 'no-headers'];
    seen.length = 0;
    const { result, ms } = await timed(() => files().read('model.bin', 0, 100));
    expect(result).toBeInstanceOf(DownloadError);
    expect((result as Error).message).toMatch(/the server sent no answer within 0\.1 s \(3 attempts\)/);
    expect(seen).toHaveLength(3);
    expect(ms).toBeLessThan(3000);
  });

  test('a stall after 206 headers fails after the idle limit; a retry that succeeds reads the bytes', async () => {
    script = ['stall-body', 'stall-body', 'stall-body'];
    await expect(files().read('model.bin', 0, 100)).rejects.toThrow(/the download stalled \(no data for 0\.1 s\) after 50 bytes/);
    script = ['stall-body', 'drop'];
    expect(Array.from(await files().read('model.bin', 10, 110))).toEqual(Array.from(FILE.subarray(10, 110)));
  });

  test('a trickle slower than the idle limit in all, but never silent as long, is read whole', async () => {
    script = ['trickle'];
    expect(Array.from(await files().read('model.bin', 0, 400))).toEqual(Array.from(FILE.subarray(0, 400)));
  });

  test('a busy server (503, then 429 with Retry-After) is retried with backoff until it answers', async () => {
    script = ['busy', 'rate-limited'];
    seen.length = 0;
    expect(Array.from(await files().read('model.bin', 0, 64))).toEqual(Array.from(FILE.subarray(0, 64)));
    expect(seen).toHaveLength(3);
    script = ['busy', 'busy', 'busy'];
    await expect(files().read('model.bin', 0, 64)).rejects.toThrow(/answered HTTP 503 \(3 attempts\)/);
  });

  test('a 404 is "absent" whatever its body: a mirror\'s HTML 404 for an optional file is not an error', async () => {
    script = ['html-404'];
    expect(await files().size('generation_config.json')).toBeNull();
    script = ['html-200'];
    await expect(files().size('config.json')).rejects.toThrow(/config.json: the server answered with an HTML page instead of the file \(HTTP 200\)/);
  });

  test('a cross-origin redirect (to a CDN) is followed without the access token', async () => {
    script = ['redirect'];
    cdnSeen.length = 0;
    expect(Array.from(await files().read('model.bin', 0, 32))).toEqual(Array.from(FILE.subarray(0, 32)));
    expect(cdnSeen).toEqual([{ authorization: undefined }]);
  });

  test('stopping a download ends a stall at once, with no retry', async () => {
    script = ['no-headers'];
    seen.length = 0;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const { result, ms } = await timed(() => files({ ...FAST, headersTimeoutMs: 10_000 }, controller.signal).read('model.bin', 0, 100));
    expect(result).toBeInstanceOf(DownloadError);
    expect((result as DownloadError).transient).toBe(false);
    expect(ms).toBeLessThan(1000);
    expect(seen).toHaveLength(1);
  });

  test('a mirror that answers HTML 404 pages for optional files still opens the checkpoint', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge', seed: 66 });
    const files = staticHandler({ root: dir });
    const { server: mirror, url } = await listen(
      createServer((req, res) => {
        if (/generation_config|index\.json|tokenizer_config/.test(req.url ?? '')) return answer('html-404', req, res, '');
        void files(req, res);
      }),
    );
    try {
      const checkpoint = await openCheckpoint(httpFiles(url, { limits: FAST }));
      expect(checkpoint.rawGenerationConfig).toBeNull();
    } finally {
      mirror.close();
    }
  });

  test('any sequence of server behaviours ends in the right bytes or one typed error, within the limits (fast-check)', async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...BEHAVIOURS), { minLength: 1, maxLength: 4 }), fc.nat(FILE.length - 1), fc.integer({ min: 1, max: 600 }), async (behaviours, start, length) => {
        cases++;
        script = [...behaviours];
        const end = Math.min(FILE.length, start + length);
        const { result, ms } = await timed(() => files().read('model.bin', start, end));
        // 3 attempts, each bounded by a header limit and an idle limit (a trickle is bounded by its length).
        expect(ms).toBeLessThan(3 * (150 + 150 + 300) + 500);
        if (result instanceof Uint8Array) expect(Array.from(result)).toEqual(Array.from(FILE.subarray(start, end)));
        else expect(result instanceof DownloadError || result instanceof CheckpointError, String(result)).toBe(true);
      }),
      { numRuns: 60, seed: 14 },
    );
    script = [];
    console.log(`HTTP behaviours: ${cases} random request sequences`);
  }, 120_000);
});
