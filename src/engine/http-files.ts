// CheckpointFiles over HTTP: `{base}/{file}` with Range requests, so a multi-gigabyte safetensors
// file is read tensor by tensor. Works against any static host that honours Range (and Hugging Face).
import { CheckpointError } from './errors';
import type { CheckpointFiles } from './files';

export interface HttpFilesOptions {
  /** Sent with every request, e.g. { Authorization: 'Bearer ...' } for a gated repo. */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

function looksLikeHtml(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('text/html');
}

export function httpFiles(baseUrl: string, options: HttpFilesOptions = {}): CheckpointFiles {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const doFetch = options.fetch ?? fetch;
  const sizes = new Map<string, number | null>();

  async function request(name: string, start: number, end: number): Promise<Response> {
    let response: Response;
    try {
      response = await doFetch(base + name, { headers: { ...options.headers, Range: `bytes=${start}-${end - 1}` } });
    } catch (error) {
      throw new CheckpointError(name, `could not be fetched from ${base} (${(error as Error).message}): check the address and the network`);
    }
    if (response.status === 401 || response.status === 403) {
      throw new CheckpointError(name, `the server at ${base} refused access (HTTP ${response.status}): the repository may be gated or need an access token`);
    }
    if (looksLikeHtml(response) && !name.endsWith('.html')) {
      throw new CheckpointError(name, `the server answered with an HTML page instead of the file (HTTP ${response.status}): check the address`);
    }
    return response;
  }

  return {
    label: base,
    async size(name) {
      if (sizes.has(name)) return sizes.get(name)!;
      const response = await request(name, 0, 1);
      let size: number | null;
      if (response.status === 404) size = null;
      else if (response.status === 206) size = Number((response.headers.get('content-range') ?? '').split('/')[1]);
      else if (response.ok) size = Number(response.headers.get('content-length'));
      else throw new CheckpointError(name, `the server at ${base} answered HTTP ${response.status}`);
      await response.body?.cancel();
      if (size !== null && !Number.isFinite(size)) throw new CheckpointError(name, `the server at ${base} did not report the file's size`);
      sizes.set(name, size);
      return size;
    },
    async read(name, start, end) {
      const response = await request(name, start, end);
      if (response.status === 404) throw new CheckpointError(name, `not found at ${base}`);
      if (!response.ok) throw new CheckpointError(name, `the server at ${base} answered HTTP ${response.status}`);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        throw new CheckpointError(name, `the connection dropped while reading bytes ${start}..${end} from ${base} (${(error as Error).message})`);
      }
      // A server that ignores Range sends the whole file with 200.
      if (response.status === 200 && bytes.length !== end - start) bytes = bytes.slice(start, end);
      if (bytes.length !== end - start) {
        throw new CheckpointError(name, `wanted bytes ${start}..${end} but the server sent ${bytes.length}: the connection dropped or the file changed`);
      }
      return bytes;
    },
  };
}
