// safetensors: header parsing with validation, and ranged reads of one tensor at a time.
import { CheckpointError } from '../errors';
import type { CheckpointFiles } from '../io/files';
import { halfToFloat } from './half';
import { checkFinite } from './weights';

export type SafetensorsDtype = 'BF16' | 'F16' | 'F32';

const BYTES_PER_ELEMENT: Record<SafetensorsDtype, number> = { BF16: 2, F16: 2, F32: 4 };
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface TensorEntry {
  file: string;
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute byte range of the tensor's data within the file. */
  start: number;
  end: number;
}

const isSize = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

/** One header entry checked field by field; its range is relative to the data section, which starts at `dataStart`. */
function parseEntry(file: string, name: string, value: unknown, dataStart: number, fileBytes: number): TensorEntry {
  const { dtype, shape, data_offsets: offsets } = (typeof value === 'object' && value !== null ? value : {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (dtype !== 'BF16' && dtype !== 'F16' && dtype !== 'F32') {
    throw new CheckpointError(file, `tensor ${name} has dtype ${JSON.stringify(dtype)}; supported are BF16, F16 and F32`);
  }
  if (!Array.isArray(shape) || !shape.every(isSize)) {
    throw new CheckpointError(file, `tensor ${name}: shape ${JSON.stringify(shape)} must be a list of whole numbers >= 0: the header is corrupted`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isSize) || offsets[1] < offsets[0]) {
    throw new CheckpointError(file, `tensor ${name}: data_offsets ${JSON.stringify(offsets)} must be whole numbers from 0 up (bytes after the header), the end not before the start: the header is corrupted`);
  }
  const [from, to] = offsets as number[];
  const expectedBytes = shape.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[dtype];
  if (to - from !== expectedBytes) {
    throw new CheckpointError(file, `tensor ${name}: data range holds ${to - from} bytes, shape [${shape}] in ${dtype} needs ${expectedBytes}`);
  }
  const end = dataStart + to;
  if (end > fileBytes) {
    throw new CheckpointError(file, `tensor ${name} ends at byte ${end} but the file has ${fileBytes} bytes: the file is truncated (re-download it)`);
  }
  return { file, name, dtype, shape, start: dataStart + from, end };
}

/** Tensors sharing bytes mean a corrupted header (each tensor owns its range). */
function checkNoOverlap(file: string, entries: TensorEntry[]): void {
  const ranges = entries.filter((e) => e.end > e.start).sort((a, b) => a.start - b.start);
  for (let i = 1; i < ranges.length; i++) {
    const [a, b] = [ranges[i - 1], ranges[i]];
    if (b.start < a.end) throw new CheckpointError(file, `tensor ${b.name} (bytes ${b.start} to ${b.end}) overlaps tensor ${a.name} (bytes ${a.start} to ${a.end}): the header is corrupted`);
  }
}

/** Reads and validates a safetensors header: every entry's fields, its range within the file, no two ranges overlapping. */
export async function readSafetensorsHeader(files: CheckpointFiles, file: string): Promise<TensorEntry[]> {
  const fileBytes = await files.size(file);
  if (fileBytes === null) throw new CheckpointError(file, 'file not found');
  if (fileBytes < 8) throw new CheckpointError(file, `is ${fileBytes} bytes, too short to be a safetensors file`);
  const headerBytes = Number(new DataView((await files.read(file, 0, 8)).buffer).getBigUint64(0, true));
  if (headerBytes > MAX_HEADER_BYTES || 8 + headerBytes > fileBytes) {
    throw new CheckpointError(file, `header length ${headerBytes} does not fit a ${fileBytes}-byte file: not a safetensors file, or truncated`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(await files.read(file, 8, 8 + headerBytes)));
  } catch {
    throw new CheckpointError(file, 'header is not valid JSON: not a safetensors file, or corrupted');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new CheckpointError(file, 'header is not a JSON object of tensors: not a safetensors file, or corrupted');
  }
  const dataStart = 8 + headerBytes;
  const entries = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, value]) => parseEntry(file, name, value, dataStart, fileBytes));
  checkNoOverlap(file, entries);
  return entries;
}

/** Reads one tensor and widens it to float32; a NaN or infinite value is refused, naming the tensor. */
export function readTensorF32(files: CheckpointFiles, entry: TensorEntry): Promise<Float32Array> {
  return readRange(files, entry, entry.start, entry.end);
}

/**
 * Rows [first, first + count) of a tensor (along its first dimension) as float32: one ranged read
 * of those rows' bytes, so a large tensor can be converted a block of rows at a time.
 */
export function readTensorRowsF32(files: CheckpointFiles, entry: TensorEntry, first: number, count: number): Promise<Float32Array> {
  const rowBytes = (entry.end - entry.start) / Math.max(1, entry.shape[0] ?? 1);
  return readRange(files, entry, entry.start + first * rowBytes, entry.start + (first + count) * rowBytes);
}

async function readRange(files: CheckpointFiles, entry: TensorEntry, start: number, end: number): Promise<Float32Array> {
  const bytes = await files.read(entry.file, start, end);
  const count = (end - start) / BYTES_PER_ELEMENT[entry.dtype];
  // Copy to an aligned buffer: safetensors offsets need not be multiples of 4.
  const aligned = new Uint8Array(bytes.byteLength);
  aligned.set(bytes);
  if (entry.dtype === 'F32') return checkFinite(new Float32Array(aligned.buffer, 0, count), entry.file, entry.name);
  const halves = new Uint16Array(aligned.buffer, 0, count);
  const out = new Float32Array(count);
  if (entry.dtype === 'BF16') {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) bits[i] = halves[i] << 16;
  } else {
    for (let i = 0; i < count; i++) out[i] = halfToFloat(halves[i]);
  }
  return checkFinite(out, entry.file, entry.name);
}
