// Output against output: ours (etrun) against ExecuTorch's. Pure, so every rule is unit-tested.

import type { TensorValue } from '../../native/runner/index.js';

/** |ours - theirs| <= atol + rtol * |theirs| passes; both 0 (the default) means equal values. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

export type Real = number | 'inf' | 'nan';

export interface OutputComparison {
  output: number;
  dtype: string;
  shape: number[];
  /** ExecuTorch's dtype and shape when they differ from ours; null when they match. */
  theirs: { dtype: string; shape: number[] } | null;
  elements: number;
  /** Bit for bit after rounding floats to float32: NaN equals NaN, -0 differs from +0. */
  identical: boolean;
  /** Largest |ours - theirs|; 'inf' when one side is infinite or NaN and the other not. */
  maxAbsDiff: Real | null;
  /** Largest |ours - theirs| / |theirs|. */
  maxRelDiff: Real | null;
  /** Elements outside the tolerance. */
  mismatched: number;
  agree: boolean;
}

const FLOAT32_ROUNDED = new Set(['float32', 'float16', 'bfloat16']);

function toNumber(v: unknown, dtype: string): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = Number(v);
  return FLOAT32_ROUNDED.has(dtype) ? Math.fround(n) : n;
}

function real(v: number): Real {
  if (Number.isNaN(v)) return 'nan';
  return Number.isFinite(v) ? v : 'inf';
}

export function compareTensors(output: number, ours: TensorValue, theirs: TensorValue, tolerance: Tolerance): OutputComparison {
  const sameFacts = ours.dtype === theirs.dtype && ours.shape.length === theirs.shape.length && ours.shape.every((s, i) => s === theirs.shape[i]);
  const base = { output, dtype: ours.dtype, shape: ours.shape, elements: ours.data.length };
  if (!sameFacts || ours.data.length !== theirs.data.length) {
    return { ...base, theirs: { dtype: theirs.dtype, shape: theirs.shape }, identical: false, maxAbsDiff: null, maxRelDiff: null, mismatched: ours.data.length, agree: false };
  }
  let identical = true;
  let maxAbs = 0;
  let maxRel = 0;
  let mismatched = 0;
  for (let i = 0; i < ours.data.length; i += 1) {
    const a = toNumber(ours.data[i], ours.dtype);
    const b = toNumber(theirs.data[i], theirs.dtype);
    if (!Object.is(a, b)) identical = false;
    let diff: number;
    if (Number.isNaN(a) && Number.isNaN(b)) diff = 0;
    else if (a === b) diff = 0;
    else diff = Number.isNaN(a - b) ? Infinity : Math.abs(a - b);
    const rel = diff === 0 ? 0 : diff / Math.abs(b);
    maxAbs = Math.max(maxAbs, diff);
    maxRel = Math.max(maxRel, Number.isNaN(rel) ? Infinity : rel);
    if (diff !== 0 && !(diff <= tolerance.atol + tolerance.rtol * Math.abs(b))) mismatched += 1;
  }
  return { ...base, theirs: null, identical, maxAbsDiff: real(maxAbs), maxRelDiff: real(maxRel), mismatched, agree: mismatched === 0 };
}

/** Every output in order; outputs only one side has count as disagreeing. */
export function compareOutputs(ours: readonly TensorValue[], theirs: readonly TensorValue[], tolerance: Tolerance): { outputs: OutputComparison[]; countsMatch: boolean } {
  const outputs: OutputComparison[] = [];
  for (let i = 0; i < Math.min(ours.length, theirs.length); i += 1) outputs.push(compareTensors(i, ours[i]!, theirs[i]!, tolerance));
  return { outputs, countsMatch: ours.length === theirs.length };
}
