/**
 * Which portable operators the XNNPACK partitioner takes, and the XNN nodes each becomes.
 * `plan` looks at one KernelCall and answers null (keep it portable) or what it reads, what it
 * writes and how to emit it. Two patterns are folded as ExecuTorch's exporter folds them:
 * a permute_copy([1, 0]) of a constant weight feeding the next addmm/mm (the weight is used
 * as the fully connected filter directly), and a batch norm right after the convolution that
 * alone feeds it (its scale and shift go into the convolution's filter and bias).
 */
import type { MethodSpec, TensorSpec } from '../spec.js';
import { f32Data, NO_VALUE, toNhwc, type Layout, type XnnGraphBuilder } from './xnn-graph.js';
import { dequantized, floatValue, onlyReader, operand, planQuant, quantizedConstant, quantizedOutput, type QuantizedConstant } from './xnn-quant.js';

export interface Planned {
  /** Program tensors the node reads (constants included). */
  reads: number[];
  /** Program tensors it writes. */
  writes: number[];
  emit(g: XnnGraphBuilder): void;
}

export interface OpContext {
  m: MethodSpec;
  opName(k: number): string | null;
  args(k: number): number[];
  /** Instructions (other than `k`) that name value `v`. */
  users(v: number, k: number): number[];
}

const INF = Number.POSITIVE_INFINITY;

function tensor(m: MethodSpec, v: number): TensorSpec | null {
  const s = m.values[v];
  return s?.kind === 'Tensor' ? s.tensor : null;
}

function staticF32(m: MethodSpec, v: number): TensorSpec | null {
  const t = tensor(m, v);
  return t && t.dtype === 'float32' && (t.dynamism ?? 'static') === 'static' && !t.initialData && !t.external ? t : null;
}

const isConst = (m: MethodSpec, v: number): boolean => tensor(m, v)?.data !== undefined;

function num(m: MethodSpec, v: number): number | null | undefined {
  const s = m.values[v];
  if (s?.kind === 'Null') return null;
  if (s?.kind === 'Int' || s?.kind === 'Double') return Number(s.value);
  if (s?.kind === 'Bool') return s.value ? 1 : 0;
  return undefined;
}

function ints(m: MethodSpec, v: number): number[] | null {
  const s = m.values[v];
  if (s?.kind !== 'IntList') return null;
  const out = s.items.map((i) => num(m, i));
  return out.every((x): x is number => typeof x === 'number') ? out : null;
}

const pair = (l: number[], d: number): [number, number] => (l.length === 0 ? [d, d] : l.length === 1 ? [l[0]!, l[0]!] : [l[0]!, l[1]!]);

const FUSES_CLAMP = new Set(['XNNConv2d', 'XNNDepthwiseConv2d', 'XNNFullyConnected']);

/**
 * A clamp (relu, hardtanh, clamp). Right after the convolution or fully connected node that alone
 * feeds it, it becomes that node's output range, as the exporter fuses it; otherwise an XNNClamp.
 */
function unary(c: OpContext, x: number, out: number, minMax: [number, number]): Planned {
  return {
    reads: [x], writes: [out],
    emit(g) {
      const w = g.written(x);
      if (w && FUSES_CLAMP.has(w.node.kind) && !w.node.outputMinMax && onlyReader(c, x)) {
        w.node.outputMinMax = minMax;
        g.alias(x, out);
        return;
      }
      const layout: Layout = g.layoutOf(x) ?? 'nchw';
      const input = g.get(x, layout);
      const shape = g.tensor(out).shape;
      const oid = g.internal(layout === 'nhwc' ? toNhwc(shape) : shape, input);  // a quantized clamp keeps its parameters
      g.node('XNNClamp', { input_id: input, output_id: oid, flags: 0 }, minMax);
      g.set(out, oid, layout);
    },
  };
}

/** A float32 constant or the dequantized copy of an int8 one (a PT2E weight), or null. */
interface Weight {
  shape: number[];
  f32: () => Float32Array;
  q: QuantizedConstant | null;
}

function weightOf(c: OpContext, v: number): Weight | null {
  const t = staticF32(c.m, v);
  if (t && t.data !== undefined) return { shape: [...t.shape], f32: () => f32Data(t), q: null };
  const q = quantizedConstant(c, v);
  return q ? { shape: q.shape, f32: () => dequantized(q), q } : null;
}

/** `data` (a [rows, cols] matrix) transposed. */
function transpose2d<T extends Float32Array | Int8Array>(data: T, rows: number, cols: number): T {
  const out = new (data.constructor as new (n: number) => T)(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j]!;
  return out;
}

/**
 * The quantized filter and bias of a node whose input is qint8 and whose output will be: the
 * filter's int8 values, the bias in int32 with scale input scale x filter scale (as the
 * exporter stores it). Null when the node runs in fp32.
 */
function quantizedOperands(g: XnnGraphBuilder, input: number, w: Weight, bias: Float32Array | null, filterDims: number[],
  filter: (d: Int8Array) => Int8Array): { fid: number; bid: number } | null {
  const xq = g.values[input]!.quant;
  if (!w.q || !xq || g.values[input]!.datatype !== 'qint8') return null;
  const fid = g.constant(filterDims, filter(w.q.data), 'qint8', w.q.quant);
  if (bias === null) return { fid, bid: NO_VALUE };
  const scale = Math.fround(xq.scale * w.q.quant.scale);
  const b = Int32Array.from(bias, (v) => Math.round(v / scale));
  return { fid, bid: g.constant([bias.length], b, 'qint32', { scale, zeroPoint: 0 }) };
}

/**
 * Filter [out, in] and optional bias for addmm/mm (`w` is [in, out]) or linear (`w` is already
 * [out, in]); null when the operands do not fit.
 */
function fullyConnected(c: OpContext, k: number, bias: number | null, x: number, w: number, out: number, linear = false): Planned | null {
  const { m } = c;
  const xs = tensor(m, x);
  if (!xs || (xs.dtype !== 'float32') || (xs.dynamism ?? 'static') !== 'static' || xs.shape.length === 0 || !staticF32(m, out)) return null;
  if (!linear && xs.shape.length !== 2) return null;
  let weight: Weight | null;
  let transposed: boolean;  // whether the weight's data is [in, out] and needs transposing into the filter
  const prev = k > 0 ? c.opName(k - 1) : null;
  const prevArgs = k > 0 ? c.args(k - 1) : [];
  if (!linear && prev === 'aten::permute_copy.out' && prevArgs[2] === w && foldablePermute(c, k - 1)) {
    weight = weightOf(c, prevArgs[0]!);
    transposed = false;
  } else {
    weight = weightOf(c, w);
    transposed = !linear;
  }
  if (weight === null || weight.shape.length !== 2) return null;
  const [n, kk] = transposed ? [weight.shape[1]!, weight.shape[0]!] : [weight.shape[0]!, weight.shape[1]!];
  if (xs.shape.at(-1) !== kk) return null;
  if (bias !== null && !(isConst(m, bias) && staticF32(m, bias) && tensor(m, bias)!.shape.reduce((a, b) => a * b, 1) === n)) return null;
  const w2 = weight;
  const asFilter = <T extends Float32Array | Int8Array>(d: T): T => (transposed ? transpose2d(d, kk, n) : d);
  const quantOut = quantizedOutput(c, out);
  return {
    reads: bias === null ? [x] : [x, bias], writes: [out],
    emit(g) {
      const b = bias === null ? null : f32Data(tensor(m, bias)!);
      const input = g.get(x, 'nchw');
      const q = quantOut ? quantizedOperands(g, input, w2, b, [n, kk], asFilter) : null;
      const in1 = q ? input : floatValue(g, x, 'nchw');
      const fid = q ? q.fid : g.constant([n, kk], asFilter(w2.f32()));
      const bid = q ? q.bid : b === null ? NO_VALUE : g.constant([n], b);
      const id = g.internal(g.tensor(out).shape);
      g.node('XNNFullyConnected', { input1_id: in1, filter_id: fid, bias_id: bid, output_id: id, flags: 0 });
      g.set(out, id, 'nchw');
    },
  };
}

/** permute_copy([1, 0]) of a constant whose only user is the addmm/mm right after it (as mat2). */
function foldablePermute(c: OpContext, k: number): boolean {
  const [src, dims, out] = c.args(k) as [number, number, number];
  const d = ints(c.m, dims);
  const next = c.opName(k + 1);
  if (weightOf(c, src)?.shape.length !== 2) return false;
  if (!d || d.length !== 2 || ((d[0]! + 2) % 2) !== 1 || ((d[1]! + 2) % 2) !== 0) return false;
  if (next !== 'aten::addmm.out' && next !== 'aten::mm.out') return false;
  const mat2 = next === 'aten::addmm.out' ? c.args(k + 1)[2] : c.args(k + 1)[1];
  const users = c.users(out, k);
  return mat2 === out && users.length === 1 && users[0] === k + 1;
}

/** The batch norm right after convolution `k` that is the only user of its output, or -1. */
function fusedBatchNorm(c: OpContext, k: number): number {
  const out = c.args(k)[9]!;
  if (c.opName(k + 1) !== 'aten::_native_batch_norm_legit_no_training.out') return -1;
  const a = c.args(k + 1);
  const users = c.users(out, k);
  if (a[0] !== out || users.length !== 1 || users[0] !== k + 1) return -1;
  if (![1, 2, 3, 4].every((i) => isConst(c.m, a[i]!) && staticF32(c.m, a[i]!)) || typeof num(c.m, a[6]!) !== 'number') return -1;
  if (c.users(a[8]!, k + 1).length + c.users(a[9]!, k + 1).length > 0 || c.m.outputs.includes(a[8]!) || c.m.outputs.includes(a[9]!)) return -1;
  return k + 1;
}

function convolution(c: OpContext, k: number): Planned | null {
  const { m } = c;
  const [x, w, b, strideV, padV, dilV, transV, , groupsV, out0] = c.args(k) as number[];
  const xs = staticF32(m, x!);
  const weight = weightOf(c, w!);
  if (!xs || xs.shape.length !== 4 || weight?.shape.length !== 4 || !staticF32(m, out0!) || num(m, transV!) !== 0) return null;
  if (num(m, b!) !== null && !(isConst(m, b!) && staticF32(m, b!))) return null;
  const [stride, pad, dil, groups] = [ints(m, strideV!), ints(m, padV!), ints(m, dilV!), num(m, groupsV!)];
  if (!stride || !pad || !dil || typeof groups !== 'number') return null;
  const bn = fusedBatchNorm(c, k);
  // A quantized convolution keeps its own filter: batch norm is folded only into float ones.
  if (bn >= 0 && weight.q) return null;
  const out = bn >= 0 ? c.args(bn)[7]! : out0!;
  const [o, ig, kh, kw] = weight.shape as [number, number, number, number];
  const cin = xs.shape[1]!;
  const depthwise = groups === cin && ig === 1 && groups > 1;
  const [sh, sw] = pair(stride, 1);
  const [ph, pw] = pair(pad, 0);
  const [dh, dw] = pair(dil, 1);
  const quantOut = bn < 0 && quantizedOutput(c, out);
  // Filter layout: OHWI for convolutions, 1HWO (IHWO with I = 1) for depthwise ones.
  const asFilter = <T extends Float32Array | Int8Array>(wd: T): T => {
    const filter = new (wd.constructor as new (n: number) => T)(wd.length);
    for (let oc = 0; oc < o; oc++) for (let i = 0; i < ig; i++) for (let y = 0; y < kh; y++) for (let xx = 0; xx < kw; xx++) {
      const src = ((oc * ig + i) * kh + y) * kw + xx;
      filter[depthwise ? (y * kw + xx) * o + oc : ((oc * kh + y) * kw + xx) * ig + i] = wd[src]!;
    }
    return filter;
  };
  const filterDims = depthwise ? [1, kh, kw, o] : [o, kh, kw, ig];
  return {
    reads: [x!], writes: bn >= 0 ? [out0!, out] : [out0!],
    emit(g) {
      let bias: Float32Array | null = num(m, b!) === null ? null : f32Data(tensor(m, b!)!);
      const input = g.get(x!, 'nhwc');
      const q = quantOut ? quantizedOperands(g, input, weight, bias, filterDims, asFilter) : null;
      let fid: number;
      if (q) {
        fid = q.fid;
      } else {
        const wd = weight.f32();
        if (bn >= 0) {
          const [, gw, gb, mean, variance, , epsV] = c.args(bn) as number[];
          const [gamma, beta, mu, vr] = [gw, gb, mean, variance].map((v) => f32Data(tensor(m, v!)!));
          const eps = num(m, epsV!) as number;
          const per = ig * kh * kw;
          const folded = new Float32Array(o);
          for (let oc = 0; oc < o; oc++) {
            const s = gamma![oc]! / Math.sqrt(vr![oc]! + eps);
            for (let i = 0; i < per; i++) wd[oc * per + i] = wd[oc * per + i]! * s;
            folded[oc] = ((bias ? bias[oc]! : 0) - mu![oc]!) * s + beta![oc]!;
          }
          bias = folded;
        }
        fid = g.constant(filterDims, asFilter(wd));
      }
      const bid = q ? q.bid : bias === null ? NO_VALUE : g.constant([o], bias);
      const in1 = q ? input : floatValue(g, x!, 'nhwc');
      const id = g.internal(toNhwc(g.tensor(out).shape));
      g.node(depthwise ? 'XNNDepthwiseConv2d' : 'XNNConv2d', {
        padding_top: ph, padding_right: pw, padding_bottom: ph, padding_left: pw, kernel_height: kh, kernel_width: kw,
        subsampling_height: sh, subsampling_width: sw, dilation_height: dh, dilation_width: dw,
        group_input_channels: ig, group_output_channels: o / groups, groups, adjustment_height: 0, adjustment_width: 0,
        input1_id: in1, filter_id: fid, bias_id: bid, output_id: id, flags: 0,
      });
      g.set(out, id, 'nhwc');
    },
  };
}

function pool(c: OpContext, k: number, kind: 'XNNMaxPooling2d' | 'XNNAvgPooling2d'): Planned | null {
  const { m } = c;
  const a = c.args(k);
  const [x, ksV, strideV, padV] = a as [number, number, number, number];
  const out = kind === 'XNNMaxPooling2d' ? a[6]! : a[7]!;
  if (staticF32(m, x)?.shape.length !== 4 || !staticF32(m, out)) return null;
  const [ks, stride, pad] = [ints(m, ksV), ints(m, strideV), ints(m, padV)];
  if (!ks || !stride || !pad) return null;
  let dil: number[] = [1, 1];
  if (kind === 'XNNMaxPooling2d') {
    const d = ints(m, a[4]!);
    const indices = a[7]!;
    if (!d || num(m, a[5]!) !== 0 || c.users(indices, k).length > 0 || m.outputs.includes(indices)) return null;
    dil = d;
  } else {
    const [ceil, includePad, divisor] = [num(m, a[4]!), num(m, a[5]!), num(m, a[6]!)];
    if (ceil !== 0 || divisor !== null || (includePad === 1 && pad.some((p) => p !== 0))) return null;
  }
  const [kh, kw] = pair(ks, 1);
  const [sh, sw] = stride.length === 0 ? [kh, kw] : pair(stride, 1);
  const [ph, pw] = pair(pad, 0);
  const [dh, dw] = pair(dil, 1);
  const quantOut = quantizedOutput(c, out);
  return {
    reads: [x], writes: kind === 'XNNMaxPooling2d' ? [out, a[7]!] : [out],
    emit(g) {
      const input = operand(g, x, 'nhwc', quantOut);
      const id = g.internal(toNhwc(g.tensor(out).shape));
      g.node(kind, {
        padding_top: ph, padding_right: pw, padding_bottom: ph, padding_left: pw, pooling_height: kh, pooling_width: kw,
        stride_height: sh, stride_width: sw, dilation_height: dh, dilation_width: dw, input_id: input, output_id: id, flags: 0,
      });
      g.set(out, id, 'nhwc');
    },
  };
}

function binary(c: OpContext, k: number, kind: 'XNNAdd' | 'XNNSubtract' | 'XNNMultiply'): Planned | null {
  const { m } = c;
  const a = c.args(k);
  const [x, y] = a as [number, number];
  const out = a.at(-1)!;
  const shape = staticF32(m, out)?.shape;
  const same = (v: number): boolean => staticF32(m, v)?.shape.join() === shape?.join();
  if (!shape || !same(x) || !same(y)) return null;
  if (kind !== 'XNNMultiply' && num(m, a[2]!) !== 1) return null;
  const quantOut = quantizedOutput(c, out);
  return {
    reads: [x, y], writes: [out],
    emit(g) {
      const layout: Layout = g.layoutOf(x) === 'nhwc' || g.layoutOf(y) === 'nhwc' ? 'nhwc' : 'nchw';
      const [in1, in2] = [operand(g, x, layout, quantOut), operand(g, y, layout, quantOut)];
      const id = g.internal(layout === 'nhwc' ? toNhwc(shape) : shape);
      g.node(kind, { input1_id: in1, input2_id: in2, output_id: id, flags: 0 });
      g.set(out, id, layout);
    },
  };
}

/** A layout node on NCHW data: reshape (view_copy) or transpose (permute_copy). */
function layoutNode(c: OpContext, k: number, kind: 'XNNStaticReshape' | 'XNNStaticTranspose'): Planned | null {
  const { m } = c;
  const [x, listV, out] = c.args(k) as [number, number, number];
  const xs = staticF32(m, x);
  const os = staticF32(m, out);
  const l = ints(m, listV);
  if (!xs || !os || !l || isConst(m, x) || xs.shape.length === 0) return null;
  const rank = xs.shape.length;
  const fields: Record<string, number | number[]> = kind === 'XNNStaticReshape'
    ? { num_dims: os.shape.length, new_shape: os.shape }
    : { num_dims: rank, perm: l.map((d) => (d + rank) % rank) };
  return {
    reads: [x], writes: [out],
    emit(g) {
      const input = g.get(x, 'nchw');
      const id = g.internal(os.shape, input);  // moves values: a quantized input stays quantized
      g.node(kind, { ...fields, input_id: input, output_id: id, flags: 0 });
      g.set(out, id, 'nchw');
    },
  };
}

/** What instruction `k` becomes in an XNNPACK graph, or null when it stays portable. */
export function plan(c: OpContext, k: number): Planned | null {
  const { m } = c;
  const name = c.opName(k);
  const a = c.args(k);
  const quant = planQuant(c, k, plan);
  if (quant !== undefined) return quant;
  switch (name) {
    case 'aten::relu.out':
      return staticF32(m, a[0]!) && staticF32(m, a[1]!) ? unary(c, a[0]!, a[1]!, [0, INF]) : null;
    case 'aten::hardtanh.out':
    case 'aten::clamp.out': {
      const [lo, hi] = [num(m, a[1]!), num(m, a[2]!)];
      if (!staticF32(m, a[0]!) || !staticF32(m, a[3]!) || lo === undefined || hi === undefined) return null;
      return unary(c, a[0]!, a[3]!, [lo ?? -INF, hi ?? INF]);
    }
    case 'aten::add.out': return binary(c, k, 'XNNAdd');
    case 'aten::sub.out': return binary(c, k, 'XNNSubtract');
    case 'aten::mul.out': return binary(c, k, 'XNNMultiply');
    case 'aten::addmm.out':
      if (num(m, a[3]!) !== 1 || num(m, a[4]!) !== 1) return null;
      return fullyConnected(c, k, a[0]!, a[1]!, a[2]!, a[5]!);
    case 'aten::mm.out': return fullyConnected(c, k, null, a[0]!, a[1]!, a[2]!);
    case 'aten::linear.out': return fullyConnected(c, k, num(m, a[2]!) === null ? null : a[2]!, a[0]!, a[1]!, a[3]!, true);
    case 'aten::permute_copy.out':
      if (foldablePermute(c, k)) return { reads: [], writes: [a[2]!], emit() {} };
      return layoutNode(c, k, 'XNNStaticTranspose');
    case 'aten::view_copy.out': return layoutNode(c, k, 'XNNStaticReshape');
    case 'aten::convolution.out': return convolution(c, k);
    case 'aten::_native_batch_norm_legit_no_training.out':
      // Only as part of the convolution before it (which emits it).
      return k > 0 && c.opName(k - 1) === 'aten::convolution.out' && fusedBatchNorm(c, k - 1) === k && convolution(c, k - 1)
        ? { reads: [], writes: [a[7]!, a[8]!, a[9]!], emit() {} } : null;
    case 'aten::max_pool2d_with_indices.out': return pool(c, k, 'XNNMaxPooling2d');
    case 'aten::avg_pool2d.out': return pool(c, k, 'XNNAvgPooling2d');
    case 'aten::mean.out': {
      const [x, dimV, keepV, dtypeV, out] = a as [number, number, number, number, number];
      const d = ints(m, dimV);
      const xs = staticF32(m, x);
      if (!xs || xs.shape.length !== 4 || !staticF32(m, out) || num(m, keepV) !== 1 || num(m, dtypeV) !== null) return null;
      if (!d || d.map((v) => (v + 4) % 4).sort().join() !== '2,3') return null;
      return {
        reads: [x], writes: [out],
        emit(g) {
          const input = operand(g, x, 'nhwc', quantizedOutput(c, out));
          const id = g.internal(toNhwc(g.tensor(out).shape));
          g.node('XNNGlobalAvgPooling2d', { input_id: input, output_id: id, flags: 0 });
          g.set(out, id, 'nhwc');
        },
      };
    }
    case 'aten::_softmax.out': {
      const [x, dimV, halfV, out] = a as [number, number, number, number];
      const xs = staticF32(m, x);
      const d = num(m, dimV);
      if (!xs || !staticF32(m, out) || typeof d !== 'number' || (d + xs.shape.length) % xs.shape.length !== xs.shape.length - 1 || num(m, halfV) !== 0) return null;
      return {
        reads: [x], writes: [out],
        emit(g) {
          const input = floatValue(g, x, 'nchw');
          const id = g.internal(xs.shape);
          g.node('XNNSoftmax', { input_id: input, output_id: id, flags: 0 });
          g.set(out, id, 'nchw');
        },
      };
    }
    default:
      return null;
  }
}
