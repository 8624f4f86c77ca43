// Does a model fit this device, and how should it load: one pure function from the model's sizes
// (from its config), the device's facts and the user's budget to a verdict and a load plan. The
// catalog, the pack check before a download, the loader and the out-of-memory retry all ask it.
// Bytes throughout.
import type { GlmConfig } from '../formats/config';
import { estimateBaseBytes, estimateLayerBytes, largestLayerMatrixBytes, linearBytes } from '../formats/source';
import { isQuantized, type WeightFormat } from '../formats/weights';

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
  /** q4/q8 on the CPU: one layer converted to int8 (formats/int8.ts); 0 for float formats. */
  int8LayerBytes: number;
  /** q4/q8 on the CPU: the stored table (the lookup reads it), the final norm and lm_head as int8; 0 for float formats. */
  int8BaseBytes: number;
  /** GLM Pocket's CPU kernels (cpu/kernels.c) take this format and shape. */
  cpuKernels: boolean;
}

/** Why a model cannot run on GLM Pocket's CPU kernels (cpu/kernels.c: q4/q8, shapes their attention takes), or null when it can. */
export function cpuKernelsProblem(config: GlmConfig, format: WeightFormat): string | null {
  if (!isQuantized(format)) return `the CPU kernels run q4 and q8 weights, not ${format}`;
  if (config.headDim % 4 !== 0) return `the CPU kernels need a head dimension divisible by 4, not ${config.headDim}`;
  if (config.numHeads % config.numKvHeads !== 0) return `${config.numHeads} attention heads do not share ${config.numKvHeads} key/value heads evenly`;
  if (config.rotaryDim % 2 !== 0 || config.rotaryDim > config.headDim) return `rotary width ${config.rotaryDim} does not fit head dimension ${config.headDim}`;
  return null;
}

export function modelSizes(config: GlmConfig, format: WeightFormat): ModelSizes {
  const layerBytes = estimateLayerBytes(config, format);
  const baseBytes = estimateBaseBytes(config, format);
  const lmHeadBytes = (f: WeightFormat | 'int8') => linearBytes(config.vocabSize, config.hiddenSize, f);
  const quantized = format === 'q4' || format === 'q8';
  return {
    format,
    numLayers: config.numLayers,
    layerBytes,
    baseBytes,
    weightBytes: baseBytes + config.numLayers * layerBytes,
    kvBytesPerToken: 2 * config.numLayers * config.numKvHeads * config.headDim * 4,
    largestTensorBytes: quantized ? largestLayerMatrixBytes(config, format) : Math.max(largestLayerMatrixBytes(config, format), lmHeadBytes(format)),
    int8LayerBytes: quantized ? estimateLayerBytes(config, 'int8') : 0,
    int8BaseBytes: quantized ? lmHeadBytes(format) + 4 * config.hiddenSize + lmHeadBytes('int8') : 0,
    cpuKernels: cpuKernelsProblem(config, format) === null,
  };
}

/** Activations and the runtime, on top of the weights and the KV cache. */
const RUNTIME_SHARE = 0.15;
/** int8 weights stay under this, leaving the 4 GiB wasm heap room for the KV cache and activations. */
const MAX_INT8_BYTES = 3 * 1024 ** 3;
/** int8 weights may take at most this share of the device's memory. */
const INT8_MEMORY_SHARE = 1 / 2;
/** The CPU kernels' weights, scratch and KV cache share one wasm32 memory: 4 GiB, less room for scratch. */
const CPU_KERNEL_MEMORY_BYTES = 3.75 * 1024 ** 3;
/** The out-of-memory retry keeps this share of the weights loaded and streams the rest. */
const RETRY_RESIDENT_SHARE = 1 / 4;

export interface FitRequest {
  backend: Backend;
  /** Prompt + reply tokens the KV cache is sized for. */
  contextTokens: number;
  /** The user's memory budget for weights; beyond it, layers stream from storage. */
  budgetBytes?: number;
  /** The model is already in storage (a load, not a download). */
  stored?: boolean;
  /** wasm, q4/q8: false runs onnxruntime's kernels (the int8 plan) even where GLM Pocket's CPU kernels could (for comparisons). */
  cpuKernels?: boolean;
}

export type Unfit = { kind: 'storage' | 'memory' | 'gpu-binding'; needBytes: number; haveBytes: number };

export interface LoadPlan {
  /** Why the device cannot run it, or null. */
  unfit: Unfit | null;
  /** Weights plus the KV cache at the context length, plus a share for activations and the runtime. */
  memoryBytes: number;
  /**
   * wasm, q4/q8: GLM Pocket's CPU kernels run the whole model on its stored bytes (cpu/kernels.c):
   * the plan wherever the weights fit the budget and, with the KV cache, one wasm memory.
   */
  cpuKernels: boolean;
  /** wasm, q4/q8 without the CPU kernels: which weights run on ORT's int8 kernels; the rest run MatMulNBits. */
  int8: Int8Plan;
  /** Bytes of weights the plan keeps loaded (int8 layers counted as int8). */
  residentBytes: number;
  /** Weights to keep loaded (the rest stream); undefined: no limit. */
  budgetBytes?: number;
  /** The next try when loading runs out of memory: the CPU, a quarter of the weights resident. */
  retry: FitRequest;
}

/**
 * On the CPU, q4/q8 linear layers run MatMulNBits (no SIMD kernel on wasm: 0.2-0.5 GB/s) or, converted
 * to int8 at load, ORT's QGEMM (as fast as f32 MatMul at a quarter of its bytes, 1.6x the q4 bytes;
 * it replaced widening q4 to f32, docs/engine.md). lm_head (read every token, the largest matrix)
 * goes int8 first, then the first `layers` decoder layers.
 */
export interface Int8Plan {
  head: boolean;
  layers: number;
}

export const NO_INT8: Int8Plan = { head: false, layers: 0 };

/** As much int8 as fits the budget, the heap and half the device's memory, the other layers staying q4/q8. */
export function planInt8(sizes: ModelSizes, device: DeviceFacts, request: FitRequest): Int8Plan {
  if (request.backend !== 'wasm' || sizes.int8LayerBytes === 0) return NO_INT8;
  const cap = Math.min(request.budgetBytes ?? Infinity, MAX_INT8_BYTES, device.memoryBytes ? device.memoryBytes * INT8_MEMORY_SHARE : Infinity);
  const room = cap - sizes.int8BaseBytes - sizes.numLayers * sizes.layerBytes;
  if (room < 0) return NO_INT8;
  const extraPerLayer = sizes.int8LayerBytes - sizes.layerBytes;
  return { head: true, layers: extraPerLayer <= 0 ? sizes.numLayers : Math.min(sizes.numLayers, Math.floor(room / extraPerLayer)) };
}

/** Weights kept loaded under an int8 plan. */
export function int8ResidentBytes(sizes: ModelSizes, int8: Int8Plan): number {
  if (!int8.head) return sizes.weightBytes;
  return sizes.int8BaseBytes + int8.layers * sizes.int8LayerBytes + (sizes.numLayers - int8.layers) * sizes.layerBytes;
}

/** Whether GLM Pocket's CPU kernels take the whole model within the budget and their memory. */
function cpuKernelsFit(sizes: ModelSizes, request: FitRequest): boolean {
  if (request.backend !== 'wasm' || !sizes.cpuKernels || request.cpuKernels === false) return false;
  if (sizes.weightBytes > (request.budgetBytes ?? Infinity)) return false;
  return sizes.weightBytes + sizes.kvBytesPerToken * request.contextTokens <= CPU_KERNEL_MEMORY_BYTES;
}

export function planLoad(sizes: ModelSizes, device: DeviceFacts, request: FitRequest): LoadPlan {
  const cpuKernels = cpuKernelsFit(sizes, request);
  const int8 = cpuKernels ? NO_INT8 : planInt8(sizes, device, request);
  const residentBytes = cpuKernels ? sizes.weightBytes : Math.min(int8ResidentBytes(sizes, int8), request.budgetBytes ?? Infinity);
  const memoryBytes = Math.round((residentBytes + sizes.kvBytesPerToken * request.contextTokens) * (1 + RUNTIME_SHARE));
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
    cpuKernels,
    int8,
    residentBytes,
    budgetBytes: request.budgetBytes,
    retry: { ...request, backend: 'wasm', budgetBytes: Math.floor(Math.min(sizes.weightBytes, request.budgetBytes ?? Infinity) * RETRY_RESIDENT_SHARE), stored: true },
  };
}
