// safetensors: header parsing with validation, and ranged reads of one tensor at a time.
import { CheckpointError } from './errors';
import type { CheckpointFiles } from './files';
import { halfToFloat } from './half';

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

/** Reads and validates a safetensors header; every entry's range is checked against the file size. */
export async function readSafetensorsHeader(files: CheckpointFiles, file: string): Promise<TensorEntry[]> {
  const fileBytes = await files.size(file);
  if (fileBytes === null) throw new CheckpointError(file, 'file not found');
  if (fileBytes < 8) throw new CheckpointError(file, `is ${fileBytes} bytes, too short to be a safetensors file`);
  const headerBytes = Number(new DataView((await files.read(file, 0, 8)).buffer).getBigUint64(0, true));
  if (headerBytes > MAX_HEADER_BYTES || 8 + headerBytes > fileBytes) {
    throw new CheckpointError(file, `header length ${headerBytes} does not fit a ${fileBytes}-byte file: not a safetensors file, or truncated`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(await files.read(file, 8, 8 + headerBytes)));
  } catch {
    throw new CheckpointError(file, 'header is not valid JSON: not a safetensors file, or corrupted');
  }
  const dataStart = 8 + headerBytes;
  const entries: TensorEntry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = (value ?? {}) as { dtype?: string; shape?: number[]; data_offsets?: number[] };
    if (dtype !== 'BF16' && dtype !== 'F16' && dtype !== 'F32') {
      throw new CheckpointError(file, `tensor ${name} has dtype ${dtype}; supported are BF16, F16 and F32`);
    }
    if (!Array.isArray(shape) || !Array.isArray(offsets) || offsets.length !== 2) {
      throw new CheckpointError(file, `tensor ${name} has a malformed header entry`);
    }
    const expectedBytes = shape.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[dtype];
    if (offsets[1] - offsets[0] !== expectedBytes) {
      throw new CheckpointError(file, `tensor ${name}: data range holds ${offsets[1] - offsets[0]} bytes, shape [${shape}] in ${dtype} needs ${expectedBytes}`);
    }
    const end = dataStart + offsets[1];
    if (end > fileBytes) {
      throw new CheckpointError(file, `tensor ${name} ends at byte ${end} but the file has ${fileBytes} bytes: the file is truncated (re-download it)`);
    }
    entries.push({ file, name, dtype, shape, start: dataStart + offsets[0], end });
  }
  return entries;
}

/** Reads one tensor and widens it to float32. */
export async function readTensorF32(files: CheckpointFiles, entry: TensorEntry): Promise<Float32Array> {
  const bytes = await files.read(entry.file, entry.start, entry.end);
  const count = (entry.end - entry.start) / BYTES_PER_ELEMENT[entry.dtype];
  // Copy to an aligned buffer: safetensors offsets need not be multiples of 4.
  const aligned = new Uint8Array(bytes.byteLength);
  aligned.set(bytes);
  if (entry.dtype === 'F32') return new Float32Array(aligned.buffer, 0, count);
  const halves = new Uint16Array(aligned.buffer, 0, count);
  const out = new Float32Array(count);
  if (entry.dtype === 'BF16') {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) bits[i] = halves[i] << 16;
  } else {
    for (let i = 0; i < count; i++) out[i] = halfToFloat(halves[i]);
  }
  return out;
}
