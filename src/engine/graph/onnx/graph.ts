// A small helper for writing ONNX graphs node by node: unique value names, typed initializers,
// and the model's opset imports in one place.
import { DataType, encodeModel, type AttributeValue, type NodeProto, type TensorProto, type ValueInfoProto } from './proto';

export { DataType };

export const MS_DOMAIN = 'com.microsoft';

/** A buffer handed to ORT as externalData under a file name; initializers inside it are not copied into the model. */
export interface ExternalFile {
  name: string;
  bytes: Uint8Array;
}

export class Graph {
  private nodes: NodeProto[] = [];
  private initializers: TensorProto[] = [];
  private inputs: ValueInfoProto[] = [];
  private outputs: ValueInfoProto[] = [];
  private counter = 0;

  constructor(
    private readonly name: string,
    private readonly externals: readonly ExternalFile[] = [],
  ) {}

  input(name: string, elemType: DataType, shape: (number | string)[]): string {
    this.inputs.push({ name, elemType, shape });
    return name;
  }

  output(value: string, name: string, elemType: DataType, shape: (number | string)[]): void {
    if (value !== name) this.op('Identity', [value], {}, [name]);
    this.outputs.push({ name, elemType, shape });
  }

  /** Adds a node and returns its first output's name (or all outputs when several are asked for). */
  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputs?: string[] | number, domain = ''): string {
    const id = this.counter++;
    const outputNames = Array.isArray(outputs) ? outputs : Array.from({ length: outputs ?? 1 }, (_, i) => `${opType.toLowerCase()}_${id}_${i}`);
    this.nodes.push({ opType, domain, name: `${opType}_${id}`, inputs, outputs: outputNames, attributes });
    return outputNames[0];
  }

  /** Like op(), for nodes whose several outputs are all used. */
  ops(opType: string, inputs: string[], outputCount: number, attributes: Record<string, AttributeValue> = {}, domain = ''): string[] {
    const id = this.counter;
    const outputNames = Array.from({ length: outputCount }, (_, i) => `${opType.toLowerCase()}_${id}_${i}`);
    this.op(opType, inputs, attributes, outputNames, domain);
    return outputNames;
  }

  msOp(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputs?: string[] | number): string {
    return this.op(opType, inputs, attributes, outputs, MS_DOMAIN);
  }

  initializer(name: string, dataType: DataType, dims: number[], data: ArrayBufferView): string {
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const file = this.externals.find((f) => f.bytes.buffer === raw.buffer && raw.byteOffset >= f.bytes.byteOffset && raw.byteOffset + raw.byteLength <= f.bytes.byteOffset + f.bytes.byteLength);
    const location = file ? { location: file.name, offset: raw.byteOffset - file.bytes.byteOffset, length: raw.byteLength } : { raw };
    this.initializers.push({ name, dataType, dims, data: location });
    return name;
  }

  int64(name: string, values: number[]): string {
    return this.initializer(name, DataType.INT64, [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  scalarFloat(name: string, value: number): string {
    return this.initializer(name, DataType.FLOAT, [], Float32Array.of(value));
  }

  encode(): Uint8Array {
    return encodeModel({
      graphName: this.name,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: this.inputs,
      outputs: this.outputs,
      opsets: { '': 17, [MS_DOMAIN]: 1 },
    });
  }
}
