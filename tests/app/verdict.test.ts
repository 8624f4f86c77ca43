// The fit verdict (src/app/verdict.ts) for the catalog's real GLM configs on device facts as browsers
// reported them: this VM's headless Chromium 156 and phones as NOTES.md records them.
import { describe, expect, test } from 'vitest';
import { modelSizes, type DeviceFacts } from '../../src/engine/runtime/fit';
import { CATALOG } from '../../src/app/catalog';
import { downloadVerdict, recommendedIndex, RECOMMENDED_FORMAT, verdictFor } from '../../src/app/verdict';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
/** Chromium 156 headless on this 2-core VM: navigator.deviceMemory 16, incognito quota 10 GiB, SwiftShader limits 1 GiB. */
const VM: DeviceFacts = { memoryBytes: 16 * GiB, freeStorageBytes: 10 * GiB, maxBufferSize: GiB, maxStorageBufferBindingSize: GiB };
/** Chrome on Android: deviceMemory capped at 8, and the 128 MiB storage binding many phone GPUs report. */
const PHONE: DeviceFacts = { memoryBytes: 8 * GiB, freeStorageBytes: 20 * GiB, maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: 128 * MiB };
const SMALL_PHONE: DeviceFacts = { ...PHONE, memoryBytes: 4 * GiB };

const [edge, glm9b] = CATALOG;
const context = { contextTokens: 2048 };

describe('fit verdict', () => {
  test('on a phone with WebGPU the 1.5B model runs well and the 9B one may be slow (more than half the memory)', () => {
    expect(downloadVerdict(edge.config, PHONE, { backend: 'webgpu', ...context })).toEqual({ kind: 'fits' });
    const nine = downloadVerdict(glm9b.config, PHONE, { backend: 'webgpu', ...context });
    expect(nine).toMatchObject({ kind: 'slow', reason: { kind: 'memory', haveBytes: 8 * GiB } });
    if (nine.kind === 'slow' && nine.reason.kind === 'memory') expect(nine.reason.needBytes).toBeGreaterThan(4 * GiB);
  });

  test('on a 4 GiB phone the 9B model will not fit, for lack of memory', () => {
    expect(downloadVerdict(glm9b.config, SMALL_PHONE, { backend: 'webgpu', ...context })).toMatchObject({ kind: 'unfit', unfit: { kind: 'memory', haveBytes: 4 * GiB } });
    expect(downloadVerdict(edge.config, SMALL_PHONE, { backend: 'webgpu', ...context })).toEqual({ kind: 'fits' });
  });

  test("on the CPU a model runs well on GLM Pocket's kernels, and may be slow on onnxruntime's when a memory budget leaves layers on its 4-bit kernel", () => {
    expect(downloadVerdict(edge.config, VM, { backend: 'wasm', ...context })).toEqual({ kind: 'fits' });
    expect(downloadVerdict(edge.config, VM, { backend: 'wasm', ...context, budgetBytes: 1200 * MiB })).toEqual({ kind: 'fits' });
    expect(downloadVerdict(edge.config, VM, { backend: 'wasm', ...context, cpuKernels: false })).toEqual({ kind: 'fits' });
    const budgeted = downloadVerdict(edge.config, VM, { backend: 'wasm', ...context, budgetBytes: 1200 * MiB, cpuKernels: false });
    expect(budgeted).toMatchObject({ kind: 'slow', reason: { kind: 'cpu', layers: 28 } });
    if (budgeted.kind === 'slow' && budgeted.reason.kind === 'cpu') expect(budgeted.reason.slowLayers).toBeGreaterThan(0);
    // The same model on the VM's (software) GPU has no such limit.
    expect(downloadVerdict(edge.config, VM, { backend: 'webgpu', ...context, budgetBytes: 1200 * MiB })).toEqual({ kind: 'fits' });
  });

  test('a download larger than the free storage will not fit; once stored, storage is not asked again', () => {
    const full = { ...PHONE, freeStorageBytes: 500 * MiB };
    const sizes = modelSizes(edge.config, RECOMMENDED_FORMAT);
    expect(verdictFor(sizes, full, { backend: 'webgpu', ...context })).toEqual({ kind: 'unfit', unfit: { kind: 'storage', needBytes: sizes.weightBytes, haveBytes: 500 * MiB } });
    expect(verdictFor(sizes, full, { backend: 'webgpu', ...context, stored: true })).toEqual({ kind: 'fits' });
  });

  test('a GPU whose buffers are too small for a layer matrix will not fit on WebGPU', () => {
    const tiny = { ...PHONE, maxStorageBufferBindingSize: 8 * MiB };
    expect(downloadVerdict(edge.config, tiny, { backend: 'webgpu', ...context })).toMatchObject({ kind: 'unfit', unfit: { kind: 'gpu-binding', haveBytes: 8 * MiB } });
  });

  test('weights over the memory budget stream from storage: may be slow', () => {
    const sizes = modelSizes(edge.config, RECOMMENDED_FORMAT);
    expect(verdictFor(sizes, PHONE, { backend: 'webgpu', ...context, budgetBytes: 256 * MiB })).toEqual({ kind: 'slow', reason: { kind: 'streaming', weightBytes: sizes.weightBytes, budgetBytes: 256 * MiB } });
  });
});

describe('recommended model', () => {
  const verdicts = (device: DeviceFacts, backend: 'wasm' | 'webgpu') =>
    CATALOG.map((entry) => ({ weightBytes: modelSizes(entry.config, RECOMMENDED_FORMAT).weightBytes, verdict: downloadVerdict(entry.config, device, { backend, ...context }) }));

  test('the smallest model that runs well, else the smallest that fits, else none', () => {
    expect(recommendedIndex(verdicts(PHONE, 'webgpu'))).toBe(CATALOG.indexOf(edge));
    expect(recommendedIndex(verdicts(VM, 'wasm')), 'both slow on the CPU: the smaller').toBe(CATALOG.indexOf(edge));
    expect(recommendedIndex(verdicts({ ...PHONE, freeStorageBytes: 100 * MiB }, 'webgpu'))).toBe(-1);
    expect(recommendedIndex([{ weightBytes: 2, verdict: { kind: 'slow', reason: { kind: 'cpu', slowLayers: 20, layers: 28 } } }, { weightBytes: 3, verdict: { kind: 'fits' } }])).toBe(1);
  });
});
