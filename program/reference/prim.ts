/**
 * The prim operators: aten::sym_size.int, aten::sym_numel,
 * executorch_prim::et_view.default and the executorch_prim scalar
 * arithmetic, with Python's semantics on an Int (int64, wrapping like an
 * EValue) or Double: int op int stays Int, a Double operand makes the result
 * Double, `//` and `%` floor (the sign of `%` follows the divisor), `/` is
 * true division (correctly rounded for two Ints), comparisons between an Int
 * and a Double are exact, and dividing by zero throws (ZeroDivisionError).
 */
import { ReferenceOpError } from './errors.js';
import { divideIntsExact } from './float-format.js';
import {
  intArg, intListArg, makeTensor, numelOf, scalarArg, tensorArg, toPhysical, type RefTensor, type RefValue, type Scalar,
} from './tensor.js';

export function symSizeInt(args: readonly RefValue[]): bigint {
  const self = tensorArg(args, 0, 'self');
  const rank = self.shape.length;
  let dim = intArg(args, 1, 'dim');
  if (dim < 0) dim += rank;
  const size = self.shape[dim];
  if (size === undefined) throw new ReferenceOpError(`dim ${intArg(args, 1, 'dim')} is out of range for rank ${rank}`);
  return BigInt(size);
}

export function symNumel(args: readonly RefValue[]): bigint {
  return BigInt(numelOf(tensorArg(args, 0, 'self').shape));
}

/** A view of self's memory with new sizes (one -1 is inferred); the result is contiguous. */
export function etView(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const size = [...intListArg(args, 1, 'size')];
  const n = numelOf(self.shape);
  const inferred = size.indexOf(-1);
  if (inferred >= 0) {
    const known = numelOf(size.filter((_, i) => i !== inferred));
    if (known === 0 || n % known !== 0) throw new ReferenceOpError(`cannot view [${self.shape}] as [${size}]`);
    size[inferred] = n / known;
  }
  if (size.some((d) => d < 0) || numelOf(size) !== n) throw new ReferenceOpError(`cannot view [${self.shape}] as [${size}]`);
  return makeTensor(self.dtype, size, toPhysical(self.data as (number | bigint)[], self.shape, self.dimOrder) as number[] | bigint[]);
}

type Num = bigint | number;

const asNum = (s: Scalar): Num => (typeof s === 'boolean' ? (s ? 1n : 0n) : s);
const wrap64 = (v: bigint): bigint => BigInt.asIntN(64, v);

function binary(args: readonly RefValue[], ints: (a: bigint, b: bigint) => Num, floats: (a: number, b: number) => Num): Num {
  const a = asNum(scalarArg(args, 0, 'a'));
  const b = asNum(scalarArg(args, 1, 'b'));
  if (typeof a === 'bigint' && typeof b === 'bigint') return ints(a, b);
  return floats(Number(a), Number(b));
}

function zeroCheck(b: Num): void {
  if (b === 0n || b === 0) throw new ReferenceOpError('ZeroDivisionError: division by zero');
}

function floorDivInt(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** CPython's float_divmod. */
function floatDivmod(vx: number, wx: number): [number, number] {
  let mod = vx % wx;
  let div = (vx - mod) / wx;
  if (mod !== 0) {
    if ((wx < 0) !== (mod < 0)) { mod += wx; div -= 1; }
  } else {
    mod = wx < 0 ? -0 : 0;
  }
  let floordiv: number;
  if (div !== 0) {
    floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1;
  } else {
    floordiv = vx / wx < 0 || Object.is(vx / wx, -0) ? -0 : 0;
  }
  return [floordiv, mod];
}

export const addScalar = (args: readonly RefValue[]): Num => binary(args, (a, b) => wrap64(a + b), (a, b) => a + b);
export const subScalar = (args: readonly RefValue[]): Num => binary(args, (a, b) => wrap64(a - b), (a, b) => a - b);
export const mulScalar = (args: readonly RefValue[]): Num => binary(args, (a, b) => wrap64(a * b), (a, b) => a * b);

export function floordivScalar(args: readonly RefValue[]): Num {
  zeroCheck(asNum(scalarArg(args, 1, 'b')));
  return binary(args, (a, b) => wrap64(floorDivInt(a, b)), (a, b) => floatDivmod(a, b)[0]);
}

export function truedivScalar(args: readonly RefValue[]): number {
  zeroCheck(asNum(scalarArg(args, 1, 'b')));
  return binary(args, divideIntsExact, (a, b) => a / b) as number;
}

export function modScalar(args: readonly RefValue[]): Num {
  zeroCheck(asNum(scalarArg(args, 1, 'b')));
  return binary(args, (a, b) => a - floorDivInt(a, b) * b, (a, b) => floatDivmod(a, b)[1]);
}

export function negScalar(args: readonly RefValue[]): Num {
  const a = asNum(scalarArg(args, 0, 'a'));
  return typeof a === 'bigint' ? wrap64(-a) : -a;
}

/** Exact three-way comparison of Int/Double values; null when a NaN is involved. */
function compare(a: Num, b: Num): number | null {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) || Number.isNaN(b) ? null : a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number') {
    const r = compare(b, a);
    return r === null ? null : -r;
  }
  const d = b as number;
  if (Number.isNaN(d)) return null;
  if (!Number.isFinite(d)) return d > 0 ? -1 : 1;
  const f = BigInt(Math.floor(d));
  if (a < f) return -1;
  if (a > f) return 1;
  return Math.floor(d) === d ? 0 : -1;
}

function comparison(test: (c: number) => boolean): (args: readonly RefValue[]) => boolean {
  return (args) => {
    const c = compare(asNum(scalarArg(args, 0, 'a')), asNum(scalarArg(args, 1, 'b')));
    return c !== null && test(c);
  };
}

export const eqScalar = comparison((c) => c === 0);
export const gtScalar = comparison((c) => c > 0);
export const ltScalar = comparison((c) => c < 0);
export const geScalar = comparison((c) => c >= 0);
export const leScalar = comparison((c) => c <= 0);
