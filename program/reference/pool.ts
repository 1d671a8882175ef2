/**
 * 2-D pooling with ATen's semantics over [N, C, H, W] or [C, H, W]:
 * - output size floor((in + 2p - d(k-1) - 1 (+ s-1 with ceil_mode)) / s) + 1,
 *   one less when ceil_mode's last window would start in the right padding;
 *   stride [] means the kernel size; padding at most half the kernel.
 * - max_pool2d_with_indices: the max over the in-bounds (dilated) taps; NaN
 *   wins (the last NaN), ties keep the first; the index is h * W + w in the
 *   plane (int64); a window of -inf reports its first in-bounds tap.
 * - avg_pool2d: the sum over the in-bounds taps divided by divisor_override,
 *   else by the window clipped to the padded input (count_include_pad) or to
 *   the input; a window entirely in the padding gives 0.
 * - _adaptive_avg_pool2d: rows [floor(i*H/OH), ceil((i+1)*H/OH)), columns alike.
 */
import { ReferenceOpError } from './errors.js';
import { expandParam, finAll, mathDtype, reader, sameDtype } from './linalg-common.js';
import { outOrder } from './shape.js';
import { boolArg, intListArg, makeTensor, rowMajorStrides, tensorArg, type RefTensor, type RefValue } from './tensor.js';

interface Plane<V = number> { N: number; C: number; H: number; W: number; at: (n: number, c: number, h: number, w: number) => V }

function planes(self: RefTensor): Plane;
function planes<V>(self: RefTensor, rd: (...c: number[]) => V): Plane<V>;
function planes(self: RefTensor, rd: (...c: number[]) => unknown = reader(self)): Plane<unknown> {
  const rank = self.shape.length;
  if (rank !== 3 && rank !== 4) throw new ReferenceOpError(`self has rank ${rank}, expected 3 or 4`);
  const [N, C, H, W] = rank === 4 ? self.shape as [number, number, number, number] : [1, ...self.shape] as [number, number, number, number];
  return { N, C, H, W, at: rank === 4 ? rd : (_n, c, h, w) => rd(c, h, w) };
}

function outSize(n: number, k: number, p: number, s: number, d: number, ceil: boolean): number {
  let o = Math.floor((n + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= n + p) o -= 1;
  return o;
}

function params(args: readonly RefValue[], dilationArg: number | null): { k: number[]; s: number[]; p: number[]; d: number[] } {
  const ks = intListArg(args, 1, 'kernel_size');
  if (ks.length === 0) throw new ReferenceOpError('kernel_size is empty');
  const k = expandParam(ks, 2, 1, 'kernel_size');
  const st = intListArg(args, 2, 'stride');
  const s = st.length === 0 ? k : expandParam(st, 2, 1, 'stride');
  const p = expandParam(intListArg(args, 3, 'padding'), 2, 0, 'padding');
  const d = dilationArg === null ? [1, 1] : expandParam(intListArg(args, dilationArg, 'dilation'), 2, 1, 'dilation');
  if (k.some((v) => v < 1) || s.some((v) => v < 1) || d.some((v) => v < 1) || p.some((v) => v < 0)) {
    throw new ReferenceOpError('kernel_size, stride and dilation must be positive and padding non-negative');
  }
  if (p.some((v, i) => v > Math.floor(k[i]! / 2))) throw new ReferenceOpError(`pad [${p}] should be at most half of the kernel size [${k}]`);
  return { k, s, p, d };
}

const shapeOf = (self: RefTensor, oh: number, ow: number): number[] => [...self.shape.slice(0, -2), oh, ow];

export function maxPool2dWithIndicesOut(args: readonly RefValue[]): RefTensor[] {
  const self = tensorArg(args, 0, 'self');
  const ceil = boolArg(args, 5, 'ceil_mode');
  const out = tensorArg(args, 6, 'out');
  const indices = tensorArg(args, 7, 'indices');
  mathDtype(self, 'self', true);
  sameDtype(self.dtype, { out });
  if (indices.dtype !== 'int64') throw new ReferenceOpError(`indices must be int64, got ${indices.dtype}`);
  const { k, s, p, d } = params(args, 4);
  // Raw values (int64 as bigint): integers compare exactly.
  const raw = self.data as (number | bigint)[];
  const strides = rowMajorStrides(self.shape);
  const x = planes(self, (...c: number[]) => raw[c.reduce((o, v, i) => o + v * strides[i]!, 0)]!);
  const OH = outSize(x.H, k[0]!, p[0]!, s[0]!, d[0]!, ceil), OW = outSize(x.W, k[1]!, p[1]!, s[1]!, d[1]!, ceil);
  if (OH < 1 || OW < 1) throw new ReferenceOpError(`output size ${OH}x${OW} is too small`);
  const vals: (number | bigint)[] = [], idx: bigint[] = [];
  for (let n = 0; n < x.N; n++) for (let c = 0; c < x.C; c++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    // ATen starts from -inf (or the dtype's lowest) at the first in-bounds tap: the same as starting from that tap.
    let best: number | bigint | null = null, at = -1;
    for (let i = 0; i < k[0]!; i++) for (let j = 0; j < k[1]!; j++) {
      const h = oh * s[0]! - p[0]! + i * d[0]!, w = ow * s[1]! - p[1]! + j * d[1]!;
      if (h < 0 || h >= x.H || w < 0 || w >= x.W) continue;
      const v = x.at(n, c, h, w);
      if (best === null || v > best || (typeof v === 'number' && Number.isNaN(v))) {
        best = v;
        at = h * x.W + w;
      }
    }
    vals.push(best!);
    idx.push(BigInt(at));
  }
  const shape = shapeOf(self, OH, OW);
  return [makeTensor(self.dtype, shape, vals as number[] | bigint[], outOrder(out, shape.length)), makeTensor('int64', shape, idx, outOrder(indices, shape.length))];
}

export function avgPool2dOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const ceil = boolArg(args, 4, 'ceil_mode');
  const includePad = boolArg(args, 5, 'count_include_pad');
  const divisor = args[6] === null ? null : Number(args[6] as bigint);
  const out = tensorArg(args, 7, 'out');
  mathDtype(self, 'self', false);
  sameDtype(self.dtype, { out });
  if (divisor === 0) throw new ReferenceOpError('divisor must be not zero');
  const { k, s, p } = params(args, null);
  const x = planes(self);
  const OH = outSize(x.H, k[0]!, p[0]!, s[0]!, 1, ceil), OW = outSize(x.W, k[1]!, p[1]!, s[1]!, 1, ceil);
  if (OH < 1 || OW < 1) throw new ReferenceOpError(`output size ${OH}x${OW} is too small`);
  const vals: number[] = [];
  for (let n = 0; n < x.N; n++) for (let c = 0; c < x.C; c++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    const h0 = oh * s[0]! - p[0]!, w0 = ow * s[1]! - p[1]!;
    const h1 = Math.min(h0 + k[0]!, x.H + p[0]!), w1 = Math.min(w0 + k[1]!, x.W + p[1]!);
    const pool = (h1 - h0) * (w1 - w0);
    const [a0, b0, a1, b1] = [Math.max(h0, 0), Math.max(w0, 0), Math.min(h1, x.H), Math.min(w1, x.W)];
    if (a0 >= a1 || b0 >= b1) {
      vals.push(0);
      continue;
    }
    let sum = 0;
    for (let h = a0; h < a1; h++) for (let w = b0; w < b1; w++) sum += x.at(n, c, h, w);
    vals.push(sum / (divisor ?? (includePad ? pool : (a1 - a0) * (b1 - b0))));
  }
  const shape = shapeOf(self, OH, OW);
  return makeTensor(self.dtype, shape, finAll(self.dtype, vals), outOrder(out, shape.length));
}

export function adaptiveAvgPool2dOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const size = expandParam(intListArg(args, 1, 'output_size'), 2, 1, 'output_size');
  const out = tensorArg(args, 2, 'out');
  mathDtype(self, 'self', false);
  sameDtype(self.dtype, { out });
  if (size.some((v) => v < 0)) throw new ReferenceOpError(`output_size [${size}] is negative`);
  const x = planes(self);
  if (self.shape.slice(1).some((v) => v === 0)) throw new ReferenceOpError('adaptive_avg_pool2d: expected non-empty non-batch dims');
  const [OH, OW] = size as [number, number];
  const vals: number[] = [];
  for (let n = 0; n < x.N; n++) for (let c = 0; c < x.C; c++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    const h0 = Math.floor((oh * x.H) / OH), h1 = Math.ceil(((oh + 1) * x.H) / OH);
    const w0 = Math.floor((ow * x.W) / OW), w1 = Math.ceil(((ow + 1) * x.W) / OW);
    let sum = 0;
    for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) sum += x.at(n, c, h, w);
    vals.push(sum / ((h1 - h0) * (w1 - w0)));
  }
  const shape = shapeOf(self, OH, OW);
  return makeTensor(self.dtype, shape, finAll(self.dtype, vals), outOrder(out, shape.length));
}
