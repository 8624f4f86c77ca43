// The model pack manifest: what the app stores and loads. Parts (base, then one per layer) hold
// weights in kernel layout and are split into chunks, each with its byte length and SHA-256.
import { PackError } from '../errors';
import type { TensorRecord } from '../parts';
import { WEIGHT_FORMATS, type WeightFormat } from '../weights';

export const PACK_FORMAT = 'glm-pocket-pack';
export const PACK_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

export interface ChunkRef {
  file: string;
  bytes: number;
  sha256: string;
}

export interface PartEntry {
  name: string;
  bytes: number;
  tensors: TensorRecord[];
  chunks: ChunkRef[];
}

export interface PackManifest {
  format: typeof PACK_FORMAT;
  version: typeof PACK_VERSION;
  /** Stable id, used as the store key: e.g. "glm-edge-1.5b-chat-q4". */
  id: string;
  name: string;
  quant: WeightFormat;
  config: Record<string, unknown>;
  generationConfig: Record<string, unknown> | null;
  tokenizer: { json: ChunkRef; config: Record<string, unknown> };
  /** Layers per segment the converter suggests; the loader may re-plan for the device. */
  segmentPlan: { layersPerSegment: number };
  parts: PartEntry[];
  /** Sum of every chunk's bytes (tokenizer included): what an install downloads and stores. */
  totalBytes: number;
}

/** Every file of the pack other than the manifest, in download order. */
export function packChunks(m: PackManifest): ChunkRef[] {
  return [m.tokenizer.json, ...m.parts.flatMap((p) => p.chunks)];
}

function isChunk(c: unknown): c is ChunkRef {
  const r = c as ChunkRef;
  return typeof r === 'object' && r !== null && typeof r.file === 'string' && /^[\w.-]+$/.test(r.file) && Number.isInteger(r.bytes) && r.bytes >= 0 && /^[0-9a-f]{64}$/.test(r.sha256);
}

/** Validates a parsed manifest.json; `where` names it in errors (a URL or a folder). */
export function parseManifest(json: unknown, where: string): PackManifest {
  const m = json as PackManifest;
  const fail = (problem: string): never => {
    throw new PackError(`${where}: ${problem}`);
  };
  if (typeof m !== 'object' || m === null || m.format !== PACK_FORMAT) fail(`not a GLM Pocket pack manifest (no "format": "${PACK_FORMAT}")`);
  if (m.version !== PACK_VERSION) fail(`pack format version ${JSON.stringify(m.version)} is not supported by this version of GLM Pocket (it reads version ${PACK_VERSION}); convert the model again or update the app`);
  if (typeof m.id !== 'string' || !/^[\w.-]+$/.test(m.id)) fail('"id" must be letters, digits, dots, dashes or underscores');
  if (!WEIGHT_FORMATS.includes(m.quant)) fail(`unknown quantization ${JSON.stringify(m.quant)}`);
  if (typeof m.config !== 'object' || m.config === null) fail('"config" is missing');
  if (!isChunk(m.tokenizer?.json)) fail('"tokenizer.json" entry is malformed');
  if (!Array.isArray(m.parts) || m.parts.length === 0) fail('"parts" is missing');
  for (const part of m.parts) {
    if (!Array.isArray(part.chunks) || !part.chunks.every(isChunk)) fail(`part ${part.name}: malformed chunk list`);
    const chunkBytes = part.chunks.reduce((sum, c) => sum + c.bytes, 0);
    if (chunkBytes !== part.bytes) fail(`part ${part.name}: chunks hold ${chunkBytes} bytes, the part ${part.bytes}`);
  }
  const total = packChunks(m).reduce((sum, c) => sum + c.bytes, 0);
  if (total !== m.totalBytes) fail(`"totalBytes" is ${m.totalBytes} but the chunks add up to ${total}`);
  return m;
}
