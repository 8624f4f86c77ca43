// The engine worker's messages, both directions, in one place. Adding a kind is a type error
// until both the worker and the client handle it.
import type { LoadRequest as EngineLoadRequest, ModelInfo, ReplyOptions } from '../engine/engine';
import type { GenerationStats } from '../engine/generation/generate';
import type { ChatMessage } from '../engine/generation/tokenizer';
import type { WeightFormat } from '../engine/formats/weights';
import type { HubImportRequest } from '../store/import';
import type { InstallProgress } from '../store/progress';

export type { Backend, ModelInfo } from '../engine/engine';

export type ThrottleMode = 'run' | 'slow' | 'pause';

/** What to load: an installed pack, or a Hugging Face checkpoint folder served over HTTP. */
export type ModelLocation = { kind: 'pack'; id: string } | { kind: 'checkpoint'; url: string; format: WeightFormat };

export type LoadRequest = EngineLoadRequest<ModelLocation>;

/** The worker's name when the page starts it with fault drills on (browser tests: `?fault-drills`). */
export const DRILLS_WORKER_NAME = 'glm-pocket-engine+fault-drills';

export interface PackSummary {
  id: string;
  name: string;
  format: WeightFormat;
  status: 'installing' | 'installed';
  totalBytes: number;
  storedBytes: number;
  /** Where it was installed from (a pack folder URL, or the repository it was imported from). */
  sourceUrl: string;
  /** The model's config.json, as the manifest carries it (for the load plan). */
  config: Record<string, unknown>;
  /** An unfinished pack (stopped, failed, or the page closed): how to continue it; null when it cannot (a folder picked on the device). */
  resume?: { kind: 'install'; url: string } | { kind: 'import'; request: HubImportRequest } | null;
}

export type ChatRequest = { type: 'chat'; requestId: number; messages: ChatMessage[]; options: ReplyOptions };

export type WorkerRequest =
  | ({ type: 'load'; requestId: number } & LoadRequest)
  /** Logits of every id; `append` continues the cached sequence instead of starting a new one. */
  | { type: 'logits'; requestId: number; ids: number[]; append?: boolean }
  | ChatRequest
  /** Generates from token ids, no template or tokenizer (benchmarks, tools); answers 'generated'. */
  | { type: 'generate'; requestId: number; ids: number[]; options: ReplyOptions }
  /** Stops the request with this id: a reply, an install or an import (what they stored stays, to resume). */
  | { type: 'stop'; requestId: number }
  | { type: 'install'; requestId: number; url: string }
  /** Imports a Hugging Face repository (or a mirror) into the store, converting in the worker. */
  | ({ type: 'import'; requestId: number; token?: string } & HubImportRequest)
  /** Adds a folder picked on the device: a pack, or a checkpoint to convert (`format`). */
  | { type: 'import-files'; requestId: number; folder: string; files: { name: string; blob: Blob }[]; format: WeightFormat }
  | { type: 'list-packs'; requestId: number }
  /** Generation pace: 'pause' (app in the background, critical pressure), 'slow' (serious pressure). */
  | { type: 'throttle'; requestId: number; mode: ThrottleMode }
  /** Releases the loaded model (another tab took over). */
  | { type: 'unload'; requestId: number }
  /** Fault drills (only in a worker named DRILLS_WORKER_NAME): the next load runs out of memory while reading its first layer. */
  | { type: 'fail-next-load'; requestId: number }
  /** Fault drill: an uncaught error kills the engine, as a crash would; the client starts a new worker. */
  | { type: 'crash'; requestId: number }
  /** Fault drill: destroys the GPU device the engine uses, as a driver reset or a GPU crash would. */
  | { type: 'lose-gpu-device'; requestId: number }
  /** Removes a pack, installed or not, with its chunks and the record of its import. */
  | { type: 'delete-pack'; requestId: number; id: string };

export type WorkerResponse =
  | { type: 'progress'; requestId: number; done: number; total: number }
  | { type: 'loaded'; requestId: number; info: ModelInfo }
  | { type: 'logits'; requestId: number; logits: Float32Array; vocabSize: number }
  | { type: 'token'; requestId: number; text: string }
  /** The reply is done (see ChatResult in engine.ts). */
  | { type: 'stats'; requestId: number; stats: GenerationStats; droppedMessages: number; promptIds: number[]; ids: number[] }
  | { type: 'generated'; requestId: number; ids: number[]; stats: GenerationStats }
  /** Sent unprompted (requestId 0) when the GPU device is lost; the model must be loaded again. */
  | { type: 'device-lost'; requestId: 0; message: string }
  /** Bytes stored so far by an install or an import. */
  | { type: 'install-progress'; requestId: number; progress: InstallProgress }
  | { type: 'packs'; requestId: number; packs: PackSummary[] }
  | { type: 'done'; requestId: number }
  | { type: 'error'; requestId: number; name: string; message: string };
