// Pack fixtures: a checkpoint converted into a pack folder, and a server for it that can drop a
// connection mid-chunk, corrupt a chunk, or pretend to be an HTML error page.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openCheckpoint } from '../src/engine/formats/checkpoint';
import type { PackManifest } from '../src/engine/formats/pack/manifest';
import { writePack } from '../src/engine/formats/pack/write';
import type { WeightFormat } from '../src/engine/formats/weights';
import type { CheckpointSpec } from '../tools/checkpoint-writer';
import { folderFiles, folderSink } from '../tools/node-files';
import { fixtureDir } from './helpers';

export async function packFixture(spec: CheckpointSpec, format: WeightFormat, chunkBytes = 8192): Promise<{ checkpointDir: string; packDir: string; manifest: PackManifest }> {
  const checkpointDir = await fixtureDir(spec);
  const packDir = `${checkpointDir}-pack`;
  const manifest = await writePack(await openCheckpoint(folderFiles(checkpointDir)), format, folderSink(packDir), { id: `test-${spec.shape}-${format}`, chunkBytes });
  return { checkpointDir, packDir, manifest };
}

export interface PackFaults {
  /** Files requested, in order. */
  requests: string[];
  /** Next request of this file sends half its bytes, then drops the connection. */
  dropOnce: Set<string>;
  /** Every request of these files does (a connection that stays broken through the retries). */
  dropAlways: Set<string>;
  /** Requests of these files get one byte flipped. */
  corrupt: Set<string>;
  /** Every request answers an HTML page. */
  html: boolean;
}

export function newFaults(): PackFaults {
  return { requests: [], dropOnce: new Set(), dropAlways: new Set(), corrupt: new Set(), html: false };
}

/** Serves the pack folder under /pack/, misbehaving as `faults` says. */
export function packHandler(dir: string, faults: PackFaults): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const path = decodeURIComponent(req.url ?? '/');
    const file = path.split('/').pop() ?? '';
    faults.requests.push(file);
    if (!path.startsWith('/pack/')) return void res.writeHead(404).end();
    if (faults.html) return void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><p>Oops</p>');
    let bytes: Buffer;
    try {
      bytes = await readFile(join(dir, file));
    } catch {
      return void res.writeHead(404).end();
    }
    if (faults.corrupt.has(file)) bytes[bytes.length >> 1] ^= 0xff;
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length });
    if (faults.dropOnce.delete(file) || faults.dropAlways.has(file)) {
      res.write(bytes.subarray(0, bytes.length >> 1));
      setTimeout(() => res.destroy(), 10);
      return;
    }
    res.end(bytes);
  };
}

export interface PackServer extends PackFaults {
  url: string;
  close(): void;
}

export async function servePack(dir: string): Promise<PackServer> {
  const faults = newFaults();
  const server: Server = createServer(packHandler(dir, faults));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pack/`;
  return Object.assign(faults, { url, close: () => server.close() });
}
