/**
 * Helpers for the XnnpackBackend tests: the delegate payload and named-data
 * weights of a real program (read with program/read), deterministic inputs,
 * and a minimal FlatBuffers navigator that finds the byte position of one
 * field, so hostile tests can corrupt exactly that field.
 */
import { readProgram } from '../../program/index.js';
import { readXnnpackPayload, type XnnGraphInfo, type XnnValueInfo } from '../../program/read/read-xnnpack.js';

export interface Delegated {
  bytes: Uint8Array;
  /** Absolute offset of the payload in `bytes`. */
  payloadOffset: number;
  payload: Uint8Array;
  graph: XnnGraphInfo;
  /** Absolute offset of the XNNGraph flatbuffer in `bytes`. */
  flatbufferOffset: number;
}

export function delegated(bytes: Uint8Array): Delegated {
  const info = readProgram(bytes);
  const d = info.methods[0]!.delegates[0]!;
  const payloadOffset = d.payloadOffset!;
  const payload = bytes.subarray(payloadOffset, payloadOffset + d.payloadSize);
  const graph = readXnnpackPayload(payload);
  return { bytes, payloadOffset, payload, graph, flatbufferOffset: payloadOffset + (graph.header?.flatbufferOffset ?? 0) };
}

/** The float32 weights of a constant value, from the program's named data. */
export function constantF32(bytes: Uint8Array, g: XnnGraphInfo, v: XnnValueInfo): Float64Array {
  const raw = constantBytes(bytes, g, v);
  return Float64Array.from(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)));
}

export function constantBytes(bytes: Uint8Array, g: XnnGraphInfo, v: XnnValueInfo): Uint8Array {
  const entry = g.constantData[v.constantIndex];
  if (entry === undefined || entry.namedKey === '') throw new Error(`value ${v.id} is not named data`);
  const info = readProgram(bytes);
  const named = info.namedData.find((n) => n.key === entry.namedKey);
  if (named === undefined) throw new Error(`named data ${entry.namedKey} is missing`);
  const s = info.segments[named.segmentIndex]!;
  return bytes.subarray(s.fileOffset!, s.fileOffset! + Number(entry.size));
}

/** Deterministic values in [-1, 1) (an LCG; independent of etrun's random inputs). */
export function inputValues(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround(s / 2 ** 31 - 1);
  });
}

/** Position (in `fb`) of field `slot` of the table at `table`, or 0 when absent. */
export function fieldPos(fb: DataView, table: number, slot: number): number {
  const vt = table - fb.getInt32(table, true);
  const vlen = fb.getUint16(vt, true);
  const at = 4 + 2 * slot;
  if (at >= vlen) return 0;
  const off = fb.getUint16(vt + at, true);
  return off === 0 ? 0 : table + off;
}

/** The table an offset field at `pos` points to. */
export function deref(fb: DataView, pos: number): number {
  return pos + fb.getUint32(pos, true);
}

/** Element `i` (a table) of the vector of tables in field `slot` of `table`. */
export function tableAt(fb: DataView, table: number, slot: number, i: number): number {
  const vec = deref(fb, fieldPos(fb, table, slot));
  return deref(fb, vec + 4 + 4 * i);
}

/** Root table and a DataView of the program's XNNGraph flatbuffer. */
export function graphView(d: Delegated): { fb: DataView; root: number } {
  const size = d.graph.header?.flatbufferSize ?? d.payload.length;
  const fb = new DataView(d.bytes.buffer, d.bytes.byteOffset + d.flatbufferOffset, size);
  return { fb, root: fb.getUint32(0, true) };
}
