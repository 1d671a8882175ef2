/**
 * The reference's tensor: a dtype, logical sizes, a dim order (the physical
 * order of the logical dims, outermost first) and the element values in
 * **logical row-major order**, whatever the dim order says. int64 and uint64
 * elements are bigints; every other dtype holds JS numbers (bool as 0/1,
 * float16/bfloat16 as their exact values). The dim order only matters where a
 * tensor meets memory (the interpreter, cortex_m::pad) and in layout checks.
 */
import type { DType } from '../dtype.js';
import { ReferenceOpError } from './errors.js';

export interface RefTensor {
  dtype: DType;
  shape: number[];
  dimOrder: number[];
  data: number[] | bigint[];
}

/** A kernel argument: Int values are bigints, Double values numbers, IntLists number arrays. */
export type RefValue = RefTensor | bigint | number | boolean | string | null | number[] | boolean[] | (RefTensor | null)[];

export const numelOf = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

export const contiguousOrder = (rank: number): number[] => Array.from({ length: rank }, (_, i) => i);

/** Row-major strides of a shape (in elements). */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!;
  return out;
}

/** Strides of each logical dim when the tensor is laid out in `dimOrder`. */
export function stridesFor(shape: readonly number[], dimOrder: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  let step = 1;
  for (let k = dimOrder.length - 1; k >= 0; k--) {
    const d = dimOrder[k]!;
    strides[d] = step;
    step *= shape[d]!;
  }
  return strides;
}

export const isWideInt = (dtype: DType): boolean => dtype === 'int64' || dtype === 'uint64';

export function makeTensor(dtype: DType, shape: number[], data: number[] | bigint[], dimOrder?: number[]): RefTensor {
  if (data.length !== numelOf(shape)) {
    throw new ReferenceOpError(`${data.length} values for shape [${shape}]`);
  }
  return { dtype, shape: [...shape], dimOrder: dimOrder ?? contiguousOrder(shape.length), data };
}

/** Logical multi-index of flat logical position `i`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const coords = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    coords[d] = i % size;
    i = Math.floor(i / size);
  }
  return coords;
}

/**
 * Element values in memory order for `dimOrder` (logical order when the
 * order is contiguous). `toLogical` is its inverse.
 */
export function toPhysical<T extends number | bigint>(data: readonly T[], shape: readonly number[], dimOrder: readonly number[]): T[] {
  const strides = stridesFor(shape, dimOrder);
  const out = new Array<T>(data.length);
  for (let i = 0; i < data.length; i++) {
    const coords = unravel(i, shape);
    let at = 0;
    coords.forEach((c, d) => { at += c * strides[d]!; });
    out[at] = data[i]!;
  }
  return out;
}

export function toLogical<T extends number | bigint>(physical: readonly T[], shape: readonly number[], dimOrder: readonly number[]): T[] {
  const strides = stridesFor(shape, dimOrder);
  const out = new Array<T>(physical.length);
  for (let i = 0; i < physical.length; i++) {
    const coords = unravel(i, shape);
    let at = 0;
    coords.forEach((c, d) => { at += c * strides[d]!; });
    out[i] = physical[at]!;
  }
  return out;
}

export function isTensor(v: RefValue | undefined): v is RefTensor {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'dtype' in v;
}

/** Argument accessors: each throws ReferenceOpError naming the argument on a kind mismatch. */
export function tensorArg(args: readonly RefValue[], i: number, name: string): RefTensor {
  const v = args[i];
  if (!isTensor(v)) throw new ReferenceOpError(`argument ${name} must be a Tensor`);
  return v;
}

export function optionalTensorArg(args: readonly RefValue[], i: number, name: string): RefTensor | null {
  const v = args[i];
  return v === null || v === undefined ? null : tensorArg(args, i, name);
}

export function intArg(args: readonly RefValue[], i: number, name: string): number {
  const v = args[i];
  if (typeof v !== 'bigint') throw new ReferenceOpError(`argument ${name} must be an Int`);
  return Number(v);
}

export function doubleArg(args: readonly RefValue[], i: number, name: string): number {
  const v = args[i];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw new ReferenceOpError(`argument ${name} must be a Double`);
}

export function boolArg(args: readonly RefValue[], i: number, name: string): boolean {
  const v = args[i];
  if (typeof v !== 'boolean') throw new ReferenceOpError(`argument ${name} must be a Bool`);
  return v;
}

export function intListArg(args: readonly RefValue[], i: number, name: string): number[] {
  const v = args[i];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) throw new ReferenceOpError(`argument ${name} must be an int[]`);
  return v as number[];
}

export function optionalIntListArg(args: readonly RefValue[], i: number, name: string): number[] | null {
  return args[i] === null || args[i] === undefined ? null : intListArg(args, i, name);
}

/** A Scalar argument: Int (bigint), Double (number) or Bool. */
export type Scalar = bigint | number | boolean;

export function scalarArg(args: readonly RefValue[], i: number, name: string): Scalar {
  const v = args[i];
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new ReferenceOpError(`argument ${name} must be a Scalar`);
}

/** Integer element values of an int32/int8 tensor as numbers. */
export function intData(t: RefTensor): number[] {
  return (t.data as (number | bigint)[]).map(Number);
}
