/**
 * Helpers every family's suite file shares: the dtypes, the edge values (NaN, +-inf, -0,
 * float extremes, integer limits, false/true), tensor and out shorthands, and `suite`, which
 * expands one case list over every dtype (a case's `only` narrows it).
 */
import type { DType } from '../../../dtype.js';
import { tensor, type CaseArg, type CaseOut, type CaseTag, type CaseTensor, type OpCase, type OpSuite } from '../case.js';

export const DTYPES: DType[] = ['uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64', 'bool'];
export const SHORT: Partial<Record<DType, string>> = {
  uint8: 'u8', int8: 'i8', int16: 'i16', int32: 'i32', int64: 'i64', float16: 'f16', bfloat16: 'bf16', float32: 'f32', float64: 'f64', bool: 'b',
};
export const CL = [0, 2, 3, 1];

export const INT_LIMITS: Partial<Record<DType, [number | bigint, number | bigint]>> = {
  uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};
export const FLOAT_MAX: Partial<Record<DType, number>> = { float16: 65504, bfloat16: 3.3895313892515355e38, float32: 3.4028234663852886e38, float64: Number.MAX_VALUE };

/** n values with the dtype's edge values first: NaN, ±inf, -0 and the extremes; integer limits; false/true. */
export function edgeData(d: DType, n: number): (number | bigint | boolean)[] {
  let pool: (number | bigint | boolean)[];
  if (d === 'bool') pool = [false, true, true, false];
  else if (INT_LIMITS[d] !== undefined) {
    const [lo, hi] = INT_LIMITS[d]!;
    pool = d === 'int64' ? [lo, hi, 0n, -1n, 1n, 7n] : [lo, hi, 0, d === 'uint8' ? 1 : -1, 2, 7];
  } else {
    const max = FLOAT_MAX[d]!;
    pool = [NaN, Infinity, -Infinity, -0, 0, max, -max, 0.5, -1.25, 3];
  }
  return Array.from({ length: n }, (_, i) => pool[i % pool.length]!);
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
export const t = (d: DType, shape: number[], dimOrder?: number[]): CaseTensor => tensor(d, shape, dimOrder ? { dimOrder } : {});
export const edge = (d: DType, shape: number[]): CaseTensor => tensor(d, shape, { data: edgeData(d, numel(shape)) });
export const idx = (shape: number[], data: number[], dtype: DType = 'int64'): CaseTensor => tensor(dtype, shape, { data });
export const o = (d: DType, shape: number[], dimOrder?: number[]): CaseOut => (dimOrder ? { dtype: d, shape, dimOrder } : { dtype: d, shape });

/** A case: name suffix, tags, args, outs (a shape, or several for a list out). */
export type Make = (d: DType) => { name: string; covers: CaseTag[]; args: Record<string, CaseArg>; out: CaseOut | CaseOut[]; only?: DType[] }[];

export function suite(op: string, allows: OpSuite['allows'], make: Make, outName = 'out'): OpSuite {
  const cases: OpCase[] = DTYPES.flatMap((d) => make(d)
    .filter((c) => c.only === undefined || c.only.includes(d))
    .map((c) => ({ name: `${SHORT[d]}_${c.name}`, dtype: d, covers: c.covers, args: c.args, outs: { [outName]: c.out } })));
  return { op, allows, cases };
}

export const F32: DType[] = ['float32'];
