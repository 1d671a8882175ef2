/**
 * Quantized (PT2E int8) programs for the XNNPACK partitioner: the `dequantize -> op -> quantize`
 * patterns of the zoo's int8 programs become qint8 XNN nodes, as ExecuTorch's XNNPACK partitioner
 * lowers them. In the graph a dequantized activation is the quantized value itself (its readers
 * take the qint8 value); a dequantized int8 constant is folded into the convolution or fully
 * connected node that reads it as its filter; a quantize right after the node that alone produced
 * its input turns that node's output into qint8 (no XNNConvert), and any other quantize is an
 * XNNConvert fp32 -> qint8. Only per-tensor int8 in [-128, 127] is taken.
 */
import type { MethodSpec, TensorSpec } from '../spec.js';
import type { Layout, XnnGraphBuilder } from './xnn-graph.js';
import type { XnnPerTensorQuant } from './xnn-payload.js';
import type { OpContext, Planned } from './xnn-ops.js';

export const QUANTIZE = 'quantized_decomposed::quantize_per_tensor.out';
export const DEQUANTIZE = 'quantized_decomposed::dequantize_per_tensor.out';
const INT8 = 1;  // ScalarType Char

function tensor(m: MethodSpec, v: number): TensorSpec | null {
  const s = m.values[v];
  return s?.kind === 'Tensor' ? s.tensor : null;
}

const staticOf = (m: MethodSpec, v: number, dtype: string): TensorSpec | null => {
  const t = tensor(m, v);
  return t && t.dtype === dtype && (t.dynamism ?? 'static') === 'static' && !t.initialData && !t.external ? t : null;
};

function scalar(m: MethodSpec, v: number): number | null | undefined {
  const s = m.values[v];
  if (s?.kind === 'Null') return null;
  if (s?.kind === 'Int' || s?.kind === 'Double') return Number(s.value);
  return undefined;
}

/** The per-tensor parameters of a quantize/dequantize instruction, or null when they are not int8 [-128, 127]. */
export function quantParams(c: OpContext, k: number): XnnPerTensorQuant | null {
  const a = c.args(k);
  const [scale, zp, lo, hi, dtype] = [1, 2, 3, 4, 5].map((i) => scalar(c.m, a[i]!));
  if (typeof scale !== 'number' || !(scale > 0) || typeof zp !== 'number' || lo !== -128 || hi !== 127 || dtype !== INT8) return null;
  if (c.opName(k) === DEQUANTIZE && scalar(c.m, a[6]!) !== null) return null;  // out_dtype other than the default
  return { scale: Math.fround(scale), zeroPoint: zp };
}

/** Instructions that read `v`: name it other than as their out argument (out and return value end a kernel's arguments). */
export function readers(c: OpContext, v: number): number[] {
  return c.users(v, -1).filter((j) => {
    const a = c.args(j);
    if (c.opName(j) === null) return true;  // a delegate or a move: counted as a reader, conservatively
    const outs = a.length >= 2 && a.at(-1) === a.at(-2) ? 2 : 1;
    return a.slice(0, a.length - outs).includes(v);
  });
}

/** Whether one instruction only reads `v` and `v` is not a method output. */
export function onlyReader(c: OpContext, v: number): boolean {
  return readers(c, v).length === 1 && !c.m.outputs.includes(v);
}

/** The instruction writing `v` as its out argument, or -1. */
function writer(c: OpContext, v: number): number {
  return c.users(v, -1).find((j) => c.opName(j) !== null && c.args(j).at(-1) === v) ?? -1;
}

export interface QuantizedConstant {
  shape: number[];
  data: Int8Array;
  quant: XnnPerTensorQuant;
}

/** `v` when it is the dequantized copy of an int8 constant with zero point 0 (a PT2E weight). */
export function quantizedConstant(c: OpContext, v: number): QuantizedConstant | null {
  const k = writer(c, v);
  if (k < 0 || c.opName(k) !== DEQUANTIZE) return null;
  const src = c.args(k)[0]!;
  const t = staticOf(c.m, src, 'int8');
  const q = quantParams(c, k);
  if (!t || t.data === undefined || !q || q.zeroPoint !== 0 || !staticOf(c.m, v, 'float32')) return null;
  return { shape: [...t.shape], data: new Int8Array(t.data.slice().buffer), quant: q };
}

/** The float values of a quantized constant. */
export function dequantized(q: QuantizedConstant): Float32Array {
  return Float32Array.from(q.data, (x) => Math.fround(q.quant.scale * (x - q.quant.zeroPoint)));
}

const CLAMPS = new Set(['aten::relu.out', 'aten::hardtanh.out', 'aten::clamp.out']);

/**
 * Whether the node writing `out` (instruction `k`) will have a qint8 output: its only reader is a
 * quantize the partitioner takes, possibly through one clamp that is fused into the node.
 */
export function quantizedOutput(c: OpContext, out: number): boolean {
  if (c.m.outputs.includes(out)) return false;
  const r = readers(c, out);
  if (r.length !== 1) return false;
  const j = r[0]!;
  if (c.opName(j) === QUANTIZE) return quantParams(c, j) !== null && staticOf(c.m, c.args(j).at(-1)!, 'int8') !== null;
  return CLAMPS.has(c.opName(j)!) && quantizedOutput(c, c.args(j).at(-1)!);
}

/** The XNN value of `v` in `layout` as fp32 (an XNNConvert when the graph holds it quantized). */
export function floatValue(g: XnnGraphBuilder, v: number, layout: Layout): number {
  const id = g.get(v, layout);
  if (g.values[id]!.datatype === 'fp32') return id;
  const have = g.floats.get(id);
  if (have !== undefined) return have;
  const to = g.internal(g.values[id]!.dims);
  g.node('XNNConvert', { input_id: id, output_id: to, flags: 0 });
  g.floats.set(id, to);
  return to;
}

/** Readers of `v` consume it quantized when their output is quantized, as fp32 otherwise. */
export function operand(g: XnnGraphBuilder, v: number, layout: Layout, quantized: boolean): number {
  return quantized ? g.get(v, layout) : floatValue(g, v, layout);
}

function planQuantize(c: OpContext, k: number): Planned | null {
  const a = c.args(k);
  const x = a[0]!;
  const out = a.at(-1)!;
  const q = quantParams(c, k);
  if (!q || !staticOf(c.m, x, 'float32') || !staticOf(c.m, out, 'int8')) return null;
  return {
    reads: [x], writes: [out],
    emit(g) {
      const w = g.written(x);
      const value = w ? g.values[w.id]! : undefined;
      // Only a node that already reads quantized values can write quantized ones.
      const inputs = w ? ['input_id', 'input1_id', 'input2_id'].map((f) => w.node.fields[f]).filter((i) => typeof i === 'number') : [];
      const quantizedNode = inputs.length > 0 && inputs.every((i) => g.values[i as number]?.datatype === 'qint8');
      if (value && quantizedNode && value.datatype === 'fp32' && value.flags === 0 && onlyReader(c, x)) {
        value.datatype = 'qint8';  // the producer writes the quantized values directly
        value.quant = { ...q };
        g.alias(x, out);
        return;
      }
      const layout = g.layoutOf(x) ?? 'nchw';
      const from = floatValue(g, x, layout);
      const to = g.internal(g.values[from]!.dims);
      Object.assign(g.values[to]!, { datatype: 'qint8', quant: { ...q } });
      g.node('XNNConvert', { input_id: from, output_id: to, flags: 0 });
      g.set(out, to, layout);
    },
  };
}

function planDequantize(c: OpContext, k: number, plan: (c: OpContext, k: number) => Planned | null): Planned | null {
  const a = c.args(k);
  const [y, out] = [a[0]!, a.at(-1)!];
  const q = quantParams(c, k);
  if (!q || !staticOf(c.m, y, 'int8') || !staticOf(c.m, out, 'float32')) return null;
  if (tensor(c.m, y)!.data !== undefined) {
    // A weight: folded into its readers, which must all be lowered in this same run.
    const r = readers(c, out);
    if (quantizedConstant(c, out) === null || r.length === 0 || c.m.outputs.includes(out)) return null;
    const last = Math.max(...r);
    for (let j = k + 1; j <= last; j++) if (plan(c, j) === null) return null;
    return { reads: [], writes: [out], emit() {} };
  }
  // An activation: written by a quantize with the same parameters, or from outside the method.
  const w = writer(c, y);
  if (w >= 0) {
    const wq = c.opName(w) === QUANTIZE ? quantParams(c, w) : null;
    if (!wq || wq.scale !== q.scale || wq.zeroPoint !== q.zeroPoint) return null;
  }
  return {
    reads: [y], writes: [out],
    emit(g) {
      g.quantizedInput(y, q);
      g.alias(y, out);
    },
  };
}

/** The plan of a quantize/dequantize instruction, or undefined when `k` is neither. */
export function planQuant(c: OpContext, k: number, plan: (c: OpContext, k: number) => Planned | null): Planned | null | undefined {
  const name = c.opName(k);
  if (name === QUANTIZE) return planQuantize(c, k);
  if (name === DEQUANTIZE) return planDequantize(c, k, plan);
  return undefined;
}
