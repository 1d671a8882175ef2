/**
 * Operator-suite cases of the linear-algebra, normalization, pooling and
 * reduction family: every registered (op, dtype) with an edge-value case
 * (NaN, ±inf, -0 for floats, the limits for integers, whose products wrap),
 * a non-default dim order (channels-last for convolution, pooling and batch
 * norm, a transposed layout for the matrix products), addmm's broadcast
 * self, and for float32 the attribute corners (groups, dilation, stride,
 * transposed, ceil_mode, count_include_pad, divisor_override, keepdim, ...).
 *
 * Float32 products and convolutions allow rtol 1e-4 / atol 1e-5: the
 * optimized SGEMM sums in float32 with fused multiply-adds where the
 * portable kernels and the reference sum in double. Edge values stay modest
 * (no finite extremes) where a float32 sum would overflow before the double
 * one does, and stay out of convolution weights, whose padded taps the
 * optimized im2col multiplies by zero.
 */
import type { DType } from '../../../dtype.js';
import { tensor, type CaseArg, type CaseOut, type CaseTag, type CaseTensor, type OpCase, type OpSuite } from '../case.js';
import { CL, F32, INT_LIMITS, numel, o, SHORT } from './common.js';

const FLOATS: DType[] = ['float16', 'bfloat16', 'float32', 'float64'];
const F32_64: DType[] = ['float32', 'float64'];
const MM: DType[] = ['uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64'];
const ALL: DType[] = ['uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64', 'bool'];
const isF = (d: DType): boolean => FLOATS.includes(d);


/** n edge values: NaN, ±inf, -0 and small values for floats; the limits for integers; both bools. */
function edgeData(d: DType, n: number): (number | bigint | boolean)[] {
  let pool: (number | bigint | boolean)[];
  if (d === 'bool') pool = [false, true, true, false];
  else if (INT_LIMITS[d] !== undefined) {
    const [lo, hi] = INT_LIMITS[d]!;
    pool = d === 'int64' ? [lo, hi, 0n, -1n, 1n, 7n] : [lo, hi, 0, d === 'uint8' ? 1 : -1, 2, 7];
  } else pool = [NaN, Infinity, -Infinity, -0, 0, 0.5, -1.25, 3, 1, -2];
  return Array.from({ length: n }, (_, i) => pool[i % pool.length]!);
}

const t = (d: DType, shape: number[], opts: { dimOrder?: number[]; range?: [number, number]; constant?: boolean } = {}): CaseTensor => tensor(d, shape, opts);
const edge = (d: DType, shape: number[], dimOrder?: number[]): CaseTensor => tensor(d, shape, { data: edgeData(d, numel(shape)), ...(dimOrder ? { dimOrder } : {}) });

interface Made {
  name: string;
  covers: CaseTag[];
  args: Record<string, CaseArg>;
  outs: Record<string, CaseOut>;
  only?: DType[];
  rtol?: number;
  atol?: number;
}

/** Float32 sums that the optimized kernels accumulate in float32. */
const TOL32 = { rtol: 1e-4, atol: 1e-5 };

function suite(op: string, dtypes: DType[], allows: OpSuite['allows'], make: (d: DType) => Made[], tol32 = false): OpSuite {
  const cases: OpCase[] = dtypes.flatMap((d) => make(d)
    .filter((c) => c.only === undefined || c.only.includes(d))
    .map((c) => {
      const tol = c.rtol !== undefined ? { rtol: c.rtol, atol: c.atol ?? 0 } : tol32 && d === 'float32' ? TOL32 : {};
      return { name: `${SHORT[d]}_${c.name}`, dtype: d, covers: c.covers, args: c.args, outs: c.outs, ...tol };
    }));
  return { op, allows, cases };
}

const NO_BCAST = { broadcast: false, dimOrder: true, edge: true };

const out1 = (d: DType, shape: number[], dimOrder?: number[]): Record<string, CaseOut> => ({ out: o(d, shape, dimOrder) });

export const LINALG_SUITES: OpSuite[] = [
  suite('aten::mm.out', MM, NO_BCAST, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [3, 4]), mat2: t(d, [4, 2]) }, outs: out1(d, [3, 2]) },
    { name: 'transposed_self', covers: ['dim_order'], args: { self: t(d, [4, 3], { dimOrder: [1, 0] }), mat2: t(d, [3, 5]) }, outs: out1(d, [4, 5]) },
    { name: 'const_weight', covers: ['attr'], args: { self: t(d, [5, 7]), mat2: t(d, [7, 17], { constant: true }) }, outs: out1(d, [5, 17]), only: F32 },
    { name: 'k_zero', covers: ['empty'], args: { self: t(d, [2, 0]), mat2: t(d, [0, 3]) }, outs: out1(d, [2, 3]), only: F32 },
    { name: 'empty_rows', covers: ['empty'], args: { self: t(d, [0, 3]), mat2: t(d, [3, 4]) }, outs: out1(d, [0, 4]), only: F32 },
    { name: 'vector_like', covers: ['size1'], args: { self: t(d, [1, 9]), mat2: t(d, [9, 1]) }, outs: out1(d, [1, 1]), only: F32 },
    { name: 'large', covers: ['large'], args: { self: t(d, [64, 96]), mat2: t(d, [96, 1024]) }, outs: out1(d, [64, 1024]), only: F32 },
  ], true),
  suite('aten::bmm.out', MM, NO_BCAST, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 3, 4]), mat2: t(d, [2, 4, 2]) }, outs: out1(d, [2, 3, 2]) },
    { name: 'transposed_mat2', covers: ['dim_order'], args: { self: t(d, [2, 3, 5]), mat2: t(d, [2, 5, 4], { dimOrder: [0, 2, 1] }) }, outs: out1(d, [2, 3, 4]) },
    { name: 'attention', covers: ['attr'], args: { self: t(d, [4, 16, 8]), mat2: t(d, [4, 8, 16]) }, outs: out1(d, [4, 16, 16]), only: F32 },
    { name: 'empty_batch', covers: ['empty'], args: { self: t(d, [0, 2, 3]), mat2: t(d, [0, 3, 4]) }, outs: out1(d, [0, 2, 4]), only: F32 },
    { name: 'large', covers: ['large'], args: { self: t(d, [8, 64, 32]), mat2: t(d, [8, 32, 128]) }, outs: out1(d, [8, 64, 128]), only: F32 },
  ], true),
  suite('aten::addmm.out', MM, { broadcast: true, dimOrder: true, edge: true }, (d): Made[] => [
    { name: 'edge_row_bias', covers: ['edge', 'broadcast'], args: { self: edge(d, [2]), mat1: edge(d, [3, 4]), mat2: t(d, [4, 2]) }, outs: out1(d, [3, 2]) },
    { name: 'beta_alpha', covers: ['attr', 'broadcast'], args: { self: t(d, [3, 1]), mat1: t(d, [3, 4]), mat2: t(d, [4, 2]), beta: isF(d) ? 0.5 : 2, alpha: isF(d) ? -2 : -3 }, outs: out1(d, [3, 2]) },
    { name: 'transposed_mat2', covers: ['dim_order'], args: { self: t(d, [3, 5]), mat1: t(d, [3, 4]), mat2: t(d, [4, 5], { dimOrder: [1, 0] }) }, outs: out1(d, [3, 5]), only: ['int32', 'float32', 'float64'] },
    { name: 'beta_zero_nan_self', covers: ['attr', 'edge'], args: { self: tensor(d, [2], { data: [NaN, Infinity] }), mat1: t(d, [3, 4]), mat2: t(d, [4, 2]), beta: 0 }, outs: out1(d, [3, 2]), only: FLOATS },
    { name: 'scalar_self', covers: ['broadcast', 'size1'], args: { self: t(d, []), mat1: t(d, [2, 3]), mat2: t(d, [3, 4]) }, outs: out1(d, [2, 4]), only: F32 },
    { name: 'classifier', covers: ['large'], args: { self: t(d, [1000]), mat1: t(d, [2, 512]), mat2: t(d, [512, 1000], { constant: true }) }, outs: out1(d, [2, 1000]), only: F32 },
  ], true),
  suite('aten::linear.out', MM, NO_BCAST, (d) => [
    { name: 'edge', covers: ['edge'], args: { input: edge(d, [2, 3, 4]), weight: t(d, [5, 4]), bias: t(d, [5]) }, outs: out1(d, [2, 3, 5]) },
    { name: 'column_major_weight', covers: ['dim_order'], args: { input: t(d, [3, 4]), weight: t(d, [6, 4], { dimOrder: [1, 0] }), bias: null }, outs: out1(d, [3, 6]), only: ['int32', 'float32', 'float64'] },
    { name: 'transposed_input', covers: ['dim_order'], args: { input: t(d, [4, 3], { dimOrder: [1, 0] }), weight: t(d, [2, 3]), bias: t(d, [2]) }, outs: out1(d, [4, 2]), only: F32 },
    { name: 'vector_input', covers: ['size1'], args: { input: t(d, [4]), weight: t(d, [3, 4]), bias: t(d, [3]) }, outs: out1(d, [3]), only: F32 },
    { name: 'ffn', covers: ['large'], args: { input: t(d, [32, 256]), weight: t(d, [512, 256], { constant: true }), bias: t(d, [512], { constant: true }) }, outs: out1(d, [32, 512]), only: F32 },
  ], true),
  suite('aten::convolution.out', F32_64, NO_BCAST, (d) => {
    const conv = (stride: number[], padding: number[], dilation: number[], groups: number, transposed = false, outputPadding: number[] = [0, 0]) =>
      ({ stride, padding, dilation, transposed, output_padding: outputPadding, groups });
    return [
      { name: 'edge', covers: ['edge'], args: { input: edge(d, [1, 2, 5, 5]), weight: t(d, [3, 2, 3, 3]), bias: t(d, [3]), ...conv([1, 1], [1, 1], [1, 1], 1) }, outs: out1(d, [1, 3, 5, 5]) },
      { name: 'depthwise_channels_last', covers: ['dim_order', 'attr'], args: { input: t(d, [2, 4, 6, 6], { dimOrder: CL }), weight: t(d, [4, 1, 3, 3]), bias: t(d, [4]), ...conv([2, 2], [1, 1], [1, 1], 4) }, outs: out1(d, [2, 4, 3, 3], CL) },
      { name: 'grouped_dilated', covers: ['attr'], args: { input: t(d, [1, 4, 9, 9]), weight: t(d, [6, 2, 3, 3]), bias: null, ...conv([1, 1], [2, 2], [2, 2], 2) }, outs: out1(d, [1, 6, 9, 9]) },
      { name: 'rect_stride', covers: ['attr'], args: { input: t(d, [2, 3, 7, 8]), weight: t(d, [5, 3, 2, 3]), bias: t(d, [5]), ...conv([2, 1], [0, 1], [1, 1], 1) }, outs: out1(d, [2, 5, 3, 8]), only: F32 },
      { name: 'depthwise_multiplier', covers: ['attr'], args: { input: t(d, [1, 3, 7, 7]), weight: t(d, [6, 1, 5, 5], { constant: true }), bias: t(d, [6]), ...conv([1, 1], [2, 2], [1, 1], 3) }, outs: out1(d, [1, 6, 7, 7]), only: F32 },
      { name: 'pointwise', covers: ['attr'], args: { input: t(d, [1, 16, 6, 6]), weight: t(d, [8, 16, 1, 1], { constant: true }), bias: t(d, [8]), ...conv([1, 1], [0, 0], [1, 1], 1) }, outs: out1(d, [1, 8, 6, 6]), only: F32 },
      { name: 'conv1d', covers: ['attr'], args: { input: t(d, [2, 4, 10]), weight: t(d, [6, 2, 3]), bias: t(d, [6]), stride: [2], padding: [1], dilation: [1], transposed: false, output_padding: [0], groups: 2 }, outs: out1(d, [2, 6, 5]) },
      { name: 'transposed', covers: ['attr'], args: { input: t(d, [1, 4, 5, 5]), weight: t(d, [4, 3, 3, 3]), bias: t(d, [3]), ...conv([2, 2], [1, 1], [1, 1], 1, true, [1, 1]) }, outs: out1(d, [1, 3, 10, 10]) },
      { name: 'transposed_grouped', covers: ['attr'], args: { input: t(d, [1, 4, 4, 4]), weight: t(d, [4, 1, 2, 2]), bias: null, ...conv([2, 2], [0, 0], [1, 1], 2, true) }, outs: out1(d, [1, 2, 8, 8]), only: F32 },
      { name: 'large', covers: ['large'], args: { input: t(d, [1, 16, 32, 32]), weight: t(d, [32, 16, 3, 3], { constant: true }), bias: t(d, [32]), ...conv([1, 1], [1, 1], [1, 1], 1) }, outs: out1(d, [1, 32, 32, 32]), only: F32 },
      { name: 'empty_batch', covers: ['empty'], args: { input: t(d, [0, 2, 4, 4]), weight: t(d, [3, 2, 3, 3]), bias: null, ...conv([1, 1], [0, 0], [1, 1], 1) }, outs: out1(d, [0, 3, 2, 2]), only: F32 },
    ];
  }, true),
  suite('aten::_native_batch_norm_legit_no_training.out', F32_64, NO_BCAST, (d) => {
    const stats = (c: number) => ({ running_mean: t(d, [c]), running_var: t(d, [c], { range: [0.1, 2] }), momentum: 0.1, eps: 1e-5 });
    const outs = (shape: number[], dimOrder?: number[]) => ({ out0: o(d, shape, dimOrder), out1: o(d, [0]), out2: o(d, [0]) });
    return [
      { name: 'edge', covers: ['edge'], args: { input: edge(d, [2, 3, 2, 2]), weight: t(d, [3]), bias: t(d, [3]), ...stats(3) }, outs: outs([2, 3, 2, 2]) },
      { name: 'channels_last', covers: ['dim_order'], args: { input: t(d, [2, 4, 3, 3], { dimOrder: CL }), weight: t(d, [4]), bias: t(d, [4]), ...stats(4) }, outs: outs([2, 4, 3, 3], CL) },
      { name: 'no_affine', covers: ['attr'], args: { input: t(d, [3, 5]), weight: null, bias: null, ...stats(5), eps: 0.1 }, outs: outs([3, 5]) },
      { name: 'large', covers: ['large'], args: { input: t(d, [1, 32, 56, 56]), weight: t(d, [32]), bias: t(d, [32]), ...stats(32) }, outs: outs([1, 32, 56, 56]), only: F32 },
    ];
  }),
  suite('aten::native_layer_norm.out', F32_64, NO_BCAST, (d) => {
    const outs = (shape: number[], stat: number[], dimOrder?: number[]) => ({ out0: o(d, shape, dimOrder), out1: o(d, stat), out2: o(d, stat) });
    return [
      { name: 'edge', covers: ['edge'], args: { input: edge(d, [3, 4]), normalized_shape: [4], weight: t(d, [4]), bias: t(d, [4]), eps: 1e-5 }, outs: outs([3, 4], [3, 1]) },
      { name: 'permuted', covers: ['dim_order'], args: { input: t(d, [2, 3, 4], { dimOrder: [1, 0, 2] }), normalized_shape: [4], weight: t(d, [4]), bias: t(d, [4]), eps: 1e-5 }, outs: outs([2, 3, 4], [2, 3, 1]) },
      { name: 'two_dims_no_affine', covers: ['attr'], args: { input: t(d, [2, 3, 4]), normalized_shape: [3, 4], weight: null, bias: null, eps: 1e-3 }, outs: outs([2, 3, 4], [2, 1, 1]) },
      { name: 'transformer', covers: ['large'], args: { input: t(d, [1, 128, 256]), normalized_shape: [256], weight: t(d, [256]), bias: t(d, [256]), eps: 1e-5 }, outs: outs([1, 128, 256], [1, 128, 1]), only: F32 },
    ];
  }),
  ...(['aten::_softmax.out', 'aten::_log_softmax.out'] as const).map((op) => suite(op, FLOATS, NO_BCAST, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [4, 5]), dim: 1, half_to_float: false }, outs: out1(d, [4, 5]) },
    { name: 'channels_last_dim1', covers: ['dim_order', 'attr'], args: { self: t(d, [1, 3, 2, 2], { dimOrder: CL, range: [-8, 8] }), dim: 1, half_to_float: false }, outs: out1(d, [1, 3, 2, 2], CL) },
    { name: 'dim0', covers: ['attr'], args: { self: t(d, [3, 4], { range: [-20, 20] }), dim: -2, half_to_float: false }, outs: out1(d, [3, 4]), only: F32 },
    { name: 'size1', covers: ['size1'], args: { self: t(d, [3, 1]), dim: 1, half_to_float: false }, outs: out1(d, [3, 1]), only: F32 },
    { name: 'zero_dim', covers: ['size1'], args: { self: t(d, []), dim: 0, half_to_float: false }, outs: out1(d, []), only: F32 },
    { name: 'attention', covers: ['large'], args: { self: t(d, [4, 128, 128], { range: [-5, 5] }), dim: -1, half_to_float: false }, outs: out1(d, [4, 128, 128]), only: F32 },
  ])),
  suite('aten::max_pool2d_with_indices.out', MM, NO_BCAST, (d) => {
    const outs = (shape: number[], dimOrder?: number[]) => ({ out: o(d, shape, dimOrder), indices: o('int64', shape, dimOrder) });
    return [
      { name: 'edge', covers: ['edge'], args: { self: edge(d, [1, 2, 4, 4]), kernel_size: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceil_mode: false }, outs: outs([1, 2, 2, 2]) },
      { name: 'channels_last_resnet', covers: ['dim_order', 'attr'], args: { self: t(d, [1, 3, 7, 7], { dimOrder: CL }), kernel_size: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], ceil_mode: false }, outs: outs([1, 3, 4, 4], CL) },
      { name: 'ceil_dilated', covers: ['attr'], args: { self: t(d, [2, 2, 8, 9]), kernel_size: [3, 2], stride: [2, 3], padding: [1, 1], dilation: [2, 1], ceil_mode: true }, outs: outs([2, 2, 4, 4]), only: F32 },
      { name: 'no_batch_default_stride', covers: ['attr', 'size1'], args: { self: t(d, [3, 5, 5]), kernel_size: [2, 2], stride: [], padding: [0, 0], dilation: [1, 1], ceil_mode: true }, outs: outs([3, 3, 3]), only: F32 },
      { name: 'large', covers: ['large'], args: { self: t(d, [1, 16, 112, 112]), kernel_size: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], ceil_mode: false }, outs: outs([1, 16, 56, 56]), only: F32 },
    ];
  }),
  suite('aten::avg_pool2d.out', FLOATS, NO_BCAST, (d) => {
    const pool = (k: number[], s: number[], p: number[], ceil = false, include = true, div: number | null = null) =>
      ({ kernel_size: k, stride: s, padding: p, ceil_mode: ceil, count_include_pad: include, divisor_override: div });
    return [
      { name: 'edge', covers: ['edge'], args: { self: edge(d, [1, 2, 4, 4]), ...pool([2, 2], [2, 2], [0, 0]) }, outs: out1(d, [1, 2, 2, 2]) },
      { name: 'channels_last_padded', covers: ['dim_order', 'attr'], args: { self: t(d, [1, 3, 5, 5], { dimOrder: CL }), ...pool([3, 3], [2, 2], [1, 1]) }, outs: out1(d, [1, 3, 3, 3], CL) },
      { name: 'ceil_exclude_pad', covers: ['attr'], args: { self: t(d, [2, 2, 6, 7]), ...pool([3, 3], [2, 2], [1, 1], true, false) }, outs: out1(d, [2, 2, 4, 4]), only: F32 },
      { name: 'divisor_override', covers: ['attr'], args: { self: t(d, [1, 2, 5, 5]), ...pool([2, 3], [1, 2], [1, 1], false, true, 5) }, outs: out1(d, [1, 2, 6, 3]), only: F32 },
      { name: 'no_batch', covers: ['size1'], args: { self: t(d, [3, 4, 4]), ...pool([2, 2], [], [0, 0]) }, outs: out1(d, [3, 2, 2]), only: F32 },
      { name: 'large', covers: ['large'], args: { self: t(d, [1, 64, 56, 56]), ...pool([2, 2], [2, 2], [0, 0]) }, outs: out1(d, [1, 64, 28, 28]), only: F32 },
    ];
  }),
  suite('aten::_adaptive_avg_pool2d.out', FLOATS, NO_BCAST, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [1, 2, 5, 7]), output_size: [2, 3] }, outs: out1(d, [1, 2, 2, 3]) },
    { name: 'channels_last_global', covers: ['dim_order'], args: { self: t(d, [2, 8, 7, 7], { dimOrder: CL }), output_size: [1, 1] }, outs: out1(d, [2, 8, 1, 1], CL) },
    { name: 'upscale', covers: ['attr'], args: { self: t(d, [3, 3, 2]), output_size: [4, 5] }, outs: out1(d, [3, 4, 5]), only: F32 },
    { name: 'large', covers: ['large'], args: { self: t(d, [1, 512, 7, 7]), output_size: [1, 1] }, outs: out1(d, [1, 512, 1, 1]), only: F32 },
  ]),
  suite('aten::mean.out', FLOATS, NO_BCAST, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [3, 4]), dim: [1], keepdim: false, dtype: null }, outs: out1(d, [3]) },
    { name: 'channels_last_gap', covers: ['dim_order', 'attr'], args: { self: t(d, [2, 3, 4, 4], { dimOrder: CL }), dim: [-1, -2], keepdim: true, dtype: null }, outs: out1(d, [2, 3, 1, 1]) },
    { name: 'all', covers: ['attr'], args: { self: t(d, [2, 3, 4]), dim: null, keepdim: false, dtype: null }, outs: out1(d, []), only: F32 },
    { name: 'into_float64', covers: ['attr'], args: { self: t(d, [4, 5]), dim: [0], keepdim: true, dtype: 'float64' }, outs: out1('float64', [1, 5]), only: F32 },
    { name: 'empty_dim', covers: ['empty'], args: { self: t(d, [0, 3]), dim: [0], keepdim: false, dtype: null }, outs: out1(d, [3]), only: F32 },
    { name: 'large', covers: ['large'], args: { self: t(d, [1, 128, 512]), dim: [-1], keepdim: true, dtype: null }, outs: out1(d, [1, 128, 1]), only: F32 },
  ]),
  suite('aten::sum.IntList_out', ALL, NO_BCAST, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [3, 4]), dim: [0], keepdim: false, dtype: null }, outs: out1(d, [4]) },
    { name: 'channels_last', covers: ['dim_order', 'attr'], args: { self: t(d, [2, 3, 2, 2], { dimOrder: CL }), dim: [1, 3], keepdim: true, dtype: null }, outs: out1(d, [2, 1, 2, 1]) },
    { name: 'all', covers: ['attr'], args: { self: t(d, [2, 3]), dim: [], keepdim: false, dtype: null }, outs: out1(d, []), only: ['int8', 'float32', 'bool'] },
    { name: 'into_int64', covers: ['attr'], args: { self: t(d, [3, 5]), dim: [-1], keepdim: false, dtype: 'int64' }, outs: out1('int64', [3]), only: ['int8', 'bool'] },
    { name: 'empty', covers: ['empty'], args: { self: t(d, [0, 3]), dim: [0], keepdim: false, dtype: null }, outs: out1(d, [3]), only: F32 },
    { name: 'large', covers: ['large'], args: { self: t(d, [256, 512]), dim: [0], keepdim: false, dtype: null }, outs: out1(d, [512]), only: F32 },
  ]),
  ...(['aten::amax.out', 'aten::amin.out'] as const).map((op) => suite(op, ALL, NO_BCAST, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [3, 4]), dim: [1], keepdim: false }, outs: out1(d, [3]) },
    { name: 'channels_last', covers: ['dim_order', 'attr'], args: { self: t(d, [2, 3, 2, 2], { dimOrder: CL }), dim: [-1, 1], keepdim: true }, outs: out1(d, [2, 1, 2, 1]) },
    { name: 'all', covers: ['attr'], args: { self: t(d, [2, 3]), dim: [], keepdim: false }, outs: out1(d, []), only: ['float32', 'int64', 'bool'] },
    { name: 'large', covers: ['large'], args: { self: t(d, [256, 300]), dim: [0], keepdim: false }, outs: out1(d, [300]), only: F32 },
  ])),
  ...(['aten::argmax.out', 'aten::argmin.out'] as const).map((op) => suite(op, MM, NO_BCAST, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [3, 4]), dim: 1, keepdim: false }, outs: out1('int64', [3]) },
    { name: 'channels_last', covers: ['dim_order', 'attr'], args: { self: t(d, [2, 3, 2, 2], { dimOrder: CL }), dim: 1, keepdim: true }, outs: out1('int64', [2, 1, 2, 2]) },
    { name: 'flattened', covers: ['attr'], args: { self: t(d, [3, 4]), dim: null, keepdim: false }, outs: out1('int64', []), only: ['float32', 'int32'] },
    { name: 'ties', covers: ['attr'], args: { self: tensor(d, [2, 4], { data: [1, 2, 2, 1, 0, 0, 0, 0] }), dim: -1, keepdim: false }, outs: out1('int64', [2]), only: ['float32', 'int8'] },
    { name: 'large', covers: ['large'], args: { self: t(d, [128, 1000]), dim: 1, keepdim: false }, outs: out1('int64', [128]), only: F32 },
  ])),
  suite('aten::cumsum.out', ALL, NO_BCAST, (d): Made[] => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [3, 4]), dim: 1, dtype: null }, outs: out1(d === 'bool' ? 'int64' : d, [3, 4]) },
    { name: 'channels_last', covers: ['dim_order', 'attr'], args: { self: t(d, [1, 3, 2, 2], { dimOrder: CL }), dim: 1, dtype: d === 'bool' ? 'int64' : null }, outs: out1(d === 'bool' ? 'int64' : d, [1, 3, 2, 2], CL) },
    { name: 'into_float64', covers: ['attr'], args: { self: t(d, [2, 5]), dim: 0, dtype: 'float64' }, outs: out1('float64', [2, 5]), only: ['int32', 'float32'] },
    { name: 'large', covers: ['large'], args: { self: t(d, [64, 1024]), dim: -1, dtype: null }, outs: out1(d, [64, 1024]), only: F32 },
  ]),
  suite('aten::var.correction_out', F32_64, NO_BCAST, (d) => [
    { name: 'edge', covers: ['edge'], args: { self: edge(d, [3, 4]), dim: [1], correction: 1, keepdim: false }, outs: out1(d, [3]) },
    { name: 'channels_last', covers: ['dim_order', 'attr'], args: { self: t(d, [2, 3, 2, 2], { dimOrder: CL }), dim: [2, 3], correction: 0, keepdim: true }, outs: out1(d, [2, 3, 1, 1]) },
    { name: 'all_default', covers: ['attr'], args: { self: t(d, [4, 5]), dim: null, correction: null, keepdim: false }, outs: out1(d, []) },
    { name: 'divisor_zero', covers: ['attr', 'size1'], args: { self: t(d, [3, 1]), dim: [1], correction: 1, keepdim: false }, outs: out1(d, [3]), only: F32 },
  ]),
  suite('aten::native_group_norm.out', F32_64, NO_BCAST, (d) => {
    const outs = (shape: number[], n: number, g: number, dimOrder?: number[]) => ({ out0: o(d, shape, dimOrder), out1: o(d, [n, g]), out2: o(d, [n, g]) });
    return [
      { name: 'edge', covers: ['edge'], args: { input: edge(d, [2, 4, 3]), weight: t(d, [4]), bias: t(d, [4]), N: 2, C: 4, HxW: 3, group: 2, eps: 1e-5 }, outs: outs([2, 4, 3], 2, 2) },
      { name: 'channels_last', covers: ['dim_order'], args: { input: t(d, [2, 6, 3, 3], { dimOrder: CL }), weight: t(d, [6]), bias: t(d, [6]), N: 2, C: 6, HxW: 9, group: 3, eps: 1e-5 }, outs: outs([2, 6, 3, 3], 2, 3, CL) },
      { name: 'no_affine_one_group', covers: ['attr'], args: { input: t(d, [1, 4, 2, 2]), weight: null, bias: null, N: 1, C: 4, HxW: 4, group: 1, eps: 1e-3 }, outs: outs([1, 4, 2, 2], 1, 1) },
    ];
  }),
  suite('aten::upsample_nearest2d.vec_out', FLOATS, NO_BCAST, (d) => [
    { name: 'edge_double', covers: ['edge'], args: { input: edge(d, [1, 2, 2, 3]), output_size: [4, 6], scale_factors: null }, outs: out1(d, [1, 2, 4, 6]) },
    { name: 'channels_last_scale', covers: ['dim_order', 'attr'], args: { input: t(d, [1, 3, 3, 2], { dimOrder: CL }), output_size: null, scale_factors: [1.5, 2.5] }, outs: out1(d, [1, 3, 4, 5], CL) },
    { name: 'odd_sizes', covers: ['attr'], args: { input: t(d, [2, 1, 3, 5]), output_size: [7, 4], scale_factors: null }, outs: out1(d, [2, 1, 7, 4]), only: F32 },
  ]),
  suite('aten::upsample_bilinear2d.vec_out', F32_64, NO_BCAST, (d) => [
    { name: 'edge', covers: ['edge'], args: { input: edge(d, [1, 2, 3, 3]), output_size: [5, 4], align_corners: false, scale_factors: null }, outs: out1(d, [1, 2, 5, 4]) },
    { name: 'align_corners', covers: ['attr'], args: { input: t(d, [1, 2, 3, 4]), output_size: [5, 7], align_corners: true, scale_factors: null }, outs: out1(d, [1, 2, 5, 7]) },
    { name: 'channels_last_scale', covers: ['dim_order', 'attr'], args: { input: t(d, [2, 3, 4, 4], { dimOrder: CL }), output_size: null, align_corners: false, scale_factors: [2, 1.5] }, outs: out1(d, [2, 3, 8, 6], CL) },
    { name: 'to_one', covers: ['size1'], args: { input: t(d, [1, 1, 4, 4]), output_size: [1, 1], align_corners: true, scale_factors: null }, outs: out1(d, [1, 1, 1, 1]), only: F32 },
  ]),
  suite('aten::topk.values', MM, NO_BCAST, (d) => {
    const outs = (shape: number[], dimOrder?: number[]) => ({ values: o(d, shape, dimOrder), indices: o('int64', shape, dimOrder) });
    return [
      { name: 'edge', covers: ['edge'], args: { self: edge(d, [2, 6]), k: 3, dim: -1, largest: true, sorted: true }, outs: outs([2, 3]) },
      { name: 'smallest_edge', covers: ['edge', 'attr'], args: { self: edge(d, [2, 6]), k: 4, dim: 1, largest: false, sorted: true }, outs: outs([2, 4]) },
      { name: 'channels_last_dim1', covers: ['dim_order', 'attr'], args: { self: t(d, [1, 5, 2, 2], { dimOrder: CL }), k: 2, dim: 1, largest: true, sorted: true }, outs: outs([1, 2, 2, 2], CL) },
      { name: 'all_and_none', covers: ['attr', 'empty'], args: { self: t(d, [3, 4]), k: 0, dim: 0, largest: true, sorted: true }, outs: outs([0, 4]), only: F32 },
      { name: 'large', covers: ['large'], args: { self: t(d, [64, 1000]), k: 5, dim: -1, largest: true, sorted: true }, outs: outs([64, 5]), only: F32 },
    ];
  }),
];
