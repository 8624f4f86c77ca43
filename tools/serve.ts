// A static file server for the built app: COOP/COEP so wasm threads get SharedArrayBuffer,
// HTTP Range for model files, text and wasm compressed (brotli or gzip) for clients that accept it,
// hashed assets cached for good, and extra folders mounted under URL prefixes (tests serve checkpoints).
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/** Types worth compressing: text and wasm (model chunks and images are already dense). */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.svg', '.webmanifest']);

export type Encoding = 'br' | 'gzip';

/** The encoding to answer with for an Accept-Encoding header: brotli, else gzip, else none. */
export function pickEncoding(accept: string | undefined): Encoding | null {
  const accepted = new Set(
    (accept ?? '')
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, q]) => !/^\s*q=0(\.0*)?\s*$/.test(q ?? ''))
      .map(([name]) => name.trim().toLowerCase()),
  );
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return null;
}

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);
/** Compressed files by path, change time and encoding: each is compressed once per server, not per request. */
const compressed = new Map<string, Promise<Buffer>>();

/** The file compressed: brotli at quality 5 (a fifth of onnxruntime-web's wasm, in seconds rather than 11's minutes). */
function compressedFile(file: string, changedMs: number, encoding: Encoding): Promise<Buffer> {
  const key = `${encoding} ${changedMs} ${file}`;
  let result = compressed.get(key);
  if (!result) {
    result = readFile(file).then((bytes) =>
      encoding === 'br' ? brotli(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }) : gzipped(bytes, { level: 6 }),
    );
    result.catch(() => compressed.delete(key));
    compressed.set(key, result);
  }
  return result;
}

export interface ServeOptions {
  root: string;
  port?: number;
  host?: string;
  /** URL prefix -> folder, e.g. { '/fixtures/': '/tmp/ckpt' }. */
  mounts?: Record<string, string>;
}

function locate(url: string, options: ServeOptions): string | null {
  const path = decodeURIComponent(new URL(url, 'http://x').pathname);
  for (const [prefix, dir] of Object.entries(options.mounts ?? {})) {
    if (path.startsWith(prefix)) return safeJoin(dir, path.slice(prefix.length));
  }
  return safeJoin(options.root, path === '/' ? 'index.html' : path);
}

function safeJoin(dir: string, rel: string): string | null {
  const full = resolve(dir, normalize(`./${rel}`));
  return full.startsWith(resolve(dir)) ? full : null;
}

/** The request handler: static files with isolation headers and Range support. */
export function staticHandler(options: ServeOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Accept-Ranges', 'bytes');
    let file = locate(req.url ?? '/', options);
    let size: number;
    let changedMs: number;
    try {
      if (!file) throw new Error('outside root');
      let info = await stat(file);
      if (info.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file);
      }
      size = info.size;
      changedMs = info.mtimeMs;
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(range[2] ? Number(range[2]) : size - 1, size - 1);
      if (start >= size || end < start) {
        res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
        return;
      }
      res.writeHead(206, { 'Content-Type': type, 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${size}` });
      createReadStream(file, { start, end }).pipe(res);
      return;
    }
    // Vite names what it emits under assets/ by content hash: a new build has new names.
    const hashed = /\/assets\/[^/]+-[\w-]{8,}\.\w+$/.test(file);
    const headers: Record<string, string | number> = { 'Content-Type': type, 'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache' };
    const encoding = COMPRESSIBLE.has(extname(file)) ? pickEncoding(req.headers['accept-encoding']) : null;
    if (COMPRESSIBLE.has(extname(file))) headers.Vary = 'Accept-Encoding';
    if (encoding) {
      const body = await compressedFile(file, changedMs, encoding);
      res.writeHead(200, { ...headers, 'Content-Encoding': encoding, 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };
}

export function listen(server: Server, options: { port?: number; host?: string } = {}): Promise<{ server: Server; url: string }> {
  return new Promise((done) => {
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      done({ server, url: `http://localhost:${port}/` });
    });
  });
}

export function startServer(options: ServeOptions): Promise<{ server: Server; url: string }> {
  return listen(createServer(staticHandler(options)), options);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 4173);
  const { url } = await startServer({ root: 'dist', port, host: process.env.HOST ?? '127.0.0.1' });
  console.log(`GLM Pocket is being served at ${url}`);
}
