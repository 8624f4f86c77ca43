// GGUF files taken apart and put back together, for tests that break one field of a valid file
// (tools/gguf-writer.ts writes the valid ones): typed metadata values, tensor infos, the data section.
import { concatArrays } from '../src/util/bytes';

/** GGUF value types: 0 u8, 1 i8, 2 u16, 3 i16, 4 u32, 5 i32, 6 f32, 7 bool, 8 string, 9 array, 10 u64, 11 i64, 12 f64. */
export type GgufValue = { type: number; value: unknown; itemType?: number };

export interface GgufTensorInfo {
  name: string;
  dims: bigint[];
  type: number;
  /** Relative to the start of the data section. */
  offset: bigint;
}

export interface GgufParts {
  version: number;
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  /** The data section, from its aligned start to the end of the file. */
  data: Uint8Array;
  /** Byte offset where the tensor infos end (before the padding to the data section). */
  headerBytes: number;
}

const SCALAR_BYTES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/** Parses a little-endian GGUF v2/v3 file laid out with `alignment` (what the writer uses). */
export function parseGgufBytes(bytes: Uint8Array, alignment = 32): GgufParts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 4;
  const u32 = () => ((at += 4), view.getUint32(at - 4, true));
  const u64 = () => ((at += 8), view.getBigUint64(at - 8, true));
  const string = () => {
    const length = Number(u64());
    at += length;
    return new TextDecoder().decode(bytes.subarray(at - length, at));
  };
  const scalar = (type: number): unknown => {
    const get: Record<number, () => unknown> = {
      0: () => view.getUint8(at), 1: () => view.getInt8(at), 2: () => view.getUint16(at, true), 3: () => view.getInt16(at, true),
      4: () => view.getUint32(at, true), 5: () => view.getInt32(at, true), 6: () => view.getFloat32(at, true), 7: () => view.getUint8(at) !== 0,
      10: () => view.getBigUint64(at, true), 11: () => view.getBigInt64(at, true), 12: () => view.getFloat64(at, true),
    };
    if (type === 8) return string();
    const value = get[type]();
    at += SCALAR_BYTES[type];
    return value;
  };
  const version = u32();
  const tensorCount = Number(u64());
  const kvCount = Number(u64());
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < kvCount; i++) {
    const key = string();
    const type = u32();
    if (type !== 9) {
      metadata.set(key, { type, value: scalar(type) });
      continue;
    }
    const itemType = u32();
    const items = Array.from({ length: Number(u64()) }, () => scalar(itemType));
    metadata.set(key, { type, itemType, value: items });
  }
  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = string();
    const dims = Array.from({ length: u32() }, u64);
    tensors.push({ name, dims, type: u32(), offset: u64() });
  }
  const headerBytes = at;
  return { version, metadata, tensors, data: bytes.subarray(Math.ceil(at / alignment) * alignment), headerBytes };
}

/** Writes the parts back as a GGUF file, the data section padded to `alignment` whatever the metadata says. */
export function ggufBytes(parts: GgufParts, alignment = 32): Uint8Array {
  const chunks: Uint8Array[] = [];
  const push = (size: number, set: (v: DataView) => void) => {
    const b = new Uint8Array(size);
    set(new DataView(b.buffer));
    chunks.push(b);
  };
  const u32 = (v: number) => push(4, (d) => d.setUint32(0, v, true));
  const u64 = (v: bigint | number) => push(8, (d) => d.setBigUint64(0, BigInt(v), true));
  const string = (s: string) => {
    const b = new TextEncoder().encode(s);
    u64(b.length);
    chunks.push(b);
  };
  const scalar = (type: number, value: unknown) => {
    const set: Record<number, (d: DataView) => void> = {
      0: (d) => d.setUint8(0, Number(value)), 1: (d) => d.setInt8(0, Number(value)), 2: (d) => d.setUint16(0, Number(value), true), 3: (d) => d.setInt16(0, Number(value), true),
      4: (d) => d.setUint32(0, Number(value), true), 5: (d) => d.setInt32(0, Number(value), true), 6: (d) => d.setFloat32(0, Number(value), true), 7: (d) => d.setUint8(0, value ? 1 : 0),
      10: (d) => d.setBigUint64(0, BigInt.asUintN(64, BigInt(value as bigint)), true), 11: (d) => d.setBigInt64(0, BigInt.asIntN(64, BigInt(value as bigint)), true), 12: (d) => d.setFloat64(0, Number(value), true),
    };
    if (type === 8) string(String(value));
    else push(SCALAR_BYTES[type], set[type]);
  };
  chunks.push(new TextEncoder().encode('GGUF'));
  u32(parts.version);
  u64(parts.tensors.length);
  u64(parts.metadata.size);
  for (const [key, { type, value, itemType }] of parts.metadata) {
    string(key);
    u32(type);
    if (type !== 9) {
      scalar(type, value);
      continue;
    }
    const items = value as unknown[];
    u32(itemType!);
    u64(items.length);
    for (const item of items) scalar(itemType!, item);
  }
  for (const t of parts.tensors) {
    string(t.name);
    u32(t.dims.length);
    t.dims.forEach(u64);
    u32(t.type);
    u64(t.offset);
  }
  const header = concatArrays(chunks, (n) => new Uint8Array(n));
  const start = Math.ceil(header.length / alignment) * alignment;
  const out = new Uint8Array(start + parts.data.length);
  out.set(header);
  out.set(parts.data, start);
  return out;
}

/** The parts with one tensor's info replaced. */
export function withTensor(parts: GgufParts, name: string, edit: (t: GgufTensorInfo) => GgufTensorInfo): GgufParts {
  return { ...parts, tensors: parts.tensors.map((t) => (t.name === name ? edit(t) : t)) };
}
