// Minimal protobuf writer for the subset of onnx.proto the graph builder emits.
// Field numbers follow onnx/onnx.proto (IR version 8); messages are encoded as lists of byte
// parts so multi-megabyte initializers are copied once, into the final model buffer.
import { concatArrays } from '../../../util/bytes';

export const enum DataType {
  FLOAT = 1,
  UINT8 = 2,
  INT8 = 3,
  INT32 = 6,
  INT64 = 7,
  BOOL = 9,
  FLOAT16 = 10,
}

export interface TensorProto {
  name: string;
  dataType: DataType;
  dims: readonly number[];
  /** The bytes inline, or where they lie in a file handed to ORT as externalData. */
  data: { raw: Uint8Array } | { location: string; offset: number; length: number };
}

export type AttributeValue = number | string | readonly number[] | readonly string[] | { float: number } | { floats: readonly number[] };

export interface NodeProto {
  opType: string;
  domain?: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Record<string, AttributeValue>;
}

export interface ValueInfoProto {
  name: string;
  elemType: DataType;
  /** A number for a fixed dimension, a string for a symbolic one. */
  shape: readonly (number | string)[];
}

export interface ModelProto {
  graphName: string;
  nodes: readonly NodeProto[];
  initializers: readonly TensorProto[];
  inputs: readonly ValueInfoProto[];
  outputs: readonly ValueInfoProto[];
  opsets: Record<string, number>;
}

/** An encoded message: its parts in order and their total length. */
interface Encoded {
  parts: Uint8Array[];
  length: number;
}

class MessageWriter implements Encoded {
  parts: Uint8Array[] = [];
  length = 0;
  private scratch: number[] = [];

  private flushScratch(): void {
    if (this.scratch.length === 0) return;
    this.parts.push(Uint8Array.from(this.scratch));
    this.length += this.scratch.length;
    this.scratch = [];
  }

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.scratch.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.scratch.push(Number(v));
  }

  private tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  int(field: number, value: number): void {
    this.tag(field, 0);
    this.varint(value);
  }

  float(field: number, value: number): void {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.scratch.push(...b);
  }

  bytes(field: number, value: Uint8Array): void {
    this.tag(field, 2);
    this.varint(value.length);
    this.flushScratch();
    this.parts.push(value);
    this.length += value.length;
  }

  string(field: number, value: string): void {
    this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, value: Encoded): void {
    this.tag(field, 2);
    this.varint(value.length);
    this.flushScratch();
    this.parts.push(...value.parts);
    this.length += value.length;
  }

  packedInts(field: number, values: readonly number[]): void {
    const inner = new MessageWriter();
    for (const v of values) inner.varint(v);
    this.message(field, inner.done());
  }

  done(): Encoded {
    this.flushScratch();
    return this;
  }
}

function encodeTensor(t: TensorProto): Encoded {
  const w = new MessageWriter();
  w.packedInts(1, t.dims);
  w.int(2, t.dataType);
  w.string(8, t.name);
  if ('raw' in t.data) {
    w.bytes(9, t.data.raw);
    return w.done();
  }
  const entries: [string, string][] = [
    ['location', t.data.location],
    ['offset', String(t.data.offset)],
    ['length', String(t.data.length)],
  ];
  for (const [key, value] of entries) {
    const entry = new MessageWriter();
    entry.string(1, key);
    entry.string(2, value);
    w.message(13, entry.done());
  }
  w.int(14, 1); // data_location = EXTERNAL
  return w.done();
}

const enum AttributeType {
  FLOAT = 1,
  INT = 2,
  STRING = 3,
  FLOATS = 6,
  INTS = 7,
  STRINGS = 8,
}

function encodeAttribute(name: string, value: AttributeValue): Encoded {
  const w = new MessageWriter();
  w.string(1, name);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: use { float } for non-integers`);
    w.int(3, value);
    w.int(20, AttributeType.INT);
  } else if (typeof value === 'string') {
    w.string(4, value);
    w.int(20, AttributeType.STRING);
  } else if ('float' in value) {
    w.float(2, value.float);
    w.int(20, AttributeType.FLOAT);
  } else if ('floats' in value) {
    for (const f of value.floats) w.float(7, f);
    w.int(20, AttributeType.FLOATS);
  } else if (value.every((v) => typeof v === 'number')) {
    for (const i of value as readonly number[]) w.int(8, i);
    w.int(20, AttributeType.INTS);
  } else {
    for (const s of value as readonly string[]) w.string(9, s);
    w.int(20, AttributeType.STRINGS);
  }
  return w.done();
}

function encodeNode(n: NodeProto): Encoded {
  const w = new MessageWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const [name, value] of Object.entries(n.attributes ?? {})) w.message(5, encodeAttribute(name, value));
  if (n.domain) w.string(7, n.domain);
  return w.done();
}

function encodeValueInfo(v: ValueInfoProto): Encoded {
  const shape = new MessageWriter();
  for (const d of v.shape) {
    const dim = new MessageWriter();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.message(1, dim.done());
  }
  const tensorType = new MessageWriter();
  tensorType.int(1, v.elemType);
  tensorType.message(2, shape.done());
  const type = new MessageWriter();
  type.message(1, tensorType.done());
  const w = new MessageWriter();
  w.string(1, v.name);
  w.message(2, type.done());
  return w.done();
}

/** Serializes a model to the bytes `InferenceSession.create` accepts. */
export function encodeModel(m: ModelProto): Uint8Array {
  const graph = new MessageWriter();
  for (const n of m.nodes) graph.message(1, encodeNode(n));
  graph.string(2, m.graphName);
  for (const t of m.initializers) graph.message(5, encodeTensor(t));
  for (const i of m.inputs) graph.message(11, encodeValueInfo(i));
  for (const o of m.outputs) graph.message(12, encodeValueInfo(o));

  const model = new MessageWriter();
  model.int(1, 8);
  model.string(2, 'glm-pocket');
  model.message(7, graph.done());
  for (const [domain, version] of Object.entries(m.opsets)) {
    const opset = new MessageWriter();
    opset.string(1, domain);
    opset.int(2, version);
    model.message(8, opset.done());
  }
  return concatArrays(model.done().parts, (n) => new Uint8Array(n));
}
