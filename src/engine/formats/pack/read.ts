// A pack as a ModelSource: parts are read chunk by chunk into one buffer and checked against
// their SHA-256, with no conversion (the bytes are already in kernel layout).
import { allocate, type Arena } from '../arena';
import { parseGlmConfig, withGenerationConfig, type GlmConfig } from '../config';
import { CheckpointError, PackError } from '../../errors';
import { nonFiniteHalfIndex } from '../half';
import { BASE_PART, expectedPartTensors, layerPartName, partTableProblem, partViews, type Part } from '../parts';
import type { ModelSource } from '../source';
import { nonFiniteIndex } from '../weights';
import { MANIFEST_FILE, parseManifest, type ChunkRef, type PackManifest, type PartEntry } from './manifest';
import { sha256Hex } from './sha256';
import type { PackFiles } from '../../io/files';


export interface PackSource extends ModelSource {
  readonly manifest: PackManifest;
}

export async function readManifest(files: PackFiles): Promise<PackManifest> {
  const text = new TextDecoder().decode(await files.read(MANIFEST_FILE));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PackError(`${files.label}${MANIFEST_FILE}: is not valid JSON${/^\s*</.test(text) ? ' (it is an HTML page)' : ''}`);
  }
  return parseManifest(json, `${files.label}${MANIFEST_FILE}`);
}

/** Reads a chunk and checks its length and hash. */
export async function readChunk(files: PackFiles, chunk: ChunkRef, verify: boolean): Promise<Uint8Array> {
  const bytes = await files.read(chunk.file);
  if (bytes.byteLength !== chunk.bytes) throw new PackError(`${files.label}${chunk.file}: ${bytes.byteLength} bytes, the manifest says ${chunk.bytes}`);
  if (verify && (await sha256Hex(bytes)) !== chunk.sha256) throw new PackError(`${files.label}${chunk.file}: content does not match its SHA-256 (corrupted download or storage)`);
  return bytes;
}

async function readPart(files: PackFiles, entry: PartEntry, verify: boolean, arena?: Arena): Promise<Part> {
  const bytes = allocate(entry.bytes, arena);
  let offset = 0;
  for (const chunk of entry.chunks) {
    bytes.set(await readChunk(files, chunk, verify), offset);
    offset += chunk.bytes;
  }
  const part = { name: entry.name, bytes, tensors: entry.tensors };
  if (verify) checkFloats(part, `${files.label}${MANIFEST_FILE}`);
  return part;
}

/** A verified part's float tensors hold numbers: its hashes pin its bytes, not that they are weights (a NaN makes every logit NaN). */
function checkFloats(part: Part, where: string): void {
  for (const [name, values] of partViews(part)) {
    const at = values instanceof Float32Array ? nonFiniteIndex(values) : values instanceof Uint16Array ? nonFiniteHalfIndex(values) : -1;
    if (at >= 0) throw new PackError(`${where}: part ${part.name}: tensor ${name} holds ${values instanceof Float32Array ? values[at] : 'NaN or infinity (float16)'} at element ${at}: the pack is corrupted (convert it again)`);
  }
}

/** The manifest's config, its problems a PackError naming the manifest and the field ("config.hidden_size"). */
function packConfig(manifest: PackManifest, where: string): GlmConfig {
  try {
    return withGenerationConfig(parseGlmConfig(manifest.config, { file: where, key: (field) => `"config.${field}"` }), manifest.generationConfig);
  } catch (error) {
    if (error instanceof CheckpointError) throw new PackError(error.message);
    throw error;
  }
}

/**
 * Opens a pack, checking its manifest against the config it carries. `verify` re-checks each chunk's
 * hash, and that each part's float tensors hold numbers, as it is read (off for the store, whose
 * chunks were verified when installed).
 */
export async function openPack(files: PackFiles, verify = true): Promise<PackSource> {
  const where = `${files.label}${MANIFEST_FILE}`;
  const manifest = await readManifest(files);
  const config = packConfig(manifest, where);
  const entries = new Map(manifest.parts.map((p) => [p.name, p]));
  const entry = (name: string) => {
    const e = entries.get(name);
    if (!e) throw new PackError(`${where}: part ${name} is missing`);
    return e;
  };
  // Every tensor a graph reads is in its part's table with the length the config gives it: ORT would
  // broadcast a short norm without a word.
  for (const layer of [null, ...Array.from({ length: config.numLayers }, (_, i) => i)]) {
    const name = layer === null ? BASE_PART : layerPartName(layer);
    const problem = partTableProblem(entry(name).tensors, expectedPartTensors(config, manifest.format, layer));
    if (problem) throw new PackError(`${where}: part ${name}: ${problem}`);
  }
  const tokenizerText = new TextDecoder().decode(await readChunk(files, manifest.tokenizer.json, verify));
  let tokenizerJson: unknown;
  try {
    tokenizerJson = JSON.parse(tokenizerText);
  } catch {
    throw new PackError(`${files.label}${manifest.tokenizer.json.file}: is not valid JSON (the pack is corrupted)`);
  }
  return {
    manifest,
    config,
    format: manifest.format,
    tokenizerJson,
    tokenizerConfig: manifest.tokenizer.config,
    readBase: (arena) => readPart(files, entry(BASE_PART), verify, arena),
    readLayer: (layer, arena) => readPart(files, entry(layerPartName(layer)), verify, arena),
    layerBytes: (layer) => entry(layerPartName(layer)).bytes,
    baseBytes: () => entry(BASE_PART).bytes,
  };
}
