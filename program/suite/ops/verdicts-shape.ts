/**
 * ExecuTorch cross-check verdicts of the shape family's suite cases (merged into
 * EXECUTORCH_VERDICTS by verdicts.ts). Investigated on ExecuTorch 1.5.1 (PyPI, portable kernels)
 * against our reference, whose semantics the PyTorch goldens (scripts/golden/cases_shape.py)
 * confirm for every case kind below. The rules are exact: the cross-check fails if a case
 * listed here starts to agree.
 */
import { caseStem } from './build.js';
import type { OpCase } from './case.js';
import { SHAPE_SUITES } from './cases/shape.js';

/** Shape-family operators ExecuTorch 1.5.1's Python runtime does not register at all. */
export const SHAPE_OPS_NOT_IN_EXECUTORCH: readonly string[] = ['aten::squeeze_copy.out', 'aten::triu.out'];

export const DIM_ORDER =
  "ExecuTorch's portable kernel does not honour a non-default dim order: it refuses tensors whose dim orders differ " +
  '(tensors_have_same_dim_order / tensor_is_default_dim_order, InvalidArgument) or writes a channels-last out in ' +
  "contiguous order. Inputs are read in the program tensor's dim order (runtime-model.md section 5); our kernels " +
  'honour it and agree with the reference.';
export const INT64_EDGE =
  'Harness, not kernel: the int64 extremes of the edge data (-2^63, 2^63-1) pass through JSON numbers on the way to ' +
  'exporter/run_executorch.py, where 2^63-1 arrives as 2^63 and torch refuses it (ValueError: Overflow when ' +
  'unpacking long long) before ExecuTorch runs.';
const NARROW_NEGATIVE_START =
  'ExecuTorch fails (InvalidArgument) on these cases only; their start is negative (-2), which ATen accepts and counts ' +
  "from the end (golden 'negative start').";
const PAD_NEGATIVE =
  "ExecuTorch refuses negative pads (InvalidArgument); ATen crops with them (goldens 'crop and pad', 'negative size').";
const CAT_CAST =
  'ExecuTorch 1.5.1 returns wrong values (4 of 8 elements, |diff| inf) when a float32 out takes int32 and float16 ' +
  'inputs; ATen casts ' +
  "each input to out's dtype (goldens 'promote with ...', 'into ...'), as our kernel and reference do.";

/** Operators whose channels-last cases ExecuTorch does get right. */
const DIM_ORDER_AGREES = new Set(['aten::gather.out', 'aten::narrow_copy.out', 'aten::scatter.src_out', 'aten::unsqueeze_copy.out']);

function verdictFor(op: string, c: OpCase): string | null {
  if (SHAPE_OPS_NOT_IN_EXECUTORCH.includes(op)) return null;
  if (c.dtype === 'int64' && c.covers.includes('edge')) return INT64_EDGE;
  if (c.covers.includes('dim_order') && !DIM_ORDER_AGREES.has(op)) return DIM_ORDER;
  if (op === 'aten::narrow_copy.out' && c.name.endsWith('_edge')) return NARROW_NEGATIVE_START;
  if (op === 'aten::constant_pad_nd.out' && c.name.includes('_crop')) return PAD_NEGATIVE;
  if (op === 'aten::cat.out' && c.name === 'f32_cast_inputs') return CAT_CAST;
  return null;
}

export const SHAPE_VERDICTS: Readonly<Record<string, string>> = Object.fromEntries(
  SHAPE_SUITES.flatMap((s) => s.cases.flatMap((c) => {
    const v = verdictFor(s.op, c);
    return v === null ? [] : [[caseStem(s.op, c.name), v] as const];
  })),
);
