/**
 * Operator-suite cases where ExecuTorch's own runtime (1.5.1, portable kernels) does not give
 * what our reference (ATen semantics, confirmed by PyTorch goldens) expects, each with the
 * verdict of its investigation. Keyed by the case's file stem (caseStem). The ExecuTorch
 * cross-check test fails on a disagreement that is not listed here, and on a listed one that
 * no longer disagrees, so the list stays true.
 */
import { CORE_VERDICTS } from './verdicts-core.js';
import { ELEM_CASES_ABORTING_EXECUTORCH, ELEM_OPS_NOT_IN_EXECUTORCH, ELEM_VERDICTS } from './verdicts-elem.js';
import { LINALG_VERDICTS } from './verdicts-linalg.js';
import { SHAPE_OPS_NOT_IN_EXECUTORCH, SHAPE_VERDICTS } from './verdicts-shape.js';

export const EXECUTORCH_VERDICTS: Readonly<Record<string, string>> = { ...CORE_VERDICTS, ...SHAPE_VERDICTS, ...ELEM_VERDICTS, ...LINALG_VERDICTS };

/** Case stems ExecuTorch's runtime aborts on (the whole process): the cross-check runs them in a forked child and requires each to abort. */
export const EXECUTORCH_ABORTS: readonly string[] = [...ELEM_CASES_ABORTING_EXECUTORCH];

/** Namespaces (or single operators) ExecuTorch's Python runtime does not register (their cases are skipped there, not judged). */
export const NOT_IN_EXECUTORCH_PYBINDINGS: readonly string[] = ['cortex_m::', ...SHAPE_OPS_NOT_IN_EXECUTORCH, ...ELEM_OPS_NOT_IN_EXECUTORCH];
