/**
 * One operator-suite case: a single call of one operator on seeded (or given)
 * tensors, built into a one-instruction `.bpte` whose expected outputs come
 * from the float64 reference (program/reference/). `etbench suite ops` writes
 * every case; the CI coverage check reads the `covers` tags.
 *
 * A family of operators lives in `cases/<family>.ts` and exports an
 * `OpSuite[]`; cases/index.ts lists the families.
 *
 *   const suite: OpSuite = {
 *     op: 'aten::relu.out',
 *     allows: { broadcast: false, dimOrder: true, edge: true },
 *     cases: [
 *       { name: 'f32_edge', dtype: 'float32', covers: ['edge'],
 *         args: { self: tensor('float32', [6], { data: [NaN, Infinity, -Infinity, -0, 0, 1] }) },
 *         outs: { out: { dtype: 'float32', shape: [6] } } },
 *     ],
 *   };
 */
import type { DType } from '../../dtype.js';

/** What a case exercises; the coverage check asks for these per operator and dtype. */
export type CaseTag =
  | 'edge' // NaN, +-Infinity, -0 for floats; the dtype's min/max for integers; false/true for bool
  | 'broadcast' // an input broadcast against another (or expanded)
  | 'dim_order' // an input or output in a non-default dim order (e.g. channels-last)
  | 'empty' // a zero-size dimension
  | 'size1' // size-1 dimensions / a 0-d tensor
  | 'large' // at least 64k elements (or the operator's natural large case)
  | 'attr'; // a non-default attribute value (dim, keepdim, stride, alpha, rounding mode, ...)

/** A tensor argument. Values are seeded unless `data` gives them. */
export interface CaseTensor {
  kind: 'tensor';
  dtype: DType;
  shape: number[];
  /** A non-default dim order (a permutation of 0..rank-1, outermost first). */
  dimOrder?: number[];
  /** Values in logical row-major order (int64 as bigint or number; bool as boolean or 0/1). */
  data?: readonly (number | bigint | boolean)[];
  /** Range [lo, hi] of seeded values; default floats [-1, 1), integers [-100, 100] clipped to the dtype. */
  range?: [number, number];
  /** Baked into the program as a constant instead of being a method input. */
  constant?: boolean;
}

/** What a case passes for one schema argument (out arguments excluded): a tensor, a list of
 * tensors (`Tensor[]`), a list of optional tensors (`Tensor?[]`), or what ProgramBuilder's
 * `call` accepts for non-tensor arguments (numbers, bigints, booleans, strings, dtype names,
 * int lists, null). Arguments left out take the schema's default. */
export type CaseArg =
  | CaseTensor
  | readonly CaseTensor[]
  | readonly (CaseTensor | null)[]
  | number
  | bigint
  | boolean
  | string
  | null
  | readonly (number | bigint)[]
  | readonly number[];

/** An out tensor: what the kernel is handed (dtype, shape, dim order). */
export interface CaseOut {
  dtype: DType;
  shape: number[];
  dimOrder?: number[];
}

export interface OpCase {
  /** Unique within the operator; becomes part of the file name (`[a-z0-9_]+`). */
  name: string;
  /** The dtype this case covers for the coverage check (usually self's dtype). */
  dtype: DType;
  covers: CaseTag[];
  /** Non-out schema arguments by name. */
  args: Readonly<Record<string, CaseArg>>;
  /** Out arguments by schema name (`out`, `out0`..., `values`/`indices`); a `Tensor(a!)[]` out is a list. */
  outs: Readonly<Record<string, CaseOut | readonly CaseOut[]>>;
  /** Seed of the seeded values; default: a hash of op and case name. */
  seed?: number;
  /** Tolerance against the reference; default: exact for integer and bool outputs,
   * rtol 1e-5 / atol 1e-6 for float32, 1e-2 / 1e-3 for float16 and bfloat16. */
  rtol?: number;
  atol?: number;
}

export interface OpSuite {
  /** The operator as in native/kernels/ops.yaml, e.g. `aten::add.out`. */
  op: string;
  /** Which tags the operator allows; the coverage check requires a case with each allowed tag
   * for every dtype the operator registers (edge) or at least once (broadcast, dim_order). */
  allows: { broadcast: boolean; dimOrder: boolean; edge: boolean };
  cases: OpCase[];
}

/** A tensor argument (shorthand for case files). */
export function tensor(dtype: DType, shape: number[], opts: Omit<CaseTensor, 'kind' | 'dtype' | 'shape'> = {}): CaseTensor {
  return { kind: 'tensor', dtype, shape, ...opts };
}

export function isCaseTensor(a: unknown): a is CaseTensor {
  return typeof a === 'object' && a !== null && !Array.isArray(a) && (a as { kind?: unknown }).kind === 'tensor';
}
