// Statistics from raw samples, as the runner contract defines them: nearest-rank percentiles
// (the p-th percentile is the sample at position ceil(p/100 x n), 1-based) and the sample
// standard deviation (n - 1). The orchestrator's numbers are authoritative.

import type { Stats } from '../proto/index.js';

export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function computeStats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { n: 0, min: 0, p50: 0, p90: 0, p99: 0, mean: 0, stddev: 0 };
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return {
    n,
    min: sorted[0]!,
    p50: nearestRank(sorted, 50),
    p90: nearestRank(sorted, 90),
    p99: nearestRank(sorted, 99),
    mean,
    stddev: Math.sqrt(variance),
  };
}
