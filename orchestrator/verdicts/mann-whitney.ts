// Two-sided Mann-Whitney U test (Wilcoxon rank-sum). Exact null distribution for small samples
// without ties; otherwise the normal approximation with tie correction and continuity correction
// (the same choices as scipy.stats.mannwhitneyu's 'exact' and 'asymptotic' methods).

import { normalSf } from './normal.js';

/** Below this many values in total (and without ties) the exact distribution is used. */
export const EXACT_LIMIT = 50;

function check(xs: readonly number[], side: string): void {
  for (const x of xs) if (!Number.isFinite(x)) throw new RangeError(`mannWhitneyU: sample ${side} holds a non-finite value ${x}`);
}

/** Midranks (1-based) of the pooled sample, and the tie correction sum over groups of (t^3 - t). */
function ranks(pooled: readonly number[]): { rank: number[]; tieSum: number } {
  const order = pooled.map((_, i) => i).sort((i, j) => pooled[i]! - pooled[j]!);
  const rank = new Array<number>(pooled.length);
  let tieSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && pooled[order[j + 1]!] === pooled[order[i]!]) j++;
    const t = j - i + 1;
    for (let k = i; k <= j; k++) rank[order[k]!] = (i + j) / 2 + 1;
    tieSum += t * t * t - t;
    i = j + 1;
  }
  return { rank, tieSum };
}

/**
 * Counts of U = 0..m*n over all C(m+n, m) arrangements, by the recurrence
 * f(m, n, u) = f(m - 1, n, u - n) + f(m, n - 1, u), kept as one row per m.
 */
function exactCounts(m: number, n: number): number[] {
  // rows[j][u] = number of arrangements of i values of the first sample and j of the second with U = u.
  let prev: number[][] = Array.from({ length: n + 1 }, () => [1]); // i = 0: U is always 0
  for (let i = 1; i <= m; i++) {
    const cur: number[][] = [[1]]; // j = 0: U is always 0
    for (let j = 1; j <= n; j++) {
      const size = i * j + 1;
      const row = new Array<number>(size).fill(0);
      const a = prev[j]!; // first sample's largest value on top: adds j pairs it beats
      for (let u = 0; u < a.length; u++) row[u + j]! += a[u]!;
      const b = cur[j - 1]!; // second sample's largest value on top: adds nothing
      for (let u = 0; u < b.length; u++) row[u]! += b[u]!;
      cur.push(row);
    }
    prev = cur;
  }
  return prev[n]!;
}

/** U of `a` (pairs where a's value is larger, ties counting one half) and the two-sided p-value. */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): { u: number; p: number } {
  check(a, 'a');
  check(b, 'b');
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) return { u: NaN, p: NaN };
  const { rank, tieSum } = ranks([...a, ...b]);
  let rankSumA = 0;
  for (let i = 0; i < m; i++) rankSumA += rank[i]!;
  const u = rankSumA - (m * (m + 1)) / 2;
  const uMax = Math.max(u, m * n - u);
  if (tieSum === 0 && m + n <= EXACT_LIMIT) {
    const counts = exactCounts(m, n);
    let total = 0;
    let upper = 0; // P(U >= uMax)
    for (let k = 0; k < counts.length; k++) {
      total += counts[k]!;
      if (k >= uMax) upper += counts[k]!;
    }
    return { u, p: Math.min(1, (2 * upper) / total) };
  }
  const N = m + n;
  const mean = (m * n) / 2;
  const variance = ((m * n) / 12) * (N + 1 - tieSum / (N * (N - 1)));
  if (variance <= 0) return { u, p: 1 }; // every value equal: no evidence either way
  const z = (uMax - mean - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * normalSf(z)) };
}
