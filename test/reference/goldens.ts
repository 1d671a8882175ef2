/**
 * Reads test/reference/goldens.json (written by scripts/golden/make-goldens.py)
 * into reference arguments and expectations, and compares results exactly.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DType } from '../../program/index.js';
import type { RefTensor, RefValue } from '../../program/index.js';

type EncFloat = number | 'nan' | 'inf' | '-inf';
type EncElement = number | string;

interface EncTensor { dtype: DType; shape: number[]; dimOrder: number[]; data?: EncElement[]; memory?: EncElement[] }
type EncScalar = { int: string } | { float: EncFloat } | { bool: boolean };
type EncArg = EncTensor | EncScalar | { ints: number[] } | { tensors: (EncTensor | null)[] } | { str: string } | null;

export interface GoldenCase {
  op: string;
  dtype: string;
  note: string;
  args: EncArg[];
  expect: EncTensor | { tensors: EncTensor[] } | { value: EncScalar } | { error: string; message?: string };
  /** Float outputs match within rtol/atol instead of bit for bit (accumulating operators: PyTorch sums
   * float32 and half types in its own order, the reference exactly in float64); NaN and infinities
   * still match exactly. */
  tol?: { rtol: number; atol: number };
  /** Units in the last place the reference may differ by (libm-based ops); exact when absent. */
  ulps?: number;
  /** The dtype whose ulp `ulps` counts in (the compute dtype; default the result's). */
  ulpsOf?: string;
  /** An absolute difference also accepted (cancellation after a libm call). */
  atol?: number;
}

export const GOLDENS_PATH = fileURLToPath(new URL('./goldens.json', import.meta.url));

export function loadGoldens(): { torch: string; cpu_capability: string; cases: GoldenCase[] } {
  return JSON.parse(fs.readFileSync(GOLDENS_PATH, 'utf8'));
}

const decodeFloat = (v: EncElement): number =>
  v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number);

export function decodeElements(dtype: DType, data: EncElement[]): number[] | bigint[] {
  if (dtype === 'int64') return data.map((v) => BigInt(v));
  return data.map(decodeFloat);
}

export function decodeTensor(t: EncTensor): RefTensor {
  const n = t.shape.reduce((a, d) => a * d, 1);
  const data = t.data === undefined
    ? (new Array(n).fill(t.dtype === 'int64' ? 0n : 0) as number[] | bigint[])
    : decodeElements(t.dtype, t.data);
  return { dtype: t.dtype, shape: t.shape, dimOrder: t.dimOrder, data };
}

export function decodeScalar(s: EncScalar): bigint | number | boolean {
  if ('int' in s) return BigInt(s.int);
  if ('float' in s) return decodeFloat(s.float);
  return s.bool;
}

export function decodeArg(a: EncArg): RefValue {
  if (a === null) return null;
  if ('ints' in a) return a.ints;
  if ('str' in a) return a.str;
  if ('tensors' in a) return a.tensors.map((t) => (t === null ? null : decodeTensor(t)));
  if ('dtype' in a) return decodeTensor(a);
  return decodeScalar(a);
}

/** Same value bit for bit: NaN equals NaN, +0 differs from -0, bigints compare by value. */
export function sameElement(a: number | bigint, b: number | bigint): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') return BigInt(a) === BigInt(b);
  return Object.is(a, b);
}

/** a within tol of b: NaN matches NaN, infinities match themselves, finite values by |a - b| <= atol + rtol |b|. */
export function closeElement(a: number | bigint, b: number | bigint, tol: { rtol: number; atol: number }): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') return BigInt(a) === BigInt(b);
  if (Number.isNaN(a) || Number.isNaN(b) || !Number.isFinite(a) || !Number.isFinite(b)) return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
  return Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b);
}

/** Significand bits and smallest normal exponent of the float dtypes. */
const FORMATS: Partial<Record<string, { precision: number; emin: number }>> = {
  float16: { precision: 11, emin: -14 }, bfloat16: { precision: 8, emin: -126 },
  float32: { precision: 24, emin: -126 }, float64: { precision: 53, emin: -1022 },
};

/** |a - b| in units in the last place of b in `dtype` (0 when identical, Infinity across NaN/inf/sign). */
export function ulpDistance(a: number, b: number, dtype: string): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  const f = FORMATS[dtype];
  if (f === undefined || !Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const e = b === 0 ? f.emin : Math.max(Math.floor(Math.log2(Math.abs(b))), f.emin);
  return Math.abs(a - b) / 2 ** (e - (f.precision - 1));
}

/** How near two elements must be: bit for bit by default; within `tol` (accumulating operators) or
 * within `ulps` units in the last place of `dtype`, or `atol` (libm-based operators). */
export interface Nearness {
  tol?: { rtol: number; atol: number } | undefined;
  ulps?: number | undefined;
  dtype?: string | undefined;
  atol?: number | undefined;
}

/** A description of the first difference between two element lists, or null. */
export function firstDifference(actual: readonly (number | bigint)[], expected: readonly (number | bigint)[], near: Nearness = {}): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  const ulps = near.ulps ?? 0;
  const ok = (v: number | bigint, w: number | bigint): boolean =>
    (near.tol === undefined ? sameElement(v, w) : closeElement(v, w, near.tol)) ||
    (ulps > 0 && typeof v === 'number' && typeof w === 'number' &&
      (ulpDistance(v, w, near.dtype ?? '') <= ulps || Math.abs(v - w) <= (near.atol ?? 0)));
  const i = actual.findIndex((v, k) => !ok(v, expected[k]!));
  return i < 0 ? null : `element ${i}: ${String(actual[i])} != ${String(expected[i])} (of ${actual.length})`;
}
