// The segment plan: how many decoder layers go in one ORT session, and which segments stay
// resident when the model does not fit the memory budget (the others stream from the store).
import type { DeviceFacts } from './fit';

export interface PlanInput {
  numLayers: number;
  layerBytes: number;
  baseBytes: number;
  /** Most bytes of weights to keep loaded; undefined = no limit. */
  budgetBytes?: number;
  device?: DeviceFacts;
  /** Forces the layers per segment (the CLI's --segment-size). */
  segmentSize?: number;
  /** The layers run on a GPU: a segment is held in JS only while it uploads, so segments are kept small (GPU_SEGMENT_BYTES). */
  onGpu?: boolean;
  /** Bytes one layer takes while its segment is created, when more than layerBytes (read, plus its int8 conversion). */
  loadingLayerBytes?: number;
}

export interface Segment {
  firstLayer: number;
  layerCount: number;
  /** Kept loaded; a segment that is not is loaded for each forward pass and released after. */
  resident: boolean;
}

export interface SegmentPlan {
  segments: Segment[];
  layersPerSegment: number;
  /** Bytes of weights kept loaded: base + resident segments. */
  residentBytes: number;
  streaming: boolean;
  /** Why this plan (the app words it in the UI's language). */
  why: PlanWhy;
}

/** What set the segment size: the 256 MiB default, the 32 MiB GPU default, the device's memory, the GPU's buffer limit, the budget. */
export type SegmentCap = 'default' | 'gpu-default' | 'device-memory' | 'gpu-buffer' | 'budget';

export type PlanWhy =
  | { kind: 'asked'; layersPerSegment: number }
  | { kind: 'capped'; layersPerSegment: number; cap: SegmentCap; capMiB: number }
  | { kind: 'streaming'; modelMiB: number; budgetMiB: number; streamed: number; segments: number }
  /** No segments: GLM Pocket's CPU kernels hold every layer in one wasm memory (cpu/model.ts), on `threads` threads. */
  | { kind: 'cpu-kernels'; threads: number };

const MiB = 1024 * 1024;
const DEFAULT_SEGMENT_BYTES = 256 * MiB;
/**
 * On WebGPU the segment being created is the largest thing the load holds in JS (its weights are
 * read into one buffer, then uploaded, and Chromium stages the uploads besides): one glm-edge-1.5b
 * layer a segment holds its load near +390 MB of renderer memory, two near +450 MB (docs/memory.md).
 * More sessions per token cost a few dispatches each; the KV cache and hidden states stay on the GPU
 * between them.
 */
const GPU_SEGMENT_BYTES = 32 * MiB;

/** Splits the layers into consecutive segments of at most segmentSize layers. */
export function splitLayers(numLayers: number, segmentSize: number): { firstLayer: number; layerCount: number }[] {
  if (!Number.isInteger(segmentSize) || segmentSize < 1) throw new RangeError(`segment size must be a positive integer, got ${segmentSize}`);
  const out = [];
  for (let first = 0; first < numLayers; first += segmentSize) out.push({ firstLayer: first, layerCount: Math.min(segmentSize, numLayers - first) });
  return out;
}

/**
 * A segment holds at most min(256 MiB (64 MiB on a GPU), deviceMemory / 16, maxBufferSize, budget / 4) of weights
 * (at least one layer): loading holds one segment in JS at a time, so this bounds the load peak.
 */
export function planSegments(input: PlanInput): SegmentPlan {
  const { numLayers, layerBytes, baseBytes, budgetBytes, device = {} } = input;
  const caps: [number, SegmentCap][] = [input.onGpu ? [GPU_SEGMENT_BYTES, 'gpu-default'] : [DEFAULT_SEGMENT_BYTES, 'default']];
  if (device.memoryBytes) caps.push([device.memoryBytes / 16, 'device-memory']);
  if (device.maxBufferSize) caps.push([device.maxBufferSize, 'gpu-buffer']);
  if (budgetBytes) caps.push([budgetBytes / 4, 'budget']);
  const [segmentCap, cap] = caps.reduce((a, b) => (b[0] < a[0] ? b : a));
  const layersPerSegment = input.segmentSize ?? Math.max(1, Math.min(numLayers, Math.floor(segmentCap / Math.max(1, input.loadingLayerBytes ?? layerBytes))));
  const ranges = splitLayers(numLayers, layersPerSegment);

  const total = baseBytes + numLayers * layerBytes;
  if (budgetBytes === undefined || total <= budgetBytes) {
    const why: PlanWhy = input.segmentSize ? { kind: 'asked', layersPerSegment } : { kind: 'capped', layersPerSegment, cap, capMiB: Math.round(segmentCap / MiB) };
    return { segments: ranges.map((r) => ({ ...r, resident: true })), layersPerSegment, residentBytes: total, streaming: false, why };
  }
  // Keep segments resident while they fit, leaving room to load one streamed segment at a time.
  let available = budgetBytes - baseBytes - layersPerSegment * layerBytes;
  const segments = ranges.map((r) => {
    const bytes = r.layerCount * layerBytes;
    const resident = bytes <= available;
    if (resident) available -= bytes;
    return { ...r, resident };
  });
  const residentBytes = baseBytes + segments.filter((s) => s.resident).reduce((sum, s) => sum + s.layerCount * layerBytes, 0);
  const streamed = segments.filter((s) => !s.resident).length;
  const why: PlanWhy = { kind: 'streaming', modelMiB: Math.round(total / MiB), budgetMiB: Math.round(budgetBytes / MiB), streamed, segments: segments.length };
  return { segments, layersPerSegment, residentBytes, streaming: true, why };
}
