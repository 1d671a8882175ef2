/**
 * Suite cases of the int8 cortex_m operators (CMSIS-NN arithmetic; the real
 * KeywordSpotting program uses all seven). Activations are NHWC in memory, so
 * every convolution and pooling case is a dim-order case; the int32 tensors
 * (bias, per-channel multipliers and shifts) are covered by the same cases.
 */
import { tensor, type CaseTensor, type OpCase, type OpSuite } from '../case.js';

const NHWC = [0, 2, 3, 1];
const QUANT = { dtype: 'int8', quant_min: -128, quant_max: 127 } as const;
const noScratch = (): CaseTensor => tensor('uint8', [0], { constant: true });
const ints = (dtype: 'int32', values: number[]): CaseTensor => tensor(dtype, [values.length], { data: values, constant: true });
/** Multipliers in [2^30, 2^31) and right shifts, as frexp gives them for scales well below 1. */
const multipliers = (n: number, first: number): number[] => Array.from({ length: n }, (_, i) => 1073741824 + ((first + i * 97_003_211) % 1_000_000_000));

const quantize: OpSuite = {
  op: 'cortex_m::quantize_per_tensor.out',
  allows: { broadcast: false, dimOrder: true, edge: true },
  cases: [
    {
      name: 'f32_to_i8', dtype: 'float32', covers: [],
      args: { input: tensor('float32', [2, 3, 4], { range: [-4, 4] }), scale: 0.05, zero_point: 3, ...QUANT },
      outs: { out: { dtype: 'int8', shape: [2, 3, 4] } },
    },
    {
      // Saturation at both ends, exact halves (round half to even) and -0.
      name: 'f32_edge', dtype: 'float32', covers: ['edge'],
      args: { input: tensor('float32', [8], { data: [1e6, -1e6, 0.125, 0.375, -0.125, -0, 6.35, -6.45] }), scale: 0.25, zero_point: 0, ...QUANT },
      outs: { out: { dtype: 'int8', shape: [8] } },
    },
    {
      name: 'f32_to_i16_nhwc', dtype: 'int16', covers: ['edge', 'dim_order'],
      args: {
        input: tensor('float32', [1, 3, 2, 2], { data: [0, 1e9, -1e9, 0.5, 1.5, 2.5, -0.5, -1.5, 100, -100, 7, -7], dimOrder: NHWC }),
        scale: 0.5, zero_point: -7, quant_min: -32768, quant_max: 32767, dtype: 'int16',
      },
      outs: { out: { dtype: 'int16', shape: [1, 3, 2, 2], dimOrder: NHWC } },
    },
    {
      name: 'i8_large', dtype: 'int8', covers: ['large'],
      args: { input: tensor('float32', [64, 1024], { range: [-10, 10] }), scale: 0.078125, zero_point: -2, ...QUANT },
      outs: { out: { dtype: 'int8', shape: [64, 1024] } },
    },
    {
      name: 'i8_edge_narrow_range', dtype: 'int8', covers: ['edge', 'attr'],
      args: { input: tensor('float32', [6], { data: [-100, -1, 0, 1, 100, 0.5] }), scale: 0.5, zero_point: 0, dtype: 'int8', quant_min: -5, quant_max: 5 },
      outs: { out: { dtype: 'int8', shape: [6] } },
    },
  ],
};

const dequantize: OpSuite = {
  op: 'cortex_m::dequantize_per_tensor.out',
  allows: { broadcast: false, dimOrder: true, edge: true },
  cases: [
    {
      name: 'i8_edge', dtype: 'int8', covers: ['edge'],
      args: { input: tensor('int8', [6], { data: [-128, 127, 0, -1, 1, 23] }), scale: 0.15429316461086273, zero_point: 23, ...QUANT },
      outs: { out: { dtype: 'float32', shape: [6] } },
    },
    {
      name: 'i8_nhwc', dtype: 'int8', covers: ['dim_order'],
      args: { input: tensor('int8', [1, 4, 3, 3], { range: [-128, 127], dimOrder: NHWC }), scale: 0.02, zero_point: -5, ...QUANT },
      outs: { out: { dtype: 'float32', shape: [1, 4, 3, 3], dimOrder: NHWC } },
    },
    {
      name: 'i16_edge', dtype: 'int16', covers: ['edge'],
      args: {
        input: tensor('int16', [5], { data: [-32768, 32767, 0, -300, 300] }), scale: 0.001, zero_point: 10,
        quant_min: -32768, quant_max: 32767, dtype: 'int16',
      },
      outs: { out: { dtype: 'float32', shape: [5] } },
    },
    {
      name: 'f32_empty', dtype: 'float32', covers: ['empty', 'edge'],
      args: { input: tensor('int8', [0, 4]), scale: 0.5, zero_point: 0, ...QUANT },
      outs: { out: { dtype: 'float32', shape: [0, 4] } },
    },
  ],
};

function conv(name: string, o: {
  n?: number; cin: number; h: number; w: number; cout: number; k: [number, number]; stride: [number, number];
  pad: [number, number]; dil?: [number, number]; edge?: boolean; bias?: boolean; act?: [number, number]; shift?: number;
}): OpCase {
  const [kh, kw] = o.k;
  const dil = o.dil ?? [1, 1];
  const oh = Math.floor((o.h + 2 * o.pad[0] - dil[0] * (kh - 1) - 1) / o.stride[0]) + 1;
  const ow = Math.floor((o.w + 2 * o.pad[1] - dil[1] * (kw - 1) - 1) / o.stride[1]) + 1;
  const n = o.n ?? 1;
  const edge = o.edge === true;
  const act = o.act ?? [-128, 127];
  return {
    name, dtype: 'int8', covers: ['dim_order', ...(edge ? ['edge' as const] : []), ...(o.act !== undefined ? ['attr' as const] : [])],
    args: {
      input: tensor('int8', [n, o.cin, o.h, o.w], { range: edge ? [127, 127] : [-128, 127], dimOrder: NHWC }),
      weight: tensor('int8', [o.cout, kh, kw, o.cin], { range: edge ? [-127, -127] : [-127, 127], constant: true }),
      bias: o.bias === false ? null : tensor('int32', [o.cout], { range: [-5000, 5000], constant: true }),
      stride: o.stride, padding: o.pad, dilation: dil, input_offset: edge ? 128 : 11, output_offset: -9,
      requantize_multipliers: ints('int32', multipliers(o.cout, 123)),
      requantize_shifts: ints('int32', Array.from({ length: o.cout }, (_, i) => (o.shift ?? -10) - (i % 3))),
      activation_min: act[0], activation_max: act[1], scratch: noScratch(),
    },
    outs: { out: { dtype: 'int8', shape: [n, o.cout, oh, ow], dimOrder: NHWC } },
  };
}

const conv2d: OpSuite = {
  op: 'cortex_m::quantized_conv2d.out',
  allows: { broadcast: false, dimOrder: true, edge: true },
  cases: [
    conv('k3_pad1', { cin: 4, h: 6, w: 5, cout: 8, k: [3, 3], stride: [1, 1], pad: [1, 1] }),
    conv('pointwise', { cin: 16, h: 5, w: 5, cout: 12, k: [1, 1], stride: [1, 1], pad: [0, 0] }),
    conv('stride2_dilated_batch2', { n: 2, cin: 3, h: 9, w: 8, cout: 5, k: [3, 2], stride: [2, 2], pad: [2, 1], dil: [2, 1], bias: false }),
    conv('saturating_edge', { cin: 8, h: 4, w: 4, cout: 4, k: [3, 3], stride: [1, 1], pad: [1, 1], edge: true, shift: -4 }),
    conv('relu6_range', { cin: 4, h: 5, w: 5, cout: 6, k: [3, 3], stride: [1, 1], pad: [1, 1], act: [-9, 60] }),
  ],
};

function depthwise(name: string, o: {
  cin: number; mult: number; h: number; w: number; k: [number, number]; stride: [number, number]; pad: [number, number]; edge?: boolean;
}): OpCase {
  const cout = o.cin * o.mult;
  const oh = Math.floor((o.h + 2 * o.pad[0] - o.k[0]) / o.stride[0]) + 1;
  const ow = Math.floor((o.w + 2 * o.pad[1] - o.k[1]) / o.stride[1]) + 1;
  const edge = o.edge === true;
  return {
    name, dtype: 'int8', covers: ['dim_order', ...(edge ? ['edge' as const] : [])],
    args: {
      input: tensor('int8', [1, o.cin, o.h, o.w], { range: edge ? [-128, -128] : [-128, 127], dimOrder: NHWC }),
      weight: tensor('int8', [1, o.k[0], o.k[1], cout], { range: edge ? [127, 127] : [-127, 127], constant: true }),
      bias: tensor('int32', [cout], { range: [-3000, 3000], constant: true }),
      stride: o.stride, padding: o.pad, dilation: [1, 1], depth_multiplier: o.mult, input_offset: edge ? -127 : 68, output_offset: -128,
      requantize_multipliers: ints('int32', multipliers(cout, 77)),
      requantize_shifts: ints('int32', Array.from({ length: cout }, (_, i) => -8 - (i % 4))),
      activation_min: -128, activation_max: 127, scratch: noScratch(),
    },
    outs: { out: { dtype: 'int8', shape: [1, cout, oh, ow], dimOrder: NHWC } },
  };
}

const depthwiseConv2d: OpSuite = {
  op: 'cortex_m::quantized_depthwise_conv2d.out',
  allows: { broadcast: false, dimOrder: true, edge: true },
  cases: [
    depthwise('k3_pad1', { cin: 8, mult: 1, h: 7, w: 6, k: [3, 3], stride: [1, 1], pad: [1, 1] }),
    depthwise('mult4_stride2', { cin: 3, mult: 4, h: 9, w: 7, k: [4, 3], stride: [2, 2], pad: [1, 1] }),
    depthwise('edge', { cin: 4, mult: 2, h: 4, w: 4, k: [3, 3], stride: [1, 1], pad: [1, 1], edge: true }),
  ],
};

const pad: OpSuite = {
  op: 'cortex_m::pad.out',
  allows: { broadcast: false, dimOrder: true, edge: true },
  cases: [
    {
      name: 'nhwc_pad', dtype: 'int8', covers: ['dim_order', 'edge'],
      args: { input: tensor('int8', [1, 3, 2, 2], { data: [-128, 127, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9], dimOrder: NHWC }), pre_pad: [0, 1, 0, 1], post_pad: [0, 0, 2, 0], pad_value: -128 },
      outs: { out: { dtype: 'int8', shape: [1, 4, 3, 4], dimOrder: NHWC } },
    },
    {
      name: 'rank2', dtype: 'int8', covers: ['size1'],
      args: { input: tensor('int8', [2, 3]), pre_pad: [0, 0, 1, 0], post_pad: [0, 0, 0, 2], pad_value: 7 },
      outs: { out: { dtype: 'int8', shape: [3, 5] } },
    },
  ],
};

const avgPool: OpSuite = {
  op: 'cortex_m::quantized_avg_pool2d.out',
  allows: { broadcast: false, dimOrder: true, edge: true },
  cases: [
    {
      // The KeywordSpotting shape: one window over 24 of 25 rows.
      name: 'kws_window', dtype: 'int8', covers: ['dim_order'],
      args: {
        input: tensor('int8', [1, 16, 25, 5], { range: [-128, 127], dimOrder: NHWC }), kernel_size: [24, 5], stride: [24, 5], padding: [0, 0],
        ceil_mode: false, zero_point: -128, multiplier: 2077939072, shift: -4, scratch: tensor('uint8', [256], { constant: true }),
      },
      outs: { out: { dtype: 'int8', shape: [1, 16, 1, 1], dimOrder: NHWC } },
    },
    {
      // Padding taps are excluded from the count; halves round away from zero.
      name: 'padded_edge', dtype: 'int8', covers: ['dim_order', 'edge', 'attr'],
      args: {
        input: tensor('int8', [2, 3, 5, 5], { range: [-128, 127], dimOrder: NHWC }), kernel_size: [3, 3], stride: [2, 2], padding: [1, 1],
        ceil_mode: false, zero_point: 0, multiplier: 1073741824, shift: 0, scratch: noScratch(),
      },
      outs: { out: { dtype: 'int8', shape: [2, 3, 3, 3], dimOrder: NHWC } },
    },
  ],
};

function linear(name: string, o: { batch: number[]; inF: number; outF: number; edge?: boolean; bias?: boolean }): OpCase {
  const edge = o.edge === true;
  return {
    name, dtype: 'int8', covers: edge ? ['edge'] : ['size1'],
    args: {
      input: tensor('int8', [...o.batch, o.inF], { range: edge ? [127, 127] : [-128, 127] }),
      weights: tensor('int8', [o.outF, o.inF], { range: edge ? [127, 127] : [-127, 127], constant: true }),
      bias: o.bias === false ? null : tensor('int32', [o.outF], { range: [-20000, 20000], constant: true }),
      kernel_sum: null, input_offset: 128, filter_offset: 0, output_offset: 23,
      requantize_multipliers: [1500406475], requantize_shifts: [edge ? -2 : -8], activation_max: 127, activation_min: -128,
    },
    outs: { out: { dtype: 'int8', shape: [...o.batch, o.outF] } },
  };
}

const linearSuite: OpSuite = {
  op: 'cortex_m::quantized_linear.out',
  allows: { broadcast: false, dimOrder: false, edge: true },
  cases: [
    linear('kws_head', { batch: [1], inF: 64, outF: 12 }),
    linear('batched_no_bias', { batch: [2, 3], inF: 20, outF: 7, bias: false }),
    linear('saturating_edge', { batch: [1], inF: 16, outF: 4, edge: true }),
  ],
};

export const CORTEX_M_SUITES: OpSuite[] = [quantize, dequantize, conv2d, depthwiseConv2d, pad, avgPool, linearSuite];
