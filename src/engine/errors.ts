// Typed errors the engine raises where bad input is first seen; messages say what to fix.

/** A checkpoint file is missing, malformed, or disagrees with config.json. */
export class CheckpointError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'CheckpointError';
  }
}

/** The checkpoint is valid but not a model this engine runs. */
export class UnsupportedModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedModelError';
  }
}

/** A model pack (manifest or chunk) is malformed, corrupted, or of an unknown format version. */
export class PackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackError';
  }
}

/**
 * A download failed or stopped: the network, a timeout, a server error, or the user's stop. What was
 * already stored is kept, so the same download resumes; `transient` says whether retrying may help.
 */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly transient = true,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}
