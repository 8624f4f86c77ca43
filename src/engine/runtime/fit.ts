// Does a model fit this device, and how should it load: one pure function from the model's sizes
// (from its config), the device's facts and the user's budget to a verdict and a load plan. The
// catalog, the pack check before a download, the loader and the out-of-memory retry all ask it.
// Bytes throughout.
import type { GlmConfig } from '../formats/config';
import { estimateBaseBytes, estimateLayerBytes, largestLayerMatrixBytes, linearBytes } from '../formats/source';
import type { WeightFormat } from '../formats/weights';

export type Backend = 'wasm' | 'webgpu';

/** What the device offers, gathered once where the engine runs (src/worker/device-facts.ts, the CLI). */
export interface DeviceFacts {
  /** The device's memory (navigator.deviceMemory, which browsers round and cap at 8 GiB; the OS's in Node). */
  memoryBytes?: number;
  /** Storage the browser still allows this origin (StorageManager.estimate). */
  freeStorageBytes?: number;
  /** GPUAdapter limits, on WebGPU. */
  maxBufferSize?: number;
  maxStorageBufferBindingSize?: number;
}

/** A model's sizes in one weight format, from its config alone (before anything is downloaded). */
export interface ModelSizes {
  format: WeightFormat;
  numLayers: number;
  layerBytes: number;
  baseBytes: number;
  /** What a download stores: every layer and the base. */
  weightBytes: number;
  /** Keys and values of one position, all layers, as f32. */
  kvBytesPerToken: number;
  /**
   * The largest buffer one GPU binding must hold: the biggest layer matrix, and for f16/f32 also
   * lm_head (a quantized lm_head is split across bindings, the embedding lookup runs on the CPU).
   */
  largestTensorBytes: number;
  /** Weights once q4/q8 linear layers are widened to f32 for the CPU (the quantized table stays for the lookup). */
  widenedBytes: number;
}

export function modelSizes(config: GlmConfig, format: WeightFormat): ModelSizes {
  const layerBytes = estimateLayerBytes(config, format);
  const baseBytes = estimateBaseBytes(config, format);
  const lmHeadBytes = (f: WeightFormat) => linearBytes(config.vocabSize, config.hiddenSize, f);
  const quantized = format === 'q4' || format === 'q8';
  return {
    format,
    numLayers: config.numLayers,
    layerBytes,
    baseBytes,
    weightBytes: baseBytes + config.numLayers * layerBytes,
    kvBytesPerToken: 2 * config.numLayers * config.numKvHeads * config.headDim * 4,
    largestTensorBytes: quantized ? largestLayerMatrixBytes(config, format) : Math.max(largestLayerMatrixBytes(config, format), lmHeadBytes(format)),
    widenedBytes: quantized ? baseBytes + lmHeadBytes('f32') + config.numLayers * estimateLayerBytes(config, 'f32') : 0,
  };
}

/** Activations and the runtime, on top of the weights and the KV cache. */
const RUNTIME_SHARE = 0.15;
/** wasm's 32-bit heap holds at most 4 GiB; widened weights stay well under it. */
const MAX_WIDENED_BYTES = 2 * 1024 ** 3;
/** Widened weights may take at most this share of the device's memory. */
const WIDENED_MEMORY_SHARE = 1 / 4;
/** The out-of-memory retry keeps this share of the weights loaded and streams the rest. */
const RETRY_RESIDENT_SHARE = 1 / 4;

export interface FitRequest {
  backend: Backend;
  /** Prompt + reply tokens the KV cache is sized for. */
  contextTokens: number;
  /** The user's memory budget for weights; beyond it, layers stream from storage. */
  budgetBytes?: number;
  /** ORT keeps a pre-packed copy of f32 weights on the CPU unless told not to (default true). */
  prepackWeights?: boolean;
  /** The model is already in storage (a load, not a download). */
  stored?: boolean;
}

export type Unfit = { kind: 'storage' | 'memory' | 'gpu-binding'; needBytes: number; haveBytes: number };

export interface LoadPlan {
  /** Why the device cannot run it, or null. */
  unfit: Unfit | null;
  /** Weights plus the KV cache at the context length, plus a share for activations and the runtime. */
  memoryBytes: number;
  /** wasm: widen q4/q8 linear layers to f32 (faster, more memory) where that fits. */
  floatWeightsOnCpu: boolean;
  /** Weights to keep loaded (the rest stream); undefined: no limit. */
  budgetBytes?: number;
  /** The next try when loading runs out of memory: the CPU, a quarter of the weights resident. */
  retry: FitRequest;
}

/** Whether widening q4/q8 weights to f32 fits the heap, the budget and a quarter of the device's memory. */
function widenedFits(sizes: ModelSizes, device: DeviceFacts, request: FitRequest): boolean {
  if (request.backend !== 'wasm' || sizes.widenedBytes === 0) return false;
  const total = sizes.widenedBytes * (request.prepackWeights === false ? 1 : 2);
  const caps = [MAX_WIDENED_BYTES, request.budgetBytes ?? Infinity, device.memoryBytes ? device.memoryBytes * WIDENED_MEMORY_SHARE : Infinity];
  return total <= Math.min(...caps);
}

export function planLoad(sizes: ModelSizes, device: DeviceFacts, request: FitRequest): LoadPlan {
  const memoryBytes = Math.round((Math.min(sizes.weightBytes, request.budgetBytes ?? Infinity) + sizes.kvBytesPerToken * request.contextTokens) * (1 + RUNTIME_SHARE));
  let unfit: Unfit | null = null;
  if (!request.stored && device.freeStorageBytes !== undefined && sizes.weightBytes > device.freeStorageBytes) {
    unfit = { kind: 'storage', needBytes: sizes.weightBytes, haveBytes: device.freeStorageBytes };
  } else if (device.memoryBytes !== undefined && memoryBytes > device.memoryBytes) {
    unfit = { kind: 'memory', needBytes: memoryBytes, haveBytes: device.memoryBytes };
  } else if (request.backend === 'webgpu' && device.maxStorageBufferBindingSize !== undefined && sizes.largestTensorBytes > device.maxStorageBufferBindingSize) {
    unfit = { kind: 'gpu-binding', needBytes: sizes.largestTensorBytes, haveBytes: device.maxStorageBufferBindingSize };
  }
  return {
    unfit,
    memoryBytes,
    floatWeightsOnCpu: widenedFits(sizes, device, request),
    budgetBytes: request.budgetBytes,
    retry: { ...request, backend: 'wasm', budgetBytes: Math.floor(Math.min(sizes.weightBytes, request.budgetBytes ?? Infinity) * RETRY_RESIDENT_SHARE), stored: true },
  };
}
