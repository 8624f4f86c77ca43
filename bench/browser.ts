// Shared by the browser benchmarks and some browser tests: Debian's Chromium through Playwright, and the resident
// memory high-water marks (VmHWM) of the browser's processes, found as descendants of this process.
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { withLimit as limit } from '../src/util/limit';

/**
 * Flags for headless Chromium, plus any in CHROMIUM_EXTRA_ARGS (space-separated): headless Chromium
 * on Linux runs WebGPU on SwiftShader unless told to use the machine's GPU (Vulkan flags); the
 * benchmark reports which adapter it got.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
  ...(process.env.CHROMIUM_EXTRA_ARGS ?? '').split(' ').filter(Boolean),
];

export function launchProfile(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** `work`, or an error saying `message` once `ms` have passed without an answer. */
export function withLimit<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  return limit(work, ms, () => new Error(message));
}

/**
 * `work` in `page`, bounded: an error naming `step` when it takes over `ms`, or at once when the page's
 * renderer crashes (out of memory, for one), whose pending evaluate would otherwise never settle.
 */
export async function inPage<T>(page: Page, step: string, ms: number, work: () => Promise<T>): Promise<T> {
  let onCrash: (() => void) | undefined;
  const crashed = new Promise<never>((_, reject) => page.once('crash', (onCrash = () => reject(new Error(`${step}: the page crashed`)))));
  try {
    return await withLimit(Promise.race([work(), crashed]), ms, `${step}: no answer after ${(ms / 60_000).toFixed(0)} minutes`);
  } finally {
    if (onCrash) page.off('crash', onCrash);
  }
}

interface ProcessInfo {
  pid: number;
  ppid: number;
  type: string;
  hwmBytes: number;
  rssBytes: number;
}

async function readProcess(pid: number): Promise<ProcessInfo | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    // Chromium rewrites its argv, sometimes into one space-separated string: match on the whole line.
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
    const type = /--type=([\w-]+)/.exec(cmdline)?.[1] ?? (/chrom/.test(cmdline.split(' ')[0]) ? 'browser' : 'other');
    return { pid, ppid, type, hwmBytes: kb('VmHWM'), rssBytes: kb('VmRSS') };
  } catch {
    return null;
  }
}

/** The Chromium processes started from this Node process, with their peak resident memory. */
export async function chromiumProcesses(): Promise<ProcessInfo[]> {
  const all = (await Promise.all((await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map((d) => readProcess(Number(d))))).filter((p): p is ProcessInfo => p !== null);
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const descends = (p: ProcessInfo): boolean => {
    for (let q: ProcessInfo | undefined = p; q; q = byPid.get(q.ppid)) if (q.ppid === process.pid) return true;
    return false;
  };
  return all.filter((p) => p.pid !== process.pid && descends(p) && p.type !== 'other');
}

export interface MemoryPeaks {
  rendererBytes: number;
  gpuBytes: number;
  browserBytes: number;
}

/** Peak RSS per process kind: the largest renderer (the page and its workers), the GPU process, the browser. */
export async function memoryPeaks(): Promise<MemoryPeaks> {
  const processes = await chromiumProcesses();
  const max = (type: string) => Math.max(0, ...processes.filter((p) => p.type === type).map((p) => p.hwmBytes));
  return { rendererBytes: max('renderer'), gpuBytes: max('gpu-process'), browserBytes: max('browser') };
}

/** The largest renderer's resident memory now (not its peak). */
export async function rendererResidentBytes(): Promise<number> {
  return Math.max(0, ...(await chromiumProcesses()).filter((p) => p.type === 'renderer').map((p) => p.rssBytes));
}

/** Starts a new high-water mark for every Chromium process (Linux: "5" to /proc/PID/clear_refs). */
export async function resetPeaks(): Promise<void> {
  await Promise.all((await chromiumProcesses()).map((p) => writeFile(`/proc/${p.pid}/clear_refs`, '5').catch(() => undefined)));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
