// The model pack manifest: what the app stores and loads. Parts (base, then one per layer) hold
// weights in kernel layout and are split into chunks, each with its byte length and SHA-256.
import { PackError } from '../../errors';
import { isPlainFileName } from '../../io/files';
import type { PartDtype, TensorRecord } from '../parts';
import { WEIGHT_FORMATS, type WeightFormat } from '../weights';

/** What a manifest says it is (version 1 called this field "format"). */
export const PACK_KIND = 'glm-pocket-pack';
/** Version 2 names the weight format "format", like the rest of the engine (version 1: "quant"). */
export const PACK_VERSION = 2;
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
  kind: typeof PACK_KIND;
  version: typeof PACK_VERSION;
  /** Stable id, used as the store key: e.g. "glm-edge-1.5b-chat-q4". */
  id: string;
  name: string;
  format: WeightFormat;
  config: Record<string, unknown>;
  generationConfig: Record<string, unknown> | null;
  tokenizer: { json: ChunkRef; config: Record<string, unknown> };
  /** Written by earlier versions (a suggested segment plan); the loader plans for the device itself. */
  segmentPlan?: { layersPerSegment: number };
  parts: PartEntry[];
  /** Sum of every chunk's bytes (tokenizer included): what an install downloads and stores. */
  totalBytes: number;
}

/** Every file of the pack other than the manifest, in download order. */
export function packChunks(m: PackManifest): ChunkRef[] {
  return [m.tokenizer.json, ...m.parts.flatMap((p) => p.chunks)];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isSize = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

const ELEMENT_BYTES: Record<PartDtype, number> = { float32: 4, uint16: 2, uint8: 1 };
/** Tensors start at multiples of 16 within a part (parts.ts lays them out so; typed views need it). */
const TENSOR_ALIGN = 16;

/** What is wrong with a chunk reference, or null: a plain file name (the writer's letters, digits, dots, dashes), a size, a SHA-256. */
function chunkProblem(c: unknown): string | null {
  if (!isObject(c)) return 'must be an object with "file", "bytes" and "sha256"';
  if (!isPlainFileName(c.file) || !/^[\w.-]+$/.test(c.file)) return `"file" ${JSON.stringify(c.file)} must be a plain file name (letters, digits, dots, dashes; not "." or "..")`;
  if (!isSize(c.bytes)) return `"bytes" ${JSON.stringify(c.bytes)} must be a whole number >= 0`;
  if (typeof c.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(c.sha256)) return '"sha256" must be 64 lowercase hex digits';
  return null;
}

/** What is wrong with a part's tensor table, or null: records of known dtypes, aligned, inside the part, not overlapping. */
function tensorsProblem(tensors: unknown, partBytes: number): string | null {
  if (!Array.isArray(tensors)) return '"tensors" must be a list of tensor records';
  for (const t of tensors as unknown[]) {
    if (!isObject(t) || typeof t.name !== 'string') return '"tensors" must be a list of tensor records with a "name"';
    const name = `tensor ${t.name}`;
    if (typeof t.dtype !== 'string' || !(t.dtype in ELEMENT_BYTES)) return `${name}: "dtype" ${JSON.stringify(t.dtype)} must be float32, uint16 or uint8`;
    if (!isSize(t.offset) || t.offset % TENSOR_ALIGN !== 0) return `${name}: "offset" ${JSON.stringify(t.offset)} must be a whole number >= 0 and a multiple of ${TENSOR_ALIGN}`;
    if (!isSize(t.length) || t.length % ELEMENT_BYTES[t.dtype as PartDtype] !== 0) return `${name}: "length" ${JSON.stringify(t.length)} must be a whole number >= 0 of ${t.dtype} elements`;
    if (t.offset + t.length > partBytes) return `${name} ends at byte ${t.offset + t.length}, past the part's ${partBytes} bytes`;
  }
  const ranges = (tensors as TensorRecord[]).filter((t) => t.length > 0).sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i].offset < ranges[i - 1].offset + ranges[i - 1].length) return `tensor ${ranges[i].name} overlaps tensor ${ranges[i - 1].name}`;
  }
  return null;
}

/** What is wrong with a part entry, or null: a unique name, a size, its tensor table and its chunks, which add up to the size. */
function partProblem(part: unknown, index: number, seen: Set<string>): string | null {
  if (!isObject(part) || typeof part.name !== 'string' || part.name === '') return `part ${index} must be an object with a "name"`;
  const name = `part ${part.name}`;
  if (seen.has(part.name)) return `${name} is listed twice`;
  seen.add(part.name);
  if (!isSize(part.bytes)) return `${name}: "bytes" ${JSON.stringify(part.bytes)} must be a whole number >= 0`;
  const tensors = tensorsProblem(part.tensors, part.bytes);
  if (tensors) return `${name}: ${tensors}`;
  if (!Array.isArray(part.chunks)) return `${name}: "chunks" must be a list`;
  for (const [i, chunk] of (part.chunks as unknown[]).entries()) {
    // Chunk i of part P is P.i.bin, as write.ts names it: a manifest cannot hand one part another's bytes.
    const file = `${part.name}.${i}.bin`;
    const problem = chunkProblem(chunk) ?? ((chunk as ChunkRef).file !== file ? `"file" is ${JSON.stringify((chunk as ChunkRef).file)}; the chunks of part ${part.name} are named ${part.name}.<index>.bin` : null);
    if (problem) return `${name}: chunk ${i}: ${problem}`;
  }
  const chunkBytes = (part.chunks as ChunkRef[]).reduce((sum, c) => sum + c.bytes, 0);
  if (chunkBytes !== part.bytes) return `${name}: chunks hold ${chunkBytes} bytes, the part ${part.bytes}`;
  return null;
}

/** A version 1 manifest (packs installed or converted by earlier versions) in version 2's names. */
function upgradeV1(json: Record<string, unknown>): Record<string, unknown> {
  const { format: _kind, quant, ...rest } = json;
  return { ...rest, kind: PACK_KIND, version: PACK_VERSION, format: quant };
}

/** A manifest the store kept (validated when it was installed), in version 2's names whatever version wrote it. */
export function storedManifest(manifest: PackManifest): PackManifest {
  const json = manifest as unknown as Record<string, unknown>;
  return json.kind === PACK_KIND ? manifest : (upgradeV1(json) as unknown as PackManifest);
}

/** Validates a parsed manifest.json field by field (version 1 or 2, given as version 2); `where` names it in errors (a URL or a folder). */
export function parseManifest(json: unknown, where: string): PackManifest {
  const fail = (problem: string): never => {
    throw new PackError(`${where}: ${problem}`);
  };
  const v1 = isObject(json) && json.format === PACK_KIND && json.version === 1;
  if (!isObject(json) || (!v1 && json.kind !== PACK_KIND)) fail(`not a GLM Pocket pack manifest (no "kind": "${PACK_KIND}")`);
  const m = (v1 ? upgradeV1(json as Record<string, unknown>) : json) as unknown as PackManifest;
  if (m.version !== PACK_VERSION) fail(`pack format version ${JSON.stringify(m.version)} is not supported by this version of GLM Pocket (it reads versions 1 and ${PACK_VERSION}); convert the model again or update the app`);
  if (typeof m.id !== 'string' || !/^[\w.-]+$/.test(m.id)) fail('"id" must be letters, digits, dots, dashes or underscores');
  if (typeof m.name !== 'string') fail('"name" must be a string');
  if (!WEIGHT_FORMATS.includes(m.format)) fail(`"format" is ${JSON.stringify(m.format)}, not a weight format (${WEIGHT_FORMATS.join(', ')})`);
  if (!isObject(m.config)) fail('"config" is missing');
  if (m.generationConfig !== null && !isObject(m.generationConfig)) fail('"generationConfig" must be an object or null');
  if (!isObject(m.tokenizer) || !isObject(m.tokenizer.config)) fail('"tokenizer" must hold "json" and "config"');
  const tokenizerChunk = chunkProblem(m.tokenizer.json);
  if (tokenizerChunk) fail(`"tokenizer.json": ${tokenizerChunk}`);
  if (!Array.isArray(m.parts) || m.parts.length === 0) fail('"parts" is missing');
  const seen = new Set<string>();
  for (const [index, part] of (m.parts as unknown[]).entries()) {
    const problem = partProblem(part, index, seen);
    if (problem) fail(problem);
  }
  const total = packChunks(m).reduce((sum, c) => sum + c.bytes, 0);
  if (total !== m.totalBytes) fail(`"totalBytes" is ${m.totalBytes} but the chunks add up to ${total}`);
  return m;
}
