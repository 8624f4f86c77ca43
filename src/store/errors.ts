// Errors of the pack store, each with a message the UI can show as is.

/** Not enough storage for the pack: raised before downloading, or when the browser refuses a write. */
export class QuotaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuotaError';
  }
}

/** The download stopped (network error, server error, abort); what was stored is kept for a resume. */
export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}
