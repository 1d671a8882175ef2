/**
 * cortex_m element and pooling operators with exact CMSIS-NN integer
 * semantics (shared/docs/ops-in-real-files.md §2.4): quantize_per_tensor
 * (float32, round half to even), dequantize_per_tensor (one float32
 * multiply), pad (in physical order) and quantized_avg_pool2d (padding taps
 * excluded, round half away from zero). `requantize` is CMSIS-NN's
 * double-rounding `arm_nn_requantize`, shared with the convolutions.
 */
import { ReferenceOpError } from './errors.js';
import {
  boolArg, doubleArg, intArg, intData, intListArg, makeTensor, numelOf, tensorArg, toLogical, toPhysical,
  type RefTensor, type RefValue,
} from './tensor.js';

const INT_RANGES: Record<number, { dtype: 'int8' | 'int16'; min: number; max: number }> = {
  1: { dtype: 'int8', min: -128, max: 127 },
  2: { dtype: 'int16', min: -32768, max: 32767 },
};

/** (acc · 2^max(shift,0) · multiplier + 2^30) >> 31 in int64, then ÷ 2^max(−shift,0) rounding half away from zero. */
export function requantize(acc: number, multiplier: number, shift: number): number {
  const left = Math.max(shift, 0);
  const right = Math.max(-shift, 0);
  const scaled = Math.imul(acc | 0, 2 ** left);
  const high = Number(BigInt.asIntN(32, (BigInt(scaled) * BigInt(multiplier) + (1n << 30n)) >> 31n));
  if (right === 0) return high;
  const mask = (2 ** right - 1) | 0;
  let q = high >> right;
  const remainder = high & mask;
  let threshold = mask >> 1;
  if (q < 0) threshold += 1;
  if (remainder > threshold) q += 1;
  return q;
}

export const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

/** nearbyint in the default rounding mode: half to even. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function quantRange(args: readonly RefValue[], op: string, out: RefTensor): { min: number; max: number } {
  const code = intArg(args, 5, 'dtype');
  const range = INT_RANGES[code];
  if (range === undefined || out.dtype !== range.dtype) throw new ReferenceOpError(`dtype ${code} with out ${out.dtype}`, { op });
  const min = intArg(args, 3, 'quant_min');
  const max = intArg(args, 4, 'quant_max');
  if (min < range.min || max > range.max || min > max) throw new ReferenceOpError(`quant range [${min}, ${max}]`, { op });
  return { min, max };
}

export function quantizePerTensor(args: readonly RefValue[]): RefTensor {
  const op = 'cortex_m::quantize_per_tensor.out';
  const input = tensorArg(args, 0, 'input');
  const out = tensorArg(args, 6, 'out');
  if (input.dtype !== 'float32') throw new ReferenceOpError(`input must be float32, not ${input.dtype}`, { op });
  const { min, max } = quantRange(args, op, out);
  const inv = Math.fround(1 / Math.fround(doubleArg(args, 1, 'scale')));
  const zp = intArg(args, 2, 'zero_point');
  const data = (input.data as number[]).map((x) => clamp(zp + roundHalfEven(Math.fround(inv * x)), min, max));
  return makeTensor(out.dtype, input.shape, data, [...input.dimOrder]);
}

export function dequantizePerTensor(args: readonly RefValue[]): RefTensor {
  const op = 'cortex_m::dequantize_per_tensor.out';
  const input = tensorArg(args, 0, 'input');
  const out = tensorArg(args, 6, 'out');
  if (out.dtype !== 'float32') throw new ReferenceOpError(`out must be float32, not ${out.dtype}`, { op });
  const code = intArg(args, 5, 'dtype');
  if (INT_RANGES[code]?.dtype !== input.dtype) throw new ReferenceOpError(`input ${input.dtype} is not dtype ${code}`, { op });
  const scale = Math.fround(doubleArg(args, 1, 'scale'));
  const zp = intArg(args, 2, 'zero_point');
  const data = intData(input).map((q) => Math.fround((q - zp) * scale));
  return makeTensor('float32', input.shape, data, [...input.dimOrder]);
}

/** Physical sizes right-aligned into 4 dims. */
function physical4(t: RefTensor): number[] {
  const sizes = t.dimOrder.map((d) => t.shape[d]!);
  if (sizes.length < 1 || sizes.length > 4) throw new ReferenceOpError(`rank ${sizes.length} is not 1..4`);
  return [...new Array<number>(4 - sizes.length).fill(1), ...sizes];
}

export function pad(args: readonly RefValue[]): RefTensor {
  const op = 'cortex_m::pad.out';
  const input = tensorArg(args, 0, 'input');
  const pre = intListArg(args, 1, 'pre_pad');
  const post = intListArg(args, 2, 'post_pad');
  const value = intArg(args, 3, 'pad_value');
  const out = tensorArg(args, 4, 'out');
  if (input.dtype !== 'int8' || out.dtype !== 'int8') throw new ReferenceOpError('input and out must be int8', { op });
  if (pre.length !== 4 || post.length !== 4) throw new ReferenceOpError('pre_pad and post_pad need 4 entries', { op });
  const inSizes = physical4(input);
  const outSizes = inSizes.map((s, i) => s + pre[i]! + post[i]!);
  const expected = physical4(out);
  if (outSizes.some((s, i) => s !== expected[i])) throw new ReferenceOpError(`out is [${expected}], padding gives [${outSizes}]`, { op });
  const src = toPhysical(intData(input), input.shape, input.dimOrder);
  const dst = new Array<number>(numelOf(outSizes)).fill(value);
  const [n0, n1, n2, n3] = inSizes as [number, number, number, number];
  const [, o1, o2, o3] = outSizes as [number, number, number, number];
  for (let a = 0; a < n0; a++) for (let b = 0; b < n1; b++) for (let c = 0; c < n2; c++) for (let d = 0; d < n3; d++) {
    const at = (((a + pre[0]!) * o1 + b + pre[1]!) * o2 + c + pre[2]!) * o3 + d + pre[3]!;
    dst[at] = src[((a * n1 + b) * n2 + c) * n3 + d]!;
  }
  return makeTensor('int8', out.shape, toLogical(dst, out.shape, out.dimOrder), [...out.dimOrder]);
}

export function quantizedAvgPool2d(args: readonly RefValue[]): RefTensor {
  const op = 'cortex_m::quantized_avg_pool2d.out';
  const input = tensorArg(args, 0, 'input');
  const [kh, kw] = intListArg(args, 1, 'kernel_size') as [number, number];
  const [sh, sw] = intListArg(args, 2, 'stride') as [number, number];
  const [ph, pw] = intListArg(args, 3, 'padding') as [number, number];
  const ceilMode = boolArg(args, 4, 'ceil_mode');
  const out = tensorArg(args, 9, 'out');
  const [n, c, h, w] = input.shape as [number, number, number, number];
  const [on, oc, oh, ow] = out.shape as [number, number, number, number];
  const size = (len: number, k: number, s: number, p: number): number => {
    let o = Math.floor((len + 2 * p - k + (ceilMode ? s - 1 : 0)) / s) + 1;
    if (ceilMode && (o - 1) * s >= len + p) o -= 1;
    return o;
  };
  if (input.shape.length !== 4 || on !== n || oc !== c || oh !== size(h, kh, sh, ph) || ow !== size(w, kw, sw, pw)) {
    throw new ReferenceOpError(`out [${out.shape}] does not match input [${input.shape}]`, { op });
  }
  const x = intData(input);
  const data = new Array<number>(numelOf(out.shape));
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    let sum = 0;
    let count = 0;
    for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const y = oy * sh - ph + ky;
      const xx = ox * sw - pw + kx;
      if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
      sum += x[((b * c + ch) * h + y) * w + xx]!;
      count += 1;
    }
    const half = Math.trunc(count / 2);
    const avg = count === 0 ? 0 : Math.trunc(sum > 0 ? (sum + half) / count : (sum - half) / count);
    data[((b * c + ch) * oh + oy) * ow + ox] = clamp(avg, -128, 127);
  }
  return makeTensor('int8', out.shape, data, [...out.dimOrder]);
}
