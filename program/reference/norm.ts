/**
 * Normalizations and softmax with ATen's semantics, in float64 with one
 * rounding into the out dtype:
 * - _native_batch_norm_legit_no_training: (x - running_mean[c]) /
 *   sqrt(running_var[c] + eps) * weight[c] + bias[c] over dim 1; the saved
 *   mean and invstd of training come back empty ([0]) in eval mode.
 * - native_layer_norm: over the trailing normalized_shape dims, mean and
 *   rstd = 1 / sqrt(biased variance + eps), both shaped like input with the
 *   normalized dims set to 1. (ATen's Welford update gives a NaN mean for a
 *   row holding an infinity, inf - inf; the mean here is the true one, inf.
 *   out0 is NaN either way.)
 * - _softmax / _log_softmax along dim: exp(x - max) / sum, x - max - log(sum)
 *   (a row with +inf, or only -inf, is NaN); half_to_float is rejected, as on CPU.
 */
import { ReferenceOpError } from './errors.js';
import { asNumbers, finAll, mathDtype, sameDtype } from './linalg-common.js';
import { outOrder, wrapDim } from './shape.js';
import {
  boolArg, doubleArg, intArg, intListArg, makeTensor, numelOf, optionalTensorArg, rowMajorStrides, tensorArg, type RefTensor,
  type RefValue,
} from './tensor.js';

const EMPTY = (t: RefTensor): RefTensor => makeTensor(t.dtype, [0], []);

export function nativeBatchNormLegitNoTrainingOut(args: readonly RefValue[]): RefTensor[] {
  const input = tensorArg(args, 0, 'input');
  const weight = optionalTensorArg(args, 1, 'weight');
  const bias = optionalTensorArg(args, 2, 'bias');
  const mean = tensorArg(args, 3, 'running_mean');
  const variance = tensorArg(args, 4, 'running_var');
  const eps = doubleArg(args, 6, 'eps');
  const out0 = tensorArg(args, 7, 'out0');
  mathDtype(input, 'input', false);
  sameDtype(input.dtype, { weight, bias, running_mean: mean, running_var: variance, out0, out1: tensorArg(args, 8, 'out1'), out2: tensorArg(args, 9, 'out2') });
  if (input.shape.length < 2) throw new ReferenceOpError(`input has rank ${input.shape.length}, expected at least 2`);
  const C = input.shape[1]!;
  for (const [name, t] of Object.entries({ weight, bias, running_mean: mean, running_var: variance })) {
    if (t !== null && (t.shape.length !== 1 || t.shape[0] !== C)) throw new ReferenceOpError(`${name} must be [${C}]`);
  }
  const inner = numelOf(input.shape.slice(2));
  const x = asNumbers(input), m = asNumbers(mean), v = asNumbers(variance);
  const w = weight === null ? null : asNumbers(weight), b = bias === null ? null : asNumbers(bias);
  const data = x.map((xi, i) => {
    const c = Math.floor(i / inner) % C;
    return ((xi - m[c]!) / Math.sqrt(v[c]! + eps)) * (w === null ? 1 : w[c]!) + (b === null ? 0 : b[c]!);
  });
  return [makeTensor(input.dtype, [...input.shape], finAll(input.dtype, data), outOrder(out0, input.shape.length)), EMPTY(input), EMPTY(input)];
}

export function nativeLayerNormOut(args: readonly RefValue[]): RefTensor[] {
  const input = tensorArg(args, 0, 'input');
  const shape = intListArg(args, 1, 'normalized_shape');
  const weight = optionalTensorArg(args, 2, 'weight');
  const bias = optionalTensorArg(args, 3, 'bias');
  const eps = doubleArg(args, 4, 'eps');
  const [out0, out1, out2] = [tensorArg(args, 5, 'out0'), tensorArg(args, 6, 'out1'), tensorArg(args, 7, 'out2')];
  mathDtype(input, 'input', false);
  sameDtype(input.dtype, { weight, bias, out0, out1, out2 });
  const rank = input.shape.length;
  const lead = rank - shape.length;
  if (shape.length < 1 || lead < 0 || shape.some((s, k) => s !== input.shape[lead + k])) {
    throw new ReferenceOpError(`normalized_shape [${shape}] does not match the end of input [${input.shape}]`);
  }
  for (const [name, t] of Object.entries({ weight, bias })) {
    if (t !== null && t.shape.join() !== shape.join()) throw new ReferenceOpError(`${name} must have shape [${shape}]`);
  }
  const n = numelOf(shape);
  const rows = numelOf(input.shape.slice(0, lead));
  const x = asNumbers(input);
  const w = weight === null ? null : asNumbers(weight), b = bias === null ? null : asNumbers(bias);
  const y: number[] = [], means: number[] = [], rstds: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = x.slice(r * n, (r + 1) * n);
    const mu = row.reduce((a, v) => a + v, 0) / n;
    const variance = row.reduce((a, v) => a + (v - mu) * (v - mu), 0) / n;
    const rstd = 1 / Math.sqrt(variance + eps);
    row.forEach((v, j) => y.push((v - mu) * rstd * (w === null ? 1 : w[j]!) + (b === null ? 0 : b[j]!)));
    means.push(mu);
    rstds.push(rstd);
  }
  const stat = input.shape.map((s, k) => (k < lead ? s : 1));
  return [
    makeTensor(input.dtype, [...input.shape], finAll(input.dtype, y), outOrder(out0, rank)),
    makeTensor(input.dtype, stat, finAll(input.dtype, means), outOrder(out1, rank)),
    makeTensor(input.dtype, stat, finAll(input.dtype, rstds), outOrder(out2, rank)),
  ];
}

function softmax(args: readonly RefValue[], log: boolean): RefTensor {
  const self = tensorArg(args, 0, 'self');
  const rank = self.shape.length;
  const dim = wrapDim(intArg(args, 1, 'dim'), rank);
  if (boolArg(args, 2, 'half_to_float')) throw new ReferenceOpError('softmax with half to float conversion is not supported on CPU');
  const out = tensorArg(args, 3, 'out');
  mathDtype(self, 'self', false);
  sameDtype(self.dtype, { out });
  const x = asNumbers(self);
  const size = rank === 0 ? 1 : self.shape[dim]!;
  const step = rank === 0 ? 1 : rowMajorStrides(self.shape)[dim]!;
  const data = new Array<number>(x.length).fill(0);
  for (let i = 0; i < x.length; i++) {
    if (Math.floor(i / step) % size !== 0) continue;  // i starts a row along dim
    const idx = Array.from({ length: size }, (_, j) => i + j * step);
    const mx = idx.reduce((m, k) => (x[k]! > m ? x[k]! : m), -Infinity);
    const sum = idx.reduce((a, k) => a + Math.exp(x[k]! - mx), 0);
    for (const k of idx) data[k] = log ? x[k]! - mx - Math.log(sum) : Math.exp(x[k]! - mx) / sum;
  }
  return makeTensor(self.dtype, [...self.shape], finAll(self.dtype, data), outOrder(out, rank));
}

export const softmaxOut = (args: readonly RefValue[]): RefTensor => softmax(args, false);
export const logSoftmaxOut = (args: readonly RefValue[]): RefTensor => softmax(args, true);

/**
 * native_group_norm: input [N, C, *] with HxW elements per channel in `group` groups of C / group
 * channels; each (n, g) normalized by its mean and rstd = 1 / sqrt(biased var + eps), then
 * weight[c] and bias[c]; out1 = mean and out2 = rstd, [N, group].
 */
export function nativeGroupNormOut(args: readonly RefValue[]): RefTensor[] {
  const input = tensorArg(args, 0, 'input');
  const weight = optionalTensorArg(args, 1, 'weight');
  const bias = optionalTensorArg(args, 2, 'bias');
  const [N, C, HxW, G] = [intArg(args, 3, 'N'), intArg(args, 4, 'C'), intArg(args, 5, 'HxW'), intArg(args, 6, 'group')];
  const eps = doubleArg(args, 7, 'eps');
  const [out0, out1, out2] = [tensorArg(args, 8, 'out0'), tensorArg(args, 9, 'out1'), tensorArg(args, 10, 'out2')];
  mathDtype(input, 'input', false);
  sameDtype(input.dtype, { weight, bias, out0, out1, out2 });
  if (input.shape.length < 2 || input.shape[0] !== N || input.shape[1] !== C || N * C * HxW !== numelOf(input.shape)) {
    throw new ReferenceOpError(`input [${input.shape}] does not have N=${N}, C=${C}, HxW=${HxW}`);
  }
  if (G < 1 || C % G !== 0) throw new ReferenceOpError(`C=${C} is not divisible by group=${G}`);
  for (const [name, t] of Object.entries({ weight, bias })) {
    if (t !== null && (t.shape.length !== 1 || t.shape[0] !== C)) throw new ReferenceOpError(`${name} must be [${C}]`);
  }
  const x = asNumbers(input);
  const w = weight === null ? null : asNumbers(weight), b = bias === null ? null : asNumbers(bias);
  const per = (C / G) * HxW;
  const y = new Array<number>(x.length).fill(0), means: number[] = [], rstds: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      const start = n * C * HxW + g * per;
      const xs = x.slice(start, start + per);
      const mu = xs.reduce((a, v) => a + v, 0) / per;
      const rstd = 1 / Math.sqrt(xs.reduce((a, v) => a + (v - mu) * (v - mu), 0) / per + eps);
      xs.forEach((v, k) => {
        const c = g * (C / G) + Math.floor(k / HxW);
        y[start + k] = (v - mu) * rstd * (w === null ? 1 : w[c]!) + (b === null ? 0 : b[c]!);
      });
      means.push(mu);
      rstds.push(rstd);
    }
  }
  return [
    makeTensor(input.dtype, [...input.shape], finAll(input.dtype, y), outOrder(out0, input.shape.length)),
    makeTensor(input.dtype, [N, G], finAll(input.dtype, means), outOrder(out1, 2)),
    makeTensor(input.dtype, [N, G], finAll(input.dtype, rstds), outOrder(out2, 2)),
  ];
}
