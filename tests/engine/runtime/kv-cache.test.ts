// The in-place GPU KV cache's bookkeeping, in Node, on a recording stand-in for a GPU device: the
// copy that keeps each head's positions when the capacity doubles, and a failed allocation, which
// WebGPU reports only through error scopes. (Its numerics on a real WebGPU device are checked in
// the browser, e2e/engine-worker.spec.ts.)
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { GlmConfig } from '../../../src/engine/formats/config';
import { GpuKvCache } from '../../../src/engine/runtime/kv-cache';
import { ort } from '../../helpers';

const config = { numLayers: 2, numKvHeads: 2, headDim: 4 } as GlmConfig;
const headBytes = (positions: number) => positions * config.headDim * 4;

interface FakeBuffer {
  size: number;
  destroyed: boolean;
}

/** A GPU device that records buffers and copies, and fails allocations while `failWith` is set. */
function recordingDevice() {
  const buffers: FakeBuffer[] = [];
  const copies: { from: FakeBuffer; fromOffset: number; to: FakeBuffer; toOffset: number; size: number }[] = [];
  const scopes: (GPUError | null)[] = [];
  const device = {
    failWith: null as string | null,
    buffers,
    copies,
    createBuffer: ({ size }: { size: number }) => {
      const buffer = { size, destroyed: false, destroy: () => (buffer.destroyed = true), mapState: 'unmapped' };
      buffers.push(buffer);
      if (device.failWith && scopes.length > 0) scopes[0] = { message: device.failWith } as GPUError;
      return buffer;
    },
    createCommandEncoder: () => ({
      copyBufferToBuffer: (from: FakeBuffer, fromOffset: number, to: FakeBuffer, toOffset: number, size: number) => copies.push({ from, fromOffset, to, toOffset, size }),
      finish: () => ({}),
    }),
    queue: { submit: () => undefined },
    pushErrorScope: () => scopes.push(null),
    popErrorScope: async () => scopes.pop() ?? null,
  };
  return device;
}

beforeAll(() => {
  (globalThis as { GPUBufferUsage?: object }).GPUBufferUsage ??= { STORAGE: 128, COPY_SRC: 4, COPY_DST: 8 };
});
afterAll(() => {
  delete (globalThis as { GPUBufferUsage?: object }).GPUBufferUsage;
});

test('growing past the first 256 positions copies each head\'s kept positions to its new place, and frees the old buffers', async () => {
  const device = recordingDevice();
  const cache = new GpuKvCache(ort, device as unknown as GPUDevice, config, 1024);
  await cache.reserve(100, 0);
  expect(device.buffers.map((b) => b.size)).toEqual(Array(4).fill(config.numKvHeads * headBytes(256)));
  expect(cache.key(1).dims).toEqual([1, 2, 256, 4]);
  const first = [...device.buffers];

  await cache.reserve(300, 290);
  expect(cache.key(0).dims).toEqual([1, 2, 512, 4]);
  expect(first.every((b) => b.destroyed)).toBe(true);
  const grown = device.buffers.slice(4);
  expect(grown.every((b) => !b.destroyed && b.size === config.numKvHeads * headBytes(512))).toBe(true);
  // One copy per layer's key/value per head: from stride 256 to stride 512, 290 positions each.
  expect(device.copies).toEqual(
    first.flatMap((from, i) => [0, 1].map((h) => ({ from, fromOffset: h * headBytes(256), to: grown[i], toOffset: h * headBytes(512), size: headBytes(290) }))),
  );
  // Capacity never goes past the longest sequence the model was loaded for.
  await cache.reserve(900, 300);
  expect(cache.value(1).dims).toEqual([1, 2, 1024, 4]);
  await expect(cache.reserve(1025, 900)).rejects.toThrow('the KV cache holds at most 1024 positions, 1025 asked');
});

test('a GPU that cannot allocate the larger cache fails the reserve with what it asked for, and keeps the cache it had', async () => {
  const device = recordingDevice();
  const cache = new GpuKvCache(ort, device as unknown as GPUDevice, config, 4096);
  await cache.reserve(256, 0);
  const kept = cache.key(0);
  device.failWith = 'Not enough memory left.';
  await expect(cache.reserve(257, 256)).rejects.toThrow('the GPU could not allocate the KV cache for 512 positions (65.5 kB): Not enough memory left.');
  expect(device.buffers.slice(4).every((b) => b.destroyed)).toBe(true);
  expect(device.buffers.slice(0, 4).some((b) => b.destroyed)).toBe(false);
  expect(cache.key(0)).toBe(kept);
  expect(device.copies).toEqual([]);
});

test('a released cache refuses to grow again', async () => {
  const device = recordingDevice();
  const cache = new GpuKvCache(ort, device as unknown as GPUDevice, config, 4096);
  await cache.reserve(10, 0);
  cache.release();
  expect(device.buffers.every((b) => b.destroyed)).toBe(true);
  await expect(cache.reserve(10, 0)).rejects.toThrow('the model was released');
  expect(device.buffers).toHaveLength(4);
});
