/**
 * 2-D upsampling of [N, C, H, W] with ATen's .vec semantics: exactly one of
 * output_size and scale_factors; with scale_factors the output size is
 * floor(in * scale) and the scale used for indexing is 1 / scale_factor,
 * else in / out.
 * - nearest: identity for equal sizes, y >> 1 for doubling, else
 *   min(floor(y * scale), in - 1) computed in float32 as ATen does.
 * - bilinear: align_corners scale (in - 1) / (out - 1) (0 for out = 1) and
 *   src = scale * y; otherwise src = max(scale * (y + 0.5) - 0.5, 0);
 *   y0 = floor(src), y1 = min(y0 + 1, in - 1), weights src - y0 and its complement.
 */
import { ReferenceOpError } from './errors.js';
import { finAll, mathDtype, reader, sameDtype } from './linalg-common.js';
import { outOrder } from './shape.js';
import { boolArg, makeTensor, tensorArg, type RefTensor, type RefValue } from './tensor.js';

interface Plan { N: number; C: number; H: number; W: number; OH: number; OW: number; scales: number[] | null }

function plan(input: RefTensor, size: RefValue, scales: RefValue, out: RefTensor): Plan {
  mathDtype(input, 'input', false);
  sameDtype(input.dtype, { out });
  if (input.shape.length !== 4) throw new ReferenceOpError(`input has rank ${input.shape.length}, expected 4`);
  if ((size === null) === (scales === null)) throw new ReferenceOpError('give exactly one of output_size and scale_factors');
  const [N, C, H, W] = input.shape as [number, number, number, number];
  let OH: number, OW: number, sc: number[] | null = null;
  if (size !== null) {
    const s = size as number[];
    if (s.length !== 2) throw new ReferenceOpError('output_size must have 2 values');
    [OH, OW] = s as [number, number];
  } else {
    sc = scales as number[];
    if (sc.length !== 2 || sc.some((v) => !(v > 0))) throw new ReferenceOpError('scale_factors must be 2 positive values');
    OH = Math.floor(H * sc[0]!);
    OW = Math.floor(W * sc[1]!);
  }
  if (OH < 1 || OW < 1 || H < 1 || W < 1) throw new ReferenceOpError(`input ${H}x${W} and output ${OH}x${OW} must be non-empty`);
  return { N, C, H, W, OH, OW, scales: sc };
}

const f = Math.fround;

function nearest(dst: number, inp: number, out: number, scale: number | null): number {
  if (out === inp) return dst;
  if (out === 2 * inp) return dst >> 1;
  const s = scale !== null ? f(1 / scale) : f(f(inp) / out);
  return Math.min(Math.floor(f(dst * s)), inp - 1);
}

export function upsampleNearest2dVecOut(args: readonly RefValue[]): RefTensor {
  const input = tensorArg(args, 0, 'input');
  const out = tensorArg(args, 3, 'out');
  const p = plan(input, args[1] ?? null, args[2] ?? null, out);
  const x = input.data as number[];
  const data: number[] = [];
  for (let n = 0; n < p.N; n++) for (let c = 0; c < p.C; c++) for (let y = 0; y < p.OH; y++) for (let xo = 0; xo < p.OW; xo++) {
    const sy = nearest(y, p.H, p.OH, p.scales?.[0] ?? null), sx = nearest(xo, p.W, p.OW, p.scales?.[1] ?? null);
    data.push(x[((n * p.C + c) * p.H + sy) * p.W + sx]!);
  }
  return makeTensor(input.dtype, [p.N, p.C, p.OH, p.OW], data, outOrder(out, 4));
}

function taps(dst: number, inp: number, out: number, align: boolean, scale: number | null): [number, number, number, number] {
  const s = align ? (out > 1 ? (inp - 1) / (out - 1) : 0) : scale !== null ? 1 / scale : inp / out;
  const src = align ? s * dst : Math.max(s * (dst + 0.5) - 0.5, 0);
  const i0 = Math.min(Math.floor(src), inp - 1);
  const i1 = i0 < inp - 1 ? i0 + 1 : i0;
  const l1 = Math.min(src - i0, 1);
  return [i0, i1, 1 - l1, l1];
}

export function upsampleBilinear2dVecOut(args: readonly RefValue[]): RefTensor {
  const input = tensorArg(args, 0, 'input');
  const align = boolArg(args, 2, 'align_corners');
  const out = tensorArg(args, 4, 'out');
  const p = plan(input, args[1] ?? null, args[3] ?? null, out);
  const at = reader(input);
  const data: number[] = [];
  for (let n = 0; n < p.N; n++) for (let c = 0; c < p.C; c++) for (let y = 0; y < p.OH; y++) for (let xo = 0; xo < p.OW; xo++) {
    const [y0, y1, ly0, ly1] = taps(y, p.H, p.OH, align, p.scales?.[0] ?? null);
    const [x0, x1, lx0, lx1] = taps(xo, p.W, p.OW, align, p.scales?.[1] ?? null);
    data.push(ly0 * (lx0 * at(n, c, y0, x0) + lx1 * at(n, c, y0, x1)) + ly1 * (lx0 * at(n, c, y1, x0) + lx1 * at(n, c, y1, x1)));
  }
  return makeTensor(input.dtype, [p.N, p.C, p.OH, p.OW], finAll(input.dtype, data), outOrder(out, 4));
}
