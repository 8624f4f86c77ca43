// Errors of the pack store, each with a message the UI can show as is (a download's own error,
// DownloadError, is raised by the HTTP reader in src/engine/errors.ts).

/** Not enough storage for the pack: raised before downloading, or when the browser refuses a write. */
export class QuotaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuotaError';
  }
}

/** Reading a stored chunk did not finish within its bound (the browser's storage stopped answering). */
export class StorageReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageReadError';
  }
}
