/**
 * Joining and splitting: cat (ATen skips 1-d tensors of size 0; the inputs'
 * promoted dtype must be castable to out's, and each input is cast to it),
 * stack (the same dtype rule), and the list-out splits split_with_sizes_copy,
 * split_copy and unbind_copy, which return one tensor per out item.
 */
import { ReferenceOpError } from './errors.js';
import { canCast, castData, resultType } from './scalar-types.js';
import { checkOutDtype, outOrder, selectView, sliceView, viewData, wrapDim } from './shape.js';
import {
  intArg, intListArg, isTensor, makeTensor, numelOf, rowMajorStrides, tensorArg, type RefTensor, type RefValue,
} from './tensor.js';

function tensorListArg(args: readonly RefValue[], i: number, name: string): RefTensor[] {
  const v = args[i];
  if (!Array.isArray(v) || v.some((x) => !isTensor(x as RefValue))) throw new ReferenceOpError(`argument ${name} must be a Tensor[]`);
  return v as RefTensor[];
}

/** Copies `part` into `data` (logical row-major of `shape`) at offset `start` along `dim`. */
function place(data: (number | bigint)[], shape: readonly number[], dim: number, start: number, part: RefTensor, values: readonly (number | bigint)[]): void {
  const strides = rowMajorStrides(shape);
  const coords = new Array<number>(part.shape.length).fill(0);
  for (let i = 0; i < values.length; i++) {
    let at = start * strides[dim]!;
    coords.forEach((c, d) => { at += c * strides[d]!; });
    data[at] = values[i]!;
    for (let d = part.shape.length - 1; d >= 0; d--) {
      if (++coords[d]! < part.shape[d]!) break;
      coords[d] = 0;
    }
  }
}

export function catOut(args: readonly RefValue[]): RefTensor {
  const tensors = tensorListArg(args, 0, 'tensors');
  const out = tensorArg(args, 2, 'out');
  if (tensors.length === 0) throw new ReferenceOpError('torch.cat(): expected a non-empty list of Tensors');
  const dtype = resultType(tensors.map((t) => ({ kind: 'dimensioned' as const, dtype: t.dtype })));
  if (!canCast(dtype, out.dtype)) throw new ReferenceOpError(`inputs promote to ${dtype}, which can't be cast to out's ${out.dtype}`);
  const kept = tensors.filter((t) => !(t.shape.length === 1 && t.shape[0] === 0));
  if (kept.length === 0) return makeTensor(out.dtype, [0], [], outOrder(out, 1));
  const ref = kept[0]!;
  if (ref.shape.length === 0) throw new ReferenceOpError('zero-dimensional tensor cannot be concatenated');
  const dim = wrapDim(intArg(args, 1, 'dim'), ref.shape.length);
  for (const t of kept) {
    if (t.shape.length !== ref.shape.length || t.shape.some((s, d) => d !== dim && s !== ref.shape[d])) {
      throw new ReferenceOpError(`sizes of tensors must match except in dimension ${dim}: [${t.shape}] vs [${ref.shape}]`);
    }
  }
  const shape = [...ref.shape];
  shape[dim] = kept.reduce((n, t) => n + t.shape[dim]!, 0);
  const data = new Array<number | bigint>(numelOf(shape));
  let at = 0;
  for (const t of kept) {
    place(data, shape, dim, at, t, castData(t.data, t.dtype, out.dtype));
    at += t.shape[dim]!;
  }
  return makeTensor(out.dtype, shape, data as number[] | bigint[], outOrder(out, shape.length));
}

export function stackOut(args: readonly RefValue[]): RefTensor {
  const tensors = tensorListArg(args, 0, 'tensors');
  const out = tensorArg(args, 2, 'out');
  if (tensors.length === 0) throw new ReferenceOpError('stack expects a non-empty TensorList');
  const ref = tensors[0]!;
  const dim = wrapDim(intArg(args, 1, 'dim'), ref.shape.length + 1);
  for (const t of tensors) {
    if (t.shape.join() !== ref.shape.join()) throw new ReferenceOpError(`stack expects each tensor to be equal size: [${t.shape}] vs [${ref.shape}]`);
  }
  const dtype = resultType(tensors.map((t) => ({ kind: 'dimensioned' as const, dtype: t.dtype })));
  if (!canCast(dtype, out.dtype)) throw new ReferenceOpError(`inputs promote to ${dtype}, which can't be cast to out's ${out.dtype}`);
  const shape = [...ref.shape];
  shape.splice(dim, 0, tensors.length);
  const data = new Array<number | bigint>(numelOf(shape));
  tensors.forEach((t, i) => {
    const part = { ...t, shape: [...t.shape] };
    part.shape.splice(dim, 0, 1);
    place(data, shape, dim, i, part, castData(t.data, t.dtype, out.dtype));
  });
  return makeTensor(out.dtype, shape, data as number[] | bigint[], outOrder(out, shape.length));
}

function outList(args: readonly RefValue[], i: number, self: RefTensor, count: number): RefTensor[] {
  const outs = tensorListArg(args, i, 'out');
  if (outs.length !== count) throw new ReferenceOpError(`${count} pieces but out has ${outs.length} tensors`);
  outs.forEach((o) => checkOutDtype(self, o));
  return outs;
}

function pieces(self: RefTensor, dim: number, lengths: readonly number[], outs: readonly RefTensor[]): RefTensor[] {
  let start = 0;
  return lengths.map((len, i) => {
    const v = sliceView(self, dim, start, start + len, 1);
    start += len;
    return makeTensor(self.dtype, v.shape, viewData(self, v), outOrder(outs[i]!, v.shape.length));
  });
}

export function splitWithSizesCopyOut(args: readonly RefValue[]): RefTensor[] {
  const self = tensorArg(args, 0, 'self');
  const sizes = intListArg(args, 1, 'split_sizes');
  if (self.shape.length === 0) throw new ReferenceOpError('split expects at least a 1-dimensional tensor');
  const dim = wrapDim(intArg(args, 2, 'dim'), self.shape.length);
  if (sizes.some((s) => s < 0)) throw new ReferenceOpError(`split_sizes [${sizes}] has a negative entry`);
  if (sizes.reduce((a, b) => a + b, 0) !== self.shape[dim]) {
    throw new ReferenceOpError(`split_sizes [${sizes}] must sum to ${self.shape[dim]}, the size of dim ${dim}`);
  }
  return pieces(self, dim, sizes, outList(args, 3, self, sizes.length));
}

export function splitCopyTensorOut(args: readonly RefValue[]): RefTensor[] {
  const self = tensorArg(args, 0, 'self');
  const split = intArg(args, 1, 'split_size');
  if (self.shape.length === 0) throw new ReferenceOpError('split expects at least a 1-dimensional tensor');
  const dim = wrapDim(intArg(args, 2, 'dim'), self.shape.length);
  const size = self.shape[dim]!;
  if (split < 0 || (split === 0 && size !== 0)) throw new ReferenceOpError(`split_size ${split} cannot split dim ${dim} of size ${size}`);
  const count = split === 0 ? 1 : Math.max(Math.ceil(size / split), 1);
  const lengths = Array.from({ length: count }, (_, i) => Math.min(split, size - i * split));
  return pieces(self, dim, lengths, outList(args, 3, self, count));
}

export function unbindCopyIntOut(args: readonly RefValue[]): RefTensor[] {
  const self = tensorArg(args, 0, 'self');
  if (self.shape.length === 0) throw new ReferenceOpError('unbind cannot be applied to a 0-dim tensor');
  const dim = wrapDim(intArg(args, 1, 'dim'), self.shape.length);
  const outs = outList(args, 2, self, self.shape[dim]!);
  return outs.map((o, i) => {
    const v = selectView(self, dim, i);
    return makeTensor(self.dtype, v.shape, viewData(self, v), outOrder(o, v.shape.length));
  });
}
