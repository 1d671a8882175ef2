/**
 * Reads an XNNPACK delegate payload (`BackendDelegate.id == "XnnpackBackend"`):
 * the optional `XH00` header, then the `XNNGraph` flatbuffer (identifier XN01
 * or XN00). Field names follow ExecuTorch's runtime_schema.fbs; the format is
 * described in docs/backends.md. Every read is bounds-checked (ProgramFormatError).
 *
 *   const d = readProgram(bytes).methods[0].delegates[0];
 *   const g = readXnnpackPayload(bytes.subarray(d.payloadOffset, d.payloadOffset + d.payloadSize));
 *   g.nodes[0].kind;                 // 'XNNConv2d'
 *   g.values[2].quant;               // { kind: 'per_tensor', scale, zeroPoint } | ...
 */
import { ProgramFormatError } from '../errors.js';
import { CheckedByteBuffer } from './checked-buffer.js';

export const XNN_NODE_KINDS = [
  'XNNAdd', 'XNNFullyConnected', 'XNNSoftmax', 'XNNSigmoid', 'XNNStaticTranspose', 'XNNClamp', 'XNNConv2d', 'XNNDiv',
  'XNNStaticResizeBilinear2D', 'XNNStaticConstantPad', 'XNNAvgPooling2d', 'XNNMinimum', 'XNNDepthwiseConv2d',
  'XNNMaxPooling2d', 'XNNMultiply', 'XNNSubtract', 'XNNFloor', 'XNNConvert', 'XNNGlobalAvgPooling2d',
  'XNNStaticReshape', 'XNNArgMaxPooling2d', 'XNNSquareRoot', 'XNNCeiling', 'XNNHardswish', 'XNNLeakyReLU',
  'XNNMaximum', 'XNNNegate', 'XNNSquare', 'XNNELU', 'XNNAbs', 'XNNPReLU', 'XNNConcatenate2', 'XNNConcatenate3',
  'XNNConcatenate4', 'XNNStaticSlice', 'XNNScaledDotProductAttention', 'XNNBatchMatrixMultiply', 'XNNConcatenate5',
  'XNNConvTranspose2d', 'XNNReciprocalSquareRoot', 'XNNLog', 'XNNGelu', 'XNNTanh', 'XNNExp', 'XNNSin', 'XNNCopy',
  'XNNCos',
] as const;

export const XNN_DATATYPES = [
  'invalid', 'fp32', 'fp16', 'qint8', 'quint8', 'qint32', 'qcint8', 'qcint32', 'qcint4', 'qdint8', 'qbint4', 'qpint8',
  'int32', 'pfp32', 'bf16',
] as const;

/** Field kinds of a node table: u = uint32, i = int32, f = float32, l = [uint32]. */
type FieldKind = 'u' | 'i' | 'f' | 'l';
const N1x1: [string, FieldKind][] = [['input_id', 'u'], ['output_id', 'u'], ['flags', 'u']];
const N2x1: [string, FieldKind][] = [['input1_id', 'u'], ['input2_id', 'u'], ['output_id', 'u'], ['flags', 'u']];
const CAT: [string, FieldKind][] = [['axis', 'u'], ['input1_id', 'u'], ['input2_id', 'u'], ['input3_id', 'u'], ['input4_id', 'u'],
  ['output_id', 'u'], ['flags', 'u'], ['input5_id', 'u']];
const CONV: [string, FieldKind][] = ['padding_top', 'padding_right', 'padding_bottom', 'padding_left', 'kernel_height',
  'kernel_width', 'subsampling_height', 'subsampling_width', 'dilation_height', 'dilation_width', 'group_input_channels',
  'group_output_channels', 'groups', 'adjustment_height', 'adjustment_width', 'input1_id', 'filter_id', 'bias_id',
  'output_id', 'flags'].map((n) => [n, 'u']);
const POOL: [string, FieldKind][] = ['padding_top', 'padding_right', 'padding_bottom', 'padding_left', 'pooling_height',
  'pooling_width', 'stride_height', 'stride_width', 'dilation_height', 'dilation_width', 'input_id', 'output_id', 'flags']
  .map((n) => [n, 'u']);

/** The field table of each node kind, in slot order. */
export function fieldsOf(kind: string): [string, FieldKind][] {
  switch (kind) {
    case 'XNNFullyConnected': return [['input1_id', 'u'], ['filter_id', 'u'], ['bias_id', 'u'], ['output_id', 'u'], ['flags', 'u']];
    case 'XNNConv2d': case 'XNNDepthwiseConv2d': case 'XNNConvTranspose2d': return CONV;
    case 'XNNAvgPooling2d': case 'XNNMaxPooling2d': return POOL;
    case 'XNNStaticTranspose': return [['num_dims', 'u'], ['perm', 'l'], ['input_id', 'u'], ['output_id', 'u'], ['flags', 'u']];
    case 'XNNStaticReshape': return [['num_dims', 'u'], ['new_shape', 'l'], ['input_id', 'u'], ['output_id', 'u'], ['flags', 'u']];
    case 'XNNStaticSlice': return [['num_dims', 'u'], ['offsets', 'l'], ['sizes', 'l'], ['input_id', 'u'], ['output_id', 'u'], ['flags', 'u']];
    case 'XNNStaticConstantPad': return [['pre_paddings', 'l'], ['post_paddings', 'l'], ['padding_value', 'f'], ['input_id', 'u'],
      ['output_id', 'u'], ['flags', 'u']];
    case 'XNNStaticResizeBilinear2D': return [['new_height', 'u'], ['new_width', 'u'], ['input_id', 'u'], ['output_id', 'u'], ['flags', 'u']];
    case 'XNNELU': return [['alpha', 'f'], ['input_id', 'u'], ['output_id', 'u'], ['flags', 'u']];
    case 'XNNLeakyReLU': return [['negative_slope', 'f'], ['input_id', 'u'], ['output_id', 'u'], ['flags', 'u']];
    case 'XNNArgMaxPooling2d': return [...POOL.slice(0, 6), ['input_id', 'u'], ['output_value_id', 'u'], ['output_index_id', 'u'], ['flags', 'u']];
    case 'XNNScaledDotProductAttention': return ['query_id', 'key_id', 'value_id', 'scale_id', 'mask_id', 'output_id', 'flags']
      .map((n) => [n, 'u']);
    case 'XNNConcatenate2': case 'XNNConcatenate3': case 'XNNConcatenate4': case 'XNNConcatenate5': return CAT;
    case 'XNNAdd': case 'XNNDiv': case 'XNNMinimum': case 'XNNMaximum': case 'XNNMultiply': case 'XNNSubtract':
    case 'XNNPReLU': case 'XNNBatchMatrixMultiply': return N2x1;
    default: return N1x1;
  }
}

export type XnnQuant =
  | { kind: 'per_tensor'; scale: number; zeroPoint: number }
  | { kind: 'per_channel'; scales: number[]; channelDim: number; scaleBufferIndex: number }
  | { kind: 'per_token'; numNonbatchDims: number }
  | { kind: 'per_channel_group'; channelDim: number; groupSize: number; scaleBufferIndex: number };

export interface XnnValueInfo {
  id: number;
  datatype: string;
  dims: number[];
  /** Index into constantData (0 = not a constant). */
  constantIndex: number;
  externalId: number;
  /** 1 = external input, 2 = external output. */
  flags: number;
  quant: XnnQuant | null;
}

export interface XnnNodeInfo {
  kind: string;
  debugHandle: number;
  /** The fused output clamp, or null when absent (unbounded). */
  outputMinMax: [number, number] | null;
  fields: Record<string, number | number[]>;
}

export interface XnnGraphInfo {
  /** The XH00 header, or null for an old payload that is a bare flatbuffer. */
  header: { flatbufferOffset: number; flatbufferSize: number; constantDataOffset: number; constantDataSize: number } | null;
  identifier: string;
  version: string;
  nodes: XnnNodeInfo[];
  values: XnnValueInfo[];
  numExterns: number;
  inputIds: number[];
  outputIds: number[];
  /** constant_data entries: a named-data key, or an offset into the payload's constant section. */
  constantData: { offset: bigint; size: bigint; namedKey: string }[];
}

class Tbl {
  constructor(readonly bb: CheckedByteBuffer, readonly pos: number) {}
  private field(slot: number): number {
    return this.bb.__offset(this.pos, 4 + 2 * slot);
  }
  u8(slot: number, d = 0): number {
    const o = this.field(slot);
    return o ? this.bb.readUint8(this.pos + o) : d;
  }
  i16(slot: number, d = 0): number {
    const o = this.field(slot);
    return o ? this.bb.readInt16(this.pos + o) : d;
  }
  u32(slot: number, d = 0): number {
    const o = this.field(slot);
    return o ? this.bb.readUint32(this.pos + o) : d;
  }
  i32(slot: number, d = 0): number {
    const o = this.field(slot);
    return o ? this.bb.readInt32(this.pos + o) : d;
  }
  f32(slot: number, d = 0): number {
    const o = this.field(slot);
    return o ? this.bb.readFloat32(this.pos + o) : d;
  }
  u64(slot: number): bigint {
    const o = this.field(slot);
    return o ? this.bb.readUint64(this.pos + o) : 0n;
  }
  str(slot: number): string {
    const o = this.field(slot);
    return o ? (this.bb.__string(this.pos + o) as string) : '';
  }
  table(slot: number): Tbl | null {
    const o = this.field(slot);
    return o ? new Tbl(this.bb, this.bb.__indirect(this.pos + o)) : null;
  }
  tables(slot: number): Tbl[] {
    const o = this.field(slot);
    if (!o) return [];
    const n = this.bb.__vector_len(this.pos + o);
    const start = this.bb.__vector(this.pos + o);
    return Array.from({ length: n }, (_, i) => new Tbl(this.bb, this.bb.__indirect(start + 4 * i)));
  }
  list(slot: number, kind: 'u32' | 'f32'): number[] {
    const o = this.field(slot);
    if (!o) return [];
    const n = this.bb.__vector_len(this.pos + o);
    const start = this.bb.__vector(this.pos + o);
    if (n * 4 + start > this.bb.capacity()) throw new ProgramFormatError(`vector of ${n} words runs past the flatbuffer`);
    return Array.from({ length: n }, (_, i) => (kind === 'u32' ? this.bb.readUint32(start + 4 * i) : this.bb.readFloat32(start + 4 * i)));
  }
}

function readQuant(q: Tbl): XnnQuant | null {
  const type = q.u8(1);
  const p = q.table(2);
  if (p === null) return null;
  switch (type) {
    case 1: return { kind: 'per_channel', scales: p.list(0, 'f32'), channelDim: p.i32(1), scaleBufferIndex: p.u32(2) };
    case 2: return { kind: 'per_tensor', scale: p.f32(0), zeroPoint: p.i32(1) };
    case 3: return { kind: 'per_token', numNonbatchDims: p.i32(0) };
    case 4: return { kind: 'per_channel_group', channelDim: p.i32(1), groupSize: p.i32(2), scaleBufferIndex: p.u32(4) };
    default: throw new ProgramFormatError(`quant_params type ${type} is unknown`);
  }
}

function readValue(xv: Tbl, i: number): XnnValueInfo {
  const type = xv.u8(0);
  const body = xv.table(1);
  if (body === null || (type !== 1 && type !== 2)) throw new ProgramFormatError(`xvalues[${i}]: union type ${type} without a value`);
  const tv = type === 1 ? body : body.table(0);
  if (tv === null) throw new ProgramFormatError(`xvalues[${i}]: quantized value without tensor_value`);
  const dt = tv.i16(0);
  return {
    id: tv.u32(6),
    datatype: XNN_DATATYPES[dt] ?? `unknown(${dt})`,
    dims: tv.list(2, 'u32'),
    constantIndex: tv.u32(3),
    externalId: tv.u32(4),
    flags: tv.u32(5),
    quant: type === 2 ? readQuant(body) : null,
  };
}

function readNode(xn: Tbl, i: number): XnnNodeInfo {
  const type = xn.u8(0);
  const kind = XNN_NODE_KINDS[type - 1];
  const body = xn.table(1);
  if (kind === undefined || body === null) throw new ProgramFormatError(`xnodes[${i}]: union type ${type} is not a node kind`);
  const fields: Record<string, number | number[]> = {};
  fieldsOf(kind).forEach(([name, k], slot) => {
    fields[name] = k === 'l' ? body.list(slot, 'u32') : k === 'f' ? body.f32(slot) : k === 'i' ? body.i32(slot) : body.u32(slot);
  });
  const mm = xn.table(3);
  return { kind, debugHandle: xn.u32(2), outputMinMax: mm === null ? null : [mm.f32(0), mm.f32(1)], fields };
}

/** Decodes one XnnpackBackend payload. Throws ProgramFormatError on malformed bytes. */
export function readXnnpackPayload(payload: Uint8Array): XnnGraphInfo {
  if (payload.length < 8) throw new ProgramFormatError(`XNNPACK payload of ${payload.length} bytes is too small`);
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let header: XnnGraphInfo['header'] = null;
  let fb = payload;
  if (String.fromCharCode(...payload.subarray(4, 8)) === 'XH00') {
    if (payload.length < 30) throw new ProgramFormatError(`XH00 header truncated (${payload.length} of 30 bytes)`);
    header = {
      flatbufferOffset: dv.getUint32(10, true),
      flatbufferSize: dv.getUint32(14, true),
      constantDataOffset: dv.getUint32(18, true),
      constantDataSize: Number(dv.getBigUint64(22, true)),
    };
    if (header.flatbufferOffset + header.flatbufferSize > payload.length) {
      throw new ProgramFormatError(`flatbuffer at ${header.flatbufferOffset} (+${header.flatbufferSize}) runs past the ${payload.length}-byte payload`);
    }
    fb = payload.subarray(header.flatbufferOffset, header.flatbufferOffset + header.flatbufferSize);
  }
  if (fb.length < 8) throw new ProgramFormatError(`XNNGraph flatbuffer of ${fb.length} bytes is too small`);
  const identifier = String.fromCharCode(...fb.subarray(4, 8));
  if (identifier !== 'XN01' && identifier !== 'XN00') throw new ProgramFormatError(`XNNGraph identifier is '${identifier}', expected XN01 or XN00`);
  const bb = new CheckedByteBuffer(fb, 'XNNGraph flatbuffer');
  const root = new Tbl(bb, bb.readInt32(0));
  return {
    header,
    identifier,
    version: root.str(0),
    nodes: root.tables(1).map(readNode),
    values: root.tables(2).map(readValue),
    numExterns: root.u32(3),
    inputIds: root.list(4, 'u32'),
    outputIds: root.list(5, 'u32'),
    constantData: root.tables(8).map((c) => ({ offset: c.u64(0), size: c.u64(1), namedKey: c.str(2) })),
  };
}
