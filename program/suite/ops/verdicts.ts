/**
 * Operator-suite cases where ExecuTorch's own runtime (1.5.1, portable kernels) does not give
 * what our reference (ATen semantics, confirmed by PyTorch goldens) expects, each with the
 * verdict of its investigation. Keyed by the case's file stem (caseStem). The ExecuTorch
 * cross-check test fails on a disagreement that is not listed here, and on a listed one that
 * no longer disagrees, so the list stays true.
 */
import { LINALG_VERDICTS } from './verdicts-linalg.js';
import { SHAPE_OPS_NOT_IN_EXECUTORCH, SHAPE_VERDICTS } from './verdicts-shape.js';

export const EXECUTORCH_VERDICTS: Readonly<Record<string, string>> = { ...SHAPE_VERDICTS, ...LINALG_VERDICTS };

/** Namespaces (or single operators) ExecuTorch's Python runtime does not register (their cases are skipped there, not judged). */
export const NOT_IN_EXECUTORCH_PYBINDINGS: readonly string[] = ['cortex_m::', ...SHAPE_OPS_NOT_IN_EXECUTORCH];
