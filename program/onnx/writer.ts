/**
 * Writes ONNX models (ModelProto bytes) with protobufjs from a plain
 * description: inputs and outputs with static or named dimensions,
 * initializers as raw little-endian bytes, nodes with typed attributes.
 *
 *   const bytes = writeOnnx({
 *     name: 'tiny', opset: 17,
 *     inputs: [{ name: 'x', dtype: 'float32', shape: [1, 4] }],
 *     outputs: [{ name: 'y', dtype: 'float32', shape: [1, 4] }],
 *     initializers: [{ name: 'w', dtype: 'float32', dims: [4], raw: new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer) }],
 *     nodes: [{ opType: 'Mul', inputs: ['x', 'w'], outputs: ['y'] }],
 *   });
 *
 * The same description gives the same bytes (fields are encoded in field-number order).
 */
import protobuf from 'protobufjs';
import { ONNX_PROTO } from './onnx-proto.js';

export type OnnxDType = 'float32' | 'uint8' | 'int8' | 'int32' | 'int64';

const DATA_TYPE: Record<OnnxDType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7 };

export interface OnnxTensor {
  name: string;
  dtype: OnnxDType;
  dims: number[];
  /** Little-endian element bytes, row-major. */
  raw: Uint8Array;
}

export type OnnxAttribute =
  | { f: number } | { i: number } | { s: string } | { t: OnnxTensor } | { floats: number[] } | { ints: number[] };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attributes?: Record<string, OnnxAttribute>;
}

export interface OnnxValueInfo {
  name: string;
  dtype: OnnxDType;
  /** A number is a fixed size, a string a named (dynamic) dimension. */
  shape: (number | string)[];
}

export interface OnnxModel {
  name: string;
  /** Default-domain opset version, e.g. 17. */
  opset: number;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers: OnnxTensor[];
  nodes: OnnxNode[];
  producer?: string;
  docString?: string;
}

let modelType: protobuf.Type | undefined;

function model(): protobuf.Type {
  modelType ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');
  return modelType;
}

const tensor = (t: OnnxTensor): object => ({ name: t.name, data_type: DATA_TYPE[t.dtype], dims: t.dims, raw_data: t.raw });

function attribute(name: string, a: OnnxAttribute): object {
  if ('f' in a) return { name, type: 1, f: a.f };
  if ('i' in a) return { name, type: 2, i: a.i };
  if ('s' in a) return { name, type: 3, s: new TextEncoder().encode(a.s) };
  if ('t' in a) return { name, type: 4, t: tensor(a.t) };
  if ('floats' in a) return { name, type: 6, floats: a.floats };
  return { name, type: 7, ints: a.ints };
}

const valueInfo = (v: OnnxValueInfo): object => ({
  name: v.name,
  type: {
    tensor_type: {
      elem_type: DATA_TYPE[v.dtype],
      shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
    },
  },
});

/** The ModelProto bytes of `m` (IR version 8). */
export function writeOnnx(m: OnnxModel): Uint8Array {
  const type = model();
  const message = type.fromObject({
    ir_version: 8,
    producer_name: m.producer ?? 'etbench',
    opset_import: [{ domain: '', version: m.opset }],
    doc_string: m.docString ?? '',
    graph: {
      name: m.name,
      node: m.nodes.map((n, i) => ({
        name: n.name ?? `${n.opType}_${i}`,
        op_type: n.opType,
        domain: n.domain ?? '',
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([k, a]) => attribute(k, a)),
      })),
      initializer: m.initializers.map(tensor),
      input: m.inputs.map(valueInfo),
      output: m.outputs.map(valueInfo),
    },
  });
  return type.encode(message).finish();
}
