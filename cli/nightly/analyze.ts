// Tonight's series against their baselines: verdicts with the false discovery rate controlled
// across the night (Benjamini-Hochberg), correctness failures kept out of the timings, noisy
// series marked unstable, and a change-point scan over each series' nightly history.

import type { NightPoint } from './history.js';
import type { SeriesIdentity, SeriesPoint } from './series.js';
import { benjaminiHochberg, changePoints, compareTrials, median, type Verdict } from './verdicts.js';

/** regression: confirmed by a rerun; suspected: significant tonight, not confirmed (or not yet
 * rerun); invalid: the jobs failed or their outputs were wrong, so they are not timings. */
export type SeriesStatus = 'regression' | 'suspected' | 'improvement' | 'no-change' | 'unstable' | 'insufficient-data' | 'invalid';

export interface Drift {
  /** The first night of the new level. */
  runId: string;
  at: string;
  beforeMs: number;
  afterMs: number;
  ratio: number;
}

export interface Confirmation {
  runId: string;
  deviceId: string;
  unit: string;
  verdict: Verdict;
  confirmed: boolean;
}

export interface SeriesReport extends SeriesIdentity {
  key: string;
  status: SeriesStatus;
  problem: string | null;
  trials: number[];
  baselineTrials: number;
  baselineNights: number;
  verdict: Verdict | null;
  discovery: boolean;
  confirmation: Confirmation | null;
  drift: Drift | null;
}

export interface AnalyzeOptions {
  q: number;
  minEffectPct: number;
  maxNoisePct: number;
}

/** The baseline of one series: its past nights (window) or one named run's trials. */
export type BaselineOf = (key: string) => NightPoint[];

/**
 * The night's verdicts. Each series is judged alone first (compareTrials with the suite's noise
 * limit and effect size); those that can be judged (valid, stable, with a baseline) enter one
 * Benjamini-Hochberg at q across the night, and a series is alerted only when BH keeps it and its
 * verdict is a regression or an improvement. This is nightVerdicts' rule (expected false alarms =
 * q x discoveries); nightVerdicts itself is not called because it fixes the noise limit at the
 * library's default, and a suite sets its own.
 */
export function analyzeNight(points: readonly SeriesPoint[], baselineOf: BaselineOf, options: AnalyzeOptions): { series: SeriesReport[]; expectedFalseAlarms: number; judged: number } {
  const alone = new Map(points.filter((p) => p.problem === null && p.trials.length > 0).map((p) => [p.key,
    compareTrials(baselineOf(p.key).flatMap((n) => n.trials), p.trials, { minEffectPct: options.minEffectPct, alpha: options.q, maxNoisePct: options.maxNoisePct })]));
  const judged = points.filter((p) => {
    const kind = alone.get(p.key)?.kind;
    return kind !== undefined && kind !== 'unstable' && kind !== 'insufficient-data';
  });
  const kept = benjaminiHochberg(judged.map((p) => alone.get(p.key)!.pValue), options.q);
  const discoveries = new Set(judged.filter((p, i) => kept[i]! && ['regression', 'improvement'].includes(alone.get(p.key)!.kind)).map((p) => p.key));
  const series = points.map((p): SeriesReport => {
    const { jobIds: _jobs, ...identity } = p;
    const base = baselineOf(p.key);
    const report: SeriesReport = {
      ...identity, status: 'invalid', problem: p.problem, baselineTrials: base.reduce((s, n) => s + n.trials.length, 0), baselineNights: base.length,
      verdict: null, discovery: false, confirmation: null, drift: null,
    };
    const verdict = alone.get(p.key);
    if (p.problem !== null || verdict === undefined) return { ...report, problem: p.problem ?? 'no timings' };
    if (verdict.kind === 'unstable' || verdict.kind === 'insufficient-data') return { ...report, status: verdict.kind, verdict };
    const discovery = discoveries.has(p.key);
    const status: SeriesStatus = !discovery ? 'no-change' : verdict.kind === 'regression' ? 'suspected' : 'improvement';
    return { ...report, status, verdict, discovery };
  });
  return { series, expectedFalseAlarms: options.q * discoveries.size, judged: judged.length };
}

/** A rerun's trials against the same baseline: the regression stands when it is still one. */
export function confirm(report: SeriesReport, baseline: readonly number[], rerun: readonly number[], options: AnalyzeOptions): { verdict: Verdict; confirmed: boolean } {
  const verdict = compareTrials(baseline, rerun, { minEffectPct: options.minEffectPct, alpha: options.q, maxNoisePct: options.maxNoisePct });
  return { verdict, confirmed: verdict.kind === 'regression' && report.status === 'suspected' };
}

/** The latest level shift in a series' nightly medians (history plus tonight), or null. */
export function driftOf(nights: readonly NightPoint[], minSize = 3): Drift | null {
  const medians = nights.map((n) => median(n.trials));
  if (medians.length < 2 * minSize) return null;
  const cuts = changePoints(medians, { minSize });
  const at = cuts.at(-1);
  if (at === undefined) return null;
  const before = median(medians.slice(cuts.at(-2) ?? 0, at));
  const after = median(medians.slice(at));
  return { runId: nights[at]!.runId, at: nights[at]!.at, beforeMs: before, afterMs: after, ratio: after / before };
}
