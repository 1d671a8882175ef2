/**
 * Indexing with ATen's semantics: index.Tensor (advanced indexing: None
 * keeps a dim, bool/uint8 masks stand for their nonzero coordinates, index
 * tensors broadcast, and the indexed dims' result moves to the front when
 * they are not adjacent), index_put (values broadcast to the indexing
 * result; accumulate adds in the element type, duplicates accumulate in
 * order, bool adds as OR), index_select and embedding (indices in [0, size)).
 */
import type { DType } from '../dtype.js';
import { broadcastShapes } from './binary.js';
import { ReferenceOpError } from './errors.js';
import { castElement, floatFormat, isFloating, isReduced } from './scalar-types.js';
import { FLOAT32, roundTo } from './float-format.js';
import { checkOutDtype, outOrder, wrapDim } from './shape.js';
import {
  boolArg, intArg, isTensor, makeTensor, numelOf, rowMajorStrides, tensorArg, unravel, type RefTensor, type RefValue,
} from './tensor.js';

interface IndexEntry { dim: number; shape: number[]; values: number[] }

function indexValues(t: RefTensor): number[] {
  return (t.data as (number | bigint)[]).map(Number);
}

/** The index entries of a Tensor?[] list, masks expanded to their nonzero coordinates. */
function entriesOf(self: RefTensor, indices: readonly (RefTensor | null)[]): IndexEntry[] {
  const rank = self.shape.length;
  const entries: IndexEntry[] = [];
  let dim = 0;
  for (const [i, t] of indices.entries()) {
    if (t === null) {
      dim++;
      continue;
    }
    if (t.dtype === 'bool' || t.dtype === 'uint8') {
      if (dim + t.shape.length > rank) throw new ReferenceOpError(`too many indices for tensor of dimension ${rank}`);
      t.shape.forEach((s, d) => {
        if (s !== self.shape[dim + d]) throw new ReferenceOpError(`the shape of the mask [${t.shape}] at index ${i} does not match the shape of the indexed tensor [${self.shape}]`);
      });
      const hits = indexValues(t).flatMap((v, k) => (v !== 0 ? [unravel(k, t.shape)] : []));
      t.shape.forEach((_, d) => entries.push({ dim: dim + d, shape: [hits.length], values: hits.map((c) => c[d]!) }));
      dim += t.shape.length;
    } else if (t.dtype === 'int64' || t.dtype === 'int32') {
      if (dim >= Math.max(rank, 1)) throw new ReferenceOpError(`too many indices for tensor of dimension ${rank}`);
      entries.push({ dim: dim++, shape: [...t.shape], values: indexValues(t) });
    } else {
      throw new ReferenceOpError(`tensors used as indices must be long, int, byte or bool tensors, got ${t.dtype}`);
    }
  }
  return entries;
}

/** The indexing result's shape and, per result element, the flat logical offset into self. */
export function indexPlan(self: RefTensor, indices: readonly (RefTensor | null)[]): { shape: number[]; offsets: number[] } {
  const entries = entriesOf(self, indices);
  const rank = self.shape.length;
  const own = rowMajorStrides(self.shape);
  const b = entries.reduce<number[]>((s, e) => broadcastShapes(s, e.shape), []);
  const indexed = new Set(entries.map((e) => e.dim));
  const dims = entries.map((e) => e.dim);
  const adjacent = entries.length === 0 || Math.max(...dims) - Math.min(...dims) + 1 === entries.length;
  const first = entries.length === 0 ? 0 : Math.min(...dims);
  // Each result dim: a slice of a self dim, or one of the broadcast dims.
  const layout: ({ slice: number } | { b: number })[] = [];
  const slices = Array.from({ length: rank }, (_, d) => d).filter((d) => !indexed.has(d));
  if (adjacent) slices.filter((d) => d < first).forEach((d) => layout.push({ slice: d }));
  b.forEach((_, k) => layout.push({ b: k }));
  slices.filter((d) => !adjacent || d > first).forEach((d) => layout.push({ slice: d }));
  const shape = layout.map((l) => ('slice' in l ? self.shape[l.slice]! : b[l.b]!));
  const entryStrides = entries.map((e) => {
    const own = rowMajorStrides(e.shape);
    return b.map((_, k) => {
      const d = k - (b.length - e.shape.length);
      return d < 0 || e.shape[d] === 1 ? 0 : own[d]!;
    });
  });
  const n = numelOf(shape);
  const offsets = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const coords = unravel(i, shape);
    const bc = new Array<number>(b.length).fill(0);
    let at = 0;
    layout.forEach((l, r) => {
      if ('slice' in l) at += coords[r]! * own[l.slice]!;
      else bc[l.b] = coords[r]!;
    });
    entries.forEach((e, k) => {
      const size = rank === 0 ? 1 : self.shape[e.dim]!;
      let v = e.values[bc.reduce((s, c, j) => s + c * entryStrides[k]![j]!, 0)]!;
      if (v < -size || v >= size) throw new ReferenceOpError(`index ${v} is out of bounds for dimension ${e.dim} with size ${size}`);
      if (v < 0) v += size;
      at += rank === 0 ? 0 : v * own[e.dim]!;
    });
    offsets[i] = at;
  }
  return { shape, offsets };
}

function optionalTensorListArg(args: readonly RefValue[], i: number, name: string): (RefTensor | null)[] {
  const v = args[i];
  if (!Array.isArray(v) || v.some((x) => x !== null && !isTensor(x as RefValue))) throw new ReferenceOpError(`argument ${name} must be a Tensor?[]`);
  return v as (RefTensor | null)[];
}

export function indexTensorOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const out = tensorArg(args, 2, 'out');
  const indices = optionalTensorListArg(args, 1, 'indices');
  if (indices.length > Math.max(self.shape.length, 1)) throw new ReferenceOpError(`too many indices for tensor of dimension ${self.shape.length}`);
  checkOutDtype(self, out);
  const { shape, offsets } = indexPlan(self, indices);
  return makeTensor(self.dtype, shape, offsets.map((o) => self.data[o]!) as number[] | bigint[], outOrder(out, shape.length));
}

/** a + b in dtype's own arithmetic (wrapping integers, bool OR, floats rounded to the dtype). */
function addIn(dtype: DType, a: number | bigint, b: number | bigint): number | bigint {
  if (dtype === 'bool') return a || b ? 1 : 0;
  if (!isFloating(dtype)) return castElement(BigInt(a) + BigInt(b), 'int64', dtype);
  const sum = (a as number) + (b as number);
  return isReduced(dtype) ? roundTo(roundTo(sum, FLOAT32), floatFormat(dtype)) : roundTo(sum, floatFormat(dtype));
}

export function indexPutOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const indices = optionalTensorListArg(args, 1, 'indices');
  const values = tensorArg(args, 2, 'values');
  const accumulate = boolArg(args, 3, 'accumulate');
  const out = tensorArg(args, 4, 'out');
  if (values.dtype !== self.dtype) throw new ReferenceOpError(`index_put requires the source and destination dtypes to match: ${values.dtype} vs ${self.dtype}`);
  if (indices.length > Math.max(self.shape.length, 1)) throw new ReferenceOpError(`too many indices for tensor of dimension ${self.shape.length}`);
  checkOutDtype(self, out);
  const { shape, offsets } = indexPlan(self, indices);
  if (values.shape.length > shape.length || values.shape.some((s, d) => s !== 1 && s !== shape[d + shape.length - values.shape.length])) {
    throw new ReferenceOpError(`shape mismatch: value tensor of shape [${values.shape}] cannot be broadcast to indexing result of shape [${shape}]`);
  }
  const vStrides = rowMajorStrides(values.shape);
  const data = [...self.data] as (number | bigint)[];
  offsets.forEach((o, i) => {
    const coords = unravel(i, shape);
    let at = 0;
    values.shape.forEach((s, d) => { if (s !== 1) at += coords[d + shape.length - values.shape.length]! * vStrides[d]!; });
    const v = values.data[at]!;
    data[o] = accumulate ? addIn(self.dtype, data[o]!, v) : v;
  });
  return makeTensor(self.dtype, [...self.shape], data as number[] | bigint[], outOrder(out, self.shape.length));
}

function checkIndexTensor(t: RefTensor, name: string): void {
  if (t.dtype !== 'int64' && t.dtype !== 'int32') throw new ReferenceOpError(`${name} must be int64 or int32, got ${t.dtype}`);
}

export function indexSelectOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const index = tensorArg(args, 2, 'index');
  const out = tensorArg(args, 3, 'out');
  checkIndexTensor(index, 'index');
  if (index.shape.length > 1) throw new ReferenceOpError('index_select(): index must be a vector or a scalar');
  checkOutDtype(self, out);
  const dim = wrapDim(intArg(args, 1, 'dim'), self.shape.length);
  const size = self.shape.length === 0 ? 1 : self.shape[dim]!;
  const picks = indexValues(index).map((v) => {
    if (v < 0 || v >= size) throw new ReferenceOpError(`index ${v} is out of range for dim ${dim} of size ${size}`);
    return v;
  });
  if (self.shape.length === 0) {
    if (picks.length !== 1) throw new ReferenceOpError('index_select(): a 0-dim self needs exactly one index');
    return makeTensor(self.dtype, [], [self.data[0]!] as number[] | bigint[], []);
  }
  const shape = [...self.shape];
  shape[dim] = picks.length;
  const own = rowMajorStrides(self.shape);
  const data = Array.from({ length: numelOf(shape) }, (_, i) => {
    const c = unravel(i, shape);
    c[dim] = picks[c[dim]!]!;
    return self.data[c.reduce((s, x, d) => s + x * own[d]!, 0)]!;
  });
  return makeTensor(self.dtype, shape, data as number[] | bigint[], outOrder(out, shape.length));
}

export function embeddingOut(args: readonly RefValue[]): RefTensor {
  const weight = tensorArg(args, 0, 'weight');
  const indices = tensorArg(args, 1, 'indices');
  const out = tensorArg(args, 5, 'out');
  checkIndexTensor(indices, 'indices');
  if (weight.shape.length !== 2) throw new ReferenceOpError(`'weight' must be 2-D, got rank ${weight.shape.length}`);
  checkOutDtype(weight, out, 'weight');
  const [rows, cols] = weight.shape as [number, number];
  const data: (number | bigint)[] = [];
  for (const v of indexValues(indices)) {
    if (v < 0 || v >= rows) throw new ReferenceOpError(`index ${v} is out of range for an embedding of ${rows} rows`);
    for (let c = 0; c < cols; c++) data.push(weight.data[v * cols + c]!);
  }
  const shape = [...indices.shape, cols];
  return makeTensor(weight.dtype, shape, data as number[] | bigint[], outOrder(out, shape.length));
}
