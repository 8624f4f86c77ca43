// A download's progress as the UI shows it: bytes done of the total, the rate over this run (bytes
// stored before a resume do not count towards it) and the time left at that rate.

export interface InstallProgress {
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number;
  secondsLeft: number;
}

/** Counts bytes as they arrive (negative to take back a failed attempt's) and reports the progress each time. */
export function progressMeter(bytesTotal: number, bytesAlreadyDone: number, onProgress?: (p: InstallProgress) => void): (bytes: number) => void {
  const started = performance.now();
  let bytesDone = bytesAlreadyDone;
  let bytesThisRun = 0;
  return (bytes) => {
    bytesDone += bytes;
    bytesThisRun += bytes;
    const bytesPerSecond = bytesThisRun / Math.max(1e-3, (performance.now() - started) / 1000);
    onProgress?.({ bytesDone, bytesTotal, bytesPerSecond, secondsLeft: Math.max(0, bytesTotal - bytesDone) / Math.max(1, bytesPerSecond) });
  };
}
