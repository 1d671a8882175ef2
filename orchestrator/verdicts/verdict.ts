// Verdicts: is a candidate slower than its baseline, judged on trial medians (one per process
// launch, the unit of replication)? The rule, and why each threshold has its value, is written
// down in docs/measurement.md ("Verdict rule"); bench/regressions.mjs measures its power and its
// false-positive rate on real etrun runs.

import { bootstrapRatioCI } from './bootstrap.js';
import { benjaminiHochberg } from './fdr.js';
import { mannWhitneyU } from './mann-whitney.js';
import { robustCvPct } from './robust.js';

export type VerdictKind = 'regression' | 'improvement' | 'no-change' | 'unstable' | 'insufficient-data';

export interface Verdict {
  kind: VerdictKind;
  /** median(candidate) / median(baseline); > 1 is slower. */
  ratio: number;
  /** Bootstrap interval of the ratio at confidence 1 - alpha. */
  ci: [number, number];
  /** Two-sided Mann-Whitney p-value (NaN when not computed). */
  pValue: number;
  baselineTrials: number;
  candidateTrials: number;
  /** Robust CV of the baseline's trial medians, percent (1.4826 MAD / median). */
  noisePct: number;
}

export interface CompareOptions {
  /** Smallest slowdown worth reporting, percent of the baseline; default 1. */
  minEffectPct?: number;
  /** Significance level of the test and 1 - confidence of the interval; default 0.05. */
  alpha?: number;
  /** Baseline noise above which the series is 'unstable' rather than judged; default 5. */
  maxNoisePct?: number;
}

export const DEFAULTS = { minEffectPct: 1, alpha: 0.05, maxNoisePct: 5, minTrials: 3 } as const;

export function compareTrials(baselineTrialMedians: readonly number[], candidateTrialMedians: readonly number[], opts?: CompareOptions): Verdict {
  const minEffectPct = opts?.minEffectPct ?? DEFAULTS.minEffectPct;
  const alpha = opts?.alpha ?? DEFAULTS.alpha;
  const maxNoisePct = opts?.maxNoisePct ?? DEFAULTS.maxNoisePct;
  if (!(minEffectPct >= 0)) throw new RangeError(`compareTrials: minEffectPct must be >= 0, got ${minEffectPct}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`compareTrials: alpha must be in (0, 1), got ${alpha}`);
  if (!(maxNoisePct > 0)) throw new RangeError(`compareTrials: maxNoisePct must be > 0, got ${maxNoisePct}`);
  for (const [side, xs] of [['baseline', baselineTrialMedians], ['candidate', candidateTrialMedians]] as const) {
    for (const [i, x] of xs.entries()) if (!(Number.isFinite(x) && x > 0)) throw new RangeError(`compareTrials: ${side} trial ${i} has median ${x}; trial medians must be finite and > 0`);
  }
  const baselineTrials = baselineTrialMedians.length;
  const candidateTrials = candidateTrialMedians.length;
  const noisePct = robustCvPct(baselineTrialMedians);
  const { ratio, lo, hi } = bootstrapRatioCI(baselineTrialMedians, candidateTrialMedians, { confidence: 1 - alpha, seed: 1 });
  const base = { ratio, ci: [lo, hi] as [number, number], baselineTrials, candidateTrials, noisePct };
  if (baselineTrials < DEFAULTS.minTrials || candidateTrials < DEFAULTS.minTrials) return { kind: 'insufficient-data', pValue: NaN, ...base };
  const { p } = mannWhitneyU(candidateTrialMedians, baselineTrialMedians);
  if (noisePct > maxNoisePct) return { kind: 'unstable', pValue: p, ...base };
  const effect = 1 + minEffectPct / 100;
  let kind: VerdictKind = 'no-change';
  if (p < alpha && lo > effect) kind = 'regression';
  else if (p < alpha && hi < 1 / effect) kind = 'improvement';
  return { kind, pValue: p, ...base };
}

export interface NightOptions {
  /** False discovery rate across the night's series; default 0.05. */
  q?: number;
  minEffectPct?: number;
}

/**
 * One night: a verdict per series, then Benjamini-Hochberg over the p-values of the series that
 * could be judged. A series is a discovery (alert) when BH keeps it and its verdict is a
 * regression or an improvement. expectedFalseAlarms = q x discoveries, BH's bound on the
 * expected number of false ones among them.
 */
export function nightVerdicts(series: readonly { key: string; baseline: number[]; candidate: number[] }[], opts?: NightOptions): { results: { key: string; verdict: Verdict; discovery: boolean }[]; expectedFalseAlarms: number } {
  const q = opts?.q ?? 0.05;
  const verdicts = series.map((s) => compareTrials(s.baseline, s.candidate, { minEffectPct: opts?.minEffectPct, alpha: q }));
  const judged = verdicts.map((v) => (v.kind === 'insufficient-data' || v.kind === 'unstable' ? NaN : v.pValue));
  const kept = benjaminiHochberg(judged, q);
  const results = series.map((s, i) => {
    const verdict = verdicts[i]!;
    return { key: s.key, verdict, discovery: kept[i]! && (verdict.kind === 'regression' || verdict.kind === 'improvement') };
  });
  const discoveries = results.filter((r) => r.discovery).length;
  return { results, expectedFalseAlarms: q * discoveries };
}
