// Converting a checkpoint into a pack: one part at a time (base, then each layer), each split into
// chunks and hashed, written through a sink (a folder for the CLI, the store in the browser).
// Memory stays at one layer's tensors plus its part.
import type { Checkpoint } from '../checkpoint';
import { PackError } from '../../errors';
import { ggufSource, type GgufCheckpoint } from '../gguf';
import { BASE_PART, layerPartName, type Part } from '../parts';
import { checkpointSource } from '../source';
import type { WeightFormat } from '../weights';
import { MANIFEST_FILE, PACK_KIND, PACK_VERSION, type ChunkRef, type PackManifest, type PartEntry } from './manifest';
import { sha256Hex } from './sha256';

export interface PackSink {
  write(file: string, bytes: Uint8Array): Promise<void>;
}

/** What an interrupted conversion already wrote: those parts are not converted again. */
export interface WrittenSoFar {
  tokenizer?: ChunkRef;
  parts: PartEntry[];
}

export interface WritePackOptions {
  id: string;
  name?: string;
  chunkBytes?: number;
  onProgress?: (partsDone: number, partsTotal: number) => void;
  /** Resume: parts already written (from onWritten of an earlier run). */
  resume?: WrittenSoFar;
  /** Called after the tokenizer and after each part is fully written, to record progress. */
  onWritten?: (soFar: WrittenSoFar) => Promise<void>;
}

const DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024;

/** writePart steps through a part by chunkBytes: zero or less never advances, a fraction cuts bytes apart. */
function checkChunkBytes(chunkBytes: number): void {
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1) throw new PackError(`chunk size must be a whole number of bytes, at least 1; got ${chunkBytes}`);
}

async function writeChunk(sink: PackSink, file: string, bytes: Uint8Array): Promise<ChunkRef> {
  await sink.write(file, bytes);
  return { file, bytes: bytes.byteLength, sha256: await sha256Hex(bytes) };
}

async function writePart(sink: PackSink, part: Part, chunkBytes: number): Promise<PartEntry> {
  const chunks: ChunkRef[] = [];
  for (let start = 0, index = 0; start < part.bytes.byteLength || index === 0; start += chunkBytes, index++) {
    chunks.push(await writeChunk(sink, `${part.name}.${index}.bin`, part.bytes.subarray(start, start + chunkBytes)));
  }
  return { name: part.name, bytes: part.bytes.byteLength, tensors: part.tensors, chunks };
}

export async function writePack(checkpoint: Checkpoint | GgufCheckpoint, format: WeightFormat, sink: PackSink, options: WritePackOptions): Promise<PackManifest> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  checkChunkBytes(chunkBytes);
  const source = 'kind' in checkpoint ? ggufSource(checkpoint, format) : checkpointSource(checkpoint, format);
  const { numLayers } = checkpoint.config;
  const partsTotal = numLayers + 1;
  const done = new Map((options.resume?.parts ?? []).map((p) => [p.name, p]));
  const tokenizer = options.resume?.tokenizer ?? (await writeChunk(sink, 'tokenizer.json', new TextEncoder().encode(JSON.stringify(checkpoint.tokenizerJson))));
  const parts: PartEntry[] = [];
  await options.onWritten?.({ tokenizer, parts: [...parts] });
  const reads = [() => source.readBase(), ...Array.from({ length: numLayers }, (_, layer) => () => source.readLayer(layer))];
  const names = [BASE_PART, ...Array.from({ length: numLayers }, (_, layer) => layerPartName(layer))];
  for (const [index, read] of reads.entries()) {
    const previous = done.get(names[index]);
    parts.push(previous ?? (await writePart(sink, await read(), chunkBytes)));
    if (!previous) await options.onWritten?.({ tokenizer, parts: [...parts] });
    options.onProgress?.(index + 1, partsTotal);
  }
  const manifest: PackManifest = {
    kind: PACK_KIND,
    version: PACK_VERSION,
    id: options.id,
    name: options.name ?? options.id,
    format,
    config: checkpoint.rawConfig,
    generationConfig: checkpoint.rawGenerationConfig,
    tokenizer: { json: tokenizer, config: checkpoint.tokenizerConfig },
    parts,
    totalBytes: tokenizer.bytes + parts.reduce((sum, p) => sum + p.bytes, 0),
  };
  await sink.write(MANIFEST_FILE, new TextEncoder().encode(JSON.stringify(manifest, null, 1)));
  return manifest;
}

