// The engine worker's messages, both directions, in one place. Adding a kind is a type error
// until both the worker and the client handle it.
import type { GenerateOptions, GenerationStats } from '../engine/generate';
import type { ChatMessage } from '../engine/tokenizer';
import type { AttentionCheck } from '../engine/attention-check';
import type { PlanWhy } from '../engine/plan';
import type { WeightFormat } from '../engine/weights';
import type { InstallProgress } from '../store/packs';

export type Backend = 'wasm' | 'webgpu';

export type ThrottleMode = 'run' | 'slow' | 'pause';

/** What to load: an installed pack, or a Hugging Face checkpoint folder served over HTTP. */
export type ModelLocation = { kind: 'pack'; id: string } | { kind: 'checkpoint'; url: string; format: WeightFormat };

export interface LoadRequest {
  location: ModelLocation;
  backend: Backend;
  segmentSize?: number;
  memoryBudgetBytes?: number;
  threads?: number;
  prepackWeights?: boolean;
  /** Context length in tokens (prompt + reply); the KV cache and rotary tables are sized for it. */
  maxSequenceLength?: number;
  /** Plans for a smaller GPU binding limit than the adapter's, e.g. a phone's 128 MiB on a desktop. */
  bindingLimitBytes?: number;
  /** wasm only: run q4/q8 linear layers as f32 (faster, more memory); by default when it fits. */
  floatWeightsOnCpu?: boolean;
  /** WebGPU only: keep the KV cache in fixed-capacity GPU buffers written in place (default true). */
  kvInPlace?: boolean;
}

export interface ModelInfo {
  backend: Backend;
  format: WeightFormat;
  layers: number;
  segments: number;
  streaming: boolean;
  /** Why the segment plan is what it is, for the models page. */
  plan: PlanWhy;
  attention: 'gqa' | 'plain';
  /** q4/q8 linear layers widened to f32 for the CPU's faster MatMul. */
  floatWeights: boolean;
  /** WebGPU: the KV cache is written in place in fixed-capacity GPU buffers. */
  kvInPlace: boolean;
  /** WebGPU: how this GPU's attention kernel did against the CPU's (see engine/attention-check.ts). */
  attentionCheck: AttentionCheck;
  /** Most new tokens per pass through the layers (Infinity: no limit). */
  passTokens: number;
  vocabSize: number;
  maxSequenceLength: number;
  loadMs: number;
  /** The GPU adapter's description when on WebGPU, e.g. "google swiftshader". */
  adapter?: string;
}

export interface PackSummary {
  id: string;
  name: string;
  quant: WeightFormat;
  status: 'installing' | 'installed';
  totalBytes: number;
  storedBytes: number;
  /** Where it was installed from (a pack folder URL, or the repository it was imported from). */
  sourceUrl: string;
}

export type WorkerRequest =
  | ({ type: 'load'; requestId: number } & LoadRequest)
  /** Logits of every id; `append` continues the cached sequence instead of starting a new one. */
  | { type: 'logits'; requestId: number; ids: number[]; append?: boolean }
  | { type: 'chat'; requestId: number; messages: ChatMessage[]; options: Omit<GenerateOptions, 'signal'> }
  /** Generates from token ids, no template or tokenizer (benchmarks, tools); answers 'generated'. */
  | { type: 'generate'; requestId: number; ids: number[]; options: Omit<GenerateOptions, 'signal' | 'beforeStep'> }
  | { type: 'stop'; requestId: number }
  | { type: 'install'; requestId: number; url: string }
  /** Imports a Hugging Face repository (or a mirror) into the store, converting in the worker. */
  | { type: 'import'; requestId: number; repo: string; revision?: string; endpoint?: string; token?: string; format: WeightFormat; /** A .gguf file of the repository to import instead of its safetensors. */ gguf?: string }
  /** Adds a folder picked on the device: a pack, or a checkpoint to convert (`format`). */
  | { type: 'import-files'; requestId: number; folder: string; files: { name: string; blob: Blob }[]; format: WeightFormat }
  | { type: 'list-packs'; requestId: number }
  /** Generation pace: 'pause' (app in the background, critical pressure), 'slow' (serious pressure). */
  | { type: 'throttle'; requestId: number; mode: ThrottleMode }
  /** Releases the loaded model (another tab took over). */
  | { type: 'unload'; requestId: number }
  /** Fault drill: the next load runs out of memory while reading its first layer. */
  | { type: 'fail-next-load'; requestId: number }
  /** Fault drill: an uncaught error kills the engine, as a crash would; the client starts a new worker. */
  | { type: 'crash'; requestId: number }
  /** Fault drill: destroys the GPU device the engine uses, as a driver reset or a GPU crash would. */
  | { type: 'lose-gpu-device'; requestId: number }
  | { type: 'delete-pack'; requestId: number; id: string };

export type WorkerResponse =
  | { type: 'progress'; requestId: number; done: number; total: number }
  | { type: 'loaded'; requestId: number; info: ModelInfo }
  | { type: 'logits'; requestId: number; logits: Float32Array; vocabSize: number }
  | { type: 'token'; requestId: number; id: number; text: string }
  /** droppedMessages: older messages left out to fit the context. */
  | { type: 'stats'; requestId: number; stats: GenerationStats; droppedMessages: number }
  | { type: 'generated'; requestId: number; ids: number[]; stats: GenerationStats }
  /** Sent unprompted (requestId 0) when the GPU device is lost; the model must be loaded again. */
  | { type: 'device-lost'; requestId: 0; message: string }
  | { type: 'install-progress'; requestId: number; progress: InstallProgress }
  | { type: 'import-progress'; requestId: number; partsDone: number; partsTotal: number }
  | { type: 'packs'; requestId: number; packs: PackSummary[] }
  | { type: 'done'; requestId: number }
  | { type: 'error'; requestId: number; name: string; message: string };
