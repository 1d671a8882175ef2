/**
 * cortex_m::quantized_conv2d, quantized_depthwise_conv2d and quantized_linear
 * with exact CMSIS-NN integer semantics (ops-in-real-files.md §2.4): int32
 * accumulation of (x + input_offset)·w over in-bounds taps (padding adds
 * nothing), plus bias, then `requantize` per output channel (per tensor for
 * linear), + output_offset, clamped to the activation range. Activations are
 * logical NCHW here; conv weights are OHWI, depthwise weights IHWO.
 */
import { ReferenceOpError } from './errors.js';
import { clamp, requantize } from './cortex-m-quant.js';
import {
  intArg, intData, intListArg, makeTensor, numelOf, optionalTensorArg, tensorArg, type RefTensor, type RefValue,
} from './tensor.js';

interface Window {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

function pair(args: readonly RefValue[], i: number, name: string, op: string): [number, number] {
  const v = intListArg(args, i, name);
  if (v.length !== 2) throw new ReferenceOpError(`${name} needs 2 entries, not ${v.length}`, { op });
  return [v[0]!, v[1]!];
}

function checkInt8(op: string, ...tensors: RefTensor[]): void {
  for (const t of tensors) if (t.dtype !== 'int8') throw new ReferenceOpError(`expected int8, found ${t.dtype}`, { op });
}

function perChannel(t: RefTensor | null, count: number, name: string, op: string): number[] | null {
  if (t === null) return null;
  const v = intData(t);
  if (v.length !== count) throw new ReferenceOpError(`${name} has ${v.length} entries, expected ${count}`, { op });
  return v;
}

/**
 * Shared loop: `tap(n, co, oy, ox)` returns the accumulator without bias;
 * the epilogue adds bias, requantizes and clamps.
 */
function convolve(
  out: RefTensor, bias: number[] | null, mult: number[], shift: number[], outOffset: number, actMin: number, actMax: number,
  tap: (n: number, co: number, oy: number, ox: number) => number,
): RefTensor {
  const [n, cout, oh, ow] = out.shape as [number, number, number, number];
  const data = new Array<number>(numelOf(out.shape));
  for (let b = 0; b < n; b++) for (let co = 0; co < cout; co++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    const acc = ((bias?.[co] ?? 0) + tap(b, co, oy, ox)) | 0;
    data[((b * cout + co) * oh + oy) * ow + ox] = clamp(requantize(acc, mult[co]!, shift[co]!) + outOffset, actMin, actMax);
  }
  return makeTensor('int8', out.shape, data, [...out.dimOrder]);
}

function windowArgs(args: readonly RefValue[], op: string): Window {
  return { stride: pair(args, 3, 'stride', op), padding: pair(args, 4, 'padding', op), dilation: pair(args, 5, 'dilation', op) };
}

export function quantizedConv2d(args: readonly RefValue[]): RefTensor {
  const op = 'cortex_m::quantized_conv2d.out';
  const input = tensorArg(args, 0, 'input');
  const weight = tensorArg(args, 1, 'weight');
  const out = tensorArg(args, 13, 'out');
  checkInt8(op, input, weight, out);
  const { stride: [sh, sw], padding: [ph, pw], dilation: [dh, dw] } = windowArgs(args, op);
  const [, cin, h, w] = input.shape as [number, number, number, number];
  const [cout, kh, kw, wcin] = weight.shape as [number, number, number, number];
  if (wcin !== cin || out.shape[1] !== cout || out.shape[0] !== input.shape[0]) {
    throw new ReferenceOpError(`input [${input.shape}], weight [${weight.shape}] and out [${out.shape}] disagree`, { op });
  }
  const inOffset = intArg(args, 6, 'input_offset');
  const x = intData(input);
  const wt = intData(weight);
  return convolve(
    out, perChannel(optionalTensorArg(args, 2, 'bias'), cout, 'bias', op),
    perChannel(tensorArg(args, 8, 'requantize_multipliers'), cout, 'requantize_multipliers', op)!,
    perChannel(tensorArg(args, 9, 'requantize_shifts'), cout, 'requantize_shifts', op)!,
    intArg(args, 7, 'output_offset'), intArg(args, 10, 'activation_min'), intArg(args, 11, 'activation_max'),
    (b, co, oy, ox) => {
      let acc = 0;
      for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
        const y = oy * sh - ph + ky * dh;
        const xx = ox * sw - pw + kx * dw;
        if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
        for (let ci = 0; ci < cin; ci++) {
          acc += (x[((b * cin + ci) * h + y) * w + xx]! + inOffset) * wt[((co * kh + ky) * kw + kx) * cin + ci]!;
        }
      }
      return acc;
    },
  );
}

export function quantizedDepthwiseConv2d(args: readonly RefValue[]): RefTensor {
  const op = 'cortex_m::quantized_depthwise_conv2d.out';
  const input = tensorArg(args, 0, 'input');
  const weight = tensorArg(args, 1, 'weight');
  const out = tensorArg(args, 14, 'out');
  checkInt8(op, input, weight, out);
  const { stride: [sh, sw], padding: [ph, pw], dilation: [dh, dw] } = windowArgs(args, op);
  const multiplier = intArg(args, 6, 'depth_multiplier');
  const [batch, cin, h, w] = input.shape as [number, number, number, number];
  const [, kh, kw, cout] = weight.shape as [number, number, number, number];
  if (batch !== 1) throw new ReferenceOpError(`batch must be 1, not ${batch}`, { op });
  if (cout !== cin * multiplier || out.shape[1] !== cout) {
    throw new ReferenceOpError(`input [${input.shape}], weight [${weight.shape}], depth_multiplier ${multiplier} and out [${out.shape}] disagree`, { op });
  }
  const inOffset = intArg(args, 7, 'input_offset');
  const x = intData(input);
  const wt = intData(weight);
  return convolve(
    out, perChannel(optionalTensorArg(args, 2, 'bias'), cout, 'bias', op),
    perChannel(tensorArg(args, 9, 'requantize_multipliers'), cout, 'requantize_multipliers', op)!,
    perChannel(tensorArg(args, 10, 'requantize_shifts'), cout, 'requantize_shifts', op)!,
    intArg(args, 8, 'output_offset'), intArg(args, 11, 'activation_min'), intArg(args, 12, 'activation_max'),
    (_b, oc, oy, ox) => {
      const ci = Math.floor(oc / multiplier);
      let acc = 0;
      for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
        const y = oy * sh - ph + ky * dh;
        const xx = ox * sw - pw + kx * dw;
        if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
        acc += (x[(ci * h + y) * w + xx]! + inOffset) * wt[(ky * kw + kx) * cout + oc]!;
      }
      return acc;
    },
  );
}

export function quantizedLinear(args: readonly RefValue[]): RefTensor {
  const op = 'cortex_m::quantized_linear.out';
  const input = tensorArg(args, 0, 'input');
  const weights = tensorArg(args, 1, 'weights');
  const out = tensorArg(args, 11, 'out');
  checkInt8(op, input, weights, out);
  const [outFeatures, inFeatures] = weights.shape as [number, number];
  const batches = numelOf(input.shape) / inFeatures;
  if (input.shape.at(-1) !== inFeatures || out.shape.at(-1) !== outFeatures || numelOf(out.shape) !== batches * outFeatures) {
    throw new ReferenceOpError(`input [${input.shape}], weights [${weights.shape}] and out [${out.shape}] disagree`, { op });
  }
  const bias = perChannel(optionalTensorArg(args, 2, 'bias'), outFeatures, 'bias', op);
  const kernelSum = perChannel(optionalTensorArg(args, 3, 'kernel_sum'), outFeatures, 'kernel_sum', op);
  const inOffset = intArg(args, 4, 'input_offset');
  const filterOffset = intArg(args, 5, 'filter_offset');
  const outOffset = intArg(args, 6, 'output_offset');
  const mult = intListArg(args, 7, 'requantize_multipliers')[0];
  const shift = intListArg(args, 8, 'requantize_shifts')[0];
  const actMax = intArg(args, 9, 'activation_max');
  const actMin = intArg(args, 10, 'activation_min');
  if (mult === undefined || shift === undefined) throw new ReferenceOpError('empty requantization lists', { op });
  const x = intData(input);
  const wt = intData(weights);
  const data = new Array<number>(batches * outFeatures);
  for (let b = 0; b < batches; b++) for (let o = 0; o < outFeatures; o++) {
    let acc = kernelSum === null ? (bias?.[o] ?? 0) : kernelSum[o]!;
    for (let i = 0; i < inFeatures; i++) {
      const xi = x[b * inFeatures + i]! + (kernelSum === null ? inOffset : 0);
      acc += xi * (wt[o * inFeatures + i]! + filterOffset);
    }
    data[b * outFeatures + o] = clamp(requantize(acc | 0, mult, shift) + outOffset, actMin, actMax);
  }
  return makeTensor('int8', out.shape, data, [...out.dimOrder]);
}
