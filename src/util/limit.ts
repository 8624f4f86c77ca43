// A wait with a bound: the work's result, or the error `late` makes once `ms` have passed (the timer
// is cleared either way, so a finished wait leaves nothing pending).

export async function withLimit<T>(work: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(late()), ms)));
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}
