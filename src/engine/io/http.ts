// HTTP with bounds, for every download (checkpoint imports and pack installs): a time limit on the
// headers and on each silence between body bytes, and retries with backoff for transient failures.
import { concatArrays } from '../../util/bytes';
import { DownloadError } from '../errors';

export interface HttpLimits {
  /** Longest wait for the response headers of one request. */
  headersTimeoutMs: number;
  /** Longest silence between two pieces of a response body. */
  idleTimeoutMs: number;
  /** Attempts after the first for a transient failure (network, timeout, HTTP 408/429/5xx, short body). */
  retries: number;
  /** First wait before a retry; doubled each time (with jitter), at most maxRetryDelayMs. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = { headersTimeoutMs: 30_000, idleTimeoutMs: 30_000, retries: 4, retryDelayMs: 500, maxRetryDelayMs: 30_000 };

export interface HttpOptions {
  limits?: Partial<HttpLimits>;
  /** Stops the download (and any wait for a retry) with a non-transient DownloadError. */
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/** HTTP statuses worth a retry: the server or a proxy is busy or failed for now. */
const TRANSIENT_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 1000 ? 1 : 0)} s`;

function stopped(url: string): DownloadError {
  return new DownloadError(`the download of ${url} was stopped`, false);
}

/** A response whose body is read with the idle limit; `read` aborts the request when the limit passes. */
export interface BoundedResponse {
  response: Response;
  /** The whole body, calling onBytes as pieces arrive; a silence over the idle limit is a DownloadError. */
  read(onBytes?: (n: number) => void): Promise<Uint8Array>;
  /** Ends the request without reading the body. */
  cancel(): void;
}

/** One request: rejects with a DownloadError when no headers come within the limit or the network fails. */
export async function fetchBounded(url: string, init: RequestInit, options: HttpOptions = {}): Promise<BoundedResponse> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  if (options.signal?.aborted) throw stopped(url);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const done = () => options.signal?.removeEventListener('abort', onAbort);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, limits.headersTimeoutMs);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { ...init, signal: controller.signal });
  } catch (error) {
    done();
    if (options.signal?.aborted) throw stopped(url);
    if (timedOut) throw new DownloadError(`${url}: the server sent no answer within ${seconds(limits.headersTimeoutMs)}`);
    throw new DownloadError(`could not fetch ${url} (${(error as Error).message}): check the address and the network`);
  } finally {
    clearTimeout(timer);
  }
  const cancel = () => {
    done();
    controller.abort();
  };
  async function read(onBytes?: (n: number) => void): Promise<Uint8Array> {
    if (!response.body) {
      done();
      return new Uint8Array(await response.arrayBuffer());
    }
    const reader = response.body.getReader();
    const pieces: Uint8Array[] = [];
    let length = 0;
    try {
      for (;;) {
        let idle: ReturnType<typeof setTimeout> | undefined;
        const silence = new Promise<never>((_, reject) => {
          idle = setTimeout(() => reject(new DownloadError(`${url}: the download stalled (no data for ${seconds(limits.idleTimeoutMs)}) after ${length} bytes`)), limits.idleTimeoutMs);
        });
        let piece: ReadableStreamReadResult<Uint8Array>;
        try {
          piece = await Promise.race([reader.read(), silence]);
        } catch (error) {
          if (options.signal?.aborted) throw stopped(url);
          if (error instanceof DownloadError) throw error;
          throw new DownloadError(`${url}: the connection dropped after ${length} bytes (${(error as Error).message})`);
        } finally {
          clearTimeout(idle);
        }
        if (piece.done) break;
        pieces.push(piece.value);
        length += piece.value.length;
        onBytes?.(piece.value.length);
      }
    } finally {
      cancel();
    }
    return concatArrays(pieces, (n) => new Uint8Array(n));
  }
  return { response, read, cancel };
}

/** How long to wait before attempt `attempt` (1 = the first retry): the server's Retry-After when it gives one. */
function retryDelayMs(limits: HttpLimits, attempt: number, retryAfter: string | null): number {
  const asked = retryAfter === null ? NaN : Number(retryAfter) * 1000;
  const backoff = limits.retryDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
  return Math.min(limits.maxRetryDelayMs, Number.isFinite(asked) && asked >= 0 ? asked : backoff);
}

function wait(ms: number, signal: AbortSignal | undefined, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(stopped(url));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(stopped(url));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A transient failure carrying the server's Retry-After, for withRetries. */
export class RetryableStatus extends DownloadError {
  constructor(
    message: string,
    readonly retryAfter: string | null,
  ) {
    super(message);
  }
}

/** The DownloadError for a response that failed with its HTTP status: retried (with the server's Retry-After) when the status is transient. */
export function statusError(response: Response, message: string): DownloadError {
  return TRANSIENT_STATUSES.has(response.status) ? new RetryableStatus(message, response.headers.get('retry-after')) : new DownloadError(message, false);
}

/**
 * Runs `attempt` until it succeeds, fails with a non-transient error, or the retries run out (the
 * last error is thrown). Only a DownloadError marked transient is retried.
 */
export async function withRetries<T>(url: string, options: HttpOptions, attempt: () => Promise<T>): Promise<T> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof DownloadError) || !error.transient) throw error;
      if (tries >= limits.retries) throw tries === 0 ? error : new DownloadError(`${error.message} (${tries + 1} attempts)`);
      const retryAfter = error instanceof RetryableStatus ? error.retryAfter : null;
      await wait(retryDelayMs(limits, tries + 1, retryAfter), options.signal, url);
    }
  }
}
