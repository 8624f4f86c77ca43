// Byte counts for people: "950 kB", "4.5 MB", "3.19 GB" (decimal units, as storage is sold), and
// joining typed arrays.

export function formatBytes(bytes: number): string {
  const units: [number, string][] = [
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${unit}`;
    }
  }
  return `${bytes} B`;
}

/** The arrays one after another in one new array. */
export function concatArrays<T extends Uint8Array | Float32Array>(parts: readonly T[], make: (length: number) => T): T {
  const out = make(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p as never, at);
    at += p.length;
  }
  return out;
}
