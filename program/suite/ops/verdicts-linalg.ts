/**
 * ExecuTorch cross-check verdicts of the linalg family's suite cases (merged into
 * EXECUTORCH_VERDICTS by verdicts.ts). Investigated on ExecuTorch 1.5.1 (PyPI, portable kernels)
 * against our reference, whose semantics the PyTorch goldens (scripts/golden/cases_linalg.py)
 * confirm for every case kind below. The rules are exact: the cross-check fails if a case
 * listed here starts to agree, or one not listed stops agreeing.
 */
import { caseStem } from './build.js';
import type { OpCase } from './case.js';
import { LINALG_SUITES } from './cases/linalg.js';

const DIM_ORDER =
  "ExecuTorch's portable kernel does not honour a non-default dim order: it refuses channels-last tensors " +
  '(tensor_is_default_dim_order / tensors_have_same_dim_order, InvalidArgument) or reads and writes them as if ' +
  'contiguous. Our kernels honour the dim order and agree with the reference (goldens with channels-last inputs).';
const INT64_EDGE =
  'Harness, not kernel: the int64 extremes of the edge data (-2^63, 2^63-1) pass through JSON numbers on the way to ' +
  'exporter/run_executorch.py, where 2^63-1 arrives as 2^63 and torch refuses it (ValueError: Overflow when ' +
  'unpacking long long) before ExecuTorch runs.';
const BETA_ZERO =
  'ExecuTorch computes beta * self with beta = 0, so the NaN and inf of self become NaN; ATen ignores self when beta ' +
  "is 0 (golden 'beta 0 ignores a NaN self'), as our kernels and reference do.";
const BF16_STEPS =
  'Rounding: ExecuTorch rounds beta * self and alpha * product to bfloat16 before adding (one element off by one ' +
  'bfloat16 ulp); ATen and the reference round the float result once.';
const LINEAR_1D = "ExecuTorch's linear refuses a 1-D input (InvalidArgument); ATen accepts it (golden 'edge vector input').";
const F64_PRECISION =
  'Precision: ExecuTorch computes these float64 statistics or interpolation weights with float32 intermediates ' +
  '(differences of 1e-8 to 4e-7, beyond the float64 tolerance 1e-9); ATen computes in double (float64 goldens).';
const LOG_SOFTMAX_F64 = "ExecuTorch 1.5.1's log_softmax refuses float64 (InvalidArgument); ATen supports it (float64 goldens).";
const MAX_POOL_NAN =
  'Index of a NaN window: ATen (and our kernel) report the last NaN of the window (golden edge cases; checked ' +
  'against aten.max_pool2d_with_indices on this data: indices [0, 7, 8, 10, 4, 2, 12, 14]); ExecuTorch reports another.';
const SUM_I32 =
  'ExecuTorch does not wrap an int32 sum of the int32 limits in int32 as ATen does with an int32 out ' +
  "(x.sum(0, dtype=torch.int32); golden 'edge keepdim').";
const CUMSUM_F32 =
  'Precision: ExecuTorch accumulates a float32 cumsum in float32 (errors up to 3e-5 after 1024 terms); ATen on CPU ' +
  'accumulates in double (acc_type), as our kernel does.';

/** Channels-last (or otherwise permuted) cases ExecuTorch gets right: it reads these operands through strides. */
const DIM_ORDER_AGREES = new Set(['aten::mm.out', 'aten::bmm.out', 'aten::linear.out', 'aten::native_layer_norm.out']);

function verdictFor(op: string, c: OpCase): string | null {
  if (c.covers.includes('dim_order') && !DIM_ORDER_AGREES.has(op)) return DIM_ORDER;
  if (c.dtype === 'int64' && c.covers.includes('edge')) return INT64_EDGE;
  if (op === 'aten::addmm.out' && c.name.endsWith('_beta_zero_nan_self')) return BETA_ZERO;
  if (op === 'aten::addmm.out' && c.name === 'bf16_beta_alpha') return BF16_STEPS;
  if (op === 'aten::linear.out' && c.name === 'f32_vector_input') return LINEAR_1D;
  if (op === 'aten::native_layer_norm.out' && c.dtype === 'float64') return F64_PRECISION;
  if (op === 'aten::native_group_norm.out' && c.name === 'f64_no_affine_one_group') return F64_PRECISION;
  if (op === 'aten::upsample_bilinear2d.vec_out' && c.name === 'f64_edge') return F64_PRECISION;
  if (op === 'aten::_log_softmax.out' && c.dtype === 'float64') return LOG_SOFTMAX_F64;
  if (op === 'aten::max_pool2d_with_indices.out' && c.name.endsWith('_edge') && ['float16', 'bfloat16', 'float32', 'float64'].includes(c.dtype)) return MAX_POOL_NAN;
  if (op === 'aten::sum.IntList_out' && c.name === 'i32_edge') return SUM_I32;
  if (op === 'aten::cumsum.out' && c.name === 'f32_large') return CUMSUM_F32;
  return null;
}

export const LINALG_VERDICTS: Readonly<Record<string, string>> = Object.fromEntries(
  LINALG_SUITES.flatMap((s) => s.cases.flatMap((c) => {
    const v = verdictFor(s.op, c);
    return v === null ? [] : [[caseStem(s.op, c.name), v] as const];
  })),
);
