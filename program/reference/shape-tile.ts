/**
 * Tiling and rearranging copies with ATen's semantics: repeat (self padded
 * with leading size-1 dims to len(repeats)), flip, roll (no dims: the
 * flattened tensor rolls), tril/triu (last two dims, `diagonal` offset) and
 * pixel_shuffle ([..., C·r², H, W] → [..., C, H·r, W·r]).
 */
import { ReferenceOpError } from './errors.js';
import { checkOutDtype, identityView, outOrder, viewResult, wrapDim } from './shape.js';
import {
  intArg, intListArg, makeTensor, numelOf, rowMajorStrides, tensorArg, unravel, type RefTensor, type RefValue,
} from './tensor.js';

/** A result whose element i is self's element at flat logical offset src(coords of i). */
function remap(self: RefTensor, shape: number[], out: RefTensor, src: (coords: number[]) => number): RefTensor {
  checkOutDtype(self, out);
  const data = Array.from({ length: numelOf(shape) }, (_, i) => self.data[src(unravel(i, shape))]!);
  return makeTensor(self.dtype, shape, data as number[] | bigint[], outOrder(out, shape.length));
}

export function repeatOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const repeats = intListArg(args, 1, 'repeats');
  const lead = repeats.length - self.shape.length;
  if (lead < 0) throw new ReferenceOpError(`number of repeat dims (${repeats.length}) can not be smaller than the rank ${self.shape.length}`);
  if (repeats.some((r) => r < 0)) throw new ReferenceOpError(`repeats [${repeats}] has a negative entry`);
  const padded = [...new Array<number>(lead).fill(1), ...self.shape];
  const own = rowMajorStrides(padded);
  const shape = padded.map((s, d) => s * repeats[d]!);
  return remap(self, shape, tensorArg(args, 2, 'out'), (c) => c.reduce((s, x, d) => s + (x % padded[d]!) * own[d]!, 0));
}

export function flipOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const dims = intListArg(args, 1, 'dims').map((d) => wrapDim(d, self.shape.length));
  if (new Set(dims).size !== dims.length) throw new ReferenceOpError(`dims [${dims}] repeat a dim`);
  const v = identityView(self);
  for (const d of dims) {
    if (self.shape.length === 0 || self.shape[d] === 0) continue;
    v.offset += (self.shape[d]! - 1) * v.strides[d]!;
    v.strides[d] = -v.strides[d]!;
  }
  return viewResult(self, v, tensorArg(args, 2, 'out'));
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;

export function rollOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const shifts = intListArg(args, 1, 'shifts');
  const dims = intListArg(args, 2, 'dims');
  const out = tensorArg(args, 3, 'out');
  const n = numelOf(self.shape);
  if (dims.length === 0) {
    if (shifts.length !== 1) throw new ReferenceOpError(`shifts [${shifts}] must have one entry when dims is empty`);
    const own = rowMajorStrides(self.shape);
    return remap(self, [...self.shape], out, (c) => (n === 0 ? 0 : mod(c.reduce((s, x, d) => s + x * own[d]!, 0) - shifts[0]!, n)));
  }
  if (dims.length !== shifts.length) throw new ReferenceOpError(`shifts and dims must align: ${shifts.length} vs ${dims.length}`);
  const shift = new Array<number>(self.shape.length).fill(0);
  dims.forEach((d, i) => { shift[wrapDim(d, self.shape.length)]! += shifts[i]!; });
  const own = rowMajorStrides(self.shape);
  return remap(self, [...self.shape], out, (c) => c.reduce((s, x, d) => s + mod(x - shift[d]!, self.shape[d]!) * own[d]!, 0));
}

function tri(args: readonly RefValue[], lower: boolean): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const diagonal = intArg(args, 1, 'diagonal');
  const out = tensorArg(args, 2, 'out');
  const rank = self.shape.length;
  if (rank < 2) throw new ReferenceOpError(`tril/triu expects a tensor of rank >= 2, got ${rank}`);
  checkOutDtype(self, out);
  const zero = self.dtype === 'int64' ? 0n : 0;
  const data = (self.data as (number | bigint)[]).map((x, i) => {
    const c = unravel(i, self.shape);
    const off = c[rank - 1]! - c[rank - 2]!;
    return (lower ? off <= diagonal : off >= diagonal) ? x : zero;
  });
  return makeTensor(self.dtype, [...self.shape], data as number[] | bigint[], outOrder(out, rank));
}

export const trilOut = (args: readonly RefValue[]): RefTensor => tri(args, true);
export const triuOut = (args: readonly RefValue[]): RefTensor => tri(args, false);

export function pixelShuffleOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const r = intArg(args, 1, 'upscale_factor');
  const rank = self.shape.length;
  if (rank < 3) throw new ReferenceOpError(`pixel_shuffle expects a tensor of rank >= 3, got ${rank}`);
  if (r <= 0) throw new ReferenceOpError(`upscale_factor must be positive, got ${r}`);
  const [c, h, w] = self.shape.slice(rank - 3) as [number, number, number];
  if (c % (r * r) !== 0) throw new ReferenceOpError(`channels ${c} are not divisible by upscale_factor squared (${r * r})`);
  const shape = [...self.shape.slice(0, rank - 3), c / (r * r), h * r, w * r];
  const own = rowMajorStrides(self.shape);
  return remap(self, shape, tensorArg(args, 2, 'out'), (co) => {
    const b = co.slice(0, rank - 3);
    const [oc, oh, ow] = co.slice(rank - 3) as [number, number, number];
    const src = [...b, oc * r * r + (oh % r) * r + (ow % r), Math.floor(oh / r), Math.floor(ow / r)];
    return src.reduce((s, x, d) => s + x * own[d]!, 0);
  });
}
