/**
 * ExecuTorch cross-check verdicts of the elementwise family's suite cases (merged into
 * EXECUTORCH_VERDICTS by verdicts.ts). Investigated on ExecuTorch 1.5.1 (PyPI, portable kernels)
 * against our reference, whose semantics the PyTorch goldens (scripts/golden/cases_elem.py)
 * confirm. The rules are exact: the cross-check fails if a case listed here starts to agree, so
 * the cases a rule covers but that agree anyway (their values do not depend on the layout, or
 * carry no int64 extreme) are listed as exceptions.
 */
import { caseStem } from './build.js';
import type { OpCase } from './case.js';
import { ELEM_SUITES } from './cases/elem.js';

/** Elementwise operators ExecuTorch 1.5.1's Python runtime does not register at all. */
export const ELEM_OPS_NOT_IN_EXECUTORCH: readonly string[] = ['aten::silu.out', 'aten::hardswish.out', 'aten::hardsigmoid.out'];

/**
 * Cases on which ExecuTorch 1.5.1 aborts the whole Python process (SIGABRT), so the cross-check
 * cannot run them: quantize with a bfloat16 input, dequantize into bfloat16, per-channel quantize
 * with float32 scales. PyTorch's decomposed ops take all of them (goldens on bfloat16 inputs,
 * 'axis 0, float32 scales').
 */
export const ELEM_CASES_ABORTING_EXECUTORCH: readonly string[] = [
  ...['edge_i8', 'edge_u8', 'channels_last_i8', 'ties_i16', 'narrow_range_i32'].map((n) => `quantized_decomposed__quantize_per_tensor.out__bf16_${n}`),
  'quantized_decomposed__dequantize_per_tensor.out__u8_out_dtype',
  // per channel: bfloat16 inputs, float32 scales (ExecuTorch wants float64) and a bfloat16 out abort as well
  ...['edge_axis1_i8', 'channels_last_u8', 'axis0_f32_scales_i16', 'last_axis_i32'].map((n) => `quantized_decomposed__quantize_per_channel.out__bf16_${n}`),
  'quantized_decomposed__quantize_per_channel.out__f32_axis0_f32_scales_i16',
  'quantized_decomposed__quantize_per_channel.out__f16_axis0_f32_scales_i16',
  'quantized_decomposed__dequantize_per_channel.out__i8_half_out',
  // .Tensor_out: a bfloat16 input or out, a float32 scale with an int32 zero point
  'quantized_decomposed__quantize_per_tensor.Tensor_out__f32_bf16_in_i32',
  'quantized_decomposed__dequantize_per_tensor.Tensor_out__i32_out_f64_f16',
  ...['u8', 'i8', 'i16', 'i32'].map((d) => `quantized_decomposed__dequantize_per_tensor.Tensor_out__${d}_channels_last`),
];

const DIM_ORDER =
  "ExecuTorch's portable kernel does not honour a non-default dim order: it refuses tensors whose dim orders differ " +
  '(InvalidArgument) or reads and writes channels-last tensors as if contiguous. Our kernels honour the dim order ' +
  'and agree with the reference.';
const INT64_EDGE =
  'Harness, not kernel: the int64 extremes of the edge data (-2^63, 2^63-1) pass through JSON numbers on the way to ' +
  'exporter/run_executorch.py, where 2^63-1 arrives as 2^63 and torch refuses it (ValueError: Overflow when ' +
  'unpacking long long) before ExecuTorch runs.';
const RELU_CAST =
  "ExecuTorch requires relu's out to have self's dtype (InvalidArgument); ATen's relu.out computes relu and copies it " +
  'into out with a cast, and a safe cast (int16/float16 -> float32) is what we accept.';
const WHERE_PROMOTE =
  'ExecuTorch fails (InvalidArgument) when self and other differ in dtype; ATen promotes them with result_type ' +
  "(golden 'promote zero-dim ...').";
const INT_POW =
  'Integer powers that overflow: ATen multiplies in the integer type and wraps (golden pow cases on the integer ' +
  "limits: 'exponent 2', 'special values'); ExecuTorch computes in floating point and casts back, which differs " +
  'once the power leaves the type.';
const POW_BOOL =
  "bool ** True: ATen copies self (exponent 1 is a copy, golden 'exponent True' on bool); ExecuTorch refuses the " +
  'bool result type (InvalidArgument).';
const QUANT_INF =
  "quantize of ±inf: PyTorch's decomposed op clamps the rounded value, so +inf gives quant_max and -inf quant_min " +
  "(golden 'ties and extremes'); ExecuTorch converts the infinite value to int64 first (undefined behaviour in C++) " +
  'and lands on the other bound.';
const DEQUANT_F64 =
  "dequantize into float64: PyTorch's decomposed op computes (q - zero_point) * scale in the out dtype (golden " +
  "'out float64'); ExecuTorch computes in float32 and widens.";
const DEQUANT_WRAP =
  'dequantize of int32 extremes: PyTorch subtracts the zero point exactly (after converting to float per tensor; in ' +
  'int64 per channel with int64 zero points); ExecuTorch subtracts in int32, which wraps at -2^31.';
const GELU_MAX =
  "gelu at the float max: ATen's float kernel evaluates x * (1 + erf) first and overflows to +inf (golden 'none, " +
  "special values' on float32/bfloat16), ExecuTorch does not.";
const FLOOR_INT =
  'floor of integers is a copy in ATen (goldens on the integer limits); ExecuTorch goes through floating point, and ' +
  'int32 extremes do not survive the round trip.';

const SPECIFIC: Readonly<Record<string, string>> = {
  'aten__relu.out__i16_to_float32': RELU_CAST,
  'aten__relu.out__f16_to_float32': RELU_CAST,
  'aten__where.self_out__i16_promote': WHERE_PROMOTE,
  'aten__where.self_out__f32_promote': WHERE_PROMOTE,
  'aten__pow.Tensor_Scalar_out__i32_edge_square': INT_POW,
  'aten__pow.Tensor_Tensor_out__i8_edge_exponent': INT_POW,
  'aten__pow.Tensor_Tensor_out__i32_edge': INT_POW,
  'aten__pow.Tensor_Tensor_out__i32_edge_exponent': INT_POW,
  'aten__pow.Tensor_Scalar_out__b_one_bool': POW_BOOL,
  'quantized_decomposed__quantize_per_tensor.out__f32_edge_i8': QUANT_INF,
  'quantized_decomposed__quantize_per_tensor.out__f32_edge_u8': QUANT_INF,
  'quantized_decomposed__quantize_per_tensor.out__f16_edge_i8': QUANT_INF,
  'quantized_decomposed__quantize_per_tensor.out__f16_edge_u8': QUANT_INF,
  'quantized_decomposed__dequantize_per_tensor.out__i16_out_dtype': DEQUANT_F64,
  'quantized_decomposed__dequantize_per_tensor.out__i32_out_dtype': DEQUANT_F64,
  'quantized_decomposed__dequantize_per_tensor.out__i32_edge': DEQUANT_WRAP,
  'aten__gelu.out__bf16_edge': GELU_MAX,
  'aten__gelu.out__f32_edge': GELU_MAX,
  'aten__floor.out__i32_edge': FLOOR_INT,
  'quantized_decomposed__quantize_per_channel.out__f32_edge_axis1_i8': QUANT_INF,
  'quantized_decomposed__quantize_per_channel.out__f16_edge_axis1_i8': QUANT_INF,
  ...Object.fromEntries(['u8', 'i8', 'i16', 'i32'].map((d) => [`quantized_decomposed__dequantize_per_channel.out__${d}_no_zero_points_f64`, DEQUANT_F64])),
  'quantized_decomposed__dequantize_per_channel.out__i32_edge': DEQUANT_WRAP,
  'quantized_decomposed__dequantize_per_tensor.Tensor_out__i16_out_f64_f16': DEQUANT_F64,
  'quantized_decomposed__dequantize_per_tensor.Tensor_out__i32_edge': DEQUANT_WRAP,
  // attr cases that reuse the int64 edge data
  'aten__pow.Tensor_Scalar_out__i64_zero': INT64_EDGE,
  'aten__logical_not.out__i64_same_dtype_out': INT64_EDGE,
  'aten___to_copy.out__i64_to_bool': INT64_EDGE,
};

/** Dim-order cases that agree anyway: layout-independent results (fills, all-equal comparisons, reductions). */
const DIM_ORDER_AGREES = new Set<string>([
  'aten__sigmoid.out__u8_channels_last',
  'aten__eq.Scalar_out__u8_channels_last',
  'aten__eq.Scalar_out__i8_channels_last',
  'aten__eq.Scalar_out__i16_channels_last',
  'aten__eq.Scalar_out__i32_channels_last',
  'aten__eq.Scalar_out__i64_channels_last',
  'aten__eq.Scalar_out__f16_channels_last',
  'aten__eq.Scalar_out__bf16_channels_last',
  'aten__eq.Scalar_out__f32_channels_last',
  'aten__eq.Scalar_out__f64_channels_last',
  'aten__eq.Scalar_out__b_channels_last',
  'aten__ne.Scalar_out__u8_channels_last',
  'aten__ne.Scalar_out__i8_channels_last',
  'aten__ne.Scalar_out__i16_channels_last',
  'aten__ne.Scalar_out__i32_channels_last',
  'aten__ne.Scalar_out__i64_channels_last',
  'aten__ne.Scalar_out__f16_channels_last',
  'aten__ne.Scalar_out__bf16_channels_last',
  'aten__ne.Scalar_out__f32_channels_last',
  'aten__ne.Scalar_out__f64_channels_last',
  'aten__ne.Scalar_out__b_channels_last',
  'aten__lt.Scalar_out__u8_channels_last',
  'aten__le.Scalar_out__u8_channels_last',
  'aten__gt.Scalar_out__u8_channels_last',
  'aten__ge.Scalar_out__u8_channels_last',
  'aten__logical_not.out__u8_channels_last',
  'aten__logical_not.out__i8_channels_last',
  'aten__logical_not.out__i16_channels_last',
  'aten__logical_not.out__i32_channels_last',
  'aten__logical_not.out__i64_channels_last',
  'aten__logical_not.out__f16_channels_last',
  'aten__logical_not.out__bf16_channels_last',
  'aten__logical_not.out__f32_channels_last',
  'aten__logical_not.out__f64_channels_last',
  'aten__full.out__u8_channels_last',
  'aten__full.out__i8_channels_last',
  'aten__full.out__i16_channels_last',
  'aten__full.out__i32_channels_last',
  'aten__full.out__i64_channels_last',
  'aten__full.out__f16_channels_last',
  'aten__full.out__bf16_channels_last',
  'aten__full.out__f32_channels_last',
  'aten__full.out__f64_channels_last',
  'aten__full.out__b_channels_last',
  'aten__any.out__u8_channels_last_keepdim',
  'aten__any.out__f16_channels_last_keepdim',
  'aten__any.out__bf16_channels_last_keepdim',
  'aten__any.out__f32_channels_last_keepdim',
  'aten__any.out__f64_channels_last_keepdim',
  'aten__any.dims_out__u8_channels_last',
  'aten__any.dims_out__i16_channels_last',
  'aten__any.dims_out__i32_channels_last',
  'aten__any.dims_out__i64_channels_last',
  'aten__any.dims_out__f16_channels_last',
  'aten__any.dims_out__bf16_channels_last',
  'aten__any.dims_out__f32_channels_last',
  'aten__any.dims_out__f64_channels_last',
  'aten__any.dims_out__b_channels_last',
  'aten__erf.out__u8_channels_last',
]);

/** int64 edge cases without an extreme in a tensor the harness carries (e.g. a fill value). */
const INT64_EDGE_AGREES = new Set<string>([
  'aten__full.out__i64_edge',
  'aten__scalar_tensor.out__i64_edge',
  'aten__arange.out__i64_edge',
  'aten__arange.start_out__i64_edge',
]);

function verdictFor(op: string, c: OpCase): string | null {
  const stem = caseStem(op, c.name);
  if (ELEM_OPS_NOT_IN_EXECUTORCH.includes(op) || ELEM_CASES_ABORTING_EXECUTORCH.includes(stem)) return null;
  if (SPECIFIC[stem] !== undefined) return SPECIFIC[stem]!;
  if (c.covers.includes('dim_order')) return DIM_ORDER_AGREES.has(stem) ? null : DIM_ORDER;
  if (c.dtype === 'int64' && c.covers.includes('edge')) return INT64_EDGE_AGREES.has(stem) ? null : INT64_EDGE;
  return null;
}

export const ELEM_VERDICTS: Readonly<Record<string, string>> = Object.fromEntries(
  ELEM_SUITES.flatMap((s) => s.cases.flatMap((c) => {
    const v = verdictFor(s.op, c);
    return v === null ? [] : [[caseStem(s.op, c.name), v] as const];
  })),
);
