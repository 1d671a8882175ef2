/**
 * The XNNPACK graph of one delegated run while it is being built: program values map to XNN
 * values in one or both layouts. The program's 4-D tensors are NCHW; convolution and pooling
 * nodes want NHWC, so `get(v, 'nhwc')` inserts a transpose once and reuses it (the exporter's
 * real payloads do the same around their convolutions). Constants become named-data constants.
 */
import type { MethodSpec, TensorSpec } from '../spec.js';
import type { XnnGraphSpec, XnnNode, XnnPerTensorQuant, XnnTensor } from './xnn-payload.js';

export type Layout = 'nchw' | 'nhwc';
export const NO_VALUE = 0xffffffff;

export const toNhwc = (s: readonly number[]): number[] => (s.length === 4 ? [s[0]!, s[2]!, s[3]!, s[1]!] : [...s]);

/** Float32 elements of a constant tensor (a copy, so it is aligned). */
export function f32Data(t: TensorSpec): Float32Array {
  return new Float32Array(t.data!.slice().buffer);
}

/** NCHW float32 data reordered to NHWC. */
export function nchwToNhwc(data: Float32Array, s: readonly number[]): Float32Array {
  const [n, c, h, w] = s as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let a = 0; a < n; a++) for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    out[((a * h + y) * w + x) * c + ch] = data[((a * c + ch) * h + y) * w + x]!;
  }
  return out;
}

export class XnnGraphBuilder {
  readonly values: XnnTensor[] = [];
  readonly nodes: XnnNode[] = [];
  readonly constants: Uint8Array[] = [];
  /** Program values read from outside the run, in first-use order: the delegate's inputs. */
  readonly externalInputs: number[] = [];
  /** fp32 copies (XNNConvert outputs) of quantized values, by XNN id. */
  readonly floats = new Map<number, number>();
  private readonly ids = new Map<number, Partial<Record<Layout, number>>>();

  constructor(private readonly m: MethodSpec) {}

  tensor(v: number): TensorSpec {
    const s = this.m.values[v];
    if (s?.kind !== 'Tensor') throw new Error(`value ${v} is not a tensor`);
    return s.tensor;
  }

  /** A new intermediate value; `like` gives its datatype and quantization (fp32 without it). */
  internal(dims: readonly number[], like?: number): number {
    const src = like === undefined ? undefined : this.values[like];
    const v: XnnTensor = { datatype: src?.datatype ?? 'fp32', dims: [...dims], constantIndex: 0, flags: 0, externalId: NO_VALUE };
    if (src?.quant) v.quant = { ...src.quant };
    return this.values.push(v) - 1;
  }

  constant(dims: readonly number[], data: Float32Array | Int8Array | Int32Array, datatype: XnnTensor['datatype'] = 'fp32', quant?: XnnPerTensorQuant): number {
    const index = this.constants.push(new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)));
    const v: XnnTensor = { datatype, dims: [...dims], constantIndex: index, flags: 0, externalId: NO_VALUE };
    if (quant) v.quant = { ...quant };
    return this.values.push(v) - 1;
  }

  node(kind: XnnNode['kind'], fields: XnnNode['fields'], outputMinMax?: [number, number]): void {
    this.nodes.push(outputMinMax ? { kind, fields, outputMinMax } : { kind, fields });
  }

  /** Makes program value `to` another name for everything `from` is in the graph (a fused or folded op). */
  alias(from: number, to: number): void {
    this.ids.set(to, { ...(this.ids.get(from) ?? {}) });
  }

  /** The node that writes XNN value `id`, or undefined (an input or constant). */
  producer(id: number): XnnNode | undefined {
    return this.nodes.find((n) => n.fields['output_id'] === id);
  }

  /**
   * Program value `v` when the graph has it in one layout only, written by a node: that value's
   * id and its node (what a fused clamp or a quantize may rewrite), or null.
   */
  written(v: number): { id: number; node: XnnNode } | null {
    const e = this.ids.get(v);
    if (e === undefined || Object.keys(e).length !== 1) return null;
    const id = (e.nhwc ?? e.nchw)!;
    const node = this.producer(id);
    return node ? { id, node } : null;
  }

  /**
   * Program value `v` (an int8 tensor outside this run) as a qint8 external input with `quant`,
   * unless the graph has it already.
   */
  quantizedInput(v: number, quant: XnnPerTensorQuant): void {
    if (this.ids.has(v)) return;
    const t = this.tensor(v);
    const id = this.values.push({ datatype: 'qint8', quant: { ...quant }, dims: [...t.shape], constantIndex: 0, flags: 1, externalId: this.externalInputs.length }) - 1;
    this.externalInputs.push(v);
    this.set(v, id, 'nchw');
  }

  /** The layout `v` already has in the graph (NHWC preferred), or null when it is not there yet. */
  layoutOf(v: number): Layout | null {
    const e = this.ids.get(v);
    return e?.nhwc !== undefined ? 'nhwc' : e?.nchw !== undefined ? 'nchw' : null;
  }

  set(v: number, id: number, layout: Layout): void {
    const rank = this.tensor(v).shape.length;
    this.ids.set(v, { ...(this.ids.get(v) ?? {}), [rank === 4 ? layout : 'nchw']: id });
  }

  /** The XNN value holding program value `v` in `layout` (only 4-D tensors have two). */
  get(v: number, layout: Layout): number {
    const t = this.tensor(v);
    const want: Layout = t.shape.length === 4 ? layout : 'nchw';
    let e = this.ids.get(v);
    if (e === undefined) {
      if (t.data !== undefined) {
        const data = f32Data(t);
        const id = want === 'nhwc' ? this.constant(toNhwc(t.shape), nchwToNhwc(data, t.shape)) : this.constant(t.shape, data);
        this.set(v, id, want);
        return id;
      }
      if (t.dtype !== 'float32') throw new Error(`value ${v} (${t.dtype}) reached the graph without its quantization`);
      const id = this.values.push({ datatype: 'fp32', dims: [...t.shape], constantIndex: 0, flags: 1, externalId: this.externalInputs.length }) - 1;
      this.externalInputs.push(v);
      this.set(v, id, 'nchw');
      e = this.ids.get(v)!;
    }
    const have = e[want];
    if (have !== undefined) return have;
    const from = want === 'nhwc' ? e.nchw! : e.nhwc!;
    const id = this.internal(want === 'nhwc' ? toNhwc(t.shape) : t.shape, from);
    this.node('XNNStaticTranspose', { num_dims: 4, perm: want === 'nhwc' ? [0, 2, 3, 1] : [0, 3, 1, 2], input_id: from, output_id: id, flags: 0 });
    this.set(v, id, want);
    return id;
  }

  /**
   * Marks program values as the delegate's outputs (NCHW, as the rest of the program reads them).
   * A float32 program value the graph holds quantized (a dequantize folded into its readers) is
   * converted back to fp32 for the program.
   */
  finish(outputs: readonly number[]): XnnGraphSpec {
    const nin = this.externalInputs.length;
    const outputIds = outputs.map((v, i) => {
      let id = this.get(v, 'nchw');
      if (this.tensor(v).dtype === 'float32' && this.values[id]!.datatype !== 'fp32') {
        const to = this.internal(this.tensor(v).shape);
        this.node('XNNConvert', { input_id: id, output_id: to, flags: 0 });
        id = to;
      }
      this.values[id]!.flags = 2;
      this.values[id]!.externalId = nin + i;
      return id;
    });
    const inputIds = this.externalInputs.map((v) => this.ids.get(v)!.nchw!);
    return { values: this.values, nodes: this.nodes, inputIds, outputIds, constants: this.constants };
  }
}
