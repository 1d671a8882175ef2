/**
 * gather, scatter (src and value) and masked_fill with ATen's semantics:
 * gather/scatter take an int64 index of self's rank (0-d counts as rank 1),
 * no larger than self outside `dim` (and than src anywhere), with values in
 * [0, size); scatter writes in index order, so a duplicate target keeps the
 * last write. masked_fill broadcasts self with a bool mask.
 */
import { broadcastShapes } from './binary.js';
import { ReferenceOpError } from './errors.js';
import type { DType } from '../dtype.js';
import { castScalar, isFloating } from './scalar-types.js';
import { checkOutDtype, outOrder, wrapDim } from './shape.js';
import {
  intArg, makeTensor, numelOf, rowMajorStrides, scalarArg, tensorArg, unravel, type RefTensor, type RefValue, type Scalar,
} from './tensor.js';

const rankOf = (t: RefTensor): number => Math.max(t.shape.length, 1);
const sizeAt = (t: RefTensor, d: number): number => (t.shape.length === 0 ? 1 : t.shape[d]!);

function checkIndex(self: RefTensor, dim: number, index: RefTensor, src: RefTensor | null): number {
  if (index.dtype !== 'int64') throw new ReferenceOpError(`index must be int64, got ${index.dtype}`);
  const d = wrapDim(dim, self.shape.length);
  if (rankOf(index) !== rankOf(self) || (src !== null && rankOf(src) !== rankOf(index))) {
    throw new ReferenceOpError(`index has rank ${index.shape.length} but self has rank ${self.shape.length}`);
  }
  if (numelOf(index.shape) === 0) return d;
  for (let k = 0; k < rankOf(index); k++) {
    if (k !== d && sizeAt(index, k) > sizeAt(self, k)) throw new ReferenceOpError(`index size ${sizeAt(index, k)} at dim ${k} exceeds self's ${sizeAt(self, k)}`);
    if (src !== null && sizeAt(index, k) > sizeAt(src, k)) throw new ReferenceOpError(`index size ${sizeAt(index, k)} at dim ${k} exceeds src's ${sizeAt(src, k)}`);
  }
  return d;
}

/** For each index element (logical order): its coords and the flat offset into base with dim d replaced by the index value. */
function targets(base: RefTensor, d: number, index: RefTensor): { coords: number[]; offset: number }[] {
  const own = rowMajorStrides(base.shape);
  const size = sizeAt(base, d);
  return (index.data as bigint[]).map((raw, i) => {
    const v = Number(raw);
    if (v < 0 || v >= size) throw new ReferenceOpError(`index ${v} is out of bounds for dimension ${d} with size ${size}`);
    const coords = unravel(i, index.shape);
    const offset = base.shape.length === 0 ? 0 : coords.reduce((s, c, k) => s + (k === d ? v : c) * own[k]!, 0);
    return { coords, offset };
  });
}

export function gatherOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const index = tensorArg(args, 2, 'index');
  const out = tensorArg(args, 4, 'out');
  const d = checkIndex(self, intArg(args, 1, 'dim'), index, null);
  checkOutDtype(self, out);
  const data = targets(self, d, index).map((t) => self.data[t.offset]!);
  return makeTensor(self.dtype, [...index.shape], data as number[] | bigint[], outOrder(out, index.shape.length));
}

function scatter(self: RefTensor, d: number, index: RefTensor, value: (coords: number[]) => number | bigint, out: RefTensor): RefTensor {
  checkOutDtype(self, out);
  const data = [...self.data] as (number | bigint)[];
  for (const t of targets(self, d, index)) data[t.offset] = value(t.coords);
  return makeTensor(self.dtype, [...self.shape], data as number[] | bigint[], outOrder(out, self.shape.length));
}

export function scatterSrcOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const index = tensorArg(args, 2, 'index');
  const src = tensorArg(args, 3, 'src');
  if (src.dtype !== self.dtype) throw new ReferenceOpError(`src is ${src.dtype} but self is ${self.dtype}`);
  const d = checkIndex(self, intArg(args, 1, 'dim'), index, src);
  const own = rowMajorStrides(src.shape);
  return scatter(self, d, index, (c) => src.data[c.reduce((s, x, k) => s + x * (own[k] ?? 0), 0)]!, tensorArg(args, 4, 'out'));
}

export function scatterValueOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const index = tensorArg(args, 2, 'index');
  const d = checkIndex(self, intArg(args, 1, 'dim'), index, null);
  const v = castScalar(scalarArg(args, 3, 'value'), self.dtype);
  return scatter(self, d, index, () => v, tensorArg(args, 4, 'out'));
}

const LIMITS: Partial<Record<DType, number>> = {
  uint8: 255, int8: 127, int16: 32767, int32: 2147483647, int64: 2 ** 63, float16: 65504, bfloat16: 3.3895313892515355e38, float32: 3.4028234663852886e38,
};

/** c10's checked Scalar conversion: integers must fit (uint8 also takes -255..-1, which wrap); floats may be NaN/inf but not beyond the max. */
export function scalarFits(dtype: DType, s: Scalar): boolean {
  const max = LIMITS[dtype];
  if (typeof s === 'boolean' || max === undefined) return true;
  const lo = dtype === 'uint8' ? 0 : -max - (isFloating(dtype) ? 0 : 1);
  if (typeof s === 'bigint') {
    if (dtype === 'int64') return true;
    if (dtype === 'uint8') return s >= -255n && s <= 255n;
    return Number(s) >= lo && Number(s) <= max;
  }
  if (!Number.isFinite(s)) return isFloating(dtype);
  return s >= lo && (dtype === 'int64' ? s < max : s <= max);
}

export function maskedFillScalarOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const mask = tensorArg(args, 1, 'mask');
  const out = tensorArg(args, 3, 'out');
  if (mask.dtype !== 'bool') throw new ReferenceOpError(`masked_fill only supports boolean masks, got ${mask.dtype}`);
  checkOutDtype(self, out);
  const value = scalarArg(args, 2, 'value');
  if (!scalarFits(self.dtype, value)) throw new ReferenceOpError(`value cannot be converted to type ${self.dtype} without overflow`);
  const v = castScalar(value, self.dtype);
  const shape = broadcastShapes(self.shape, mask.shape);
  const at = (t: RefTensor, coords: number[]): number => {
    const own = rowMajorStrides(t.shape);
    const lead = coords.length - t.shape.length;
    return t.shape.reduce((s, size, k) => s + (size === 1 ? 0 : coords[k + lead]! * own[k]!), 0);
  };
  const data = Array.from({ length: numelOf(shape) }, (_, i) => {
    const c = unravel(i, shape);
    return mask.data[at(mask, c)] ? v : self.data[at(self, c)]!;
  });
  return makeTensor(self.dtype, shape, data as number[] | bigint[], outOrder(out, shape.length));
}
