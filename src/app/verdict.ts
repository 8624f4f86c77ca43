// The one place the app decides how well a model suits this device: planLoad's plan (engine
// runtime/fit.ts) turned into "runs well", "may be slow" or "will not fit", each with its reason,
// and which catalog model to recommend. The Models page, the switcher and the welcome ask it.
import { modelSizes, planLoad, type DeviceFacts, type FitRequest, type ModelSizes, type Unfit } from '../engine/runtime/fit';
import type { GlmConfig } from '../engine/formats/config';
import type { WeightFormat } from '../engine/formats/weights';

/** Why a model that fits will still be slow here. */
export type SlowReason =
  /** The weights exceed the user's memory budget: layers are read from storage on every pass. */
  | { kind: 'streaming'; weightBytes: number; budgetBytes: number }
  /** It takes more than half of the device's memory: the browser may reclaim the tab, the system swaps. */
  | { kind: 'memory'; needBytes: number; haveBytes: number }
  /** On the CPU with layers left on ORT's 4-bit kernel (more int8 does not fit): it is compute-bound, 0.3-0.6 tokens/s for 1.5B (docs/benchmarks.md). */
  | { kind: 'cpu'; slowLayers: number; layers: number };

export type Verdict = { kind: 'fits' } | { kind: 'slow'; reason: SlowReason } | { kind: 'unfit'; unfit: Unfit };

/** Above this share of the device's memory a model is marked "may be slow". */
const MEMORY_SHARE = 1 / 2;

/**
 * The weight format a download uses: 4-bit. It is the smallest download and memory need; on WebGPU
 * its kernel matches f32 to 1e-6, and on the CPU 8-bit is no faster per byte read (NOTES.md: 4-bit
 * 0.2-0.5 GB/s, 8-bit 0.6-1.3 GB/s, so twice the bytes at about twice the rate).
 */
export const RECOMMENDED_FORMAT: WeightFormat = 'q4';

/** The verdict for a model of these sizes on this device, for a load (stored) or a download. */
export function verdictFor(sizes: ModelSizes, device: DeviceFacts, request: FitRequest): Verdict {
  const plan = planLoad(sizes, device, request);
  if (plan.unfit) return { kind: 'unfit', unfit: plan.unfit };
  if (request.budgetBytes !== undefined && sizes.weightBytes > request.budgetBytes) {
    return { kind: 'slow', reason: { kind: 'streaming', weightBytes: sizes.weightBytes, budgetBytes: request.budgetBytes } };
  }
  if (device.memoryBytes !== undefined && plan.memoryBytes > device.memoryBytes * MEMORY_SHARE) {
    return { kind: 'slow', reason: { kind: 'memory', needBytes: plan.memoryBytes, haveBytes: device.memoryBytes } };
  }
  const quantized = sizes.format === 'q4' || sizes.format === 'q8';
  if (request.backend === 'wasm' && quantized && !plan.cpuKernels && plan.int8.layers < sizes.numLayers) {
    return { kind: 'slow', reason: { kind: 'cpu', slowLayers: sizes.numLayers - plan.int8.layers, layers: sizes.numLayers } };
  }
  return { kind: 'fits' };
}

/** The verdict for downloading a catalog model in the recommended format. */
export function downloadVerdict(config: GlmConfig, device: DeviceFacts, request: Omit<FitRequest, 'stored'>): Verdict {
  return verdictFor(modelSizes(config, RECOMMENDED_FORMAT), device, { ...request, stored: false });
}

/**
 * Which of the candidates to recommend: the smallest that runs well here, else the smallest that at
 * least fits; -1 when none fits. Smallest, because a first download should be short and "runs well"
 * knows nothing of the GPU's own memory, which browsers do not report.
 */
export function recommendedIndex(candidates: { weightBytes: number; verdict: Verdict }[]): number {
  const smallest = (kind: Verdict['kind']) =>
    candidates.reduce((best, c, i) => (c.verdict.kind === kind && (best < 0 || c.weightBytes < candidates[best].weightBytes) ? i : best), -1);
  const fits = smallest('fits');
  return fits >= 0 ? fits : smallest('slow');
}
