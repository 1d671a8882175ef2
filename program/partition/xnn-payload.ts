/**
 * Writes an XnnpackBackend payload: the 32-byte-aligned `XH00` header, then the `XNNGraph`
 * flatbuffer (identifier XN01) whose constants all live in the program's named data (keyed by
 * the sha256 of their bytes, as ExecuTorch's exporter does), so the constant section is empty.
 * Field slots come from the reader (program/read/read-xnnpack.ts), so both agree by construction.
 */
import { createHash } from 'node:crypto';
import * as flatbuffers from 'flatbuffers';
import { XNN_DATATYPES, XNN_NODE_KINDS, fieldsOf } from '../read/read-xnnpack.js';

/** Per-tensor quantization of a qint8 or qint32 value: real = scale * (q - zeroPoint). */
export interface XnnPerTensorQuant {
  scale: number;
  zeroPoint: number;
}

export interface XnnTensor {
  datatype: 'fp32' | 'qint8' | 'qint32';
  /** Present exactly for the quantized datatypes. */
  quant?: XnnPerTensorQuant;
  dims: number[];
  /** Index into `constants` + 1 (0: not a constant). */
  constantIndex: number;
  /** 1 external input, 2 external output, 0 internal. */
  flags: number;
  /** The DelegateCall argument of an external value; NO_VALUE (0xffffffff) otherwise, as the exporter writes. */
  externalId: number;
}

export interface XnnNode {
  kind: (typeof XNN_NODE_KINDS)[number];
  fields: Record<string, number | number[]>;
  outputMinMax?: [number, number];
}

export interface XnnGraphSpec {
  values: XnnTensor[];
  nodes: XnnNode[];
  inputIds: number[];
  outputIds: number[];
  /** Constant bytes, in constantIndex order (constantIndex 1 is constants[0]). */
  constants: Uint8Array[];
}

const HEADER = 30;
const FB_OFFSET = 32;

export const namedKey = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function u32Vector(b: flatbuffers.Builder, items: readonly number[]): number {
  b.startVector(4, items.length, 4);
  for (let i = items.length - 1; i >= 0; i--) b.addInt32(items[i]! | 0);
  return b.endVector();
}

function tableVector(b: flatbuffers.Builder, offsets: readonly number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
  return b.endVector();
}

function writeNode(b: flatbuffers.Builder, n: XnnNode, index: number): number {
  const layout = fieldsOf(n.kind);
  const lists = layout.map(([name, k]) => (k === 'l' ? u32Vector(b, n.fields[name] as number[]) : 0));
  b.startObject(layout.length);
  layout.forEach(([name, k], slot) => {
    const v = n.fields[name];
    if (k === 'l') b.addFieldOffset(slot, lists[slot]!, 0);
    else if (k === 'f') b.addFieldFloat32(slot, v as number, 0);
    else if (v !== undefined) b.addFieldInt32(slot, (v as number) | 0, 0);
  });
  const body = b.endObject();
  let minMax = 0;
  if (n.outputMinMax) {
    b.startObject(2);
    b.addFieldFloat32(0, n.outputMinMax[0], 0);
    b.addFieldFloat32(1, n.outputMinMax[1], 0);
    minMax = b.endObject();
  }
  b.startObject(4);
  b.addFieldInt8(0, XNN_NODE_KINDS.indexOf(n.kind) + 1, 0);
  b.addFieldOffset(1, body, 0);
  b.addFieldInt32(2, index, 0);
  if (minMax) b.addFieldOffset(3, minMax, 0);
  return b.endObject();
}

function writeValue(b: flatbuffers.Builder, v: XnnTensor, id: number): number {
  const dims = u32Vector(b, v.dims);
  b.startObject(7);
  b.addFieldInt16(0, XNN_DATATYPES.indexOf(v.datatype), 0);
  b.addFieldInt32(1, v.dims.length, 0);
  b.addFieldOffset(2, dims, 0);
  b.addFieldInt32(3, v.constantIndex, 0);
  b.addFieldInt32(4, v.externalId, 0);
  b.addFieldInt32(5, v.flags, 0);
  b.addFieldInt32(6, id, 0);
  const tv = b.endObject();
  let body = tv;
  if (v.quant !== undefined) {
    b.startObject(2);  // PerTensorQuant
    b.addFieldFloat32(0, v.quant.scale, 0);
    b.addFieldInt32(1, v.quant.zeroPoint, 0);
    const params = b.endObject();
    b.startObject(3);  // XNNQuantizedTensorValue
    b.addFieldOffset(0, tv, 0);
    b.addFieldInt8(1, 2, 0);  // XNNQuantParams.PerTensorQuant
    b.addFieldOffset(2, params, 0);
    body = b.endObject();
  }
  b.startObject(2);
  b.addFieldInt8(0, v.quant === undefined ? 1 : 2, 0);  // XValueUnion: XNNTensorValue | XNNQuantizedTensorValue
  b.addFieldOffset(1, body, 0);
  return b.endObject();
}

/** The payload bytes and the named data its constants need. */
export function writeXnnPayload(g: XnnGraphSpec): { payload: Uint8Array; namedData: { key: string; data: Uint8Array }[] } {
  const b = new flatbuffers.Builder(4096);
  const nodes = tableVector(b, g.nodes.map((n, i) => writeNode(b, n, i)));
  const values = tableVector(b, g.values.map((v, i) => writeValue(b, v, i)));
  const keys = g.constants.map(namedKey);
  const constantTables = [{ key: '', size: 0n }, ...keys.map((key, i) => ({ key, size: BigInt(g.constants[i]!.length) }))].map((c) => {
    const key = c.key === '' ? 0 : b.createString(c.key);
    b.startObject(3);
    b.addFieldInt64(0, 0n, 0n);
    b.addFieldInt64(1, c.size, 0n);
    if (key) b.addFieldOffset(2, key, 0);
    return b.endObject();
  });
  const constantData = tableVector(b, constantTables);
  const inputs = u32Vector(b, g.inputIds);
  const outputs = u32Vector(b, g.outputIds);
  const version = b.createString('0');
  b.startObject(9);
  b.addFieldOffset(0, version, 0);
  b.addFieldOffset(1, nodes, 0);
  b.addFieldOffset(2, values, 0);
  b.addFieldInt32(3, g.inputIds.length + g.outputIds.length, 0);
  b.addFieldOffset(4, inputs, 0);
  b.addFieldOffset(5, outputs, 0);
  b.addFieldOffset(8, constantData, 0);
  b.finish(b.endObject(), 'XN01');
  const fb = b.asUint8Array();
  const constantOffset = FB_OFFSET + Math.ceil(fb.length / 16) * 16;
  const payload = new Uint8Array(constantOffset);
  const dv = new DataView(payload.buffer);
  payload.set([0x58, 0x48, 0x30, 0x30], 4);  // XH00
  dv.setUint16(8, HEADER, true);
  dv.setUint32(10, FB_OFFSET, true);
  dv.setUint32(14, fb.length, true);
  dv.setUint32(18, constantOffset, true);
  dv.setBigUint64(22, 0n, true);
  payload.set(fb, FB_OFFSET);
  return { payload, namedData: keys.map((key, i) => ({ key, data: g.constants[i]! })) };
}
