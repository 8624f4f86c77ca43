// The CLIs' usage errors: a command line they cannot run (exit 2, with the usage), against any
// other failure (exit 1, one line).

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Runs a check of the command line's values: what it refuses is a usage error. */
export function usage<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Reports an error as a CLI should: the usage after a usage error, one line otherwise. */
export function reportError(error: unknown, usageText: string): void {
  if (error instanceof UsageError) console.error(`${error.message}\n\n${usageText}`);
  else console.error(`error: ${(error as Error).message}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
