/**
 * Shared pieces of the elementwise family's reference (arith.ts,
 * activation.ts, unary.ts): ATen's operand categories for result_type, the
 * float-only promotion (integers and bool compute in float32), rounding in a
 * dtype's arithmetic (float16/bfloat16 compute in float32 and round), and a
 * broadcasting map whose result takes `out`'s dtype and dim order.
 */
import type { DType } from '../dtype.js';
import { broadcastIndices, broadcastShapes } from './binary.js';
import { ReferenceOpError } from './errors.js';
import { FLOAT32, roundTo } from './float-format.js';
import { canCast, castElement, floatFormat, isFloating, isReduced, type OperandKind } from './scalar-types.js';
import { contiguousOrder, makeTensor, type RefTensor, type Scalar } from './tensor.js';

export type Element = number | bigint;

export const kindOf = (t: RefTensor): OperandKind => (t.shape.length === 0 ? 'zero_dim' : 'dimensioned');
export const wrapped = (s: Scalar): { kind: OperandKind; dtype: DType } => ({
  kind: 'wrapped', dtype: typeof s === 'boolean' ? 'bool' : typeof s === 'bigint' ? 'int64' : 'float64',
});
export const operand = (t: RefTensor): { kind: OperandKind; dtype: DType } => ({ kind: kindOf(t), dtype: t.dtype });

/** The dtype a float-only operator computes in. */
export const floatType = (d: DType): DType => (isFloating(d) ? d : 'float32');

/** A double rounded the way `d`'s arithmetic rounds one operation (half types: float32, then the half format). */
export function roundIn(d: DType, v: number): number {
  const fmt = floatFormat(d);
  return isReduced(d) ? roundTo(roundTo(v, FLOAT32), fmt) : roundTo(v, fmt);
}

/** A double rounded to the format `d` computes in (float32 for the half types, unrounded to half). */
export function roundCompute(d: DType, v: number): number {
  return roundTo(v, isReduced(d) ? FLOAT32 : floatFormat(d));
}

export function checkOutCast(common: DType, out: RefTensor): void {
  if (!canCast(common, out.dtype)) throw new ReferenceOpError(`result type ${common} can't be cast to the desired output type ${out.dtype}`);
}

export function checkOutIs(common: DType, out: RefTensor): void {
  if (common !== out.dtype) throw new ReferenceOpError(`expected out tensor to have dtype ${common}, but got ${out.dtype} instead`);
}

/**
 * out[i] = f(inputs at i) over the broadcast of every input's shape; f
 * returns a value of dtype `result`, which is then cast to out's dtype.
 * The result keeps out's dim order when the ranks agree.
 */
export function mapBroadcast(inputs: readonly RefTensor[], result: DType, out: RefTensor, f: (vals: Element[]) => Element): RefTensor {
  const shape = inputs.reduce<number[]>((s, t) => broadcastShapes(s, t.shape), []);
  const idx = inputs.map((t) => broadcastIndices(t.shape, shape));
  const n = shape.reduce((a, d) => a * d, 1);
  const data = new Array<Element>(n);
  for (let i = 0; i < n; i++) {
    const vals = inputs.map((t, k) => (t.data as Element[])[idx[k]![i]!]!);
    data[i] = castElement(f(vals), result, out.dtype);
  }
  const dimOrder = out.dimOrder.length === shape.length ? [...out.dimOrder] : contiguousOrder(shape.length);
  return makeTensor(out.dtype, shape, data as number[] | bigint[], dimOrder);
}
