/**
 * Comparisons (eq/ne/lt/le/gt/ge, Tensor and Scalar), where, minimum /
 * maximum, logical_not and any with ATen's semantics. Comparisons promote
 * both operands to their result type and give bool, which casts to any out
 * dtype (ATen allows it); NaN compares unequal. where needs a bool condition
 * and promotes self with other. minimum/maximum propagate NaN from either
 * side. logical_not and any treat NaN as nonzero; any's out is bool or uint8.
 */
import type { DType } from '../dtype.js';
import { ReferenceOpError } from './errors.js';
import { checkOutCast, mapBroadcast, operand, wrapped, type Element } from './elementwise.js';
import { castElement, castScalar, resultType } from './scalar-types.js';
import {
  boolArg, intArg, makeTensor, numelOf, optionalIntListArg, rowMajorStrides, scalarArg, tensorArg, unravel,
  type RefTensor, type RefValue,
} from './tensor.js';

type Cmp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
const TESTS: Record<Cmp, (a: Element, b: Element) => boolean> = {
  eq: (a, b) => a === b || (typeof a !== typeof b && Number(a) === Number(b)),
  ne: (a, b) => !(a === b || (typeof a !== typeof b && Number(a) === Number(b))),
  lt: (a, b) => a < b, le: (a, b) => a <= b, gt: (a, b) => a > b, ge: (a, b) => a >= b,
};

function compareCore(cmp: Cmp, self: RefTensor, other: RefTensor, common: DType, out: RefTensor): RefTensor {
  const test = TESTS[cmp];
  return mapBroadcast([self, other], 'bool', out, ([x, y]) =>
    (test(castElement(x!, self.dtype, common), castElement(y!, other.dtype, common)) ? 1 : 0));
}

export const compareTensorOut = (cmp: Cmp) => (args: readonly RefValue[]): RefTensor => {
  const self = tensorArg(args, 0, 'self');
  const other = tensorArg(args, 1, 'other');
  return compareCore(cmp, self, other, resultType([operand(self), operand(other)]), tensorArg(args, 2, 'out'));
};

export const compareScalarOut = (cmp: Cmp) => (args: readonly RefValue[]): RefTensor => {
  const self = tensorArg(args, 0, 'self');
  const s = scalarArg(args, 1, 'other');
  const common = resultType([operand(self), wrapped(s)]);
  const other = makeTensor(common, [], [castScalar(s, common)] as number[] | bigint[]);
  return compareCore(cmp, self, other, common, tensorArg(args, 2, 'out'));
};

export function whereSelfOut(args: readonly RefValue[]): RefTensor {
  const cond = tensorArg(args, 0, 'condition');
  const self = tensorArg(args, 1, 'self');
  const other = tensorArg(args, 2, 'other');
  const out = tensorArg(args, 3, 'out');
  if (cond.dtype !== 'bool') throw new ReferenceOpError(`where expected condition to be a boolean tensor, but got a tensor with dtype ${cond.dtype}`);
  const common = resultType([operand(self), operand(other)]);
  checkOutCast(common, out);
  return mapBroadcast([cond, self, other], common, out, ([c, x, y]) =>
    (c ? castElement(x!, self.dtype, common) : castElement(y!, other.dtype, common)));
}

const isNan = (v: Element): boolean => typeof v === 'number' && Number.isNaN(v);

function extremum(args: readonly RefValue[], max: boolean): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const other = tensorArg(args, 1, 'other');
  const out = tensorArg(args, 2, 'out');
  const common = resultType([operand(self), operand(other)]);
  checkOutCast(common, out);
  return mapBroadcast([self, other], common, out, ([x, y]) => {
    const a = castElement(x!, self.dtype, common);
    const b = castElement(y!, other.dtype, common);
    if (isNan(a)) return a;
    if (isNan(b)) return b;
    return max ? (a < b ? b : a) : (b < a ? b : a);
  });
}

export const minimumOut = (args: readonly RefValue[]): RefTensor => extremum(args, false);
export const maximumOut = (args: readonly RefValue[]): RefTensor => extremum(args, true);

const truthy = (v: Element): boolean => (typeof v === 'bigint' ? v !== 0n : v !== 0);

export function logicalNotOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  return mapBroadcast([self], 'bool', tensorArg(args, 1, 'out'), ([x]) => (truthy(x!) ? 0 : 1));
}

/** any over the dims in `dims` (null or empty: all), keeping them as size 1 when keepdim. */
function anyCore(self: RefTensor, dims: number[] | null, keepdim: boolean, out: RefTensor): RefTensor {
  if (out.dtype !== 'bool' && out.dtype !== 'uint8') throw new ReferenceOpError(`expected result dtype to be bool or uint8, got ${out.dtype}`);
  const rank = self.shape.length;
  const reduced = new Set<number>();
  for (const d of dims === null || dims.length === 0 ? [...Array(rank).keys()] : dims) {
    const lo = rank === 0 ? -1 : -rank;
    const hi = rank === 0 ? 0 : rank - 1;
    if (d < lo || d > hi) throw new ReferenceOpError(`Dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${d})`);
    const w = rank === 0 ? 0 : (d + rank) % rank;
    if (rank > 0 && reduced.has(w)) throw new ReferenceOpError(`dim ${w} appears multiple times in the list of dims`);
    if (rank > 0) reduced.add(w);
  }
  const shape = self.shape.flatMap((s, d) => (reduced.has(d) ? (keepdim ? [1] : []) : [s]));
  const outStrides = rowMajorStrides(shape);
  const data = new Array<number>(numelOf(shape)).fill(0);
  (self.data as Element[]).forEach((v, i) => {
    const coords = unravel(i, self.shape);
    let at = 0;
    let k = 0;
    coords.forEach((c, d) => {
      if (!reduced.has(d)) at += c * outStrides[k++]!;
      else if (keepdim) k++;
    });
    if (truthy(v)) data[at] = 1;
  });
  const dimOrder = out.dimOrder.length === shape.length ? [...out.dimOrder] : shape.map((_, i) => i);
  return makeTensor(out.dtype, shape, data, dimOrder);
}

export function anyAllOut(args: readonly RefValue[]): RefTensor {
  return anyCore(tensorArg(args, 0, 'self'), null, false, tensorArg(args, 1, 'out'));
}

export function anyDimOut(args: readonly RefValue[]): RefTensor {
  return anyCore(tensorArg(args, 0, 'self'), [intArg(args, 1, 'dim')], boolArg(args, 2, 'keepdim'), tensorArg(args, 3, 'out'));
}

export function anyDimsOut(args: readonly RefValue[]): RefTensor {
  return anyCore(tensorArg(args, 0, 'self'), optionalIntListArg(args, 1, 'dim'), boolArg(args, 2, 'keepdim'), tensorArg(args, 3, 'out'));
}

