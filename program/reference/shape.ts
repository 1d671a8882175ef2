/**
 * The shape-family view copies with ATen's semantics: view_copy (reshape in
 * logical order, one -1 inferred), permute/transpose/t, expand (stride 0),
 * squeeze (all, one dim, several), unsqueeze, slice (clamped bounds,
 * positive step), select, narrow (unclamped), alias, constant_pad_nd
 * (negative pads crop). Every result keeps self's dtype — like ExecuTorch's
 * portable kernels, the out tensor must have it (ATen's generated out
 * variants would convert; we do not) — and takes out's dim order when the
 * rank matches.
 */
import { ReferenceOpError } from './errors.js';
import { castData, castScalar } from './scalar-types.js';
import {
  boolArg, contiguousOrder, intArg, intListArg, makeTensor, numelOf, rowMajorStrides, scalarArg, tensorArg,
  type RefTensor, type RefValue,
} from './tensor.js';

/** A strided view of self's logical elements: element coords → offset + Σ coords·strides. */
export interface View { shape: number[]; strides: number[]; offset: number }

export const identityView = (t: RefTensor): View => ({ shape: [...t.shape], strides: rowMajorStrides(t.shape), offset: 0 });

/** The elements of a view in logical row-major order. */
export function viewData(self: RefTensor, v: View): number[] | bigint[] {
  const n = numelOf(v.shape);
  const out = new Array<number | bigint>(n);
  const coords = new Array<number>(v.shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let at = v.offset;
    coords.forEach((c, d) => { at += c * v.strides[d]!; });
    out[i] = self.data[at]!;
    for (let d = v.shape.length - 1; d >= 0; d--) {
      if (++coords[d]! < v.shape[d]!) break;
      coords[d] = 0;
    }
  }
  return out as number[] | bigint[];
}

/** Out's dim order when its rank matches the result's, else contiguous. */
export const outOrder = (out: RefTensor, rank: number): number[] =>
  out.dimOrder.length === rank ? [...out.dimOrder] : contiguousOrder(rank);

export function checkOutDtype(self: RefTensor, out: RefTensor, name = 'self'): void {
  if (self.dtype !== out.dtype) throw new ReferenceOpError(`${name} is ${self.dtype} but out is ${out.dtype}`);
}

export function viewResult(self: RefTensor, v: View, out: RefTensor): RefTensor {
  checkOutDtype(self, out);
  return makeTensor(self.dtype, v.shape, viewData(self, v), outOrder(out, v.shape.length));
}

/** ATen's maybe_wrap_dim: [-rank, rank), a 0-d tensor accepts -1 and 0. */
export function wrapDim(dim: number, rank: number): number {
  const r = Math.max(rank, 1);
  if (dim < -r || dim >= r) throw new ReferenceOpError(`dim ${dim} is out of range for a rank-${rank} tensor`);
  return dim < 0 ? dim + r : dim;
}

export function viewCopyOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const size = [...intListArg(args, 1, 'size')];
  const out = tensorArg(args, 2, 'out');
  const n = numelOf(self.shape);
  const infer = size.indexOf(-1);
  const known = size.reduce((p, s, i) => (i === infer ? p : p * s), 1);
  if (size.some((s, i) => s < 0 && i !== infer)) throw new ReferenceOpError(`invalid shape [${size}]`);
  if (infer >= 0) {
    if (known === 0 || n % known !== 0) throw new ReferenceOpError(`shape [${size}] is invalid for input of size ${n}`);
    size[infer] = n / known;
  }
  if (numelOf(size) !== n) throw new ReferenceOpError(`shape [${size}] is invalid for input of size ${n}`);
  checkOutDtype(self, out);
  return makeTensor(self.dtype, size, [...self.data] as number[] | bigint[], outOrder(out, size.length));
}

export function permuteView(self: RefTensor, dims: readonly number[]): View {
  if (dims.length !== self.shape.length) throw new ReferenceOpError(`dims [${dims}] do not match rank ${self.shape.length}`);
  const wrapped = dims.map((d) => wrapDim(d, self.shape.length));
  if (new Set(wrapped).size !== wrapped.length) throw new ReferenceOpError(`dims [${dims}] repeat a dim`);
  const own = rowMajorStrides(self.shape);
  return { shape: wrapped.map((d) => self.shape[d]!), strides: wrapped.map((d) => own[d]!), offset: 0 };
}

export function permuteCopyOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  return viewResult(self, permuteView(self, intListArg(args, 1, 'dims')), tensorArg(args, 2, 'out'));
}

function transposeView(self: RefTensor, dim0: number, dim1: number): View {
  const rank = self.shape.length;
  const a = wrapDim(dim0, rank);
  const b = wrapDim(dim1, rank);
  if (rank === 0) return identityView(self);
  const dims = contiguousOrder(rank);
  dims[a] = b;
  dims[b] = a;
  return permuteView(self, dims);
}

export function transposeCopyIntOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  return viewResult(self, transposeView(self, intArg(args, 1, 'dim0'), intArg(args, 2, 'dim1')), tensorArg(args, 3, 'out'));
}

export function tCopyOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  if (self.shape.length > 2) throw new ReferenceOpError(`t() expects a tensor with <= 2 dimensions, got ${self.shape.length}`);
  return viewResult(self, transposeView(self, 0, self.shape.length < 2 ? 0 : 1), tensorArg(args, 1, 'out'));
}

export function aliasCopyOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  return viewResult(self, identityView(self), tensorArg(args, 1, 'out'));
}

export function expandCopyOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const size = intListArg(args, 1, 'size');
  boolArg(args, 2, 'implicit');
  const lead = size.length - self.shape.length;
  if (lead < 0) throw new ReferenceOpError(`the number of sizes (${size.length}) must be >= the rank ${self.shape.length}`);
  const own = rowMajorStrides(self.shape);
  const shape: number[] = [];
  const strides: number[] = [];
  size.forEach((want, i) => {
    if (i < lead) {
      if (want < 0) throw new ReferenceOpError(`size ${want} is not allowed for a new leading dim`);
      shape.push(want);
      strides.push(0);
      return;
    }
    const have = self.shape[i - lead]!;
    if (want === -1 || want === have) {
      shape.push(have);
      strides.push(own[i - lead]!);
    } else if (have === 1 && want >= 0) {
      shape.push(want);
      strides.push(0);
    } else {
      throw new ReferenceOpError(`expanded size ${want} must match the existing size ${have} at dim ${i}`);
    }
  });
  return viewResult(self, { shape, strides, offset: 0 }, tensorArg(args, 3, 'out'));
}

function squeezeView(self: RefTensor, drop: (d: number) => boolean): View {
  const own = rowMajorStrides(self.shape);
  const keep = self.shape.map((_, d) => d).filter((d) => !drop(d));
  return { shape: keep.map((d) => self.shape[d]!), strides: keep.map((d) => own[d]!), offset: 0 };
}

export function squeezeCopyOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  return viewResult(self, squeezeView(self, (d) => self.shape[d] === 1), tensorArg(args, 1, 'out'));
}

function squeezeDims(self: RefTensor, dims: readonly number[], out: RefTensor): RefTensor {
  const wrapped = dims.map((d) => wrapDim(d, self.shape.length));
  if (new Set(wrapped).size !== wrapped.length) throw new ReferenceOpError(`dims [${dims}] repeat a dim`);
  return viewResult(self, squeezeView(self, (d) => wrapped.includes(d) && self.shape[d] === 1), out);
}

export function squeezeCopyDimOut(args: readonly RefValue[]): RefTensor {
  return squeezeDims(tensorArg(args, 0, 'self'), [intArg(args, 1, 'dim')], tensorArg(args, 2, 'out'));
}

export function squeezeCopyDimsOut(args: readonly RefValue[]): RefTensor {
  return squeezeDims(tensorArg(args, 0, 'self'), intListArg(args, 1, 'dim'), tensorArg(args, 2, 'out'));
}

export function unsqueezeCopyOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const rank = self.shape.length + 1;
  const dim = intArg(args, 1, 'dim');
  if (dim < -rank || dim >= rank) throw new ReferenceOpError(`dim ${dim} is out of range [${-rank}, ${rank - 1}]`);
  const at = dim < 0 ? dim + rank : dim;
  const v = identityView(self);
  v.shape.splice(at, 0, 1);
  v.strides.splice(at, 0, 0);
  return viewResult(self, v, tensorArg(args, 2, 'out'));
}

const optionalInt = (args: readonly RefValue[], i: number, name: string): number | null =>
  args[i] === null || args[i] === undefined ? null : intArg(args, i, name);

export function sliceView(self: RefTensor, dim: number, start: number | null, end: number | null, step: number): View {
  if (self.shape.length === 0) throw new ReferenceOpError('slice() cannot be applied to a 0-dim tensor');
  if (step <= 0) throw new ReferenceOpError(`slice step must be positive, got ${step}`);
  const d = wrapDim(dim, self.shape.length);
  const size = self.shape[d]!;
  let s = start ?? 0;
  let e = end ?? size;
  if (s < 0) s += size;
  if (e < 0) e += size;
  s = Math.min(Math.max(s, 0), size);
  e = Math.min(Math.max(e, s), size);
  const v = identityView(self);
  v.offset = s * v.strides[d]!;
  v.shape[d] = Math.ceil((e - s) / step);
  v.strides[d]! *= step;
  return v;
}

export function sliceCopyTensorOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const v = sliceView(self, intArg(args, 1, 'dim'), optionalInt(args, 2, 'start'), optionalInt(args, 3, 'end'), intArg(args, 4, 'step'));
  return viewResult(self, v, tensorArg(args, 5, 'out'));
}

export function selectView(self: RefTensor, dim: number, index: number): View {
  if (self.shape.length === 0) throw new ReferenceOpError('select() cannot be applied to a 0-dim tensor');
  const d = wrapDim(dim, self.shape.length);
  const size = self.shape[d]!;
  if (index < -size || index >= size) throw new ReferenceOpError(`index ${index} is out of range for dim ${d} of size ${size}`);
  const v = identityView(self);
  v.offset = (index < 0 ? index + size : index) * v.strides[d]!;
  v.shape.splice(d, 1);
  v.strides.splice(d, 1);
  return v;
}

export function selectCopyIntOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  return viewResult(self, selectView(self, intArg(args, 1, 'dim'), intArg(args, 2, 'index')), tensorArg(args, 3, 'out'));
}

export function narrowCopyOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  if (self.shape.length === 0) throw new ReferenceOpError('narrow() cannot be applied to a 0-dim tensor');
  const d = wrapDim(intArg(args, 1, 'dim'), self.shape.length);
  const size = self.shape[d]!;
  let start = intArg(args, 2, 'start');
  const length = intArg(args, 3, 'length');
  if (start < -size || start > size) throw new ReferenceOpError(`start ${start} is out of range for dim ${d} of size ${size}`);
  if (start < 0) start += size;
  if (length < 0 || start + length > size) throw new ReferenceOpError(`start ${start} + length ${length} exceeds dim ${d} of size ${size}`);
  const v = identityView(self);
  v.offset = start * v.strides[d]!;
  v.shape[d] = length;
  return viewResult(self, v, tensorArg(args, 4, 'out'));
}

export function constantPadNdOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const pad = intListArg(args, 1, 'pad');
  const value = scalarArg(args, 2, 'value');
  const out = tensorArg(args, 3, 'out');
  const rank = self.shape.length;
  if (pad.length % 2 !== 0) throw new ReferenceOpError(`pad length ${pad.length} must be even`);
  if (pad.length / 2 > rank) throw new ReferenceOpError(`pad length ${pad.length} is too long for rank ${rank}`);
  const before = new Array<number>(rank).fill(0);
  for (let i = 0; i < pad.length / 2; i++) before[rank - 1 - i] = pad[2 * i]!;
  const shape = self.shape.map((s, d) => {
    const i = rank - 1 - d;
    const size = i < pad.length / 2 ? s + pad[2 * i]! + pad[2 * i + 1]! : s;
    if (size < 0) throw new ReferenceOpError(`padding gives dim ${d} the negative size ${size}`);
    return size;
  });
  checkOutDtype(self, out);
  const fill = castScalar(value, self.dtype);
  const own = rowMajorStrides(self.shape);
  const n = numelOf(shape);
  const data = new Array<number | bigint>(n);
  const coords = new Array<number>(rank).fill(0);
  for (let i = 0; i < n; i++) {
    let at = 0;
    let inside = true;
    coords.forEach((c, d) => {
      const src = c - before[d]!;
      if (src < 0 || src >= self.shape[d]!) inside = false;
      at += src * own[d]!;
    });
    data[i] = inside ? self.data[at]! : fill;
    for (let d = rank - 1; d >= 0; d--) {
      if (++coords[d]! < shape[d]!) break;
      coords[d] = 0;
    }
  }
  return makeTensor(self.dtype, shape, data as number[] | bigint[], outOrder(out, rank));
}

/** aten::copy_: src broadcast to self's shape and cast to self's dtype; self keeps its shape and dim order. */
export function copyInplace(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const src = tensorArg(args, 1, 'src');
  boolArg(args, 2, 'non_blocking');
  const lead = self.shape.length - src.shape.length;
  if (lead < 0 || src.shape.some((s, d) => s !== 1 && s !== self.shape[d + lead])) {
    throw new ReferenceOpError(`src of shape [${src.shape}] does not broadcast to [${self.shape}]`);
  }
  const own = rowMajorStrides(src.shape);
  const v: View = { shape: [...self.shape], strides: self.shape.map((_, d) => (d < lead || src.shape[d - lead] === 1 ? 0 : own[d - lead]!)), offset: 0 };
  return makeTensor(self.dtype, [...self.shape], castData(viewData(src, v), src.dtype, self.dtype), [...self.dimOrder]);
}
