/**
 * sub / rsub, div (true, trunc, floor; tensor and Scalar divisors) and
 * pow.Tensor_Scalar with ATen's semantics. sub refuses bool operands and
 * rounds a - alpha·b once (ATen's vectorized loop fuses it); div promotes
 * integers and bool to float32 for true division, divides integers exactly
 * with a rounding mode (a zero divisor is an error) and floors floats the
 * way ATen's div_floor_floating does (fmod first). A half-type true division
 * by a single element uses that element unrounded, as ATen's CPU kernel.
 * pow follows ATen's CPU specializations (sqrt/rsqrt/reciprocal for ±0.5
 * and -1 except on float16, products for 2, 3, -2, exponent 0 fills ones,
 * 1 copies) and exact wrapping integer powers.
 */
import type { DType } from '../dtype.js';
import { ReferenceOpError } from './errors.js';
import {
  checkOutCast, checkOutIs, floatType, mapBroadcast, operand, roundCompute, roundIn, wrapped, type Element,
} from './elementwise.js';
import { fusedMultiplyAdd, FLOAT32 } from './float-format.js';
import { scalarFits } from './indexing-scatter.js';
import { castElement, castScalar, floatFormat, isFloating, isReduced, resultType } from './scalar-types.js';
import { makeTensor, numelOf, scalarArg, tensorArg, type RefTensor, type RefValue, type Scalar } from './tensor.js';

/** A Scalar as a 0-d tensor of the dtype it wraps into. */
function scalarTensor(s: Scalar, dtype: DType): RefTensor {
  return makeTensor(dtype, [], [castScalar(s, dtype)] as number[] | bigint[]);
}

// --- sub / rsub ---

function subCore(a: RefTensor, b: RefTensor, common: DType, alpha: Scalar, out: RefTensor): RefTensor {
  if (a.dtype === 'bool' || b.dtype === 'bool') {
    throw new ReferenceOpError('Subtraction, the `-` operator, with a bool tensor is not supported');
  }
  if (typeof alpha === 'boolean') throw new ReferenceOpError('Boolean alpha only supported for Boolean results');
  if (!isFloating(common) && typeof alpha === 'number') {
    throw new ReferenceOpError('For integral input tensors, argument alpha must not be a floating point number');
  }
  checkOutCast(common, out);
  if (!isFloating(common)) {
    const k = BigInt(alpha);
    return mapBroadcast([a, b], common, out, ([x, y]) =>
      castElement(BigInt(castElement(x!, a.dtype, common)) - k * BigInt(castElement(y!, b.dtype, common)), 'int64', common));
  }
  const compute = isReduced(common) ? FLOAT32 : floatFormat(common);
  const al = Number(castScalar(alpha, isReduced(common) ? 'float32' : common));
  return mapBroadcast([a, b], common, out, ([x, y]) => {
    const u = castElement(x!, a.dtype, common) as number;
    const v = castElement(y!, b.dtype, common) as number;
    const r = al === 1 ? roundCompute(common, u - v) : fusedMultiplyAdd(-al, v, u, compute);
    return roundIn(common, r);
  });
}

export function subOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const other = tensorArg(args, 1, 'other');
  const common = resultType([operand(self), operand(other)]);
  return subCore(self, other, common, scalarArg(args, 2, 'alpha'), tensorArg(args, 3, 'out'));
}

function scalarSub(args: readonly RefValue[], reversed: boolean): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const other = scalarArg(args, 1, 'other');
  const common = resultType([operand(self), wrapped(other)]);
  const s = scalarTensor(other, typeof other === 'boolean' ? 'bool' : common);
  const [a, b] = reversed ? [s, self] : [self, s];
  return subCore(a, b, common, scalarArg(args, 2, 'alpha'), tensorArg(args, 3, 'out'));
}

export const subScalarOut = (args: readonly RefValue[]): RefTensor => scalarSub(args, false);
export const rsubScalarOut = (args: readonly RefValue[]): RefTensor => scalarSub(args, true);

// --- div ---

type Mode = 'true' | 'trunc' | 'floor';

function floorDivFloat(a: number, b: number, rc: (v: number) => number): number {
  if (b === 0) return rc(a / b);
  const mod = a % b;
  let div = rc(rc(a - mod) / b);
  if (mod !== 0 && (b < 0) !== (mod < 0)) div = rc(div - 1);
  if (div === 0) return Math.sign(rc(a / b)) < 0 || Object.is(rc(a / b), -0) ? -0 : 0;
  let fl = Math.floor(div);
  if (rc(div - fl) > 0.5) fl = rc(fl + 1);
  return fl;
}

function intDiv(x: bigint, y: bigint, mode: Mode): bigint {
  if (y === 0n) throw new ReferenceOpError('ZeroDivisionError');
  let q = x / y;
  if (mode === 'floor' && x % y !== 0n && (x < 0n) !== (y < 0n)) q -= 1n;
  return q;
}

function divCore(a: RefTensor, b: RefTensor, common: DType, mode: Mode, out: RefTensor): RefTensor {
  if (mode === 'true') {
    const result = floatType(common);
    checkOutCast(result, out);
    const rawB = isReduced(result) && numelOf(b.shape) === 1 && numelOf(out.shape) >= 1;
    return mapBroadcast([a, b], result, out, ([x, y]) => {
      const u = castElement(x!, a.dtype, result) as number;
      const v = castElement(y!, b.dtype, rawB ? 'float32' : result) as number;
      return roundIn(result, u / v);
    });
  }
  if (common === 'bool') throw new ReferenceOpError(`"div_${mode}_cpu" not implemented for 'Bool'`);
  checkOutCast(common, out);
  if (!isFloating(common)) {
    return mapBroadcast([a, b], common, out, ([x, y]) =>
      castElement(intDiv(BigInt(castElement(x!, a.dtype, common)), BigInt(castElement(y!, b.dtype, common)), mode), 'int64', common));
  }
  // Every step rounds in the dtype's arithmetic (half types: each operation, as ATen's scalar_t math).
  const rc = (v: number): number => roundIn(common, v);
  return mapBroadcast([a, b], common, out, ([x, y]) => {
    const u = castElement(x!, a.dtype, common) as number;
    const v = castElement(y!, b.dtype, common) as number;
    return mode === 'trunc' ? Math.trunc(rc(u / v)) : floorDivFloat(u, v, rc);
  });
}

export function divOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const other = tensorArg(args, 1, 'other');
  return divCore(self, other, resultType([operand(self), operand(other)]), 'true', tensorArg(args, 2, 'out'));
}

export function divOutMode(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const other = tensorArg(args, 1, 'other');
  const m = args[2];
  if (m !== null && m !== 'trunc' && m !== 'floor') {
    throw new ReferenceOpError(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(m)}'`);
  }
  return divCore(self, other, resultType([operand(self), operand(other)]), m ?? 'true', tensorArg(args, 3, 'out'));
}

export function divScalarOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const other = scalarArg(args, 1, 'other');
  const common = resultType([operand(self), wrapped(other)]);
  const result = floatType(common);
  // The divisor wraps into a 0-d tensor; in float32 for half-type results (used unrounded).
  return divCore(self, scalarTensor(other, isReduced(result) ? 'float32' : result), common, 'true', tensorArg(args, 2, 'out'));
}

// --- pow ---

function powInt(base: bigint, exp: bigint, d: DType): Element {
  let result = 1n;
  let b = BigInt.asIntN(64, base);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = BigInt.asIntN(64, result * b);
    e >>= 1n;
    b = BigInt.asIntN(64, b * b);
  }
  return castElement(result, 'int64', d);
}

function powFloat(x: number, e: number, d: DType): number {
  const r = (v: number): number => roundIn(d, v);
  if (d !== 'float16') {
    if (e === 0.5) return r(Math.sqrt(x));
    if (e === -0.5) return r(1 / r(Math.sqrt(x)));
    if (e === -1) return r(1 / x);
    if (e === 2) return r(x * x);
    if (e === 3) return r(r(x * x) * x);
    if (e === -2) return r(1 / r(x * x));
  }
  if (d === 'float32' || d === 'float64') return r(Math.pow(x, e));
  return r(Math.pow(x, r(e)));
}

export function powTensorScalarOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const exponent = scalarArg(args, 1, 'exponent');
  const out = tensorArg(args, 2, 'out');
  if (!isFloating(self.dtype) && typeof exponent === 'bigint' && exponent < 0n) {
    throw new ReferenceOpError('Integers to negative integer powers are not allowed.');
  }
  const common = resultType([operand(self), wrapped(exponent)]);
  checkOutIs(common, out);
  const e = typeof exponent === 'boolean' ? (exponent ? 1 : 0) : Number(exponent);
  if (e === 0) return mapBroadcast([self], common, out, () => castScalar(1n, common));
  if (e === 1) return mapBroadcast([self], common, out, ([x]) => castElement(x!, self.dtype, common));
  if (common === 'bool') throw new ReferenceOpError('"pow" not implemented for \'Bool\'');
  if (isFloating(common)) {
    return mapBroadcast([self], common, out, ([x]) => powFloat(castElement(x!, self.dtype, common) as number, e, common));
  }
  if (!scalarFits(common, exponent)) throw new ReferenceOpError(`value cannot be converted to type ${common} without overflow`);
  const k = BigInt(castScalar(exponent, common));
  return mapBroadcast([self], common, out, ([x]) => powInt(BigInt(castElement(x!, self.dtype, common)), k, common));
}

/** powi for a possibly negative integer exponent: 0 except for bases ±1, as ATen's integer pow. */
function powIntSigned(base: bigint, exp: bigint, d: DType): Element {
  if (exp >= 0n) return powInt(base, exp, d);
  if (base === 1n) return castElement(1n, 'int64', d);
  if (base === -1n) return castElement(exp % 2n === 0n ? 1n : -1n, 'int64', d);
  return castElement(0n, 'int64', d);
}

export function powTensorTensorOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const exponent = tensorArg(args, 1, 'exponent');
  const out = tensorArg(args, 2, 'out');
  const common = resultType([operand(self), operand(exponent)]);
  if (common === 'bool') throw new ReferenceOpError('"pow" not implemented for \'Bool\'');
  checkOutCast(common, out);
  return mapBroadcast([self, exponent], common, out, ([x, e]) => {
    const a = castElement(x!, self.dtype, common);
    const b = castElement(e!, exponent.dtype, common);
    return isFloating(common) ? roundIn(common, Math.pow(a as number, b as number)) : powIntSigned(BigInt(a), BigInt(b), common);
  });
}

export function bitwiseAndTensorOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const other = tensorArg(args, 1, 'other');
  const out = tensorArg(args, 2, 'out');
  const common = resultType([operand(self), operand(other)]);
  if (isFloating(common)) throw new ReferenceOpError(`"bitwise_and_cpu" not implemented for '${common}'`);
  checkOutCast(common, out);
  return mapBroadcast([self, other], common, out, ([x, y]) => {
    const a = castElement(x!, self.dtype, common);
    const b = castElement(y!, other.dtype, common);
    return typeof a === 'bigint' ? a & (b as bigint) : castElement(BigInt((a as number) & (b as number)), 'int64', common);
  });
}
