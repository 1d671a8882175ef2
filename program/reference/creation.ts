/**
 * Creation and copy operators with ATen's semantics: full / full_like /
 * scalar_tensor fill with the value converted to out's dtype (c10's
 * overflow check first), arange computes its length as ATen does
 * (ceil((end - start) / step) in double; the exact integer formula for an
 * int64 out with integer bounds) and its values as start + step·i in the accumulate type (int64
 * for integer outs with start and step truncated, double for float32 and
 * float64, float32 for the half types). _to_copy converts to out's dtype,
 * clone keeps the dtype; both take out's dim order.
 */
import { ReferenceOpError } from './errors.js';
import { mapBroadcast, type Element } from './elementwise.js';
import { scalarFits } from './indexing-scatter.js';
import { castElement, castScalar, isIntegral, isReduced } from './scalar-types.js';
import {
  boolArg, contiguousOrder, intListArg, makeTensor, numelOf, scalarArg, tensorArg, type RefTensor, type RefValue, type Scalar,
} from './tensor.js';

function filled(shape: number[], value: Scalar, out: RefTensor): RefTensor {
  if (out.dtype !== 'bool' && !scalarFits(out.dtype, value)) {
    throw new ReferenceOpError(`value cannot be converted to type ${out.dtype} without overflow`);
  }
  const v = castScalar(value, out.dtype);
  const data = new Array<Element>(numelOf(shape)).fill(v);
  const dimOrder = out.dimOrder.length === shape.length ? [...out.dimOrder] : contiguousOrder(shape.length);
  return makeTensor(out.dtype, shape, data as number[] | bigint[], dimOrder);
}

export function fullOut(args: readonly RefValue[]): RefTensor {
  const size = intListArg(args, 0, 'size');
  if (size.some((s) => s < 0)) throw new ReferenceOpError(`Trying to create tensor with negative dimension: [${size}]`);
  return filled(size, scalarArg(args, 1, 'fill_value'), tensorArg(args, 2, 'out'));
}

function checkMemoryFormat(v: RefValue | undefined): void {
  if (v !== null && v !== undefined && (typeof v !== 'bigint' || v < 0n || v > 3n)) {
    throw new ReferenceOpError(`memory_format ${String(v)} is not a MemoryFormat`);
  }
}

export function fullLikeOut(args: readonly RefValue[]): RefTensor {
  checkMemoryFormat(args[2]);
  return filled([...tensorArg(args, 0, 'self').shape], scalarArg(args, 1, 'fill_value'), tensorArg(args, 3, 'out'));
}

export function scalarTensorOut(args: readonly RefValue[]): RefTensor {
  return filled([], scalarArg(args, 0, 's'), tensorArg(args, 1, 'out'));
}

const num = (s: Scalar): number => (typeof s === 'boolean' ? (s ? 1 : 0) : Number(s));
const toLong = (s: Scalar): bigint => (typeof s === 'boolean' ? (s ? 1n : 0n) : typeof s === 'bigint' ? s : BigInt(Math.trunc(s)));

function arangeCore(start: Scalar, end: Scalar, step: Scalar, out: RefTensor): RefTensor {
  if (out.dtype === 'bool') throw new ReferenceOpError('"arange_cpu" not implemented for \'Bool\'');
  const s = num(start);
  const e = num(end);
  const d = num(step);
  if (!Number.isFinite(s) || !Number.isFinite(e)) throw new ReferenceOpError(`unsupported range: ${s} -> ${e}`);
  const integral = isIntegral(out.dtype);
  // Checked in double even for integer outs (a step of 0.25 passes, then truncates to 0).
  const sign = Math.sign(d);
  if (sign === 0 || Number.isNaN(sign)) throw new ReferenceOpError('step must be nonzero');
  if ((sign > 0 && e < s) || (sign < 0 && e > s)) throw new ReferenceOpError('upper bound and larger bound inconsistent with step sign');
  let n: number;
  if (out.dtype === 'int64' && [start, end, step].every((v) => typeof v !== 'number')) {
    const a = toLong(start);
    const b = toLong(end);
    const k = toLong(step);
    n = Number((b - a + k - BigInt(sign)) / k);
  } else {
    n = Math.ceil((e - s) / d);
  }
  const data = new Array<Element>(n);
  for (let i = 0; i < n; i++) {
    if (integral) data[i] = castElement(toLong(start) + toLong(step) * BigInt(i), 'int64', out.dtype);
    else if (isReduced(out.dtype)) {
      const v = Math.fround(Math.fround(s) + Math.fround(Math.fround(d) * i));
      data[i] = castElement(v, 'float32', out.dtype);
    } else data[i] = castElement(s + d * i, 'float64', out.dtype);
  }
  return makeTensor(out.dtype, [n], data as number[] | bigint[]);
}

export function arangeOut(args: readonly RefValue[]): RefTensor {
  return arangeCore(0n, scalarArg(args, 0, 'end'), 1n, tensorArg(args, 1, 'out'));
}

export function arangeStartOut(args: readonly RefValue[]): RefTensor {
  return arangeCore(scalarArg(args, 0, 'start'), scalarArg(args, 1, 'end'), scalarArg(args, 2, 'step'), tensorArg(args, 3, 'out'));
}

function copyTo(self: RefTensor, out: RefTensor): RefTensor {
  if (out.shape.length !== self.shape.length) throw new ReferenceOpError(`self has rank ${self.shape.length}, out has rank ${out.shape.length}`);
  return mapBroadcast([self], self.dtype, out, ([x]) => x!);
}

export function toCopyOut(args: readonly RefValue[]): RefTensor {
  if (boolArg(args, 1, 'non_blocking')) throw new ReferenceOpError('non_blocking=True is not supported');
  checkMemoryFormat(args[2]);
  return copyTo(tensorArg(args, 0, 'self'), tensorArg(args, 3, 'out'));
}

export function cloneOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const out = tensorArg(args, 2, 'out');
  checkMemoryFormat(args[1]);
  if (out.dtype !== self.dtype) throw new ReferenceOpError(`expected out dtype ${self.dtype}, got ${out.dtype}`);
  return copyTo(self, out);
}
