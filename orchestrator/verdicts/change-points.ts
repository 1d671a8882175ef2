// E-divisive means (Matteson & James, 2014): hierarchical divisive change-point detection with
// the energy distance (exponent 1), each candidate split confirmed by a permutation test. It
// finds shifts in distribution, not only in mean, and assumes nothing about the noise's shape.
// Simplification (documented in docs/measurement.md): a segment is split at the best point over
// the whole segment (the published method also searches a shorter right end).

import { seededRandom, shuffle } from './rng.js';

export interface ChangePointOptions {
  /** Fewest points either side of a change, default 5 (at least 2). */
  minSize?: number;
  /** Significance level of each permutation test, default 0.05. */
  alpha?: number;
  /** Permutations per test, default 199. */
  permutations?: number;
  /** Generator seed, default 1. */
  seed?: number;
}

interface Split { tau: number; q: number }

/**
 * Best split of positions idx[0..len) by the scaled energy statistic
 * Q(tau) = tau m / (tau + m) * (2/(tau m) B - 1/C(tau,2) WL - 1/C(m,2) WR), m = len - tau,
 * where B sums |x - y| across the split and WL, WR within each side. O(len^2) with running sums.
 */
function bestSplit(x: readonly number[], idx: readonly number[], minSize: number): Split | null {
  const len = idx.length;
  if (len < 2 * minSize) return null;
  // left[t] = sum over pairs i<j<t, right[t] = sum over pairs t<=i<j<len.
  const left = new Float64Array(len + 1);
  for (let t = 1; t < len; t++) {
    let add = 0;
    const v = x[idx[t]!]!;
    for (let i = 0; i < t; i++) add += Math.abs(v - x[idx[i]!]!);
    left[t + 1] = left[t]! + add;
  }
  const right = new Float64Array(len + 1);
  for (let t = len - 2; t >= 0; t--) {
    let add = 0;
    const v = x[idx[t]!]!;
    for (let j = t + 1; j < len; j++) add += Math.abs(v - x[idx[j]!]!);
    right[t] = right[t + 1]! + add;
  }
  const total = left[len]!;
  let best: Split | null = null;
  for (let tau = minSize; tau <= len - minSize; tau++) {
    const m = len - tau;
    const wl = left[tau]!;
    const wr = right[tau]!;
    const between = total - wl - wr;
    const e = (2 * between) / (tau * m) - wl / ((tau * (tau - 1)) / 2) - wr / ((m * (m - 1)) / 2);
    const q = ((tau * m) / len) * e;
    if (best === null || q > best.q) best = { tau, q };
  }
  return best;
}

/** Start of the segment holding the best split over all segments, and that split. */
function bestOverSegments(x: readonly number[], bounds: readonly number[], minSize: number, order: readonly number[]): { start: number; split: Split } | null {
  let best: { start: number; split: Split } | null = null;
  for (let s = 0; s + 1 < bounds.length; s++) {
    const split = bestSplit(x, order.slice(bounds[s]!, bounds[s + 1]!), minSize);
    if (split !== null && (best === null || split.q > best.split.q)) best = { start: bounds[s]!, split };
  }
  return best;
}

/**
 * Indices where a new segment begins (sorted, each in [minSize, n - minSize]). Empty when nothing
 * is significant or the series is too short to split.
 */
export function changePoints(series: readonly number[], opts?: ChangePointOptions): number[] {
  const minSize = opts?.minSize ?? 5;
  const alpha = opts?.alpha ?? 0.05;
  const permutations = opts?.permutations ?? 199;
  if (!Number.isInteger(minSize) || minSize < 2) throw new RangeError(`changePoints: minSize must be an integer >= 2, got ${minSize}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`changePoints: alpha must be in (0, 1), got ${alpha}`);
  if (!Number.isInteger(permutations) || permutations < 1) throw new RangeError(`changePoints: permutations must be a positive integer, got ${permutations}`);
  for (const [i, v] of series.entries()) if (!Number.isFinite(v)) throw new RangeError(`changePoints: series[${i}] is not a finite number (${v})`);
  const random = seededRandom(opts?.seed ?? 1);
  const identity = series.map((_, i) => i);
  const bounds = [0, series.length];
  for (;;) {
    const found = bestOverSegments(series, bounds, minSize, identity);
    if (found === null) break;
    // Permutation test: shuffle within each current segment (the already accepted changes stay)
    // and see how often the best statistic is at least as large by chance.
    let atLeast = 0;
    for (let r = 0; r < permutations; r++) {
      const order: number[] = [];
      for (let s = 0; s + 1 < bounds.length; s++) order.push(...shuffle(identity.slice(bounds[s]!, bounds[s + 1]!), random));
      const perm = bestOverSegments(series, bounds, minSize, order);
      if (perm !== null && perm.split.q >= found.split.q) atLeast++;
    }
    const p = (atLeast + 1) / (permutations + 1);
    if (p > alpha) break;
    bounds.push(found.start + found.split.tau);
    bounds.sort((a, b) => a - b);
  }
  return bounds.slice(1, -1);
}
