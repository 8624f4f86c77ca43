// CheckpointFiles over HTTP: `{base}/{file}` with Range requests, so a multi-gigabyte safetensors
// file is read tensor by tensor. Works against any static host that honours Range (and Hugging Face).
// Every request is bounded in time and retried when the failure is transient (src/engine/io/http.ts).
import { CheckpointError, DownloadError } from '../errors';
import { checkRelativeFilePath, type CheckpointFiles } from './files';
import { fetchBounded, statusError, withRetries, type BoundedResponse, type HttpOptions } from './http';

export interface HttpFilesOptions extends HttpOptions {
  /** Sent with every request, e.g. { Authorization: 'Bearer ...' } for a gated repo. */
  headers?: Record<string, string>;
}

function looksLikeHtml(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('text/html');
}

export function httpFiles(baseUrl: string, options: HttpFilesOptions = {}): CheckpointFiles {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const sizes = new Map<string, number | null>();
  const etags = new Map<string, string | null>();

  /** A file's URL: each path segment encoded, so no name can climb out of `base`. */
  function urlOf(name: string): string {
    checkRelativeFilePath(name, base);
    return base + name.split('/').map(encodeURIComponent).join('/');
  }

  /** One Range request; a 404 is returned (absent), any other failure thrown as a typed error. */
  async function request(name: string, start: number, end: number): Promise<BoundedResponse> {
    const url = urlOf(name);
    const answer = await fetchBounded(url, { headers: { ...options.headers, Range: `bytes=${start}-${end - 1}` } }, options);
    const { status } = answer.response;
    if (status === 404 || answer.response.ok) {
      // A 404's body (often an HTML page from a mirror or nginx) says nothing about the file.
      if (status === 404 || !looksLikeHtml(answer.response) || name.endsWith('.html')) return answer;
      answer.cancel();
      throw new CheckpointError(name, `the server answered with an HTML page instead of the file (HTTP ${status}): check the address`);
    }
    answer.cancel();
    if (status === 401 || status === 403) {
      throw new CheckpointError(name, `the server at ${base} refused access (HTTP ${status}): the repository may be gated or need an access token`);
    }
    throw statusError(answer.response, `${url}: the server answered HTTP ${status}`);
  }

  async function size(name: string): Promise<number | null> {
    if (sizes.has(name)) return sizes.get(name)!;
    const size = await withRetries(urlOf(name), options, async () => {
      const { response, cancel } = await request(name, 0, 1);
      cancel();
      if (response.status === 404) return null;
      const reported = response.status === 206 ? (response.headers.get('content-range') ?? '').split('/')[1] : response.headers.get('content-length');
      const size = reported ? Number(reported) : NaN;
      if (!Number.isSafeInteger(size) || size < 0) throw new CheckpointError(name, `the server at ${base} did not report the file's size`);
      etags.set(name, response.headers.get('etag'));
      return size;
    });
    sizes.set(name, size);
    return size;
  }

  return {
    label: base,
    size,
    async version(name) {
      return (await size(name)) === null ? null : (etags.get(name) ?? null);
    },
    async read(name, start, end) {
      return withRetries(urlOf(name), options, async () => {
        const answer = await request(name, start, end);
        if (answer.response.status === 404) {
          answer.cancel();
          throw new CheckpointError(name, `not found at ${base}`);
        }
        // A server that ignores Range sends the whole file with 200.
        let bytes = await answer.read();
        if (answer.response.status === 200 && bytes.length !== end - start) bytes = bytes.slice(start, end);
        if (bytes.length !== end - start) {
          throw new DownloadError(`${urlOf(name)}: wanted bytes ${start}..${end} but the server sent ${bytes.length}: the connection dropped or the file changed`);
        }
        return bytes;
      });
    },
  };
}
