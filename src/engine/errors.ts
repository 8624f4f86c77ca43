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

/** Memory ran out while loading or running a model (the JS heap, the wasm heap, or the GPU's). */
export class OutOfMemoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutOfMemoryError';
  }
}

/**
 * An error from below the engine (a JS allocation, ORT's wasm heap, the GPU) as the OutOfMemoryError
 * it is, when it is one; anything else unchanged. This is where out-of-memory is first seen.
 */
export function asOutOfMemory(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof OutOfMemoryError) return error;
  const outOfMemory = /allocation failed|out of memory|memory access out of bounds|could not allocate|bad_alloc/i.test(error.message);
  return outOfMemory ? new OutOfMemoryError(`not enough memory to load the model (${error.message})`) : error;
}

/** A stored chunk of an installed pack is gone (the browser evicted it): download the model again. */
export class ChunkMissingError extends PackError {
  constructor(message: string) {
    super(message);
    this.name = 'ChunkMissingError';
  }
}
