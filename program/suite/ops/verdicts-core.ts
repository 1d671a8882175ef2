/**
 * ExecuTorch cross-check verdicts of the core family's suite cases (add, mul, the dim-order
 * copies; merged into EXECUTORCH_VERDICTS by verdicts.ts). Investigated on ExecuTorch 1.5.1
 * (PyPI, portable kernels). The rules are exact: the cross-check fails if a listed case starts
 * to agree.
 */
import { caseStem } from './build.js';
import type { OpCase } from './case.js';
import { CORE_SUITES } from './cases/core.js';
import { DIM_ORDER, INT64_EDGE } from './verdicts-shape.js';

const ADD_INT_FLOAT_SCALAR =
  "ExecuTorch's add.Scalar_out refuses an int32 tensor plus a float scalar into a float32 out (InvalidArgument); " +
  'ATen promotes to the default float dtype (torch.add(torch.arange(5, dtype=torch.int32), 0.5) is float32), as our ' +
  'kernel and reference do. Its mul.Scalar_out accepts the same case.';

/** Channels-last cases ExecuTorch gets right: it writes a channels-last out from default-order inputs, and for
 * add.Scalar_out on bool the misread input happens to give the same values. */
const DIM_ORDER_AGREES = (op: string, c: OpCase): boolean =>
  c.name.endsWith('to_channels_last') || (op === 'aten::add.Scalar_out' && c.name === 'b_channels_last');

function verdictFor(op: string, c: OpCase): string | null {
  if (c.dtype === 'int64' && c.covers.includes('edge')) return INT64_EDGE;
  if (c.covers.includes('dim_order') && !DIM_ORDER_AGREES(op, c)) return DIM_ORDER;
  if (op === 'aten::add.Scalar_out' && c.name === 'f32_float_scalar') return ADD_INT_FLOAT_SCALAR;
  return null;
}

export const CORE_VERDICTS: Readonly<Record<string, string>> = Object.fromEntries(
  CORE_SUITES.flatMap((s) => s.cases.flatMap((c) => {
    const v = verdictFor(s.op, c);
    return v === null ? [] : [[caseStem(s.op, c.name), v] as const];
  })),
);
