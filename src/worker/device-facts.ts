// The device's facts as a browser reports them (the page and the worker alike), gathered once:
// memory, storage left to this origin, and on WebGPU the adapter's limits.
import type { Backend, DeviceFacts } from '../engine/runtime/fit';

/** WebGPU was asked for but the browser has no adapter. */
export class NoGpuError extends Error {
  constructor() {
    super('WebGPU is not available on this device: choose the CPU (wasm) backend');
    this.name = 'NoGpuError';
  }
}

export interface BrowserDevice {
  facts: DeviceFacts;
  /** The GPU adapter's description, e.g. "google swiftshader"; absent without WebGPU. */
  adapter?: string;
}

let gathered: Promise<BrowserDevice> | null = null;

async function gather(): Promise<BrowserDevice> {
  const memoryGiB = (navigator as { deviceMemory?: number }).deviceMemory;
  const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
  const facts: DeviceFacts = {
    memoryBytes: memoryGiB ? memoryGiB * 2 ** 30 : undefined,
    freeStorageBytes: estimate?.quota ? estimate.quota - (estimate.usage ?? 0) : undefined,
  };
  const adapter = await navigator.gpu?.requestAdapter().catch(() => null);
  if (!adapter) return { facts };
  return {
    facts: { ...facts, maxBufferSize: adapter.limits.maxBufferSize, maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize },
    adapter: [adapter.info.vendor, adapter.info.architecture].filter(Boolean).join(' ') || 'unknown GPU',
  };
}

/** This device's facts; `fresh` reads the storage estimate again (after a download or a delete). */
export function browserDevice(fresh = false): Promise<BrowserDevice> {
  if (fresh || !gathered) gathered = gather();
  return gathered;
}

/** The facts that matter for a backend: the GPU's limits only on WebGPU, where an adapter is required. */
export async function deviceFactsFor(backend: Backend): Promise<BrowserDevice> {
  const device = await browserDevice();
  if (backend !== 'webgpu') return { facts: { memoryBytes: device.facts.memoryBytes, freeStorageBytes: device.facts.freeStorageBytes } };
  if (!device.adapter) throw new NoGpuError();
  return device;
}
