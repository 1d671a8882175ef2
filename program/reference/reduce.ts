/**
 * Reductions with ATen's out-variant semantics. `dim` None or [] reduces
 * every dim; a repeated dim is an error; keepdim keeps reduced dims as 1.
 * - sum.IntList_out computes in out's dtype (`dtype`, when given, must equal
 *   it): each element is converted to that dtype first; integers sum exactly
 *   and wrap, bool is "any", floating types sum in float64 and round once.
 * - mean.out: floating self and out; the float64 sum divided by the count
 *   (an empty reduction is NaN).
 */
import { dtypeFromCode, type DType } from '../dtype.js';
import { ReferenceOpError } from './errors.js';
import { fin } from './linalg-common.js';
import { castElement, isFloating } from './scalar-types.js';
import { outOrder, wrapDim } from './shape.js';
import {
  boolArg, intArg, intListArg, makeTensor, numelOf, optionalIntListArg, rowMajorStrides, tensorArg, unravel, type RefTensor, type RefValue,
} from './tensor.js';

export interface Reduction {
  shape: number[];
  /** Input flat indices (logical row-major) reduced into each out element, in row-major order of the reduced dims. */
  groups: number[][];
}

/** Groups self's elements by out element for a reduction over `dims` (null or [] = all). */
export function reduction(shape: readonly number[], dims: readonly number[] | null, keepdim: boolean): Reduction {
  const rank = shape.length;
  const wrapped = (dims ?? []).map((d) => wrapDim(d, rank));
  if (new Set(wrapped).size !== wrapped.length) throw new ReferenceOpError(`dim [${dims}] appears more than once in the list of dims`);
  const all = dims === null || dims.length === 0;
  const red = shape.map((_, k) => all || wrapped.includes(k));
  const outShape = shape.flatMap((s, k) => (red[k] ? (keepdim ? [1] : []) : [s]));
  const kept = shape.filter((_, k) => !red[k]);
  const groups: number[][] = Array.from({ length: numelOf(kept) }, () => []);
  for (let i = 0; i < numelOf(shape); i++) {
    const c = unravel(i, shape);
    let o = 0;
    c.forEach((x, k) => { if (!red[k]) o = o * shape[k]! + x; });
    groups[o]!.push(i);
  }
  return { shape: outShape, groups };
}

function dtypeArg(args: readonly RefValue[], i: number, out: RefTensor): void {
  const v = args[i];
  if (v === null || v === undefined) return;
  const d = typeof v === 'bigint' ? dtypeFromCode(Number(v)) : v;
  if (d !== out.dtype) throw new ReferenceOpError(`dtype ${String(d)} differs from out's dtype ${out.dtype}`);
}

export function sumIntListOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const out = tensorArg(args, 4, 'out');
  dtypeArg(args, 3, out);
  const to: DType = out.dtype;
  if (isFloating(self.dtype) && !isFloating(to)) throw new ReferenceOpError(`summing ${self.dtype} into ${to} is not supported`);
  const r = reduction(self.shape, optionalIntListArg(args, 1, 'dim'), boolArg(args, 2, 'keepdim'));
  const x = (self.data as (number | bigint)[]).map((v) => castElement(v, self.dtype, to));
  const data = r.groups.map((g) => {
    if (to === 'bool') return g.some((i) => x[i] !== 0) ? 1 : 0;
    if (isFloating(to)) return fin(to, g.reduce((a, i) => a + Number(x[i]!), 0));
    return fin(to, g.reduce((a, i) => a + BigInt(x[i]!), 0n));
  });
  return makeTensor(to, r.shape, data as number[] | bigint[], outOrder(out, r.shape.length));
}

export function meanOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const out = tensorArg(args, 4, 'out');
  dtypeArg(args, 3, out);
  if (!isFloating(self.dtype) || !isFloating(out.dtype)) {
    throw new ReferenceOpError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${self.dtype}`);
  }
  const r = reduction(self.shape, optionalIntListArg(args, 1, 'dim'), boolArg(args, 2, 'keepdim'));
  const x = (self.data as number[]);
  const data = r.groups.map((g) => fin(out.dtype, g.reduce((a, i) => a + x[i]!, 0) / g.length));
  return makeTensor(out.dtype, r.shape, data as number[], outOrder(out, r.shape.length));
}

function extreme(args: readonly RefValue[], max: boolean): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const out = tensorArg(args, 3, 'out');
  if (out.dtype !== self.dtype) throw new ReferenceOpError(`out is ${out.dtype} but self is ${self.dtype}`);
  const r = reduction(self.shape, intListArg(args, 1, 'dim'), boolArg(args, 2, 'keepdim'));
  if (r.groups.some((g) => g.length === 0)) throw new ReferenceOpError('cannot reduce over an empty dim (no identity)');
  const x = self.data as (number | bigint)[];
  const data = r.groups.map((g) => g.reduce((best, i) => {
    const v = x[i]!;
    if (typeof best === 'number' && Number.isNaN(best)) return best;
    if (typeof v === 'number' && Number.isNaN(v)) return v;
    return (max ? v > best : v < best) ? v : best;
  }, x[g[0]!]!));
  return makeTensor(self.dtype, r.shape, data as number[] | bigint[], outOrder(out, r.shape.length));
}

/** amax/amin: the extreme over dim ([] = all); NaN propagates; an empty reduction is an error. */
export const amaxOut = (args: readonly RefValue[]): RefTensor => extreme(args, true);
export const aminOut = (args: readonly RefValue[]): RefTensor => extreme(args, false);

function argExtreme(args: readonly RefValue[], max: boolean): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const dim = args[1] === null ? null : intArg(args, 1, 'dim');
  const out = tensorArg(args, 3, 'out');
  if (self.dtype === 'bool') throw new ReferenceOpError('argmax/argmin of bool is not supported');
  if (out.dtype !== 'int64') throw new ReferenceOpError(`out must be int64, got ${out.dtype}`);
  const r = reduction(self.shape, dim === null ? null : [dim], boolArg(args, 2, 'keepdim'));
  if (r.groups.some((g) => g.length === 0)) throw new ReferenceOpError('cannot take the arg extreme of an empty dim');
  const x = self.data as (number | bigint)[];
  // The first NaN wins; otherwise the first strict extreme.
  const data = r.groups.map((g) => {
    let at = 0;
    for (let k = 0; k < g.length; k++) {
      const v = x[g[k]!]!, b = x[g[at]!]!;
      if (typeof v === 'number' && Number.isNaN(v)) return BigInt(k);
      if (max ? v > b : v < b) at = k;
    }
    return BigInt(at);
  });
  return makeTensor('int64', r.shape, data, outOrder(out, r.shape.length));
}

/** argmax/argmin: the int64 position (along dim, or in the flattened self for dim None). */
export const argmaxOut = (args: readonly RefValue[]): RefTensor => argExtreme(args, true);
export const argminOut = (args: readonly RefValue[]): RefTensor => argExtreme(args, false);

/** cumsum.out: running sums along dim in out's dtype (self converted first; integers wrap; bool out refused). */
export function cumsumOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const rank = self.shape.length;
  const dim = wrapDim(intArg(args, 1, 'dim'), rank);
  const out = tensorArg(args, 3, 'out');
  dtypeArg(args, 2, out);
  const to = out.dtype;
  if (to === 'bool' || (isFloating(self.dtype) && !isFloating(to))) throw new ReferenceOpError(`cumsum of ${self.dtype} into ${to} is not supported`);
  const x = (self.data as (number | bigint)[]).map((v) => castElement(v, self.dtype, to));
  const size = rank === 0 ? 1 : self.shape[dim]!;
  const step = rank === 0 ? 1 : rowMajorStrides(self.shape)[dim]!;
  const data: (number | bigint)[] = new Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const k = Math.floor(i / step) % size;
    if (isFloating(to)) data[i] = (k === 0 ? 0 : (data[i - step] as number)) + Number(x[i]!);
    else data[i] = (k === 0 ? 0n : (data[i - step] as bigint)) + BigInt(x[i]!);
  }
  return makeTensor(to, [...self.shape], data.map((v) => fin(to, v)) as number[] | bigint[], outOrder(out, rank));
}

/** var.correction_out: sum((x - mean)^2) / max(0, n - correction), correction None = 1. */
export function varCorrectionOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const c = args[2] === null ? 1 : Number(args[2] as number | bigint);
  const out = tensorArg(args, 4, 'out');
  if (!isFloating(self.dtype) || out.dtype !== self.dtype) throw new ReferenceOpError(`var of ${self.dtype} into ${out.dtype} is not supported`);
  const r = reduction(self.shape, optionalIntListArg(args, 1, 'dim'), boolArg(args, 3, 'keepdim'));
  const x = self.data as number[];
  const data = r.groups.map((g) => {
    const mean = g.reduce((a, i) => a + x[i]!, 0) / g.length;
    const ss = g.reduce((a, i) => a + (x[i]! - mean) * (x[i]! - mean), 0);
    return fin(out.dtype, ss / Math.max(0, g.length - c));
  });
  return makeTensor(out.dtype, r.shape, data as number[], outOrder(out, r.shape.length));
}

/**
 * topk.values: the k largest (smallest) elements along dim, largest (smallest) first, with their
 * int64 indices; NaN is larger than every number; equal values keep index order. Unsorted
 * output comes sorted too (ATen leaves its order unspecified).
 */
export function topkValues(args: readonly RefValue[]): RefTensor[] {
  const self = tensorArg(args, 0, 'self');
  const k = intArg(args, 1, 'k');
  const rank = self.shape.length;
  const dim = wrapDim(intArg(args, 2, 'dim'), rank);
  const largest = boolArg(args, 3, 'largest');
  const [values, indices] = [tensorArg(args, 5, 'values'), tensorArg(args, 6, 'indices')];
  if (self.dtype === 'bool') throw new ReferenceOpError('topk of bool is not supported');
  if (values.dtype !== self.dtype) throw new ReferenceOpError(`values is ${values.dtype} but self is ${self.dtype}`);
  if (indices.dtype !== 'int64') throw new ReferenceOpError(`indices must be int64, got ${indices.dtype}`);
  const size = rank === 0 ? 1 : self.shape[dim]!;
  if (k < 0 || k > size) throw new ReferenceOpError(`selected index k out of range (k = ${k}, size ${size})`);
  const shape = self.shape.map((s, i) => (i === dim ? k : s));
  const step = rank === 0 ? 1 : rowMajorStrides(self.shape)[dim]!;
  const outStep = rank === 0 ? 1 : rowMajorStrides(shape)[dim]!;
  const x = self.data as (number | bigint)[];
  const n = numelOf(shape);
  const vals: (number | bigint)[] = new Array(n), idx: bigint[] = new Array(n);
  const isNan = (v: number | bigint): boolean => typeof v === 'number' && Number.isNaN(v);
  for (let i = 0; i < x.length; i++) {
    if (Math.floor(i / step) % size !== 0) continue;  // i starts a row along dim
    const outer = Math.floor(i / (step * size)), inner = i % step;
    const order = Array.from({ length: size }, (_, j) => j).sort((a, b) => {
      const va = x[i + a * step]!, vb = x[i + b * step]!;
      if (isNan(va) || isNan(vb)) return isNan(va) && isNan(vb) ? a - b : (isNan(va) === largest ? -1 : 1);
      if (va !== vb) return (va > vb) === largest ? -1 : 1;
      return a - b;
    });
    for (let j = 0; j < k; j++) {
      const o = outer * outStep * k + j * outStep + inner;
      vals[o] = x[i + order[j]! * step]!;
      idx[o] = BigInt(order[j]!);
    }
  }
  return [makeTensor(self.dtype, shape, vals as number[] | bigint[], outOrder(values, rank)), makeTensor('int64', shape, idx, outOrder(indices, rank))];
}
