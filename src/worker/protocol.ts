// The engine worker's messages, both directions, in one place. Adding a kind is a type error
// until both the worker and the client handle it.
import type { GenerateOptions, GenerationStats } from '../engine/generate';
import type { ChatMessage } from '../engine/tokenizer';
import type { WeightFormat } from '../engine/weights';

export type Backend = 'wasm' | 'webgpu';

export interface ModelInfo {
  backend: Backend;
  format: WeightFormat;
  layers: number;
  segments: number;
  attention: 'gqa' | 'plain';
  vocabSize: number;
  loadMs: number;
}

export type WorkerRequest =
  /** Loads a Hugging Face checkpoint folder served over HTTP. */
  | { type: 'load'; requestId: number; url: string; format: WeightFormat; backend: Backend; segmentSize?: number; threads?: number }
  | { type: 'logits'; requestId: number; ids: number[] }
  | { type: 'chat'; requestId: number; messages: ChatMessage[]; options: Omit<GenerateOptions, 'signal'> }
  | { type: 'stop'; requestId: number };

export type WorkerResponse =
  | { type: 'progress'; requestId: number; done: number; total: number }
  | { type: 'loaded'; requestId: number; info: ModelInfo }
  | { type: 'logits'; requestId: number; logits: Float32Array; vocabSize: number }
  | { type: 'token'; requestId: number; id: number; text: string }
  | { type: 'stats'; requestId: number; stats: GenerationStats }
  | { type: 'error'; requestId: number; name: string; message: string };
