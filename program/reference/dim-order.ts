/**
 * dim_order_ops::_clone_dim_order.out and _to_dim_order_copy.out: a copy of
 * `self` laid out in the requested dim order (or self's own when none is
 * given), with an element cast for _to_dim_order_copy (ATen `copy_`
 * semantics: integers wrap, float → int truncates toward zero, float → half
 * rounds through float32). Values are logical, so the layout change shows up
 * only in `dimOrder` and in memory order (`toPhysical`).
 */
import { ReferenceOpError } from './errors.js';
import { castData } from './scalar-types.js';
import {
  boolArg, contiguousOrder, makeTensor, optionalIntListArg, tensorArg, type RefTensor, type RefValue,
} from './tensor.js';

const sameOrder = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

function isPermutation(order: readonly number[], rank: number): boolean {
  return order.length === rank && [...order].sort((a, b) => a - b).every((d, i) => d === i);
}

function copyOut(op: string, args: readonly RefValue[], allowCast: boolean): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const nonBlocking = boolArg(args, 1, 'non_blocking');
  const requested = optionalIntListArg(args, 2, 'dim_order');
  const out = tensorArg(args, 3, 'out');
  if (nonBlocking) throw new ReferenceOpError('non_blocking must be false', { op });
  if (!allowCast && self.dtype !== out.dtype) {
    throw new ReferenceOpError(`out dtype ${out.dtype} differs from self dtype ${self.dtype}`, { op });
  }
  const dimOrder = requested ?? (self.dimOrder.length === self.shape.length ? self.dimOrder : contiguousOrder(self.shape.length));
  if (!isPermutation(dimOrder, self.shape.length)) {
    throw new ReferenceOpError(`dim_order [${dimOrder}] is not a permutation of 0..${self.shape.length - 1}`, { op });
  }
  if (requested !== null && out.dimOrder.length === requested.length && !sameOrder(out.dimOrder, requested)) {
    throw new ReferenceOpError(`out dim_order [${out.dimOrder}] differs from the requested [${requested}]`, { op });
  }
  return makeTensor(out.dtype, self.shape, castData(self.data, self.dtype, out.dtype), [...dimOrder]);
}

export function cloneDimOrderOut(args: readonly RefValue[]): RefTensor {
  return copyOut('dim_order_ops::_clone_dim_order.out', args, false);
}

export function toDimOrderCopyOut(args: readonly RefValue[]): RefTensor {
  return copyOut('dim_order_ops::_to_dim_order_copy.out', args, true);
}
