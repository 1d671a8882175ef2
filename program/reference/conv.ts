/**
 * aten::convolution.out from its definition, for 1-D ([N, C, L]) and 2-D
 * ([N, C, H, W]) inputs. Plain: out[n, o, y, x] = bias[o] + sum over the
 * group's input channels c and taps (i, j) of
 * in[n, c, y*s - p + i*d, x*s - p + j*d] * weight[o, c, i, j], taps outside
 * the input contributing nothing; the output size is
 * floor((in + 2p - d(k-1) - 1) / s) + 1. Transposed: the adjoint (weight
 * [C, O/groups, kH, kW]), each input element spreading into
 * out[y*s - p + i*d] with output size (in-1)s - 2p + d(k-1) + output_padding + 1.
 * Floating dtypes only (float32 and float64 are what ATen's CPU kernels
 * accept for every variant here); float64 sums, one rounding.
 */
import { ReferenceOpError } from './errors.js';
import { asNumbers, expandParam, finAll, mathDtype, reader, sameDtype } from './linalg-common.js';
import { outOrder } from './shape.js';
import { boolArg, intArg, intListArg, makeTensor, optionalTensorArg, tensorArg, type RefTensor, type RefValue } from './tensor.js';

export function convolutionOut(args: readonly RefValue[]): RefTensor {
  const input = tensorArg(args, 0, 'input');
  const weight = tensorArg(args, 1, 'weight');
  const bias = optionalTensorArg(args, 2, 'bias');
  const transposed = boolArg(args, 6, 'transposed');
  const groups = intArg(args, 8, 'groups');
  const out = tensorArg(args, 9, 'out');
  mathDtype(input, 'input', false);
  sameDtype(input.dtype, { weight, bias, out });
  const rank = input.shape.length;
  if (rank !== 3 && rank !== 4) throw new ReferenceOpError(`input has rank ${rank}; 1-D and 2-D convolutions only`);
  if (weight.shape.length !== rank) throw new ReferenceOpError(`weight has rank ${weight.shape.length}, input ${rank}`);
  const sp = rank - 2;
  const stride = expandParam(intListArg(args, 3, 'stride'), sp, 1, 'stride');
  const padding = expandParam(intListArg(args, 4, 'padding'), sp, 0, 'padding');
  const dilation = expandParam(intListArg(args, 5, 'dilation'), sp, 1, 'dilation');
  const outPad = expandParam(intListArg(args, 7, 'output_padding'), sp, 0, 'output_padding');
  if (groups < 1) throw new ReferenceOpError(`groups must be positive, got ${groups}`);
  if (stride.some((s) => s < 1) || dilation.some((d) => d < 1) || padding.some((p) => p < 0)) {
    throw new ReferenceOpError('stride and dilation must be positive and padding non-negative');
  }
  // Lift 1-D to 2-D with a height of 1.
  const lift = (a: number[], one: number): number[] => (sp === 1 ? [one, ...a] : a);
  const [N, C] = input.shape as [number, number];
  const [H, W] = sp === 1 ? [1, input.shape[2]!] : [input.shape[2]!, input.shape[3]!];
  const [KH, KW] = sp === 1 ? [1, weight.shape[2]!] : [weight.shape[2]!, weight.shape[3]!];
  const s = lift(stride, 1), p = lift(padding, 0), d = lift(dilation, 1), op = lift(outPad, 0);
  if (C % groups !== 0) throw new ReferenceOpError(`input channels ${C} are not divisible by groups ${groups}`);
  const cg = C / groups;
  let O: number, og: number;
  if (!transposed) {
    if (weight.shape[1] !== cg || weight.shape[0]! % groups !== 0) throw new ReferenceOpError(`weight [${weight.shape}] does not fit ${C} channels in ${groups} groups`);
    O = weight.shape[0]!;
    og = O / groups;
  } else {
    if (weight.shape[0] !== C) throw new ReferenceOpError(`transposed weight [${weight.shape}] does not fit ${C} input channels`);
    og = weight.shape[1]!;
    O = og * groups;
  }
  if (bias !== null && (bias.shape.length !== 1 || bias.shape[0] !== O)) throw new ReferenceOpError(`bias must be [${O}]`);
  const size = (n: number, k: number, i: number): number => (transposed
    ? (n - 1) * s[i]! - 2 * p[i]! + d[i]! * (k - 1) + op[i]! + 1
    : Math.floor((n + 2 * p[i]! - d[i]! * (k - 1) - 1) / s[i]!) + 1);
  const OH = size(H, KH, 0), OW = size(W, KW, 1);
  if (OH < 1 || OW < 1) throw new ReferenceOpError(`the output size ${OH}x${OW} is too small`);
  // Logical row-major data; a 1-D [N, C, L] tensor is laid out exactly as [N, C, 1, L].
  const xd = asNumbers(input), wd = asNumbers(weight);
  const b = bias === null ? null : reader(bias);
  const data: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const g = Math.floor(o / og);
      for (let y = 0; y < OH; y++) {
        for (let xo = 0; xo < OW; xo++) {
          let acc = 0;
          for (let ci = 0; ci < cg; ci++) {
            const c = g * cg + ci;
            for (let i = 0; i < KH; i++) {
              for (let j = 0; j < KW; j++) {
                let iy: number, ix: number;
                if (!transposed) {
                  iy = y * s[0]! - p[0]! + i * d[0]!;
                  ix = xo * s[1]! - p[1]! + j * d[1]!;
                } else {
                  const ty = y + p[0]! - i * d[0]!, tx = xo + p[1]! - j * d[1]!;
                  if (ty % s[0]! !== 0 || tx % s[1]! !== 0) continue;
                  iy = ty / s[0]!;
                  ix = tx / s[1]!;
                }
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                // weight[o, ci, i, j], or transposed weight[c, o % og, i, j]
                const wi = transposed ? ((c * og + (o % og)) * KH + i) * KW + j : ((o * cg + ci) * KH + i) * KW + j;
                acc += xd[((n * C + c) * H + iy) * W + ix]! * wd[wi]!;
              }
            }
          }
          data.push(b === null ? acc : acc + b(o));
        }
      }
    }
  }
  const shape = sp === 1 ? [N, O, OW] : [N, O, OH, OW];
  return makeTensor(input.dtype, shape, finAll(input.dtype, data), outOrder(out, rank));
}
