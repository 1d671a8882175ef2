/**
 * ATen's dtype rules for the reference: the promotion lattice
 * (`promoteTypes`), `result_type` with its three operand categories
 * (dimensioned tensors, zero-dim tensors, wrapped Python scalars), the
 * out-cast check (`canCast`) and element conversion with C++/ATen semantics
 * (integers wrap, float → int truncates toward zero, float → half rounds
 * through float32 as c10::Half's constructor does).
 */
import type { DType } from '../dtype.js';
import { ReferenceOpError } from './errors.js';
import { BFLOAT16, FLOAT16, FLOAT32, FLOAT64, intToFloat, roundTo, type FloatFormat } from './float-format.js';
import type { Scalar } from './tensor.js';

const FLOATS: Partial<Record<DType, FloatFormat>> = { float16: FLOAT16, bfloat16: BFLOAT16, float32: FLOAT32, float64: FLOAT64 };
const INT_BITS: Partial<Record<DType, { bits: number; signed: boolean }>> = {
  uint8: { bits: 8, signed: false }, int8: { bits: 8, signed: true }, int16: { bits: 16, signed: true },
  int32: { bits: 32, signed: true }, int64: { bits: 64, signed: true },
};

export const isFloating = (d: DType): boolean => FLOATS[d] !== undefined;
export const isIntegral = (d: DType): boolean => INT_BITS[d] !== undefined;
export const isReduced = (d: DType): boolean => d === 'float16' || d === 'bfloat16';

export function floatFormat(d: DType): FloatFormat {
  const f = FLOATS[d];
  if (f === undefined) throw new ReferenceOpError(`${d} is not a floating type`);
  return f;
}

function intFacts(d: DType): { bits: number; signed: boolean } {
  const f = INT_BITS[d];
  if (f === undefined) throw new ReferenceOpError(`${d} is not an integer type`);
  return f;
}

function checkSupported(d: DType): void {
  if (d !== 'bool' && !isFloating(d) && !isIntegral(d)) throw new ReferenceOpError(`dtype ${d} is not supported`);
}

/** c10::promoteTypes for the real types and bool. */
export function promoteTypes(a: DType, b: DType): DType {
  checkSupported(a);
  checkSupported(b);
  if (a === b) return a;
  if (a === 'bool') return b;
  if (b === 'bool') return a;
  if (isFloating(a) && isFloating(b)) {
    if (isReduced(a) && isReduced(b)) return 'float32';
    return floatFormat(a).precision >= floatFormat(b).precision ? a : b;
  }
  if (isFloating(a)) return a;
  if (isFloating(b)) return b;
  const x = intFacts(a);
  const y = intFacts(b);
  if (x.signed !== y.signed) {
    const signed = x.signed ? x : y;
    if (signed.bits > 8) return x.signed ? a : b;
    return 'int16';
  }
  return x.bits >= y.bits ? a : b;
}

export type OperandKind = 'dimensioned' | 'zero_dim' | 'wrapped';

/** The dtype a Python scalar has when ATen wraps it into a tensor. */
export function scalarType(s: Scalar): DType {
  if (typeof s === 'boolean') return 'bool';
  return typeof s === 'bigint' ? 'int64' : 'float64';
}

function combineCategories(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (isFloating(higher)) return higher;
  if (lower !== null && (higher === 'bool' || isFloating(lower))) return promoteTypes(higher, lower);
  return higher;
}

/** at::result_type over operands of the three categories (default dtype float32). */
export function resultType(operands: readonly { kind: OperandKind; dtype: DType }[]): DType {
  const state: Record<OperandKind, DType | null> = { dimensioned: null, zero_dim: null, wrapped: null };
  for (const { kind, dtype } of operands) {
    const current = kind === 'wrapped' && isFloating(dtype) ? 'float32' : dtype;
    const prev = state[kind];
    state[kind] = prev === null ? current : promoteTypes(prev, current);
  }
  const result = combineCategories(state.dimensioned, combineCategories(state.zero_dim, state.wrapped));
  if (result === null) throw new ReferenceOpError('result_type of no operands');
  return result;
}

/** c10::canCast: no float → integral, no non-bool → bool. */
export function canCast(from: DType, to: DType): boolean {
  if (isFloating(from) && isIntegral(to)) return false;
  if (from !== 'bool' && to === 'bool') return false;
  return true;
}

function wrapInt(v: bigint, d: DType): number | bigint {
  const { bits, signed } = intFacts(d);
  const w = signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
  return bits === 64 ? w : Number(w);
}

/** Float → integer the way the x86-64 build of ATen does it: truncate, out-of-range and NaN give the "integer indefinite". */
function floatToInt(v: number, d: DType): number | bigint {
  const { bits, signed } = intFacts(d);
  const t = Math.trunc(v);
  if (bits === 64 || !signed) {
    const ok = Number.isFinite(t) && t >= -(2 ** 63) && t < 2 ** 63;
    return wrapInt(ok ? BigInt(t) : -(2n ** 63n), d);
  }
  const ok = Number.isFinite(t) && t >= -(2 ** 31) && t < 2 ** 31;
  return wrapInt(ok ? BigInt(t) : -(2n ** 31n), d);
}

/** Converts one element from `from` to `to` (int64 as bigint, everything else as number). */
export function castElement(v: number | bigint, from: DType, to: DType): number | bigint {
  if (to === 'bool') return typeof v === 'bigint' ? (v !== 0n ? 1 : 0) : v !== 0 ? 1 : 0;
  if (isIntegral(to)) {
    if (typeof v === 'bigint') return wrapInt(v, to);
    if (isFloating(from)) return floatToInt(v, to);
    return wrapInt(BigInt(v), to);
  }
  const fmt = floatFormat(to);
  if (typeof v === 'bigint' || isIntegral(from) || from === 'bool') {
    const i = BigInt(v);
    return fmt === FLOAT64 ? intToFloat(i, FLOAT64) : roundTo(intToFloat(i, FLOAT32), fmt);
  }
  if (from === 'float64' && fmt !== FLOAT64) return roundTo(Math.fround(v), fmt);
  return roundTo(v, fmt);
}

/** A Scalar argument converted to dtype `to` (as ATen converts a Scalar to the compute type). */
export function castScalar(s: Scalar, to: DType): number | bigint {
  if (typeof s === 'boolean') return castElement(s ? 1 : 0, 'bool', to);
  return castElement(s, typeof s === 'bigint' ? 'int64' : 'float64', to);
}

export function castData(data: readonly (number | bigint)[], from: DType, to: DType): number[] | bigint[] {
  if (from === to) return [...data] as number[] | bigint[];
  return data.map((v) => castElement(v, from, to)) as number[] | bigint[];
}
