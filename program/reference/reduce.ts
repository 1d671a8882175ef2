/**
 * Reductions with ATen's out-variant semantics. `dim` None or [] reduces
 * every dim; a repeated dim is an error; keepdim keeps reduced dims as 1.
 * - sum.IntList_out computes in out's dtype (`dtype`, when given, must equal
 *   it): each element is converted to that dtype first; integers sum exactly
 *   and wrap, bool is "any", floating types sum in float64 and round once.
 * - mean.out: floating self and out; the float64 sum divided by the count
 *   (an empty reduction is NaN).
 */
import { dtypeFromCode, type DType } from '../dtype.js';
import { ReferenceOpError } from './errors.js';
import { fin } from './linalg-common.js';
import { castElement, isFloating } from './scalar-types.js';
import { outOrder, wrapDim } from './shape.js';
import { boolArg, makeTensor, numelOf, optionalIntListArg, tensorArg, unravel, type RefTensor, type RefValue } from './tensor.js';

export interface Reduction {
  shape: number[];
  /** Input flat indices (logical row-major) reduced into each out element, in row-major order of the reduced dims. */
  groups: number[][];
}

/** Groups self's elements by out element for a reduction over `dims` (null or [] = all). */
export function reduction(shape: readonly number[], dims: readonly number[] | null, keepdim: boolean): Reduction {
  const rank = shape.length;
  const wrapped = (dims ?? []).map((d) => wrapDim(d, rank));
  if (new Set(wrapped).size !== wrapped.length) throw new ReferenceOpError(`dim [${dims}] appears more than once in the list of dims`);
  const all = dims === null || dims.length === 0;
  const red = shape.map((_, k) => all || wrapped.includes(k));
  const outShape = shape.flatMap((s, k) => (red[k] ? (keepdim ? [1] : []) : [s]));
  const kept = shape.filter((_, k) => !red[k]);
  const groups: number[][] = Array.from({ length: numelOf(kept) }, () => []);
  for (let i = 0; i < numelOf(shape); i++) {
    const c = unravel(i, shape);
    let o = 0;
    c.forEach((x, k) => { if (!red[k]) o = o * shape[k]! + x; });
    groups[o]!.push(i);
  }
  return { shape: outShape, groups };
}

function dtypeArg(args: readonly RefValue[], i: number, out: RefTensor): void {
  const v = args[i];
  if (v === null || v === undefined) return;
  const d = typeof v === 'bigint' ? dtypeFromCode(Number(v)) : v;
  if (d !== out.dtype) throw new ReferenceOpError(`dtype ${String(d)} differs from out's dtype ${out.dtype}`);
}

export function sumIntListOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const out = tensorArg(args, 4, 'out');
  dtypeArg(args, 3, out);
  const to: DType = out.dtype;
  if (isFloating(self.dtype) && !isFloating(to)) throw new ReferenceOpError(`summing ${self.dtype} into ${to} is not supported`);
  const r = reduction(self.shape, optionalIntListArg(args, 1, 'dim'), boolArg(args, 2, 'keepdim'));
  const x = (self.data as (number | bigint)[]).map((v) => castElement(v, self.dtype, to));
  const data = r.groups.map((g) => {
    if (to === 'bool') return g.some((i) => x[i] !== 0) ? 1 : 0;
    if (isFloating(to)) return fin(to, g.reduce((a, i) => a + Number(x[i]!), 0));
    return fin(to, g.reduce((a, i) => a + BigInt(x[i]!), 0n));
  });
  return makeTensor(to, r.shape, data as number[] | bigint[], outOrder(out, r.shape.length));
}

export function meanOut(args: readonly RefValue[]): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const out = tensorArg(args, 4, 'out');
  dtypeArg(args, 3, out);
  if (!isFloating(self.dtype) || !isFloating(out.dtype)) {
    throw new ReferenceOpError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${self.dtype}`);
  }
  const r = reduction(self.shape, optionalIntListArg(args, 1, 'dim'), boolArg(args, 2, 'keepdim'));
  const x = (self.data as number[]);
  const data = r.groups.map((g) => fin(out.dtype, g.reduce((a, i) => a + x[i]!, 0) / g.length));
  return makeTensor(out.dtype, r.shape, data as number[], outOrder(out, r.shape.length));
}
