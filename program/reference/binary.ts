/**
 * aten::add.out / add.Scalar_out / mul.out / mul.Scalar_out with ATen's
 * semantics: NumPy broadcasting, `result_type` promotion (a Scalar operand is
 * a wrapped number), alpha checks, the out cast (`canCast`), integer
 * wraparound, bool add = OR and mul = AND, float16/bfloat16 computed in
 * float32 and rounded. Float add rounds `self + alpha·other` once (a fused
 * multiply-add, as ATen's vectorized CPU kernel computes it).
 */
import type { DType } from '../dtype.js';
import { ReferenceOpError } from './errors.js';
import { FLOAT32, fusedMultiplyAdd, roundTo } from './float-format.js';
import {
  canCast, castElement, castScalar, floatFormat, isFloating, isReduced, resultType, scalarType, type OperandKind,
} from './scalar-types.js';
import {
  contiguousOrder, makeTensor, numelOf, rowMajorStrides, scalarArg, tensorArg, type RefTensor, type RefValue, type Scalar,
} from './tensor.js';

export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new ReferenceOpError(`shapes [${a}] and [${b}] do not broadcast`);
    out[i] = x === 1 ? y : x;
  }
  return out;
}

/** For each output element, the flat logical index of the broadcast operand element. */
export function broadcastIndices(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = rowMajorStrides(shape);
  const offset = outShape.length - shape.length;
  const n = numelOf(outShape);
  const out = new Array<number>(n);
  const coords = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let at = 0;
    for (let d = 0; d < shape.length; d++) if (shape[d] !== 1) at += coords[d + offset]! * own[d]!;
    out[i] = at;
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++coords[d]! < outShape[d]!) break;
      coords[d] = 0;
    }
  }
  return out;
}

type Kind = 'add' | 'mul';
type Operand = RefTensor | Scalar;

const kindOf = (o: Operand): OperandKind =>
  typeof o === 'object' ? (o.shape.length === 0 ? 'zero_dim' : 'dimensioned') : 'wrapped';

function checkAlpha(alpha: Scalar, common: DType): void {
  if (typeof alpha === 'boolean' && common !== 'bool') throw new ReferenceOpError('Boolean alpha only supported for Boolean results');
  if (!isFloating(common) && typeof alpha === 'number') {
    throw new ReferenceOpError('for integral input tensors, alpha must not be a floating point number');
  }
}

/** One element of `common`-typed a (+ alpha·b | · b), before the cast to out. */
function elementOp(kind: Kind, common: DType, alpha: number | bigint): (a: number | bigint, b: number | bigint) => number | bigint {
  if (common === 'bool') {
    return kind === 'add' ? (a, b) => (a || (alpha && b) ? 1 : 0) : (a, b) => (a && b ? 1 : 0);
  }
  if (!isFloating(common)) {
    const wrap = (v: bigint): number | bigint => castElement(v, 'int64', common);
    const k = BigInt(alpha);
    return kind === 'add' ? (a, b) => wrap(BigInt(a) + k * BigInt(b)) : (a, b) => wrap(BigInt(a) * BigInt(b));
  }
  const fmt = floatFormat(common);
  const compute = isReduced(common) ? FLOAT32 : fmt;
  const al = Number(alpha);
  if (kind === 'mul') return (a, b) => roundTo(roundTo((a as number) * (b as number), compute), fmt);
  if (al === 1) return (a, b) => roundTo(roundTo((a as number) + (b as number), compute), fmt);
  return (a, b) => roundTo(fusedMultiplyAdd(al, b as number, a as number, compute), fmt);
}

/**
 * self (+ alpha·other | · other) into a tensor shaped like the broadcast and
 * typed like `out` (its dim order too when the rank matches).
 */
export function binaryOut(kind: Kind, self: RefTensor, other: Operand, alpha: Scalar, out: RefTensor): RefTensor {
  const common = resultType([
    { kind: kindOf(self), dtype: self.dtype },
    { kind: kindOf(other), dtype: typeof other === 'object' ? other.dtype : scalarType(other) },
  ]);
  if (!canCast(common, out.dtype)) throw new ReferenceOpError(`result type ${common} can't be cast to the desired output type ${out.dtype}`);
  if (kind === 'add') checkAlpha(alpha, common);
  const otherShape = typeof other === 'object' ? other.shape : [];
  const shape = broadcastShapes(self.shape, otherShape);
  const a = (self.data as (number | bigint)[]).map((v) => castElement(v, self.dtype, common));
  // ATen's mul multiplies a float16/bfloat16 tensor by a single broadcast `other` in float32 without
  // first rounding that value to the half type (`original_scalar_value`); add rounds it.
  const bType = kind === 'mul' && isReduced(common) && numelOf(otherShape) === 1 && numelOf(shape) >= 1 ? 'float32' : common;
  const b = typeof other === 'object'
    ? (other.data as (number | bigint)[]).map((v) => castElement(v, other.dtype, bType))
    : [castScalar(other, bType)];
  const f = elementOp(kind, common, castScalar(alpha, common));
  const ai = broadcastIndices(self.shape, shape);
  const bi = broadcastIndices(otherShape, shape);
  const data = ai.map((i, k) => castElement(f(a[i]!, b[bi[k]!]!), common, out.dtype)) as number[] | bigint[];
  const dimOrder = out.dimOrder.length === shape.length ? [...out.dimOrder] : contiguousOrder(shape.length);
  return makeTensor(out.dtype, shape, data, dimOrder);
}

const ONE: Scalar = 1n;

export function addOut(args: readonly RefValue[]): RefTensor {
  return binaryOut('add', tensorArg(args, 0, 'self'), tensorArg(args, 1, 'other'), scalarArg(args, 2, 'alpha'), tensorArg(args, 3, 'out'));
}

export function addScalarOut(args: readonly RefValue[]): RefTensor {
  return binaryOut('add', tensorArg(args, 0, 'self'), scalarArg(args, 1, 'other'), scalarArg(args, 2, 'alpha'), tensorArg(args, 3, 'out'));
}

export function mulOut(args: readonly RefValue[]): RefTensor {
  return binaryOut('mul', tensorArg(args, 0, 'self'), tensorArg(args, 1, 'other'), ONE, tensorArg(args, 2, 'out'));
}

export function mulScalarOut(args: readonly RefValue[]): RefTensor {
  return binaryOut('mul', tensorArg(args, 0, 'self'), scalarArg(args, 1, 'other'), ONE, tensorArg(args, 2, 'out'));
}
