// Percentile bootstrap intervals of the median and of the ratio of two medians. Seeded, so the
// same data always gives the same interval.

import { median } from './robust.js';
import { seededRandom } from './rng.js';

export interface BootstrapOptions {
  /** Two-sided coverage, default 0.95. */
  confidence?: number;
  /** Number of resamples, default 2000. */
  resamples?: number;
  /** Generator seed, default 1. */
  seed?: number;
}

function settings(opts: BootstrapOptions | undefined): { confidence: number; resamples: number; random: () => number } {
  const confidence = opts?.confidence ?? 0.95;
  const resamples = opts?.resamples ?? 2000;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`bootstrap: confidence must be in (0, 1), got ${confidence}`);
  if (!Number.isInteger(resamples) || resamples < 10) throw new RangeError(`bootstrap: resamples must be an integer >= 10, got ${resamples}`);
  return { confidence, resamples, random: seededRandom(opts?.seed ?? 1) };
}

// Typed arrays sort numerically without a comparator, several times faster for these small sorts.
function resampleMedian(xs: readonly number[], random: () => number, scratch: Float64Array): number {
  for (let i = 0; i < xs.length; i++) scratch[i] = xs[Math.floor(random() * xs.length)]!;
  scratch.sort((a, b) => a - b);
  const mid = scratch.length >> 1;
  return scratch.length % 2 === 1 ? scratch[mid]! : (scratch[mid - 1]! + scratch[mid]!) / 2;
}

/** Quantile by linear interpolation between order statistics (type 7, numpy's default). */
function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function interval(stats: Float64Array, confidence: number): [number, number] {
  stats.sort();
  const tail = (1 - confidence) / 2;
  return [quantile(stats, tail), quantile(stats, 1 - tail)];
}

/** Interval for the median of `xs`; [NaN, NaN] when empty. */
export function bootstrapMedianCI(xs: readonly number[], opts?: BootstrapOptions): [number, number] {
  const { confidence, resamples, random } = settings(opts);
  if (xs.length === 0) return [NaN, NaN];
  median(xs); // validates: finite values only
  const scratch = new Float64Array(xs.length);
  const stats = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) stats[i] = resampleMedian(xs, random, scratch);
  return interval(stats, confidence);
}

/**
 * median(candidate) / median(baseline) with an interval from resampling each side on its own
 * (the two sides are independent launches). NaN everywhere when a side is empty.
 */
export function bootstrapRatioCI(baseline: readonly number[], candidate: readonly number[], opts?: BootstrapOptions): { ratio: number; lo: number; hi: number } {
  const { confidence, resamples, random } = settings(opts);
  if (baseline.length === 0 || candidate.length === 0) return { ratio: NaN, lo: NaN, hi: NaN };
  const ratio = median(candidate) / median(baseline);
  const sa = new Float64Array(baseline.length);
  const sb = new Float64Array(candidate.length);
  const stats = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) stats[i] = resampleMedian(candidate, random, sb) / resampleMedian(baseline, random, sa);
  const [lo, hi] = interval(stats, confidence);
  return { ratio, lo, hi };
}
