/**
 * Helpers of the linear-algebra, normalization, pooling and reduction family
 * of the reference: dtype checks, logical element access, rounding a float64
 * result once into the out dtype, and ATen's int[N] parameter expansion.
 */
import type { DType } from '../dtype.js';
import { ReferenceOpError } from './errors.js';
import { castElement, isFloating, isIntegral } from './scalar-types.js';
import { rowMajorStrides, type RefTensor } from './tensor.js';

/** Throws unless every given tensor (null: an absent optional) has `dtype`. */
export function sameDtype(dtype: DType, named: Record<string, RefTensor | null>): void {
  for (const [name, t] of Object.entries(named)) {
    if (t !== null && t.dtype !== dtype) throw new ReferenceOpError(`${name} is ${t.dtype} but the operator computes in ${dtype}`);
  }
}

/** Throws unless t is floating (or, with ints, an integer type other than bool). */
export function mathDtype(t: RefTensor, name: string, ints: boolean): void {
  if (!(isFloating(t.dtype) || (ints && isIntegral(t.dtype) && t.dtype !== 'bool'))) {
    throw new ReferenceOpError(`${name} of dtype ${t.dtype} is not supported`);
  }
}

/** Element values as float64 numbers (int64 bigints converted). */
export const asNumbers = (t: RefTensor): number[] => (t.data as (number | bigint)[]).map(Number);

/** Element values as bigints (integer dtypes). */
export const asBigints = (t: RefTensor): bigint[] => (t.data as (number | bigint)[]).map((v) => BigInt(v));

/** A float64 result rounded once into `dtype` (an integer result wraps). */
export function fin(dtype: DType, v: number | bigint): number | bigint {
  return typeof v === 'bigint' ? castElement(v, 'int64', dtype) : castElement(v, 'float64', dtype);
}

export function finAll(dtype: DType, vs: readonly (number | bigint)[]): number[] | bigint[] {
  return vs.map((v) => fin(dtype, v)) as number[] | bigint[];
}

/** A reader of t's logical element at coordinates (row-major). */
export function reader(t: RefTensor): (...c: number[]) => number {
  const s = rowMajorStrides(t.shape);
  const d = asNumbers(t);
  // One closure per rank: the zoo's models make billions of these calls, and a rest array
  // reduced per element is ~50x slower than the arithmetic written out.
  const [s0 = 0, s1 = 0, s2 = 0, s3 = 0] = s;
  switch (s.length) {
    case 0: return () => d[0]!;
    case 1: return (a: number) => d[a * s0]!;
    case 2: return (a: number, b: number) => d[a * s0 + b * s1]!;
    case 3: return (a: number, b: number, c: number) => d[a * s0 + b * s1 + c * s2]!;
    case 4: return (a: number, b: number, c: number, e: number) => d[a * s0 + b * s1 + c * s2 + e * s3]!;
    default: return (...c: number[]) => d[c.reduce((o, x, k) => o + x * s[k]!, 0)]!;
  }
}

/** ATen's int[N] argument: [] gives `fallback`, one value repeats, else exactly n values. */
export function expandParam(v: readonly number[], n: number, fallback: number, what: string): number[] {
  if (v.length === 0) return new Array<number>(n).fill(fallback);
  if (v.length === 1) return new Array<number>(n).fill(v[0]!);
  if (v.length !== n) throw new ReferenceOpError(`${what} must have 1 or ${n} values, got ${v.length}`);
  return [...v];
}
